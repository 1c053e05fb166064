-- An account deleted by its owner (the right to erasure) is not removed: its row keeps its
-- id so that the ideas and dossiers it filed, the audit log's references to it and the other
-- foreign keys hold. Its address, name and password are cleared (the address becomes a
-- placeholder that is not one, for the UNIQUE NOT NULL column) and deleted_at records when.
ALTER TABLE accounts ADD COLUMN deleted_at {{ts}};
