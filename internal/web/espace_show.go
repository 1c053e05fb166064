package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/dossier"
	"budgetcitoyen/internal/i18n"
	"budgetcitoyen/internal/idea"
	"budgetcitoyen/internal/review"
	"budgetcitoyen/internal/vote"
	"budgetcitoyen/internal/workshop"
)

// "Mon espace" (/espace) is the page after sign-in: what the person has on the platform and
// what waits for them, by role, each item linking to the page where it is read or done.
// /compte keeps the account's settings. The page only reads, through the domains' stores
// (the same calls as mydata.Collect, minus what only the right of access needs).

// espaceLink is a link with its text, already translated.
type espaceLink struct {
	URL, Text string
}

type espaceIdea struct {
	Campaign    string
	Title       string
	URL         string
	Orientation string // the idea's orientation page: the comptoirs near its commune
	Hidden      bool
	Deposited   time.Time
}

type espaceRegistration struct {
	Campaign   string
	Title      string
	URL        string
	Start      time.Time
	Status     string // translated: registered, waiting list (with the place), cancelled
	Attendance string // translated, empty while unmarked
}

type espaceDossier struct {
	Campaign  string
	Title     string
	Structure string
	URL       string
	State     string // translated
	Next      string // what the carrier does (or waits for) next, translated
	NextLink  *espaceLink
}

type espaceVote struct {
	Campaign string
	Voted    bool
	Open     string // the vote is open and they have not voted: until when, translated
	URL      string
}

type espaceAssignment struct {
	Title    string
	URL      string // the review form; empty after a declared conflict (the form is refused)
	Status   string // translated
	Assigned time.Time
}

type espaceCommittee struct {
	Campaign    string
	URL         string // /{slug}/comite
	Assignments []espaceAssignment
	ToDo        int
	Done        int    // reviews given, counted alone once the labelling phase is over
	Due         string // the campaign's review due date in words, "" without one (see espaceCommitteeOf)
}

type espaceSession struct {
	Title      string
	URL        string // the session's page
	Attendance string // its attendance page
	Start      time.Time
	Unmarked   int
	Upcoming   bool
}

type espaceAnimation struct {
	Campaign string
	URL      string // the campaign's comptoirs
	Sessions []espaceSession
}

type espacePage struct {
	Base
	Name          string
	Unverified    bool
	Ideas         []espaceIdea
	Registrations []espaceRegistration
	MyWorkshops   []espaceLink // each campaign's "mes inscriptions" page
	Structures    []espaceLink
	NewStructure  bool // a carrier may declare a structure
	Dossiers      []espaceDossier
	Votes         []espaceVote
	Committees    []espaceCommittee
	Animations    []espaceAnimation
	Trusteeships  []espaceLink
	Staff         []espaceLink
	Suggestions   []espaceLink // what the person can do now, shown when the page is empty
	Campaigns     []espaceLink // every campaign's public page
}

// Empty reports whether the person has nothing on the page yet.
func (p espacePage) Empty() bool {
	return len(p.Ideas) == 0 && len(p.Registrations) == 0 && len(p.Structures) == 0 && len(p.Dossiers) == 0 &&
		len(p.Votes) == 0 && len(p.Committees) == 0 && len(p.Animations) == 0 && len(p.Trusteeships) == 0 &&
		len(p.Staff) == 0
}

func (s *Server) espaceShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.espacePageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "espace", p)
}

// granted reports whether the actor holds role in the campaign (or site-wide) by an explicit
// grant. Unlike access.Allowed, an administrator's implicit roles do not count: the page
// shows the work a person was given, not everything they may open.
func granted(a access.Actor, role access.Role, campaignID int64) bool {
	for _, g := range a.Grants {
		if g.Role == role && (g.CampaignID == nil || *g.CampaignID == campaignID) {
			return true
		}
	}
	return false
}

