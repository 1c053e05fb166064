-- Invitations to act for an ESS structure. A member of the structure invites an address; the
-- person who receives the e-mail accepts while signed in with that address, and only then
-- becomes a member (and a carrier). The link's secret is stored as its SHA-256 only. An
-- invitation ends accepted, withdrawn or expired; ended ones are kept for the record.
CREATE TABLE structure_invitations (
    id {{id}},
    structure_id BIGINT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL,
    accepted_at {{ts}},
    accepted_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    withdrawn_at {{ts}}
);
CREATE INDEX structure_invitations_structure ON structure_invitations (structure_id);
