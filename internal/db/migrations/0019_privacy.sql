-- How long the platform keeps each kind of personal data. The site-wide durations are one
-- row (absent: the defaults of package privacy); a campaign's own durations are a row per
-- campaign (absent: the defaults). voters_purged_at records that the nightly purge removed
-- the campaign's voter register identities, so that it does it once.
CREATE TABLE privacy_settings (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    throttle_hours INTEGER NOT NULL,
    unverified_days INTEGER NOT NULL,
    outbox_days INTEGER NOT NULL,
    log_days INTEGER NOT NULL,
    controller TEXT NOT NULL DEFAULT '',
    dpo_contact TEXT NOT NULL DEFAULT '',
    updated_at {{ts}} NOT NULL
);

CREATE TABLE campaign_retention (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    voter_days INTEGER NOT NULL,
    voters_purged_at {{ts}},
    updated_at {{ts}} NOT NULL
);
