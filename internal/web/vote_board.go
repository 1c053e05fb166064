package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/vote"
)

// boardPageSize is how many trackers a page of the board lists.
const boardPageSize = 500

// boardShort is how many hex characters of a tracker the list shows (64 bits: enough to
// tell the trackers of a box apart by eye; the full value is in the title and the file).
const boardShort = 16

type boardTracker struct {
	Place       int // in the whole list, from 1
	Short, Full string
}

type voteBoardPage struct {
	Base
	Campaign   *campaign.Campaign
	Phase      string // "before", "during" or "after" the vote
	HasBox     bool   // a key ceremony took place
	Unsealed   bool
	BoxID      string
	K, N       int
	SealedAt   time.Time // in the campaign's time zone
	UnsealedAt time.Time
	Trustees   []string
	Ballots    int // in the box; without a box, the register's count
	Register   int // the register's count
	Hash       string
	Trackers   []boardTracker
	First      int // the place in the whole list of the page's first tracker, from 1
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	ListURL    string
	ResultsURL string
	Lookup     string // the tracker looked up, as typed
	Looked     bool
	Found      bool
	FoundPage  int
	FoundPlace int
	FoundURL   string // the page of the list where it is
}

// voteBoard is /{slug}/vote/urne: the public board of the campaign's ballot box, before,
// during and after the vote.
func (s *Server) voteBoard(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	if _, ok := c.Window(campaign.PhaseVote); !ok {
		return apperr.New(apperr.NotFound, "boxboard.no_vote")
	}
	ctx := r.Context()
	now := s.now()
	p := voteBoardPage{Base: s.base(r, "boxboard.title", c.Name), Campaign: c, Phase: votePhase(c, now),
		ListURL: "/" + c.Slug + "/vote/urne/empreintes.txt", ResultsURL: "/" + c.Slug + "/resultats"}
	var err error
	if p.Register, err = vote.VoterCount(ctx, s.db, c.ID); err != nil {
		return err
	}
	box, err := s.boxOf(ctx, c)
	if err != nil {
		return err
	}
	if box == nil {
		p.Ballots, p.Pages, p.Page = p.Register, 1, 1
		return s.render(w, r, http.StatusOK, "vote_board", p)
	}
	loc := c.Location()
	p.HasBox, p.BoxID, p.K, p.N, p.SealedAt = true, box.ID(), box.K, box.N, box.SealedAt.In(loc)
	if box.UnsealedAt != nil {
		p.Unsealed, p.UnsealedAt = true, box.UnsealedAt.In(loc)
	}
	if p.Trustees, err = vote.TrusteeNames(ctx, s.db, c.ID); err != nil {
		return err
	}
	for i, name := range p.Trustees {
		if strings.TrimSpace(name) == "" {
			p.Trustees[i] = s.cat.T(p.Lang, "boxboard.trustee_unnamed", i+1)
		}
	}
	trackers, err := vote.Trackers(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	p.Ballots, p.Hash = len(trackers), trackersHash(trackers)
	p.Pages = max(1, (len(trackers)+boardPageSize-1)/boardPageSize)
	if p.Page, err = boardPage(r, p.Pages); err != nil {
		return err
	}
	pageURL := func(n int) string { return "/" + c.Slug + "/vote/urne?page=" + strconv.Itoa(n) }
	if p.Page > 1 {
		p.PrevURL = pageURL(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = pageURL(p.Page + 1)
	}
	start := (p.Page - 1) * boardPageSize
	p.First = start + 1
	for i, fp := range trackers[start:min(start+boardPageSize, len(trackers))] {
		p.Trackers = append(p.Trackers, boardTracker{Place: start + i + 1, Short: fp[:min(boardShort, len(fp))], Full: fp})
	}
	// The look-up is a POST: a tracker in a URL would end in the logs of every proxy on the
	// way, next to the voter's address.
	if r.Method == http.MethodPost {
		p.Looked, p.Lookup = true, r.PostFormValue("empreinte")
		if i, ok := findTracker(trackers, normalizeTracker(p.Lookup)); ok {
			p.Found, p.FoundPlace, p.FoundPage = true, i+1, i/boardPageSize+1
			p.FoundURL = pageURL(p.FoundPage) + "#t" + strconv.Itoa(i+1)
		}
	}
	return s.render(w, r, http.StatusOK, "vote_board", p)
}

// voteBoardList is /{slug}/vote/urne/empreintes.txt: the whole sorted list of trackers, one
// a line, each line ending with a newline; its SHA-256 is the hash the board shows (what
// sha256sum prints for the file).
func (s *Server) voteBoardList(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	box, err := s.boxOf(r.Context(), c)
	if err != nil {
		return err
	}
	if box == nil {
		return apperr.New(apperr.NotFound, "box.none")
	}
	trackers, err := vote.Trackers(r.Context(), s.db, c.ID)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.Grow(len(trackers) * 65)
	for _, fp := range trackers {
		b.WriteString(fp)
		b.WriteByte('\n')
	}
	return download(w, "text/plain; charset=utf-8", c.Slug+"-empreintes.txt", []byte(b.String()))
}

// trackersHash is the SHA-256 of the sorted trackers, each followed by a newline: the hash
// of the board's list file.
func trackersHash(trackers []string) string {
	h := sha256.New()
	for _, fp := range trackers {
		h.Write([]byte(fp))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// normalizeTracker folds a typed tracker: spaces dropped, lower case.
func normalizeTracker(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// findTracker finds a tracker in the sorted list: the whole value, or its first
// boardShort characters or more as the board shows them when only one tracker starts so.
func findTracker(trackers []string, v string) (int, bool) {
	i, ok := slices.BinarySearch(trackers, v)
	if ok || len(v) < boardShort {
		return i, ok
	}
	unique := i < len(trackers) && strings.HasPrefix(trackers[i], v) &&
		(i+1 == len(trackers) || !strings.HasPrefix(trackers[i+1], v))
	return i, unique
}

// boardPage reads ?page= (1 when absent); a page that is not one of the list's is not found.
func boardPage(r *http.Request, pages int) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > pages {
		return 0, apperr.New(apperr.NotFound, "boxboard.no_page")
	}
	return n, nil
}

// votePhase says where now stands against the campaign's vote: "before", "during", "after".
func votePhase(c *campaign.Campaign, now time.Time) string {
	switch {
	case voteClosed(c, now):
		return "after"
	case c.IsOpen(campaign.PhaseVote, now):
		return "during"
	}
	return "before"
}

// boxOf returns the campaign's sealed box (sealed or unsealed), nil when it has none.
func (s *Server) boxOf(ctx context.Context, c *campaign.Campaign) (*vote.SealedBox, error) {
	b, err := vote.SealedBoxOf(ctx, s.db, c.ID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, nil
	}
	return b, err
}