func (s *Server) espacePageFor(r *http.Request) (espacePage, error) {
	ctx := r.Context()
	lang := langOf(r)
	actor := actorOf(r)
	me := actor.ID()
	now := s.now()
	p := espacePage{Base: s.base(r, "espace.title"), Name: actor.Account.DisplayName, Unverified: !actor.Account.Verified()}

	all, err := campaign.List(ctx, s.db)
	if err != nil {
		return p, err
	}
	byID := map[int64]*campaign.Campaign{}
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	camp := func(id int64) (*campaign.Campaign, error) {
		if c, ok := byID[id]; ok {
			return c, nil
		}
		return campaign.ByID(ctx, s.db, id)
	}

	// My ideas.
	ideas, err := idea.ByAuthor(ctx, s.db, me)
	if err != nil {
		return p, err
	}
	for _, i := range ideas {
		c, err := camp(i.CampaignID)
		if err != nil {
			return p, err
		}
		base := "/" + c.Slug + "/idees/" + strconv.FormatInt(i.ID, 10)
		p.Ideas = append(p.Ideas, espaceIdea{Campaign: c.Name, Title: i.Title, URL: base, Orientation: base + "/orientation",
			Hidden: i.Hidden(), Deposited: i.CreatedAt.In(c.Location())})
	}

	// My comptoir registrations, and each campaign's page of them.
	regs, err := workshop.AllForAccount(ctx, s.db, me)
	if err != nil {
		return p, err
	}
	seen := map[int64]bool{}
	for _, reg := range regs {
		c, err := camp(reg.Session.CampaignID)
		if err != nil {
			return p, err
		}
		v := espaceRegistration{Campaign: c.Name, Title: reg.Session.Title, URL: workshop.SessionPath(reg.Session),
			Start: reg.Session.StartsAt.In(c.Location())}
		switch {
		case reg.Session.CancelledAt != nil:
			v.Status = s.cat.T(lang, "workshop.show.cancelled")
		case reg.Status == workshop.Waiting:
			v.Status = s.cat.T(lang, "workshop.mine.waiting_pos", reg.Position)
		default:
			v.Status = s.cat.T(lang, "workshop.status.registered")
		}
		switch reg.Attendance {
		case workshop.Present:
			v.Attendance = s.cat.T(lang, "workshop.attendance.present")
		case workshop.Absent:
			v.Attendance = s.cat.T(lang, "workshop.attendance.absent")
		}
		p.Registrations = append(p.Registrations, v)
		if !seen[c.ID] {
			seen[c.ID] = true
			p.MyWorkshops = append(p.MyWorkshops, espaceLink{"/" + c.Slug + "/comptoirs/mes-inscriptions",
				s.cat.T(lang, "espace.workshops.mine", c.Name)})
		}
	}

	// My structures and dossiers.
	members, err := dossier.MembershipsOf(ctx, s.db, me)
	if err != nil {
		return p, err
	}
	for _, m := range members {
		p.Structures = append(p.Structures, espaceLink{"/compte/structures/" + strconv.FormatInt(m.ID, 10), m.Name})
	}
	dossiers, err := dossier.DossiersOf(ctx, s.db, me)
	if err != nil {
		return p, err
	}
	for i := range dossiers {
		d := &dossiers[i]
		c, err := camp(d.CampaignID)
		if err != nil {
			return p, err
		}
		v, err := s.espaceDossierView(ctx, lang, c, d, now)
		if err != nil {
			return p, err
		}
		p.Dossiers = append(p.Dossiers, v)
	}
	for _, g := range actor.Grants {
		if g.Role == access.Carrier {
			p.NewStructure = true
		}
	}

	// My vote, campaign by campaign: that I voted (never when, never what), or that the vote
	// is open to me.
	parts, err := vote.ParticipationsOf(ctx, s.db, me)
	if err != nil {
		return p, err
	}
	voted := map[int64]bool{}
	for _, v := range parts {
		if v.Voted {
			voted[v.CampaignID] = true
		}
	}
	for i := range all {
		c := &all[i]
		v := espaceVote{Campaign: c.Name, URL: "/" + c.Slug + "/vote", Voted: voted[c.ID]}
		if !v.Voted && granted(actor, access.Citizen, c.ID) && c.IsOpen(campaign.PhaseVote, now) {
			sealed, err := s.campaignSealed(ctx, c.ID)
			if err != nil {
				return p, err
			}
			step, err := vote.StepOf(c, actor, now, sealed, func() (vote.Progress, error) {
				return vote.ProgressOf(ctx, s.db, c.ID, me)
			})
			if err != nil {
				return p, err
			}
			switch step {
			case vote.StepVoted:
				v.Voted = true
			case vote.StepIdentity, vote.StepBallot:
				w, _ := c.Window(campaign.PhaseVote)
				v.Open = s.cat.T(lang, "espace.vote.open", i18n.DateTime(lang, w.End.In(c.Location())))
			}
		}
		if v.Voted || v.Open != "" {
			p.Votes = append(p.Votes, v)
		}
	}

	// Committee, animation and trusteeship: the campaigns where the person was given the role.
	for i := range all {
		c := &all[i]
		if granted(actor, access.Committee, c.ID) {
			cm, err := s.espaceCommitteeOf(ctx, lang, c, me, now)
			if err != nil {
				return p, err
			}
			p.Committees = append(p.Committees, cm)
		}
		if granted(actor, access.Animator, c.ID) {
			an, err := s.espaceAnimationOf(ctx, c, me, now)
			if err != nil {
				return p, err
			}
			p.Animations = append(p.Animations, an)
		}
		if granted(actor, access.Trustee, c.ID) {
			p.Trusteeships = append(p.Trusteeships, espaceLink{"/" + c.Slug + "/vote/urne/ouvrir", c.Name})
		}
	}

	// Staff: the administration.
	if p.CanAdmin {
		p.Staff = append(p.Staff, espaceLink{"/admin", s.cat.T(lang, "espace.staff.admin")})
	}
	if access.Allowed(actor, access.PermManageAccounts, nil) {
		p.Staff = append(p.Staff, espaceLink{"/admin/comptes", s.cat.T(lang, "espace.staff.accounts")})
	}
	// Each current campaign's console, one click from every screen of the campaign.
	for i := range all {
		c := &all[i]
		if !c.Archived && p.CanAdmin && (access.Allowed(actor, access.PermManageCampaigns, &c.ID) ||
			access.Allowed(actor, access.PermManageDossiers, &c.ID)) {
			p.Staff = append(p.Staff, espaceLink{"/admin/campagnes/" + c.Slug, s.cat.T(lang, "espace.staff.console", c.Name)})
		}
	}
	// Every campaign's public page, newest first: its ideas, projects, results are one
	// click further.
	for i := range all {
		c := &all[i]
		text := c.Name
		if c.Archived {
			text = s.cat.T(lang, "espace.campaigns.archived", c.Name)
		}
		p.Campaigns = append(p.Campaigns, espaceLink{"/" + c.Slug, text})
	}

	// What can be done now in each campaign: the whole page for someone who has nothing yet,
	// a short block at its end for the others (staff find their pages under /admin).
	if p.Empty() || !p.CanAdmin {
		for i := range all {
			c := &all[i]
			if c.IsOpen(campaign.PhaseIdeas, now) {
				p.Suggestions = append(p.Suggestions, espaceLink{"/" + c.Slug + "/idees/deposer", s.cat.T(lang, "espace.suggest.idea", c.Name)})
			}
			if c.IsOpen(campaign.PhaseComptoirs, now) {
				p.Suggestions = append(p.Suggestions, espaceLink{"/" + c.Slug + "/comptoirs", s.cat.T(lang, "espace.suggest.workshop", c.Name)})
			}
			if p.NewStructure && c.IsOpen(campaign.PhaseDossiers, now) {
				p.Suggestions = append(p.Suggestions, espaceLink{"/" + c.Slug + "/dossiers", s.cat.T(lang, "espace.suggest.dossier", c.Name)})
			}
		}
	}
	return p, nil
}

