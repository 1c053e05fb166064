-- The account a session signs in, beside the session's data: reading a session then reads
-- its account and roles in the same query (one query per request instead of two).
ALTER TABLE sessions ADD COLUMN account_id BIGINT;
