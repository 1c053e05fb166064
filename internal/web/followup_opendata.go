package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/followup"
)

// The follow-up as open data: the Atom feed of the published updates, the CSV files (one
// row per funded project; one per published milestone) and the JSON of the API. The
// columns are described on /donnees (opendata.html). Amounts are integers in euro cents;
// days are YYYY-MM-DD in the campaign's time zone; instants are RFC 3339 in UTC.

// feedSize is how many updates the Atom feed carries, the latest.
const feedSize = 50

// projectPath is the address of a project's page.
func projectPath(slug string, id int64) string {
	return "/" + slug + "/projets/" + strconv.FormatInt(id, 10)
}

// updateAnchor is the fragment of an update on its project's page.
func updateAnchor(id int64) string { return "etape-" + strconv.FormatInt(id, 10) }

// dayOf is an instant's day in the campaign's time zone, "" for none.
func dayOf(c *campaign.Campaign, t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(c.Location()).Format(time.DateOnly)
}

func dateOrEmpty(d campaign.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     string   `xml:"title"`
	Updated   string   `xml:"updated"`
	Published string   `xml:"published,omitempty"`
	Link      atomLink `xml:"link"`
	Summary   atomText `xml:"summary"`
}

type atomFeed struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string     `xml:"xml:lang,attr"`
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

