-- Nothing on SQLite: its server process keeps its copies of sessions under the versions of
-- migration 11 (PostgreSQL gets notifications instead).
SELECT 1;
