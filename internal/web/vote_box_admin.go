package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/account"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/vote"
)

// The sealed ballot box's two sittings on the web: the agents' key ceremony, before the vote
// opens, which shows each trustee's share once; and the trustees' unsealing, after the close,
// where k of them type their shares together. The shares live only in the response of the
// ceremony and in the request of the unsealing: no session value, no log line (the request
// log has the path only), no e-mail, and a page that fails is shown again without them.

// ceremonyTrustee is a trustee of a box as the pages show them; Share is set only on the
// page of the ceremony that made it.
type ceremonyTrustee struct {
	Index int // the number of their share, from 1
	Name  string
	Email string
	Share string
}

// ceremonyBox is the public record of a campaign's box as the pages show it.
type ceremonyBox struct {
	ID         string
	K, N       int
	Trustees   []ceremonyTrustee
	SealedAt   time.Time
	UnsealedAt *time.Time
}

// Sealed reports whether the box holds ciphertexts only.
func (b *ceremonyBox) Sealed() bool { return b != nil && b.UnsealedAt == nil }

// ceremonyBoxView builds the view of a stored box; trustees gives their accounts, in the
// order of their shares (read from the database when nil).
func (s *Server) ceremonyBoxView(r *http.Request, b *vote.SealedBox, trustees []*access.Account) (*ceremonyBox, error) {
	v := &ceremonyBox{ID: b.PublicBox().ID(),
		K: b.K, N: b.N, SealedAt: b.SealedAt, UnsealedAt: b.UnsealedAt}
	for i, id := range b.Trustees {
		var a *access.Account
		if i < len(trustees) {
			a = trustees[i]
		} else {
			var err error
			if a, err = account.ByID(r.Context(), s.db, id); err != nil {
				return nil, err
			}
		}
		v.Trustees = append(v.Trustees, ceremonyTrustee{Index: i + 1, Name: a.DisplayName, Email: a.Email})
	}
	return v, nil
}

// campaignBox reads the box of c: nil when no ceremony took place.
func (s *Server) campaignBox(r *http.Request, c *campaign.Campaign) (*ceremonyBox, error) {
	b, err := vote.SealedBoxOf(r.Context(), s.db, c.ID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.ceremonyBoxView(r, b, nil)
}

// ceremonyPage is the agents' page of a campaign's box: its state and, while a ceremony may
// still take place, its form.
type ceremonyPage struct {
	Base
	Campaign  *campaign.Campaign
	Box       *ceremonyBox // nil: no ceremony yet
	HasVote   bool         // the campaign has a vote phase
	VoteStart time.Time
	VoteEnd   time.Time
	Late      bool // the vote's dates have come: nobody votes until the ceremony
	Closed    bool // the vote is over: too late for a ceremony
	CanSeal   bool // the form is shown
	V         url.Values
	Errors    apperr.FieldErrors
	Error     string // a refusal that is not about a field
}

// ceremonyPageOf fills the state of c's box; v is the form's values.
func (s *Server) ceremonyPageOf(r *http.Request, v url.Values) (ceremonyPage, error) {
	c := campaignOf(r)
	p := ceremonyPage{Base: s.base(r, "boxadmin.title", c.Name), Campaign: c, V: v}
	w, ok := c.Window(campaign.PhaseVote)
	p.HasVote, p.VoteStart, p.VoteEnd = ok, w.Start, w.End
	p.Late, p.Closed = ok && !s.now().Before(w.Start), ok && !s.now().Before(w.End)
	var err error
	if p.Box, err = s.campaignBox(r, c); err != nil {
		return p, err
	}
	p.CanSeal = p.Box == nil && p.HasVote && !p.Closed
	return p, nil
}

// defaultThreshold is the k the ceremony's form proposes.
const defaultThreshold = 2

// boxCeremony shows the state of the campaign's box and, before the vote opens and when no
// box is sealed yet, the form of the key ceremony.
func (s *Server) boxCeremony(w http.ResponseWriter, r *http.Request) error {
	p, err := s.ceremonyPageOf(r, url.Values{"k": {strconv.Itoa(defaultThreshold)}})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "vote_box_admin", p)
}

// ceremonySharesPage shows, once, the shares a ceremony has just made.
type ceremonySharesPage struct {
	Base
	Campaign  *campaign.Campaign
	Box       *ceremonyBox // each trustee with their share
	VoteEnd   time.Time    // when the shares will be needed
	UnsealURL string       // where the trustees will type them
}

