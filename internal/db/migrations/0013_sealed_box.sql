-- The sealed ballot box. Before a vote opens, a key ceremony creates the box's key pair and
-- splits its private key into n shares, k of which rebuild it; each trustee receives one
-- share, once. Only the public key is stored, with the Feldman commitments that check a
-- share when it comes back: the private key and the shares are never written anywhere.
--
-- While the box is sealed, a ballot (its choices and its receipt code) is stored only as a
-- ciphertext to the box's key. The ballots of one group commit share one HPKE encapsulated
-- key (vote_sealed_groups); a ciphertext is opened with its group's key and its place in the
-- group. Keys are random (group id) or a hash of the ciphertext (its fingerprint, the voter's
-- tracker): SQLite stores these WITHOUT ROWID tables in key order, not in the order of
-- casting. At the unsealing, the ballots are decrypted, written to vote_ballots in a fresh
-- random order, and the ciphertexts are deleted.
CREATE TABLE vote_boxes (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    k INTEGER NOT NULL,
    n INTEGER NOT NULL,
    public_key {{blob}} NOT NULL,
    commitments TEXT NOT NULL,
    sealed_at {{ts}} NOT NULL,
    unsealed_at {{ts}}
);

-- Who holds which share (its index, 1 to n): trustees are accounts with the trustee role on
-- the campaign.
CREATE TABLE vote_box_trustees (
    campaign_id BIGINT NOT NULL REFERENCES vote_boxes(campaign_id) ON DELETE CASCADE,
    share_index INTEGER NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (campaign_id, share_index)
) {{without_rowid}};

CREATE TABLE vote_sealed_groups (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    id {{blob}} NOT NULL,
    enc {{blob}} NOT NULL,
    PRIMARY KEY (campaign_id, id)
) {{without_rowid}};

CREATE TABLE vote_sealed_ballots (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    group_id {{blob}} NOT NULL,
    seq INTEGER NOT NULL,
    ciphertext {{blob}} NOT NULL,
    PRIMARY KEY (campaign_id, fingerprint)
) {{without_rowid}};
