package web

import (
	"net/http"
	"strconv"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/privacy"
	"budgetcitoyen/internal/vote"
)

type voteAdminPage struct {
	Base
	Campaign   *campaign.Campaign
	Settings   vote.Settings
	CensusSize int
	Voters     int
	Message    string
	Error      string
	BadLines   []vote.CensusLineError
	// BoxMissing: no key ceremony yet and the vote not over: the vote will not open.
	BoxMissing bool
	// VoterDays is the retention form's value (privacy.Campaign.VoterDays, or as typed),
	// RetentionErrors its error.
	VoterDays       string
	RetentionErrors apperr.FieldErrors
}

func (s *Server) voteAdminPage(r *http.Request) (voteAdminPage, error) {
	c := campaignOf(r)
	p := voteAdminPage{Base: s.base(r, "vote.admin.title", c.Name), Campaign: c}
	var err error
	if p.Settings, err = vote.SettingsOf(r.Context(), s.db, c.ID); err != nil {
		return p, err
	}
	if p.CensusSize, err = vote.CensusSize(r.Context(), s.db, c.ID); err != nil {
		return p, err
	}
	if p.Voters, err = vote.VoterCount(r.Context(), s.db, c.ID); err != nil {
		return p, err
	}
	rules, err := privacy.CampaignOf(r.Context(), s.db, c.ID)
	if err != nil {
		return p, err
	}
	p.VoterDays = strconv.Itoa(rules.VoterDays)
	_, err = vote.SealedBoxOf(r.Context(), s.db, c.ID)
	if apperr.IsKind(err, apperr.NotFound) {
		w, ok := c.Window(campaign.PhaseVote)
		p.BoxMissing, err = !ok || s.now().Before(w.End), nil
	}
	return p, err
}

// voteAdmin shows the vote settings of a campaign (identity methods) and its census list.
func (s *Server) voteAdmin(w http.ResponseWriter, r *http.Request) error {
	p, err := s.voteAdminPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "vote_admin", p)
}

// voteAdminSave saves the identity methods (vote.Configure).
func (s *Server) voteAdminSave(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	st := vote.Settings{EmailDeclaration: r.PostFormValue("email") == "1", Census: r.PostFormValue("census") == "1",
		OIDC: r.PostFormValue("oidc") == "1"}
	if err := vote.Configure(r.Context(), s.changeEnv(), whoOf(r), c, st); err != nil {
		if ae, ok := apperr.As(err); ok {
			p, perr := s.voteAdminPage(r)
			if perr != nil {
				return perr
			}
			p.Error = s.cat.T(langOf(r), ae.Message.Key)
			return s.render(w, r, http.StatusUnprocessableEntity, "vote_admin", p)
		}
		return err
	}
	s.flash(r, "vote.admin.saved")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/vote", http.StatusSeeOther)
	return nil
}

// voteCensusImport replaces the campaign's census list with an uploaded CSV
// (vote.LoadCensus).
func (s *Server) voteCensusImport(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	p, err := s.voteAdminPage(r)
	if err != nil {
		return err
	}
	f, _, err := r.FormFile("fichier")
	if err != nil {
		p.Error = s.cat.T(lang, "vote.admin.census_invalid", err.Error())
		return s.render(w, r, http.StatusUnprocessableEntity, "vote_admin", p)
	}
	defer f.Close()
	rows, bad, err := vote.ParseCensus(f)
	if err != nil {
		p.Error = s.cat.T(lang, "vote.admin.census_invalid", err.Error())
		return s.render(w, r, http.StatusUnprocessableEntity, "vote_admin", p)
	}
	n, err := vote.LoadCensus(r.Context(), s.changeEnv(), whoOf(r), c, rows)
	if err != nil {
		return err
	}
	p.CensusSize, p.BadLines = n, bad
	p.Message = s.cat.N(lang, "vote.admin.census_imported", int64(n), n)
	return s.render(w, r, http.StatusOK, "vote_admin", p)
}
