-- The institution's identity shown on every page (package identity): one row, absent until
-- an administrator sets it. The logo is kept sanitised (a re-encoded PNG or a rebuilt SVG),
-- with its type; its hash is computed from the bytes, not stored.
CREATE TABLE site_identity (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    name TEXT NOT NULL,
    color TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    logo {{blob}},
    logo_type TEXT NOT NULL DEFAULT '',
    updated_at {{ts}} NOT NULL
);
