-- The labelling committee and the commission decisions: committee members of a campaign,
-- the number of reviewers per dossier, the criteria grid of each category, the assignments
-- (one row per member and dossier, holding the conflict declaration and the private review),
-- the public history of each dossier's states, the commission's validation of the labelled
-- list, the Commission permanente decision with its grants, and the proclamation.
-- Dossier states themselves live in dossiers.state (free text).

CREATE TABLE review_members (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    added_at {{ts}} NOT NULL,
    PRIMARY KEY (campaign_id, account_id)
);

CREATE TABLE review_settings (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    min_reviewers INTEGER NOT NULL CHECK (min_reviewers >= 1),
    updated_at {{ts}} NOT NULL
);

CREATE TABLE review_criteria (
    id {{id}},
    category_id BIGINT NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    weight INTEGER NOT NULL CHECK (weight >= 1),
    UNIQUE (category_id, position)
);

-- conflict: '' not declared yet, 'none' declared without conflict, 'conflict' declared.
-- checklist_json and scores_json hold the private review; submitted_at is set when the
-- member hands it in.
CREATE TABLE review_assignments (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    automatic BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_at {{ts}} NOT NULL,
    conflict TEXT NOT NULL DEFAULT '',
    conflict_note TEXT NOT NULL DEFAULT '',
    declared_at {{ts}},
    checklist_json TEXT NOT NULL DEFAULT '{}',
    scores_json TEXT NOT NULL DEFAULT '{}',
    opinion TEXT NOT NULL DEFAULT '',
    motivation TEXT NOT NULL DEFAULT '',
    submitted_at {{ts}},
    updated_at {{ts}} NOT NULL,
    UNIQUE (dossier_id, account_id)
);
CREATE INDEX review_assignments_account ON review_assignments (campaign_id, account_id);

-- The public history of a dossier: every state it went through after submission, with the
-- public motivation shown to its carrier.
CREATE TABLE review_history (
    id {{id}},
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    motivation TEXT NOT NULL DEFAULT '',
    at {{ts}} NOT NULL
);
CREATE INDEX review_history_dossier ON review_history (dossier_id, id);

-- The commission's validation of the labelled list (one per campaign).
CREATE TABLE review_commissions (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    held_on TEXT NOT NULL,
    reference TEXT NOT NULL,
    recorded_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    recorded_at {{ts}} NOT NULL
);

-- The Commission permanente decision (one per campaign) and the amount granted per winner.
CREATE TABLE review_decisions (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    decided_on TEXT NOT NULL,
    deliberation TEXT NOT NULL,
    recorded_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    recorded_at {{ts}} NOT NULL
);

CREATE TABLE review_grants (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    computed_cents BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_grants_campaign ON review_grants (campaign_id);

-- The proclamation of the results (publishes the results page).
CREATE TABLE review_proclamations (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    proclaimed_at {{ts}} NOT NULL,
    recorded_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL
);