// campaignSealed says whether the campaign's vote goes into a sealed box (a vote opens only
// then), as the vote page does.
func (s *Server) campaignSealed(ctx context.Context, campaignID int64) (bool, error) {
	if s.clearBallots {
		return true, nil
	}
	return s.box.Sealed(ctx, campaignID)
}

// missingStep is the step of the dossier form where a missing item is filled in, from the
// key of its message (see dossier.Missing).
func missingStep(key string) string {
	switch k := strings.TrimPrefix(key, "dossier.missing."); {
	case strings.HasPrefix(k, "document"):
		return "documents"
	case strings.HasPrefix(k, "expenses"), strings.HasPrefix(k, "amounts"), strings.HasPrefix(k, "unbalanced"):
		return "budget"
	case slices.ContainsFunc([]string{"title", "summary", "description", "answer", "communes", "timeline"},
		func(p string) bool { return strings.HasPrefix(k, p) }):
		return "presentation"
	}
	return "projet"
}

// espaceDossierView is one dossier with its state and what its carrier does next: complete
// a step or submit before the deadline while it is a draft, then wait for each decision.
func (s *Server) espaceDossierView(ctx context.Context, lang i18n.Lang, c *campaign.Campaign, d *dossier.Dossier, now time.Time) (espaceDossier, error) {
	url := dossierURL(c, d)
	v := espaceDossier{Campaign: c.Name, Title: d.Title, Structure: d.StructureName, URL: url, State: s.cat.T(lang, d.State.MessageKey())}
	if v.Title == "" {
		v.Title = s.cat.T(lang, "espace.dossiers.untitled", d.ID)
	}
	history := &espaceLink{url + "/historique", s.cat.T(lang, "espace.dossiers.history")}
	switch d.State {
	case dossier.StateDraft:
		if !dossier.EditOpen(c, d, now) {
			v.Next = s.cat.T(lang, "espace.next.closed")
			return v, nil
		}
		deadline := ""
		if d.ExtendedUntil != nil && !c.IsOpen(campaign.PhaseDossiers, now) {
			deadline = i18n.DateTime(lang, d.ExtendedUntil.In(c.Location()))
		} else if w, ok := c.Window(campaign.PhaseDossiers); ok {
			deadline = i18n.DateTime(lang, w.End.In(c.Location()))
		}
		missing, err := s.dossierMissing(ctx, lang, c, d)
		if err != nil {
			return v, err
		}
		if len(missing) == 0 {
			v.Next = s.cat.T(lang, "espace.next.submit", deadline)
			v.NextLink = &espaceLink{url, s.cat.T(lang, "espace.next.goto", s.cat.T(lang, "dossier.step.review"))}
			return v, nil
		}
		step := missingStep(missing[0])
		key := "espace.next.complete"
		if len(missing) == 1 {
			key += "_one"
		}
		v.Next = s.cat.T(lang, key, i18n.Int(lang, int64(len(missing))), deadline)
		v.NextLink = &espaceLink{url + "/" + step, s.cat.T(lang, "espace.next.goto", s.cat.T(lang, "dossier.step."+step))}
	case dossier.StateSubmitted, dossier.StateUnderReview:
		v.Next = s.cat.T(lang, "espace.next.review")
	case dossier.StateEligible:
		v.Next = s.cat.T(lang, "espace.next.label")
	case dossier.StateLabelled:
		v.Next = s.cat.T(lang, "espace.next.commission")
	case dossier.StateBallot:
		v.Next = s.cat.T(lang, "espace.next.ballot")
		v.NextLink = &espaceLink{"/" + c.Slug + "/projets", s.cat.T(lang, "espace.next.ballot_link")}
	case dossier.StateWinner:
		v.Next = s.cat.T(lang, "espace.next.grant")
	case dossier.StateGranted, dossier.StateInProgress:
		v.Next = s.cat.T(lang, "espace.next.carry_out")
		v.NextLink = &espaceLink{url + "/suivi", s.cat.T(lang, "espace.next.followup_link")}
	default: // ineligible, not labelled, withdrawn, not funded, completed: nothing more to do
		v.Next = s.cat.T(lang, "espace.next.none")
		v.NextLink = history
	}
	if v.NextLink == nil && d.State != dossier.StateDraft {
		v.NextLink = history
	}
	return v, nil
}

