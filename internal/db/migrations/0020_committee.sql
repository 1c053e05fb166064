-- The committee's schedule and quorum (issue 22, item 3).
-- quorum: the fewest reviews handed in per dossier before an agent records a labelling
-- decision without an override. due_on is the day the reviews are due (YYYY-MM-DD in the
-- campaign's time zone, for forms and pages) and due_at its last second as an instant, for
-- the worker's and the console's queries; both NULL when no due date is set.
ALTER TABLE review_settings ADD COLUMN quorum INTEGER NOT NULL DEFAULT 1 CHECK (quorum >= 1);
ALTER TABLE review_settings ADD COLUMN due_on TEXT;
ALTER TABLE review_settings ADD COLUMN due_at {{ts}};

-- One reminder per member per campaign: the row claims it, in the transaction that queues
-- the e-mail, so that two workers cannot both send it.
CREATE TABLE review_reminders (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    due_at {{ts}} NOT NULL,
    sent_at {{ts}} NOT NULL,
    PRIMARY KEY (campaign_id, account_id)
);
