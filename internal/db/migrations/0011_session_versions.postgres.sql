-- The sessions of an account, for signing an account out everywhere without scanning every
-- session. PostgreSQL needs no more: its buffers are shared by all connections and outlive
-- commits, so reading a session costs about what reading a version would (see the SQLite
-- version of this migration), and the server keeps no sessions in memory.
CREATE INDEX sessions_account ON sessions (account_id);
