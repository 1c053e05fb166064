package web

import (
	"path/filepath"
	"strings"

	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/territory"
)

// The dossier pages: structures (under /compte/structures), the carrier's multi-step form
// (under /{slug}/dossiers), the documents, the receipt, and the agents' list and exports
// (under /admin/campagnes/{slug}/dossiers).

// blobs is where the dossiers' documents are kept: a private folder of the data directory.
func (s *Server) blobs() dossier.Blobs {
	dir := s.dataDir
	if dir == "" {
		dir = "data"
	}
	return dossier.LocalBlobs{Dir: filepath.Join(dir, "blobs")}
}

// communeLabel is "Arras (62041)", the way a stored commune is shown and typed back.
func (s *Server) communeLabel(code string) string {
	if c, ok := s.Territory.Commune(code); ok {
		return c.Name + " (" + c.Code + ")"
	}
	return code
}

func (s *Server) communeName(code string) string {
	if c, ok := s.Territory.Commune(code); ok {
		return c.Name
	}
	return code
}

// resolveCommune finds the commune meant by what was typed, within the département dep
// ("" for all): see territory.Resolve (five digits are a postcode first). When several
// communes match (a shared postcode, homonyms), it returns them as choices.
func (s *Server) resolveCommune(dep, input string) (territory.Commune, []territory.Commune, bool) {
	found := s.Territory.Resolve(input, dep)
	if len(found) == 1 {
		return found[0], nil, true
	}
	return territory.Commune{}, found, false
}

// communeChoiceLabel names a commune in a list of choices: "Lens (62300)", with its
// postcodes, which people know, rather than its INSEE code.
func communeChoiceLabel(c territory.Commune) string { return communeLabel(c) }

// resolveCommunes reads a list of communes, one per line (or separated by ";"), and returns
// the codes found and the entries not understood.
func (s *Server) resolveCommunes(dep, input string) (codes, unknown []string, ambiguous map[string][]territory.Commune) {
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(input, func(r rune) bool { return r == '\n' || r == ';' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		c, choices, ok := s.resolveCommune(dep, part)
		if !ok {
			if len(choices) > 1 {
				if ambiguous == nil {
					ambiguous = map[string][]territory.Commune{}
				}
				ambiguous[part] = choices
			}
			unknown = append(unknown, part)
			continue
		}
		if !seen[c.Code] {
			seen[c.Code] = true
			codes = append(codes, c.Code)
		}
	}
	return codes, unknown, ambiguous
}

func (s *Server) communesText(codes []string) string {
	lines := make([]string, len(codes))
	for i, c := range codes {
		lines[i] = s.communeLabel(c)
	}
	return strings.Join(lines, "\n")
}

// arrondissementOf returns the arrondissement code of a commune ("" if unknown).
func (s *Server) arrondissementOf(code string) string {
	if c, ok := s.Territory.Commune(code); ok {
		return c.Arrondissement
	}
	return ""
}
