-- The limits on what the site may be asked to send: one row per e-mail asked (to which
-- address, by which client) and per account created (by which client), read back over the
-- last hour by the checks of internal/mail (quota.go) and deleted once older than that.
-- Kept in the database, the limits hold across restarts and across several server
-- processes. The address is stored as a SHA-256 hash of its normalised form: the rows count
-- e-mails to an address without keeping it.
CREATE TABLE mail_quota (
    id {{id}},
    at {{ts}} NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('mail', 'account')),
    client TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_quota_client ON mail_quota (client, kind, at);
CREATE INDEX mail_quota_recipient ON mail_quota (recipient, at);
CREATE INDEX mail_quota_at ON mail_quota (at);
