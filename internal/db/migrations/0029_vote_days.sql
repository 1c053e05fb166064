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

-- The statistics group the register by commune and age bracket: an index in that order lets
-- them read it without sorting (a campaign of 40,000 voters: a few tens of milliseconds on
-- SQLite instead of a hundred or more). Its entries are ordered by those values and the
-- person key, never by time.
CREATE INDEX vote_participation_place ON vote_participation (campaign_id, commune, age_bracket);
