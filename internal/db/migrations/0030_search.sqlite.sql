-- Full-text search (package search): one FTS5 table per kind of item, the row of an item
-- having its id as rowid and, as title and body, its text normalised in Go (lowercased,
-- accents folded, stop words dropped, French stems), so that the tokenizer only splits words;
-- the title weighs more in the ranking (bm25). The
-- stores keep it current in the transaction of each write; the step indexes the items
-- already there. PostgreSQL has the same index as tsvectors (0030_search.postgres.sql).
-- step: search.rebuild
CREATE VIRTUAL TABLE search_ideas USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE search_dossiers USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE search_sessions USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
-- A deleted row's words leave the index at once rather than at the next merge of its
-- segments, like the rest of the file's deleted content (secure_delete).
INSERT INTO search_ideas (search_ideas, rank) VALUES ('secure-delete', 1);
INSERT INTO search_dossiers (search_dossiers, rank) VALUES ('secure-delete', 1);
INSERT INTO search_sessions (search_sessions, rank) VALUES ('secure-delete', 1);

-- An FTS5 table has no foreign key: an item's deletion (an account's erasure deletes its
-- ideas) removes its row here.
CREATE TRIGGER search_ideas_delete AFTER DELETE ON ideas BEGIN
    DELETE FROM search_ideas WHERE rowid = old.id;
END;
CREATE TRIGGER search_dossiers_delete AFTER DELETE ON dossiers BEGIN
    DELETE FROM search_dossiers WHERE rowid = old.id;
END;
CREATE TRIGGER search_sessions_delete AFTER DELETE ON workshop_sessions BEGIN
    DELETE FROM search_sessions WHERE rowid = old.id;
END;
