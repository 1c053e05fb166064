-- Ideas deposited by citizens during a campaign's ideas phase, and their moderation.
-- The commune is an INSEE code; its arrondissement and EPCI are copied at deposit time so
-- that lists filter and count by territory in SQL. A hidden idea keeps its row: hidden_at,
-- the reason (e-mailed to the author) and the agent who hid it.

CREATE TABLE ideas (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    theme TEXT NOT NULL,
    commune TEXT NOT NULL,
    arrondissement TEXT NOT NULL DEFAULT '',
    epci TEXT NOT NULL DEFAULT '',
    carrier TEXT NOT NULL,
    structure TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    hidden_at {{ts}},
    hidden_reason TEXT NOT NULL DEFAULT '',
    hidden_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL
);
CREATE INDEX ideas_campaign ON ideas (campaign_id, created_at);
CREATE INDEX ideas_author ON ideas (author_id);