// followupFeed is /{slug}/suivi.atom: the campaign's latest published updates, each linking
// to its project's page.
func (s *Server) followupFeed(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	lang := langOf(r)
	ctx := r.Context()
	us, err := followup.PublishedUpdates(ctx, s.db, c.ID, feedSize)
	if err != nil {
		return err
	}
	titles, err := s.projectTitles(ctx, c)
	if err != nil {
		return err
	}
	base := strings.TrimRight(s.baseURL, "/")
	f := atomFeed{Lang: string(lang), ID: base + "/" + c.Slug + "/suivi", Title: s.cat.T(lang, "followup.public.title", c.Name),
		Updated: c.CreatedAt.UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/" + c.Slug + "/suivi.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/" + c.Slug + "/suivi"}}}
	f.Author.Name = c.Name
	for i, u := range us {
		at := u.CreatedAt
		if u.PublishedAt != nil {
			at = *u.PublishedAt
		}
		stamp := at.UTC().Format(time.RFC3339)
		if i == 0 {
			f.Updated = stamp
		}
		link := base + projectPath(c.Slug, u.DossierID) + "#" + updateAnchor(u.ID)
		f.Entries = append(f.Entries, atomEntry{ID: link, Title: titles[u.DossierID] + " : " + u.Title, Updated: stamp,
			Published: stamp, Link: atomLink{Rel: "alternate", Type: "text/html", Href: link},
			Summary: atomText{Type: "text", Text: u.Body}})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = w.Write(buf.Bytes())
	return err
}

// projectTitles are the titles of a campaign's funded projects, by id.
func (s *Server) projectTitles(ctx context.Context, c *campaign.Campaign) (map[int64]string, error) {
	ps, err := followup.Projects(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ps))
	for _, p := range ps {
		out[p.DossierID] = p.Title
	}
	return out, nil
}

// followupProjectColumns are the columns of /{slug}/suivi.csv.
var followupProjectColumns = []string{"id", "title", "category", "structure", "status", "progress", "step", "step_label",
	"granted_cents", "paid_cents", "granted_on", "last_update_on", "completed_on", "abandoned_on", "updates", "url"}

// followupCSV is /{slug}/suivi.csv: one row per funded project.
func (s *Server) followupCSV(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	rows, err := s.followupRows(r.Context(), c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(followupProjectColumns)
	for _, p := range rows {
		_ = cw.Write([]string{strconv.FormatInt(p.ID, 10), p.Title, p.Category, p.Structure, string(p.State),
			strconv.Itoa(p.Progress), strconv.Itoa(p.Step), p.StepLabel, strconv.FormatInt(p.Granted, 10),
			strconv.FormatInt(p.Paid, 10), dayOf(c, p.Dates.GrantedAt), dayOf(c, p.LastUpdate), dayOf(c, p.Dates.CompletedAt),
			dayOf(c, p.Dates.AbandonedAt), strconv.Itoa(p.Updates), strings.TrimRight(s.baseURL, "/") + projectPath(c.Slug, p.ID)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return download(w, "text/csv; charset=utf-8", c.Slug+"-suivi.csv", buf.Bytes())
}

// followupMilestoneColumns are the columns of /{slug}/suivi/jalons.csv.
var followupMilestoneColumns = []string{"project_id", "project_title", "id", "title", "text", "planned_on", "done_on",
	"published_at", "step", "step_label", "progress", "photos", "url"}

// followupMilestonesCSV is /{slug}/suivi/jalons.csv: one row per published milestone, by
// project then date.
func (s *Server) followupMilestonesCSV(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ctx := r.Context()
	ms, err := s.followupMilestones(ctx, c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(followupMilestoneColumns)
	for _, m := range ms {
		progress := ""
		if m.Progress != nil {
			progress = strconv.Itoa(*m.Progress)
		}
		_ = cw.Write([]string{strconv.FormatInt(m.ProjectID, 10), m.ProjectTitle, strconv.FormatInt(m.ID, 10), m.Title, m.Text,
			m.PlannedOn, m.DoneOn, m.PublishedAt.Format(time.RFC3339), strconv.Itoa(m.Step), m.StepLabel, progress,
			strconv.Itoa(len(m.Photos)), strings.TrimRight(s.baseURL, "/") + m.URL})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return download(w, "text/csv; charset=utf-8", c.Slug+"-jalons.csv", buf.Bytes())
}

type apiPhoto struct {
	URL    string `json:"url"`
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type apiMilestone struct {
	ProjectID    int64      `json:"project_id"`
	ProjectTitle string     `json:"-"`
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	Text         string     `json:"text"`
	PlannedOn    string     `json:"planned_on"`
	DoneOn       string     `json:"done_on"`
	PublishedAt  time.Time  `json:"published_at"`
	Step         int        `json:"step"`
	StepLabel    string     `json:"step_label"`
	Progress     *int       `json:"progress"`
	Photos       []apiPhoto `json:"photos"`
	URL          string     `json:"url"`
}

// followupMilestones reads a campaign's published milestones for the open data, by
// project then publication.
func (s *Server) followupMilestones(ctx context.Context, c *campaign.Campaign) ([]apiMilestone, error) {
	ps, err := followup.Projects(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	set, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	var out []apiMilestone
	for _, p := range ps {
		if p.Updates == 0 {
			continue
		}
		us, err := followup.Updates(ctx, s.db, p.DossierID, true)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			m := apiMilestone{ProjectID: p.DossierID, ProjectTitle: p.Title, ID: u.ID, Title: u.Title, Text: u.Body,
				PlannedOn: dateOrEmpty(u.PlannedOn), DoneOn: dateOrEmpty(u.DoneOn), Step: u.Step, StepLabel: set.StepLabel(u.Step),
				Progress: u.Progress, Photos: []apiPhoto{}, URL: projectPath(c.Slug, p.DossierID) + "#" + updateAnchor(u.ID)}
			if u.PublishedAt != nil {
				m.PublishedAt = *u.PublishedAt
			}
			for _, ph := range u.Photos {
				m.Photos = append(m.Photos, apiPhoto{URL: followupPhotoURL(c.Slug, ph, 1280), Alt: ph.Alt, Width: ph.Width,
					Height: ph.Height})
			}
			out = append(out, m)
		}
	}
	return out, nil
}

type apiFollowupProject struct {
	ID              int64          `json:"id"`
	Title           string         `json:"title"`
	CategoryID      int64          `json:"category_id"`
	Category        string         `json:"category"`
	Structure       string         `json:"structure"`
	Status          string         `json:"status"`
	Progress        int            `json:"progress"`
	Step            int            `json:"step"`
	StepLabel       string         `json:"step_label"`
	GrantedCents    int64          `json:"granted_cents"`
	PaidCents       int64          `json:"paid_cents"`
	GrantedAt       *time.Time     `json:"granted_at"`
	LastUpdateAt    *time.Time     `json:"last_update_at"`
	CompletedAt     *time.Time     `json:"completed_at"`
	AbandonedAt     *time.Time     `json:"abandoned_at"`
	AbandonedReason string         `json:"abandoned_reason,omitempty"`
	URL             string         `json:"url"`
	Milestones      []apiMilestone `json:"milestones"`
}

type apiFollowup struct {
	Campaign string `json:"campaign"`
	Totals   struct {
		Projects     int   `json:"projects"`
		GrantedCents int64 `json:"granted_cents"`
		PaidCents    int64 `json:"paid_cents"`
	} `json:"totals"`
	Steps      []string             `json:"steps"`
	Projects   []apiFollowupProject `json:"projects"`
	CSV        string               `json:"csv"`
	Milestones string               `json:"milestones_csv"`
	Feed       string               `json:"feed"`
}

// apiFollowup is GET /api/v1/campaigns/{slug}/followup: the funded projects with their
// status, progress, money and published milestones.
func (s *Server) apiFollowup(w http.ResponseWriter, r *http.Request) error {
	c := campaignOf(r)
	ctx := r.Context()
	rows, err := s.followupRows(ctx, c)
	if err != nil {
		return err
	}
	ms, err := s.followupMilestones(ctx, c)
	if err != nil {
		return err
	}
	set, err := followup.SettingsOf(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	by := map[int64][]apiMilestone{}
	for _, m := range ms {
		by[m.ProjectID] = append(by[m.ProjectID], m)
	}
	out := apiFollowup{Campaign: c.Slug, Steps: set.Steps, Projects: []apiFollowupProject{}, CSV: "/" + c.Slug + "/suivi.csv",
		Milestones: "/" + c.Slug + "/suivi/jalons.csv", Feed: "/" + c.Slug + "/suivi.atom"}
	if out.Steps == nil {
		out.Steps = []string{}
	}
	for _, p := range rows {
		a := apiFollowupProject{ID: p.ID, Title: p.Title, CategoryID: p.CategoryID, Category: p.Category, Structure: p.Structure,
			Status: string(p.State), Progress: p.Progress, Step: p.Step, StepLabel: p.StepLabel, GrantedCents: p.Granted,
			PaidCents: p.Paid, GrantedAt: p.Dates.GrantedAt, LastUpdateAt: p.LastUpdate, CompletedAt: p.Dates.CompletedAt,
			AbandonedAt: p.Dates.AbandonedAt, AbandonedReason: p.Dates.Reason, URL: projectPath(c.Slug, p.ID),
			Milestones: by[p.ID]}
		if a.Milestones == nil {
			a.Milestones = []apiMilestone{}
		}
		out.Projects = append(out.Projects, a)
		out.Totals.Projects++
		out.Totals.GrantedCents += p.Granted
		out.Totals.PaidCents += p.Paid
	}
	return writeJSON(w, http.StatusOK, out)
}
