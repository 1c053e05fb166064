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

// resolveCommune finds the commune meant by what was typed: an INSEE code, "Name (code)", a
// postcode served by one commune, or a name (exact, accents and case aside), within the
// département dep ("" for all). It returns false when nothing or several communes match.
func (s *Server) resolveCommune(dep, input string) (territory.Commune, bool) {
	in := strings.TrimSpace(input)
	if i := strings.LastIndexByte(in, '('); i >= 0 && strings.HasSuffix(in, ")") {
		in = strings.TrimSpace(in[i+1 : len(in)-1])
	}
	if in == "" {
		return territory.Commune{}, false
	}
	inDep := func(c territory.Commune) bool { return dep == "" || c.Departement == dep }
	if c, ok := s.Territory.Commune(in); ok && inDep(c) {
		return c, true
	}
	if len(in) == 5 && strings.Trim(in, "0123456789") == "" {
		var found []territory.Commune
		for _, c := range s.Territory.ByPostcode(in) {
			if inDep(c) {
				found = append(found, c)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
		return territory.Commune{}, false
	}
	want := territory.Normalize(in)
	var match []territory.Commune
	for _, c := range s.Territory.Search(in, dep, 10) {
		if territory.Normalize(c.Name) == want {
			match = append(match, c)
		}
	}
	if len(match) == 1 {
		return match[0], true
	}
	return territory.Commune{}, false
}

// resolveCommunes reads a list of communes, one per line (or separated by ";"), and returns
// the codes found and the entries not understood.
func (s *Server) resolveCommunes(dep, input string) (codes, unknown []string) {
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(input, func(r rune) bool { return r == '\n' || r == ';' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		c, ok := s.resolveCommune(dep, part)
		if !ok {
			unknown = append(unknown, part)
			continue
		}
		if !seen[c.Code] {
			seen[c.Code] = true
			codes = append(codes, c.Code)
		}
	}
	return codes, unknown
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