// dossierMissing lists the keys of what prevents submitting a draft, as its review page
// computes them.
func (s *Server) dossierMissing(ctx context.Context, lang i18n.Lang, c *campaign.Campaign, d *dossier.Dossier) ([]string, error) {
	cat, _ := c.Category(d.CategoryID)
	st, err := dossier.StructureByID(ctx, s.db, d.StructureID)
	if err != nil {
		return nil, err
	}
	qs, err := dossier.Questions(ctx, s.db, d.CategoryID)
	if err != nil {
		return nil, err
	}
	docs, err := dossier.Documents(ctx, s.db, d.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range dossier.Missing(dossier.Filing{Dossier: d, Category: cat, Questions: qs[d.CategoryID], Documents: docs,
		Structure: st, Territory: c.Territory, StructureDepartement: s.departementOf(st.Commune), Now: s.now()}, lang) {
		out = append(out, m.Key)
	}
	return out, nil
}

// espaceCommitteeOf lists the dossiers assigned to a committee member in a campaign, with
// the campaign's review due date (as the member's own list shows it), if one is set.
//
// Once the campaign's labelling phase is over with nothing left to do, the list gives way to
// the count of reviews given: a past edition's twenty dossiers are no longer work.
func (s *Server) espaceCommitteeOf(ctx context.Context, lang i18n.Lang, c *campaign.Campaign, me int64, now time.Time) (espaceCommittee, error) {
	cm := espaceCommittee{Campaign: c.Name, URL: "/" + c.Slug + "/comite"}
	set, err := review.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return cm, err
	}
	if set.HasDue() {
		cm.Due = i18n.LongDate(lang, set.DueOn.DayStart(c.Location()))
	}
	as, err := review.AssignmentsOf(ctx, s.db, c.ID, me)
	if err != nil {
		return cm, err
	}
	for _, a := range as {
		d, err := dossier.ByID(ctx, s.db, a.DossierID)
		if err != nil {
			return cm, err
		}
		v := espaceAssignment{Title: d.Title, URL: memberURL(c, a.DossierID), Assigned: a.AssignedAt.In(c.Location())}
		if v.Title == "" {
			v.Title = s.cat.T(lang, "espace.dossiers.untitled", d.ID)
		}
		switch {
		case a.Conflict == review.ConflictDeclared:
			v.Status, v.URL = s.cat.T(lang, "review.mine.status.conflict"), ""
		case a.Conflict == review.ConflictPending:
			v.Status = s.cat.T(lang, "review.mine.status.declare")
			cm.ToDo++
		case a.Review.Submitted():
			v.Status = s.cat.T(lang, "review.mine.status.submitted")
			cm.Done++
		default:
			v.Status = s.cat.T(lang, "review.mine.status.todo")
			cm.ToDo++
		}
		cm.Assignments = append(cm.Assignments, v)
	}
	if w, ok := c.Window(campaign.PhaseLabelling); ok && cm.ToDo == 0 && !now.Before(w.End) {
		cm.Assignments = nil
	}
	return cm, nil
}

