-- Foundation: campaigns, accounts and roles, sessions, tokens, login throttling, the audit
-- log and the e-mail outbox. Money is integer cents; instants are UTC.

CREATE TABLE campaigns (
    id {{id}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    territory TEXT NOT NULL,
    envelope_cents BIGINT NOT NULL CHECK (envelope_cents > 0),
    timezone TEXT NOT NULL,
    vote_rule TEXT NOT NULL,
    vote_k INTEGER NOT NULL DEFAULT 0,
    aggregation_rule TEXT NOT NULL,
    per_category_envelopes BOOLEAN NOT NULL DEFAULT FALSE,
    tie_break TEXT NOT NULL,
    min_voter_age INTEGER NOT NULL,
    comptoir_required BOOLEAN NOT NULL DEFAULT TRUE,
    ballot_publication TEXT NOT NULL,
    ideas_public BOOLEAN NOT NULL DEFAULT TRUE,
    contact_email TEXT NOT NULL DEFAULT '',
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    copied_from BIGINT REFERENCES campaigns(id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);

CREATE TABLE campaign_phases (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    phase TEXT NOT NULL,
    starts_at {{ts}} NOT NULL,
    ends_at {{ts}} NOT NULL,
    PRIMARY KEY (campaign_id, phase)
);

CREATE TABLE categories (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rule_kind TEXT NOT NULL,
    flat_cents BIGINT NOT NULL DEFAULT 0,
    rate_bp INTEGER NOT NULL DEFAULT 0,
    cap_cents BIGINT NOT NULL DEFAULT 0,
    floor_cents BIGINT NOT NULL DEFAULT 0,
    envelope_cents BIGINT,
    UNIQUE (campaign_id, position)
);

CREATE TABLE accounts (
    id {{id}},
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    email_verified_at {{ts}},
    lang TEXT NOT NULL DEFAULT 'fr',
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{ts}} NOT NULL
);

-- A role is held globally (campaign_id NULL: agent, administrator) or for one campaign.
CREATE TABLE account_roles (
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    campaign_id BIGINT REFERENCES campaigns(id) ON DELETE CASCADE,
    granted_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX account_roles_unique ON account_roles (account_id, role, COALESCE(campaign_id, 0));

-- Single-use, expiring links and codes (e-mail verification, password reset, sign-in code).
-- Only a hash of the secret is stored.
CREATE TABLE account_tokens (
    id {{id}},
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at {{ts}} NOT NULL,
    used_at {{ts}},
    created_at {{ts}} NOT NULL
);
CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);

-- Web sessions, shared by every server process.
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    data {{blob}} NOT NULL,
    expiry {{ts}} NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- Failed sign-in attempts, per account and per client address, in a sliding window.
CREATE TABLE login_failures (
    id {{id}},
    throttle_key TEXT NOT NULL,
    failed_at {{ts}} NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (throttle_key, failed_at);

-- Append-only audit log; each entry's hash covers its content and the previous entry's hash.
CREATE TABLE audit_log (
    id {{id}},
    at {{ts}} NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    campaign_id BIGINT,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);

-- The head of the chain: the last entry's id and hash, updated with every append, so that
-- removing the newest entries is detected too.
CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

-- E-mails to send, written in the same transaction as the change they announce.
CREATE TABLE outbox (
    id {{id}},
    created_at {{ts}} NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{ts}} NOT NULL,
    locked_until {{ts}},
    sent_at {{ts}},
    failed_at {{ts}},
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
