-- The photo of a dossier (kind 'photo') is shown on the catalogue, the ballot, the project
-- page and the results: it keeps the alternative text its carrier wrote for it, and its
-- size in pixels (after the re-encoding), for the width and height of the pages' <img>.
-- Other documents keep '' and 0.
ALTER TABLE dossier_documents ADD COLUMN alt_text TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier_documents ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossier_documents ADD COLUMN height INTEGER NOT NULL DEFAULT 0;
