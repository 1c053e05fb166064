-- A campaign's news by e-mail (package subscription, kind 'campaign', target_id = the
-- campaign): topics is the comma-framed list of the news wanted (",ideas,vote,closing,",
-- see subscription.Topics), commune the INSEE code of the subscriber's commune ('' for none:
-- the comptoirs' news then go nowhere). consent_at and consent_text are when the address's
-- owner confirmed, and the exact wording the form showed them (the proof of consent).
ALTER TABLE subscriptions ADD COLUMN topics TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN commune TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN consent_text TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN consent_at {{ts}};
CREATE INDEX subscriptions_topic ON subscriptions (kind, target_id, id);

-- The news e-mails of a campaign, each claimed once whatever the number of workers (the
-- unique (campaign_id, kind)): kind is 'ideas_open', 'vote_open', 'vote_closing',
-- 'results', 'comptoir:<session id>' or 'letter:<letter id>'. sent_at is when it was
-- claimed and its queueing began (the statistics mark these days); the e-mails are queued by
-- chunks in the order of the subscriptions' ids, cursor being the last id queued, so that a
-- worker stopped midway is resumed by any other without sending anyone a second e-mail;
-- done_at is set once all are queued, recipients counts them.
CREATE TABLE campaign_mailings (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sent_at {{ts}} NOT NULL,
    cursor_id BIGINT NOT NULL DEFAULT 0,
    recipients BIGINT NOT NULL DEFAULT 0,
    done_at {{ts}},
    UNIQUE (campaign_id, kind)
);

-- The newsletters the agents write to a campaign's subscribers: a title and a body of plain
-- paragraphs; status 'draft', 'scheduled' (send_at set: the worker sends it from then),
-- 'sent' or 'cancelled'.
CREATE TABLE campaign_letters (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    send_at {{ts}},
    created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    sent_at {{ts}}
);
CREATE INDEX campaign_letters_due ON campaign_letters (status, send_at);

-- The HTML alternative of an e-mail (the news e-mails: multipart/alternative, the text
-- staying the reference); '' for a plain-text e-mail.
ALTER TABLE outbox ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