// espaceAnimationOf lists the sessions an animator runs in a campaign that wait for them:
// the coming ones, and the past ones with people still to mark present or absent.
func (s *Server) espaceAnimationOf(ctx context.Context, c *campaign.Campaign, me int64, now time.Time) (espaceAnimation, error) {
	an := espaceAnimation{Campaign: c.Name, URL: "/" + c.Slug + "/comptoirs"}
	sessions, err := workshop.List(ctx, s.db, c.ID)
	if err != nil {
		return an, err
	}
	for _, ws := range sessions {
		if ws.CancelledAt != nil || !slices.Contains(ws.Animators, me) {
			continue
		}
		v := espaceSession{Title: ws.Title, URL: workshop.SessionPath(ws), Attendance: workshop.SessionPath(ws) + "/presences",
			Start: ws.StartsAt.In(c.Location()), Upcoming: ws.StartsAt.After(now)}
		if !v.Upcoming {
			regs, err := workshop.Registrations(ctx, s.db, ws.ID)
			if err != nil {
				return an, err
			}
			for _, reg := range regs {
				if reg.Status == workshop.Registered && reg.Attendance == workshop.Unmarked {
					v.Unmarked++
				}
			}
			if v.Unmarked == 0 {
				continue
			}
		}
		an.Sessions = append(an.Sessions, v)
	}
	return an, nil
}
