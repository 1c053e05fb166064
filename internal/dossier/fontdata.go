package dossier

// FontTTF returns the embedded DejaVu Sans font (free licence, see font/LICENSE), for the
// other PDFs of the platform (the committee's minutes).
func FontTTF() []byte { return fontTTF }
