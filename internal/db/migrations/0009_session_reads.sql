-- Reading a session and its account is the first thing of every signed-in request; on
-- SQLite, where each write empties the page caches of the other connections, every B-tree
-- it walks costs reads. Sessions are clustered by their token (WITHOUT ROWID: the row is in
-- the key's B-tree) and the roles of an account come from an index that holds them whole.
CREATE TABLE sessions_by_token (
    token TEXT PRIMARY KEY,
    data {{blob}} NOT NULL,
    expiry {{ts}} NOT NULL,
    account_id BIGINT
) {{without_rowid}};
INSERT INTO sessions_by_token (token, data, expiry, account_id) SELECT token, data, expiry, account_id FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_by_token RENAME TO sessions;
CREATE INDEX sessions_expiry ON sessions (expiry);
CREATE INDEX account_roles_by_account ON account_roles (account_id, role, campaign_id);
