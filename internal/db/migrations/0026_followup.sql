-- The public follow-up of the funded projects (package followup), from the Commission
-- permanente's grant to the final report.

-- A campaign's follow-up settings (absent: the defaults of package followup). steps and
-- indicators are labels, one per line; report_due_on is the date the final reports are due
-- (YYYY-MM-DD, '' for none); stale_months is how long a project may go without a published
-- update before its carrier is reminded; advance_percent is the share of the grant paid as
-- an advance when the agreement is signed (the balance follows the final report).
CREATE TABLE followup_settings (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    steps TEXT NOT NULL,
    indicators TEXT NOT NULL,
    max_photos INTEGER NOT NULL,
    advance_percent INTEGER NOT NULL,
    report_due_on TEXT NOT NULL DEFAULT '',
    stale_months INTEGER NOT NULL,
    updated_at {{ts}} NOT NULL
);

-- A funded project's follow-up: the step reached (0: none yet; n: the n-th label of the
-- campaign's steps), its progress, and when its carrier was last reminded.
CREATE TABLE followup_projects (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    step INTEGER NOT NULL DEFAULT 0,
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stale_reminded_at {{ts}},
    report_reminded_at {{ts}},
    updated_at {{ts}} NOT NULL
);
CREATE INDEX followup_projects_campaign ON followup_projects (campaign_id);

-- The updates a carrier posts (a milestone: text, dates, photos, the step and progress it
-- reports). An agent publishes it or sends it back with a comment; only published updates
-- are public.
CREATE TABLE followup_updates (
    id {{id}},
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'published', 'returned')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    planned_on TEXT NOT NULL DEFAULT '',
    done_on TEXT NOT NULL DEFAULT '',
    step INTEGER NOT NULL DEFAULT 0,
    progress INTEGER CHECK (progress BETWEEN 0 AND 100),
    author_id BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    review_comment TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    reviewed_at {{ts}},
    published_at {{ts}}
);
CREATE INDEX followup_updates_dossier ON followup_updates (dossier_id, id);
CREATE INDEX followup_updates_campaign ON followup_updates (campaign_id, status, published_at);

-- The photos of an update (re-encoded JPEG or PNG, with their alternative text and size).
CREATE TABLE followup_photos (
    id {{id}},
    update_id BIGINT NOT NULL REFERENCES followup_updates(id) ON DELETE CASCADE,
    blob_key TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    alt_text TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX followup_photos_update ON followup_photos (update_id, position);

-- The payments of the granted support (an advance, the balance, any other), recorded by an
-- agent; their sum never exceeds the granted amount.
CREATE TABLE followup_payments (
    id {{id}},
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('advance', 'balance', 'other')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    paid_on TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    recorded_at {{ts}} NOT NULL
);
CREATE INDEX followup_payments_dossier ON followup_payments (dossier_id, paid_on);
CREATE INDEX followup_payments_campaign ON followup_payments (campaign_id);

-- The final report (bilan) of a project: the campaign's indicators as filed (labels kept
-- with their values, JSON), a free text, the actual total cost; an agent accepts it or
-- sends it back with a comment.
CREATE TABLE followup_reports (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'returned')),
    indicators TEXT NOT NULL,
    summary TEXT NOT NULL,
    total_cost_cents BIGINT NOT NULL CHECK (total_cost_cents >= 0),
    submitted_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    submitted_at {{ts}} NOT NULL,
    review_comment TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    reviewed_at {{ts}}
);
CREATE INDEX followup_reports_campaign ON followup_reports (campaign_id);

-- The documents of a final report (PDF or images).
CREATE TABLE followup_report_files (
    id {{id}},
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    blob_key TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at {{ts}} NOT NULL
);
CREATE INDEX followup_report_files_dossier ON followup_report_files (dossier_id, id);