// boxCeremonySeal runs the key ceremony (vote.SealBox) and shows each trustee's share, once:
// the page is never stored by the browser (render sends no-store) and the shares are nowhere
// else.
func (s *Server) boxCeremonySeal(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	c := campaignOf(r)
	v := url.Values{"trustees": {r.PostForm.Get("trustees")}, "k": {strings.TrimSpace(r.PostForm.Get("k"))}}
	in := vote.SealInput{Campaign: c, Trustees: trusteeLines(v.Get("trustees"))}
	in.K, _ = strconv.Atoi(v.Get("k")) // not a number: 0, which SealBox refuses
	cer, err := vote.SealBox(r.Context(), s.changeEnv(), whoOf(r), in)
	if ae, ok := apperr.As(err); ok {
		p, perr := s.ceremonyPageOf(r, v)
		if perr != nil {
			return perr
		}
		status := http.StatusUnprocessableEntity
		if ae.Fields != nil {
			p.Errors = ae.Fields
		} else {
			p.Error = s.cat.T(langOf(r), ae.Message.Key, ae.Message.Args...)
			if st, ok := statusOf[ae.Kind]; ok {
				status = st
			}
		}
		return s.render(w, r, status, "vote_box_admin", p)
	}
	if err != nil {
		return err
	}
	box, err := s.ceremonyBoxView(r, cer.Box, cer.Trustees)
	if err != nil {
		return err
	}
	for i := range box.Trustees {
		box.Trustees[i].Share = cer.Shares[i]
	}
	p := ceremonySharesPage{Base: s.base(r, "boxadmin.shares.title", c.Name), Campaign: c, Box: box,
		UnsealURL: s.baseURL + "/" + c.Slug + "/vote/urne/ouvrir"}
	if win, ok := c.Window(campaign.PhaseVote); ok {
		p.VoteEnd = win.End
	}
	return s.render(w, r, http.StatusOK, "vote_box_shares", p)
}

// trusteeLines reads the trustees' addresses, one a line (commas and semicolons also
// separate them), blanks left out.
func trusteeLines(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// unsealPage is the trustees' page of a campaign's box: its state and, after the close
// while the box is sealed, the form where they type k shares.
type unsealPage struct {
	Base
	Campaign *campaign.Campaign
	Box      *ceremonyBox // nil: the vote has no sealed box
	VoteEnd  time.Time
	Closed   bool  // the vote has closed
	CanOpen  bool  // the form is shown
	Fields   []int // the numbers of the share fields, 1..k
	Errors   apperr.FieldErrors
}

func (s *Server) unsealPageOf(r *http.Request) (unsealPage, error) {
	c := campaignOf(r)
	p := unsealPage{Base: s.base(r, "boxadmin.unseal.title", c.Name), Campaign: c}
	w, ok := c.Window(campaign.PhaseVote)
	if !ok {
		return p, apperr.New(apperr.NotFound, "error.not_found")
	}
	p.VoteEnd, p.Closed = w.End, !s.now().Before(w.End)
	var err error
	if p.Box, err = s.campaignBox(r, c); err != nil {
		return p, err
	}
	p.CanOpen = p.Closed && p.Box.Sealed()
	if p.CanOpen {
		for i := 1; i <= p.Box.K; i++ {
			p.Fields = append(p.Fields, i)
		}
	}
	return p, nil
}

// boxUnseal shows the trustees' page of the box.
func (s *Server) boxUnseal(w http.ResponseWriter, r *http.Request) error {
	p, err := s.unsealPageOf(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "vote_box_unseal", p)
}

// unsealedPage tells the trustees what the unsealing did.
type unsealedPage struct {
	Base
	Campaign *campaign.Campaign
	BoxID    string
	Ballots  int
}

// boxUnsealOpen unseals the box with the shares typed (vote.Unseal). A refusal shows the
// form again, empty: the shares are not kept from one request to the next.
func (s *Server) boxUnsealOpen(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "error.invalid_form")
	}
	c := campaignOf(r)
	var shares []string
	for _, sh := range r.PostForm["shares"] {
		if sh = strings.TrimSpace(sh); sh != "" {
			shares = append(shares, sh)
		}
	}
	res, err := vote.Unseal(r.Context(), s.changeEnv(), whoOf(r), vote.UnsealInput{Campaign: c, Shares: shares})
	if ae, ok := apperr.As(err); ok && ae.Fields != nil {
		p, perr := s.unsealPageOf(r)
		if perr != nil {
			return perr
		}
		p.Errors = ae.Fields
		return s.render(w, r, http.StatusUnprocessableEntity, "vote_box_unseal", p)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "vote_box_unsealed", unsealedPage{
		Base: s.base(r, "boxadmin.unsealed.title", c.Name), Campaign: c, BoxID: res.Box, Ballots: res.Ballots})
}
