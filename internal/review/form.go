package review

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
)

// Kind is what a committee member represents.
type Kind string

// The kinds of members of the labelling committee (product.md, phase 4).
const (
	KindDepartement Kind = "departement" // a service of the Département
	KindESS         Kind = "ess"         // an actor of the social and solidarity economy
	KindFinancer    Kind = "financer"    // a solidarity financer
)

// Kinds lists the kinds in display order.
func Kinds() []Kind { return []Kind{KindDepartement, KindESS, KindFinancer} }

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds() {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// MessageKey is the i18n key of the kind's name.
func (k Kind) MessageKey() string { return "review.kind." + string(k) }

// Item is one question of the eligibility checklist.
type Item string

// The eligibility checklist.
const (
	ItemESSForm     Item = "ess_form"    // the legal form is of the ESS
	ItemTerritory   Item = "territory"   // the seat is in the territory
	ItemComptoir    Item = "comptoir"    // a comptoir was attended
	ItemDocuments   Item = "documents"   // the documents are complete
	ItemCompetences Item = "competences" // within the Département's competences
	ItemPolicies    Item = "policies"    // coherent with the Département's public policies
)

// Items lists the checklist in display order.
func Items() []Item {
	return []Item{ItemESSForm, ItemTerritory, ItemComptoir, ItemDocuments, ItemCompetences, ItemPolicies}
}

// MessageKey is the i18n key of the item's question.
func (i Item) MessageKey() string { return "review.item." + string(i) }

// Answer is a checklist answer.
type Answer string

// The answers of the checklist.
const (
	AnswerYes   Answer = "yes"
	AnswerNo    Answer = "no"
	AnswerCheck Answer = "check" // to check
)

// Answers lists the answers in display order.
func Answers() []Answer { return []Answer{AnswerYes, AnswerNo, AnswerCheck} }

// MessageKey is the i18n key of the answer.
func (a Answer) MessageKey() string { return "review.answer." + string(a) }

func parseAnswer(s string) (Answer, bool) {
	for _, a := range Answers() {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// Opinion is a member's overall opinion of a dossier.
type Opinion string

// The opinions.
const (
	OpinionFavourable   Opinion = "favourable"
	OpinionReserved     Opinion = "reserved"
	OpinionUnfavourable Opinion = "unfavourable"
)

// Opinions lists the opinions in display order.
func Opinions() []Opinion { return []Opinion{OpinionFavourable, OpinionReserved, OpinionUnfavourable} }

// MessageKey is the i18n key of the opinion.
func (o Opinion) MessageKey() string { return "review.opinion." + string(o) }

func parseOpinion(s string) (Opinion, bool) {
	for _, o := range Opinions() {
		if string(o) == s {
			return o, true
		}
	}
	return "", false
}

// Criterion is one line of a category's grid, scored 0 to 3 with a weight.
type Criterion struct {
	ID         int64
	CategoryID int64
	Position   int
	Label      string
	Weight     int
}

// MaxScore is the best score of a criterion.
const MaxScore = 3

// MaxWeight bounds a criterion's weight.
const MaxWeight = 10

// DefaultCriteria is the grid a category gets until agents change it.
func DefaultCriteria() []Criterion {
	return []Criterion{
		{Position: 0, Label: "Utilité sociale et réponse à un besoin du territoire", Weight: 3},
		{Position: 1, Label: "Valeurs de l'ESS : gouvernance, partage, non-lucrativité", Weight: 2},
		{Position: 2, Label: "Faisabilité : budget, calendrier, moyens humains", Weight: 2},
		{Position: 3, Label: "Partenariats et coopération locale", Weight: 1},
		{Position: 4, Label: "Participation des habitants", Weight: 1},
	}
}

// ItemCheck is one answered checklist item.
type ItemCheck struct {
	Answer  Answer `json:"a"`
	Comment string `json:"c,omitempty"`
}

// Score is one scored criterion.
type Score struct {
	Score   int    `json:"s"`
	Comment string `json:"c,omitempty"`
}

// Review is a member's private review of a dossier.
type Review struct {
	Checklist   map[Item]ItemCheck
	Scores      map[int64]Score // criterion id → score
	Opinion     Opinion
	Motivation  string
	SubmittedAt *time.Time
}

// Submitted reports whether the member handed the review in.
func (r Review) Submitted() bool { return r.SubmittedAt != nil }

// Limits of the review's texts.
const (
	MaxComment    = 2000
	MaxMotivation = 4000
)

func trimmed(s string) string { return strings.TrimSpace(s) }

// Field names of the review form.
func ItemField(i Item) string           { return "item_" + string(i) }
func ItemCommentField(i Item) string    { return "item_" + string(i) + "_comment" }
func ScoreField(id int64) string        { return "score_" + strconv.FormatInt(id, 10) }
func ScoreCommentField(id int64) string { return "score_" + strconv.FormatInt(id, 10) + "_comment" }
func tooLong(s string, n int) bool      { return utf8.RuneCountInString(s) > n }
func checkLen(fe apperr.FieldErrors, f, s string, n int) {
	if tooLong(s, n) {
		fe.Add(f, "review.too_long", n)
	}
}

// Values returns the form values of a review, to fill the form.
func (r Review) Values(criteria []Criterion) url.Values {
	v := url.Values{}
	for _, it := range Items() {
		if c, ok := r.Checklist[it]; ok {
			v.Set(ItemField(it), string(c.Answer))
			v.Set(ItemCommentField(it), c.Comment)
		}
	}
	for _, cr := range criteria {
		if s, ok := r.Scores[cr.ID]; ok {
			v.Set(ScoreField(cr.ID), strconv.Itoa(s.Score))
			v.Set(ScoreCommentField(cr.ID), s.Comment)
		}
	}
	v.Set("opinion", string(r.Opinion))
	v.Set("motivation", r.Motivation)
	return v
}

// ParseReview reads the review form. A draft keeps whatever is valid; a review handed in
// (final) must answer every item, score every criterion and give an opinion with its
// motivation. Errors are per field.
func ParseReview(v url.Values, criteria []Criterion, final bool) (Review, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	r := Review{Checklist: map[Item]ItemCheck{}, Scores: map[int64]Score{}}
	for _, it := range Items() {
		raw := trimmed(v.Get(ItemField(it)))
		comment := trimmed(v.Get(ItemCommentField(it)))
		checkLen(fe, ItemCommentField(it), comment, MaxComment)
		a, ok := parseAnswer(raw)
		switch {
		case ok:
			r.Checklist[it] = ItemCheck{Answer: a, Comment: comment}
		case raw != "":
			fe.Add(ItemField(it), "review.answer_invalid")
		case final:
			fe.Add(ItemField(it), "review.answer_required")
		}
	}
	for _, cr := range criteria {
		raw := trimmed(v.Get(ScoreField(cr.ID)))
		comment := trimmed(v.Get(ScoreCommentField(cr.ID)))
		checkLen(fe, ScoreCommentField(cr.ID), comment, MaxComment)
		n, err := strconv.Atoi(raw)
		switch {
		case raw == "":
			if final {
				fe.Add(ScoreField(cr.ID), "review.score_required")
			}
		case err != nil || n < 0 || n > MaxScore:
			fe.Add(ScoreField(cr.ID), "review.score_invalid", MaxScore)
		default:
			r.Scores[cr.ID] = Score{Score: n, Comment: comment}
		}
	}
	raw := trimmed(v.Get("opinion"))
	if o, ok := parseOpinion(raw); ok {
		r.Opinion = o
	} else if raw != "" {
		fe.Add("opinion", "review.opinion_invalid")
	} else if final {
		fe.Add("opinion", "review.opinion_required")
	}
	r.Motivation = trimmed(v.Get("motivation"))
	checkLen(fe, "motivation", r.Motivation, MaxMotivation)
	if final && r.Motivation == "" {
		fe.Add("motivation", "review.motivation_required")
	}
	return r, fe
}

// Weighted returns the review's weighted score out of 20 over the grid, and whether every
// criterion is scored.
func Weighted(r Review, criteria []Criterion) (float64, bool) {
	var num, den int
	for _, cr := range criteria {
		s, ok := r.Scores[cr.ID]
		if !ok {
			return 0, false
		}
		num += cr.Weight * s.Score
		den += cr.Weight * MaxScore
	}
	if den == 0 {
		return 0, false
	}
	return 20 * float64(num) / float64(den), true
}

// Eligibility is what the submitted checklists say of a dossier.
type Eligibility string

// The eligibility statuses.
const (
	EligibilityUnknown Eligibility = "unknown" // no review handed in yet
	EligibilityYes     Eligibility = "yes"     // every item answered yes by every reviewer
	EligibilityNo      Eligibility = "no"      // some reviewer answered no to some item
	EligibilityCheck   Eligibility = "check"   // some item is to check
)

// MessageKey is the i18n key of the status.
func (e Eligibility) MessageKey() string { return "review.eligibility." + string(e) }

// Summary aggregates the reviews of one dossier.
type Summary struct {
	Assigned   int // assignments without conflict
	Submitted  int // reviews handed in
	Conflicts  int
	Scored     int     // reviews with every criterion scored
	Average    float64 // of the weighted scores out of 20
	Min, Max   float64
	Spread     float64 // Max − Min
	StdDev     float64 // population standard deviation
	Opinions   map[Opinion]int
	Eligible   Eligibility
	NoItems    []Item // items answered no by someone
	CheckItems []Item // items to check
}

// Summarize aggregates the handed-in reviews of a dossier (drafts are not counted).
func Summarize(as []Assignment, criteria []Criterion) Summary {
	s := Summary{Opinions: map[Opinion]int{}, Eligible: EligibilityUnknown}
	var scores []float64
	no, check := map[Item]bool{}, map[Item]bool{}
	for _, a := range as {
		if a.Conflict == ConflictDeclared {
			s.Conflicts++
			continue
		}
		s.Assigned++
		if !a.Review.Submitted() {
			continue
		}
		s.Submitted++
		if a.Review.Opinion != "" {
			s.Opinions[a.Review.Opinion]++
		}
		if w, ok := Weighted(a.Review, criteria); ok {
			scores = append(scores, w)
		}
		for it, c := range a.Review.Checklist {
			switch c.Answer {
			case AnswerNo:
				no[it] = true
			case AnswerCheck:
				check[it] = true
			}
		}
	}
	for _, it := range Items() {
		if no[it] {
			s.NoItems = append(s.NoItems, it)
		}
		if check[it] {
			s.CheckItems = append(s.CheckItems, it)
		}
	}
	switch {
	case s.Submitted == 0:
	case len(s.NoItems) > 0:
		s.Eligible = EligibilityNo
	case len(s.CheckItems) > 0:
		s.Eligible = EligibilityCheck
	default:
		s.Eligible = EligibilityYes
	}
	s.Scored = len(scores)
	if len(scores) == 0 {
		return s
	}
	s.Min, s.Max = scores[0], scores[0]
	var sum float64
	for _, x := range scores {
		sum += x
		s.Min, s.Max = math.Min(s.Min, x), math.Max(s.Max, x)
	}
	s.Average = sum / float64(len(scores))
	var sq float64
	for _, x := range scores {
		sq += (x - s.Average) * (x - s.Average)
	}
	s.StdDev = math.Sqrt(sq / float64(len(scores)))
	s.Spread = s.Max - s.Min
	return s
}

// ParseCriteria reads a grid typed as one criterion per line, "label ; weight" (weight 1
// when omitted).
func ParseCriteria(text string) ([]Criterion, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	var out []Criterion
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = trimmed(line)
		if line == "" {
			continue
		}
		label, weight := line, 1
		if i := strings.LastIndexByte(line, ';'); i >= 0 {
			n, err := strconv.Atoi(trimmed(line[i+1:]))
			if err != nil || n < 1 || n > MaxWeight {
				fe.Add("criteria", "review.criteria.weight_invalid", MaxWeight)
				continue
			}
			label, weight = trimmed(line[:i]), n
		}
		if label == "" || tooLong(label, 300) {
			fe.Add("criteria", "review.criteria.label_invalid")
			continue
		}
		out = append(out, Criterion{Position: len(out), Label: label, Weight: weight})
	}
	if len(out) == 0 {
		fe.Add("criteria", "review.criteria.empty")
	}
	if len(out) > 20 {
		fe.Add("criteria", "review.criteria.too_many", 20)
	}
	return out, fe
}

// CriteriaText writes a grid the way ParseCriteria reads it.
func CriteriaText(cs []Criterion) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = c.Label + " ; " + strconv.Itoa(c.Weight)
	}
	return strings.Join(lines, "\n")
}
