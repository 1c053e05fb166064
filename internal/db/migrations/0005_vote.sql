-- The citizen vote: the identity settings of each campaign, the census lists, the voters'
-- declarations (a keyed hash of who they are, never the names), the participation register
-- and the ballot box.
--
-- Secrecy: the ballot box holds no voter id, no time and no order. Its key is a random
-- 128-bit id (SQLite: WITHOUT ROWID, so the table is stored in id order; PostgreSQL: no
-- sequence). The participation register is keyed by the keyed hash of the person, with no
-- time either. Neither table is ever written to the audit log.

-- The key of the keyed hash (HMAC) of voters' identities: one random key per database,
-- created at first use; it never leaves the database.
CREATE TABLE vote_secrets (
    id INTEGER PRIMARY KEY,
    hmac_key {{blob}} NOT NULL
);

-- The identity methods a campaign accepts; a campaign without a row accepts the e-mail
-- declaration only.
CREATE TABLE vote_settings (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    email_declaration BOOLEAN NOT NULL,
    census BOOLEAN NOT NULL,
    oidc BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at {{ts}} NOT NULL
);

-- The census lists imported by agents: the people known to be eligible.
CREATE TABLE vote_census (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    family_key TEXT NOT NULL,
    given_key TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    commune TEXT NOT NULL
);
CREATE INDEX vote_census_match ON vote_census (campaign_id, family_key, given_key, birth_date);

-- Voters: an account that proved who it is for one campaign. person_key is the keyed hash
-- of the normalised names, birth date and commune: two accounts cannot declare the same person.
CREATE TABLE vote_voters (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    person_key TEXT NOT NULL,
    commune TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    method TEXT NOT NULL,
    PRIMARY KEY (campaign_id, account_id),
    UNIQUE (campaign_id, person_key)
);

-- The participation register: who voted (as the keyed hash), with the commune and a coarse
-- age bracket for the turnout statistics. No time, no order.
CREATE TABLE vote_participation (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    person_key TEXT NOT NULL,
    commune TEXT NOT NULL,
    age_bracket TEXT NOT NULL,
    PRIMARY KEY (campaign_id, person_key)
) {{without_rowid}};

-- The ballot box: the anonymous ballots. choices is the list of the chosen dossier ids,
-- ascending, comma-separated ("" for a blank ballot).
CREATE TABLE vote_ballots (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    id {{blob}} NOT NULL,
    receipt TEXT NOT NULL,
    choices TEXT NOT NULL,
    PRIMARY KEY (campaign_id, id)
) {{without_rowid}};
CREATE UNIQUE INDEX vote_ballots_receipt ON vote_ballots (campaign_id, receipt);

-- The theme of a project on the ballot, for the catalogue's filter (an idea theme key).
CREATE TABLE vote_project_themes (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers(id) ON DELETE CASCADE,
    theme TEXT NOT NULL
);
