-- Full-text search (package search): one table per kind of item, the row of an item holding
-- the tsvector of its text normalised in Go (lowercased, accents folded, stop words dropped,
-- French stems) built with the simple configuration, which only splits words (the french
-- configuration would keep the accents and stem again), under a GIN index. The title's words
-- have the weight A, the rest B: the title weighs more in the ranking (ts_rank). The stores keep
-- it current in the transaction of each write; the step indexes the items already there.
-- SQLite has the same index in FTS5 tables (0030_search.sqlite.sql).
-- step: search.rebuild
CREATE TABLE search_ideas (
    id BIGINT PRIMARY KEY REFERENCES ideas(id) ON DELETE CASCADE,
    body TSVECTOR NOT NULL
);
CREATE INDEX search_ideas_body ON search_ideas USING GIN (body);
CREATE TABLE search_dossiers (
    id BIGINT PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    body TSVECTOR NOT NULL
);
CREATE INDEX search_dossiers_body ON search_dossiers USING GIN (body);
CREATE TABLE search_sessions (
    id BIGINT PRIMARY KEY REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    body TSVECTOR NOT NULL
);
CREATE INDEX search_sessions_body ON search_sessions USING GIN (body);
