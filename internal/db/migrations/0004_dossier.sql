-- Dossiers: the ESS structures and their members, the dossiers filed to a campaign with
-- their budget lines and documents, and the specific questions of each category.
-- Money is integer cents; instants are UTC. A dossier's state is free text (no CHECK): the
-- review adds its states without a migration.

CREATE TABLE structures (
    id {{id}},
    name TEXT NOT NULL,
    legal_form TEXT NOT NULL,
    esus BOOLEAN NOT NULL DEFAULT FALSE,
    esus_date {{ts}},
    siret TEXT NOT NULL DEFAULT '',
    siren TEXT NOT NULL DEFAULT '',
    rna TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    commune TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX structures_siret ON structures (siret);

CREATE TABLE structure_members (
    structure_id BIGINT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    added_at {{ts}} NOT NULL,
    PRIMARY KEY (structure_id, account_id)
);
CREATE INDEX structure_members_account ON structure_members (account_id);

-- The specific questions of a category, configured by agents.
CREATE TABLE category_questions (
    id {{id}},
    category_id BIGINT NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX category_questions_category ON category_questions (category_id, position);

CREATE TABLE dossiers (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    structure_id BIGINT NOT NULL REFERENCES structures(id),
    category_id BIGINT NOT NULL REFERENCES categories(id),
    state TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    answers_json TEXT NOT NULL DEFAULT '{}',
    communes TEXT NOT NULL DEFAULT '',
    timeline TEXT NOT NULL DEFAULT '',
    total_cost_cents BIGINT NOT NULL DEFAULT 0,
    support_cents BIGINT NOT NULL DEFAULT 0,
    extended_until {{ts}},
    created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    submitted_at {{ts}}
);
CREATE INDEX dossiers_campaign ON dossiers (campaign_id, state);
CREATE INDEX dossiers_structure ON dossiers (structure_id);

CREATE TABLE dossier_lines (
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL,
    amount_input TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    valid BOOLEAN NOT NULL,
    PRIMARY KEY (dossier_id, kind, position)
);

-- One current document per kind; the bytes live in the blob store under blob_key.
CREATE TABLE dossier_documents (
    id {{id}},
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    blob_key TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    uploaded_at {{ts}} NOT NULL,
    UNIQUE (dossier_id, kind)
);
