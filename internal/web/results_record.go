package web

import (
	"context"
	"net/http"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/review"
)

// Recording the results of the vote in the review: once the vote has closed, an agent moves
// the engine's winners to "winner" and every other project on the ballot to "not_funded"
// (review.RecordResults, audited as review.results). The Commission permanente decision form
// then lists the winners with their computed support.

// resultsRecordState says what the decision page may offer: whether the vote is closed, how
// many projects still wait on the ballot and whether the results are already recorded.
type resultsRecordState struct {
	VoteClosed bool
	OnBallot   int
	Recorded   bool
}

// decidedStates are the states a project of the ballot reaches once the results are recorded.
var decidedStates = []dossier.State{dossier.StateWinner, dossier.StateNotFunded, dossier.StateGranted,
	dossier.StateInProgress, dossier.StateCompleted, dossier.StateAbandoned}

func (s *Server) resultsRecordState(ctx context.Context, c *campaign.Campaign) (resultsRecordState, error) {
	st := resultsRecordState{VoteClosed: voteClosed(c, s.now())}
	ballot, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID, State: dossier.StateBallot})
	if err != nil {
		return st, err
	}
	st.OnBallot = len(ballot)
	for _, state := range decidedStates {
		ds, err := dossier.List(ctx, s.db, dossier.Filter{CampaignID: c.ID, State: state})
		if err != nil {
			return st, err
		}
		if len(ds) > 0 {
			st.Recorded = true
			break
		}
	}
	return st, nil
}

// resultsRecord (POST /admin/campagnes/{slug}/resultats) records the engine's winners.
// A second press is refused: the results are recorded once.
func (s *Server) resultsRecord(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ctx := r.Context()
	st, err := s.resultsRecordState(ctx, c)
	if err != nil {
		return err
	}
	switch {
	case !st.VoteClosed:
		return apperr.New(apperr.Conflict, "oidcvote.results.not_closed")
	case st.Recorded:
		return apperr.New(apperr.Conflict, "oidcvote.results.already")
	case st.OnBallot == 0:
		return apperr.New(apperr.Conflict, "oidcvote.results.no_ballot")
	}
	comp, err := s.resultsOf(ctx, c)
	if err != nil {
		return err
	}
	defer s.campaignChanged()
	if err := review.RecordResults(ctx, s.reviewEnv(), whoOf(r), c, comp.Result.Winners); err != nil {
		if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Conflict && ae.Message.Key == "review.bulk.illegal" {
			// Recorded by a concurrent press meanwhile.
			return apperr.New(apperr.Conflict, "oidcvote.results.already")
		}
		return err
	}
	s.flash(r, "oidcvote.results.recorded")
	http.Redirect(w, r, "/admin/campagnes/"+c.Slug+"/commission-permanente", http.StatusSeeOther)
	return nil
}
