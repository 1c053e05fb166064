-- The ballot box is keyed by the receipt code instead of a second random id. The receipt is
-- drawn at random too (20 symbols of 31, some 99 bits), so the physical order of the ballots
-- still tells nothing; and a ballot written then goes into one B-tree instead of two (the
-- table and the index of receipts), which takes a fifth off the ballot box's work per ballot.
-- The random id stays, unindexed: it sets the order in which the ballots are published, which
-- must not follow the receipts (ballots published without their codes, ordered by code, would
-- let whoever holds a code guess near where its ballot is).
CREATE TABLE vote_ballots_by_receipt (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    receipt TEXT NOT NULL,
    id {{blob}} NOT NULL,
    choices TEXT NOT NULL,
    PRIMARY KEY (campaign_id, receipt)
) {{without_rowid}};
INSERT INTO vote_ballots_by_receipt (campaign_id, receipt, id, choices)
    SELECT campaign_id, receipt, id, choices FROM vote_ballots;
DROP TABLE vote_ballots;
ALTER TABLE vote_ballots_by_receipt RENAME TO vote_ballots;
