package web

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
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

// dossierOf loads the dossier {id} of the route's campaign.
func (s *Server) dossierOf(r *http.Request) (*campaign.Campaign, *dossier.Dossier, error) {
	c := campaignOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	d, err := dossier.ByID(r.Context(), s.db, id)
	if err != nil {
		return nil, nil, err
	}
	if d.CampaignID != c.ID {
		return nil, nil, apperr.New(apperr.NotFound, "dossier.not_found")
	}
	return c, d, nil
}

// isStaffReader reports whether the actor reads every dossier of the campaign: agents.
// Committee members read only the dossiers assigned to them (see canRead).
func isStaffReader(actor access.Actor, c *campaign.Campaign) bool {
	return access.Allowed(actor, access.PermManageDossiers, nil)
}

// canRead reports whether the actor may read the dossier and its documents: a member of its
// structure, an agent, or a committee member of the campaign to whom it is assigned and who
// declared no conflict of interest. Anyone else is told the dossier does not exist; a
// committee member kept out by a conflict is told why.
func (s *Server) canRead(ctx context.Context, actor access.Actor, c *campaign.Campaign, d *dossier.Dossier) error {
	if !actor.SignedIn() {
		return apperr.New(apperr.Unauthenticated, "error.unauthenticated")
	}
	if isStaffReader(actor, c) {
		return nil
	}
	ok, err := dossier.IsMember(ctx, s.db, d.StructureID, actor.ID())
	if err != nil || ok {
		return err
	}
	if actor.HasRole(access.Committee, &c.ID) {
		_, err := review.CanOpen(ctx, s.db, d.ID, actor.ID())
		if err == nil || !apperr.IsKind(err, apperr.Forbidden) {
			return err
		}
		if ae, _ := apperr.As(err); ae.Message.Key != "review.not_assigned" {
			return err
		}
	}
	return apperr.New(apperr.NotFound, "dossier.not_found")
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
