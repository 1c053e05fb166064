-- Subscriptions by e-mail (package subscription): anyone may follow a topic — today a funded
-- project's published updates (kind 'project', target_id = its dossier); tomorrow a
-- campaign's news (kind 'campaign', target_id = the campaign) — without an account. Double
-- opt-in: nothing is sent but the confirmation e-mail until the link in it is followed
-- (confirmed_at). The confirmation secret is stored hashed (confirm_hash, '' once used);
-- the unsubscribe secret is stored as is, since every e-mail of the subscription carries it,
-- and it can do nothing but end the subscription. confirm_sent_at is when the last
-- confirmation e-mail was asked, so that a visitor cannot have one address flooded.
CREATE TABLE subscriptions (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'fr',
    confirm_hash TEXT NOT NULL DEFAULT '',
    unsubscribe_token TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL,
    confirm_sent_at {{ts}} NOT NULL,
    confirmed_at {{ts}},
    UNIQUE (kind, target_id, email)
);
CREATE INDEX subscriptions_email ON subscriptions (email);
CREATE INDEX subscriptions_confirm ON subscriptions (confirm_hash);

-- An e-mail of a subscription carries the address of its one-click unsubscription (RFC 8058:
-- List-Unsubscribe and List-Unsubscribe-Post headers); '' for other e-mails.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';
