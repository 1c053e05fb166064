-- The number of voters of each day of a campaign's vote, for the statistics of participation
-- over time. The participation register keeps no time, on purpose: this table is a counter
-- per day (a local date of the campaign's time zone, YYYY-MM-DD), incremented in the
-- transaction that writes the register's rows; no row names or links a voter.
CREATE TABLE vote_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    voters BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day)
);
