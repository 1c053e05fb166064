-- Comptoirs à initiatives citoyennes: workshop sessions, their animators, registrations
-- (with the waiting list), attendance and the reminder marker. Instants are UTC.

CREATE TABLE workshop_sessions (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL,              -- comma-separated topic codes
    host TEXT NOT NULL,                -- the ESS structure that hosts the session
    address TEXT NOT NULL,
    commune TEXT NOT NULL,             -- INSEE code of a commune of the campaign's territory
    starts_at {{ts}} NOT NULL,
    ends_at {{ts}} NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    cancelled_at {{ts}},
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX workshop_sessions_campaign ON workshop_sessions (campaign_id, starts_at);
CREATE INDEX workshop_sessions_start ON workshop_sessions (starts_at);

CREATE TABLE workshop_animators (
    session_id BIGINT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, account_id)
);
CREATE INDEX workshop_animators_account ON workshop_animators (account_id);

-- One row per person and session: registered (holds a seat) or waiting (in the order of id).
-- Cancelling deletes the row; the unique constraint keeps one registration per person.
CREATE TABLE workshop_registrations (
    id {{id}},
    session_id BIGINT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('registered', 'waiting')),
    created_at {{ts}} NOT NULL,
    attendance TEXT NOT NULL DEFAULT '' CHECK (attendance IN ('', 'present', 'absent')),
    attendance_at {{ts}},
    reminded_at {{ts}},
    UNIQUE (session_id, account_id)
);
CREATE INDEX workshop_registrations_account ON workshop_registrations (account_id);
CREATE INDEX workshop_registrations_session ON workshop_registrations (session_id, status, id);
