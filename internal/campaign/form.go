package campaign

// The admin form of a campaign. Field names (and so the keys of the FieldErrors that Validate
// and ParseForm return):
//
//	slug, name, description, territory, envelope, timezone, contact_email
//	phase_<key>_start, phase_<key>_end    one pair per phase, local days YYYY-MM-DD
//	                                      (phase_vote_start, phase_laureats_end, …)
//	vote_rule                             one-per-category | approval | knapsack
//	vote_k                                approval only: how many projects a ballot may hold
//	aggregation_rule                      greedy_cost, mes_cost, … (AggregationRules)
//	per_category_envelopes                checkbox
//	tie_break                             e.g. "cost,order"
//	min_voter_age                         whole years
//	comptoir_required, ideas_public, archived   checkboxes
//	ballot_publication                    receipts | none
//	catN_id                               hidden: the category's ID, empty for a new one
//	catN_name, catN_description
//	catN_rule                             flat | percent
//	catN_flat                             flat: the amount
//	catN_rate, catN_cap, catN_floor       percent: rate in % ("10", "12,5"); cap and floor,
//	                                      empty = none
//	catN_envelope                         the category's own envelope, empty = none
//	catN_delete                           checkbox: remove this category on save
//
// Errors about the whole list of categories are keyed "categories", about the whole list of
// phases "phases". Amounts are typed the French way (ParseMoney), rates as percentages
// (ParseRate); checkboxes are true when sent with any non-empty value.
//
// Categories without JavaScript: the form shows rows 0 … n-1 (n = CategoryRows(values)) and
// one more, empty row n. An empty row (no name, description or amount; its rule select does
// not count) is ignored, so the extra row costs nothing when unused; filling it adds a
// category. To add several, the form may carry a second submit button named ActionField with
// value ActionAddCategory: the handler then re-displays NormalizeForm(values) without saving,
// and the filled row is followed by a new empty one. Ticking catN_delete removes row N.
// ParseForm and Validate name category fields by their row in NormalizeForm's output (deleted
// and empty rows removed, the others renumbered from 0), so the handler re-displays that.

import (
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"budgetcitoyen/internal/apperr"
)

// Top-level field names.
const (
	FieldSlug         = "slug"
	FieldName         = "name"
	FieldDescription  = "description"
	FieldTerritory    = "territory"
	FieldEnvelope     = "envelope"
	FieldTimeZone     = "timezone"
	FieldContactEmail = "contact_email"
	FieldVoteRule     = "vote_rule"
	FieldVoteK        = "vote_k"
	FieldAggregation  = "aggregation_rule"
	FieldPerCategory  = "per_category_envelopes"
	FieldTieBreak     = "tie_break"
	FieldMinVoterAge  = "min_voter_age"
	FieldComptoir     = "comptoir_required"
	FieldPublication  = "ballot_publication"
	FieldIdeasPublic  = "ideas_public"
	FieldArchived     = "archived"
	FieldCategories   = "categories"
	FieldPhases       = "phases"

	// ActionField / ActionAddCategory: a submit button that asks for one more empty
	// category row instead of saving.
	ActionField       = "action"
	ActionAddCategory = "add_category"
)

// Suffixes of the category row fields (catN_<suffix>).
const (
	CatID          = "id"
	CatName        = "name"
	CatDescription = "description"
	CatRule        = "rule"
	CatFlat        = "flat"
	CatRate        = "rate"
	CatCap         = "cap"
	CatFloor       = "floor"
	CatEnvelope    = "envelope"
	CatDelete      = "delete"
)

var catSuffixes = []string{CatID, CatName, CatDescription, CatRule, CatFlat, CatRate, CatCap,
	CatFloor, CatEnvelope, CatDelete}

// maxCatRow bounds the row numbers read from a form, so that "cat999999999_name" cannot make
// the server allocate or loop for nothing.
const maxCatRow = 199

// PhaseStartField and PhaseEndField name the date fields of a phase: phase_vote_start, …
func PhaseStartField(p Phase) string { return "phase_" + string(p) + "_start" }

// PhaseEndField: see PhaseStartField.
func PhaseEndField(p Phase) string { return "phase_" + string(p) + "_end" }

// CatField names field suffix of category row i: CatField(0, CatName) = "cat0_name".
func CatField(i int, suffix string) string { return "cat" + strconv.Itoa(i) + "_" + suffix }

// parseCatField splits "cat12_rate" into 12 and "rate".
func parseCatField(key string) (int, string, bool) {
	rest, ok := strings.CutPrefix(key, "cat")
	if !ok {
		return 0, "", false
	}
	num, suffix, ok := strings.Cut(rest, "_")
	if !ok || num == "" || len(num) > 3 || !allDigits(num) || (len(num) > 1 && num[0] == '0') {
		return 0, "", false
	}
	i, _ := strconv.Atoi(num)
	if i > maxCatRow {
		return 0, "", false
	}
	for _, s := range catSuffixes {
		if s == suffix {
			return i, suffix, true
		}
	}
	return 0, "", false
}

// NormalizeForm returns the submitted values with the category rows cleaned up: rows whose
// catN_delete is ticked and empty rows are dropped, the others renumbered 0, 1, … in their
// order. Everything else is kept as typed, so that the form re-displays the user's text.
func NormalizeForm(v url.Values) url.Values {
	out := url.Values{}
	rows := map[int]url.Values{}
	for key, vals := range v {
		if i, suffix, ok := parseCatField(key); ok {
			if rows[i] == nil {
				rows[i] = url.Values{}
			}
			rows[i][suffix] = vals
			continue
		}
		if strings.HasPrefix(key, "cat") && key != FieldCategories {
			continue // a malformed category field: nothing reads it
		}
		out[key] = append([]string(nil), vals...)
	}
	idx := make([]int, 0, len(rows))
	for i := range rows {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	n := 0
	for _, i := range idx {
		row := rows[i]
		if row.Get(CatDelete) != "" || emptyRow(row) {
			continue
		}
		for suffix, vals := range row {
			out[CatField(n, suffix)] = append([]string(nil), vals...)
		}
		n++
	}
	return out
}

func emptyRow(row url.Values) bool {
	for _, s := range []string{CatID, CatName, CatDescription, CatFlat, CatRate, CatCap, CatFloor, CatEnvelope} {
		if strings.TrimSpace(row.Get(s)) != "" {
			return false
		}
	}
	return true
}

// CategoryRows returns how many category rows v holds (the highest row number plus one); the
// form shows them and one more, empty, row.
func CategoryRows(v url.Values) int {
	n := 0
	for key := range v {
		if i, _, ok := parseCatField(key); ok && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// ParseForm reads the admin form into a campaign and checks it: the field errors hold what
// could not be read (an unreadable amount, a malformed date) and then what Validate finds,
// one message per field, keyed by the names of NormalizeForm(v) (see the top of this file).
// The campaign is returned even when there are errors; ID, CopiedFrom and the timestamps are
// left zero for the caller to set. It never panics, whatever v holds.
func ParseForm(v url.Values) (*Campaign, apperr.FieldErrors) {
	v = NormalizeForm(v)
	fe := apperr.FieldErrors{}
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	c := &Campaign{
		Slug:                 get(FieldSlug),
		Name:                 get(FieldName),
		Description:          text(v.Get(FieldDescription)),
		Territory:            strings.ToUpper(get(FieldTerritory)),
		TimeZone:             get(FieldTimeZone),
		ContactEmail:         get(FieldContactEmail),
		VoteRule:             VoteRule{Kind: get(FieldVoteRule)},
		AggregationRule:      get(FieldAggregation),
		PerCategoryEnvelopes: checked(v, FieldPerCategory),
		TieBreak:             strings.ReplaceAll(get(FieldTieBreak), " ", ""),
		ComptoirRequired:     checked(v, FieldComptoir),
		BallotPublication:    get(FieldPublication),
		IdeasPublic:          checked(v, FieldIdeasPublic),
		Archived:             checked(v, FieldArchived),
	}
	if s := get(FieldEnvelope); s != "" {
		c.EnvelopeCents = money(fe, FieldEnvelope, s)
	}
	if c.VoteRule.Kind == VoteApproval {
		c.VoteRule.K = number(fe, FieldVoteK, get(FieldVoteK))
	}
	c.MinVoterAge = number(fe, FieldMinVoterAge, get(FieldMinVoterAge))

	loc := time.UTC
	if l, err := loadLocation(c.TimeZone); err == nil {
		loc = l
	}
	for _, p := range AllPhases() {
		first, okFirst := date(fe, PhaseStartField(p), get(PhaseStartField(p)))
		last, okLast := date(fe, PhaseEndField(p), get(PhaseEndField(p)))
		if !okFirst && !okLast {
			continue
		}
		// A window with one side missing is kept with a zero instant on that side, so that
		// Validate names the field that is missing.
		var w PhaseWindow
		w.Phase = p
		if okFirst {
			w.Start = first.DayStart(loc).UTC()
		}
		if okLast {
			w.End = last.DayEnd(loc).UTC()
		}
		c.Phases = append(c.Phases, w)
	}

	for i := range CategoryRows(v) {
		c.Categories = append(c.Categories, parseCategory(fe, v, i))
	}

	for field, m := range c.Validate() {
		fe.Add(field, m.Key, m.Args...)
	}
	if len(fe) == 0 {
		return c, nil
	}
	return c, fe
}

func parseCategory(fe apperr.FieldErrors, v url.Values, i int) Category {
	get := func(s string) string { return strings.TrimSpace(v.Get(CatField(i, s))) }
	cat := Category{
		Position:    i,
		Name:        get(CatName),
		Description: text(v.Get(CatField(i, CatDescription))),
		Rule:        SupportRule{Kind: get(CatRule)},
	}
	if s := get(CatID); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			fe.Add(CatField(i, CatID), "campaign.category.id_invalid")
		} else {
			cat.ID = id
		}
	}
	switch cat.Rule.Kind {
	case RuleFlat:
		if s := get(CatFlat); s == "" {
			fe.Add(CatField(i, CatFlat), "campaign.money.required")
		} else {
			cat.Rule.FlatCents = money(fe, CatField(i, CatFlat), s)
		}
	case RulePercent:
		if s := get(CatRate); s == "" {
			fe.Add(CatField(i, CatRate), "campaign.rate.required")
		} else if bp, err := ParseRate(s); err != nil {
			fe.Add(CatField(i, CatRate), "campaign.rate.invalid")
		} else {
			cat.Rule.RateBP = bp
		}
		if s := get(CatCap); s != "" {
			cat.Rule.CapCents = money(fe, CatField(i, CatCap), s)
		}
		if s := get(CatFloor); s != "" {
			cat.Rule.FloorCents = money(fe, CatField(i, CatFloor), s)
		}
	}
	if s := get(CatEnvelope); s != "" {
		e := money(fe, CatField(i, CatEnvelope), s)
		if !fe.Has(CatField(i, CatEnvelope)) {
			cat.EnvelopeCents = &e
		}
	}
	return cat
}

// FormValues writes a campaign as the admin form's values, for the edit form. (To re-display
// a rejected submission, use NormalizeForm on what was sent: it keeps the user's text.)
func FormValues(c *Campaign) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set(FieldSlug, c.Slug)
	set(FieldName, c.Name)
	set(FieldDescription, c.Description)
	set(FieldTerritory, c.Territory)
	if c.EnvelopeCents != 0 {
		set(FieldEnvelope, MoneyInput(c.EnvelopeCents))
	}
	set(FieldTimeZone, c.TimeZone)
	set(FieldContactEmail, c.ContactEmail)
	set(FieldVoteRule, c.VoteRule.Kind)
	if c.VoteRule.Kind == VoteApproval {
		set(FieldVoteK, strconv.Itoa(c.VoteRule.K))
	}
	set(FieldAggregation, c.AggregationRule)
	set(FieldTieBreak, c.TieBreak)
	set(FieldMinVoterAge, strconv.Itoa(c.MinVoterAge))
	set(FieldPublication, c.BallotPublication)
	for k, on := range map[string]bool{FieldPerCategory: c.PerCategoryEnvelopes,
		FieldComptoir: c.ComptoirRequired, FieldIdeasPublic: c.IdeasPublic, FieldArchived: c.Archived} {
		if on {
			v.Set(k, "1")
		}
	}
	loc := c.Location()
	for _, w := range c.Phases {
		first, last := w.LocalDays(loc)
		if !w.Start.IsZero() {
			v.Set(PhaseStartField(w.Phase), first.String())
		}
		if !w.End.IsZero() {
			v.Set(PhaseEndField(w.Phase), last.String())
		}
	}
	for i, cat := range c.Categories {
		if cat.ID != 0 {
			v.Set(CatField(i, CatID), strconv.FormatInt(cat.ID, 10))
		}
		set(CatField(i, CatName), cat.Name)
		set(CatField(i, CatDescription), cat.Description)
		set(CatField(i, CatRule), cat.Rule.Kind)
		switch cat.Rule.Kind {
		case RuleFlat:
			v.Set(CatField(i, CatFlat), MoneyInput(cat.Rule.FlatCents))
		case RulePercent:
			v.Set(CatField(i, CatRate), RateInput(cat.Rule.RateBP))
			if cat.Rule.CapCents != 0 {
				v.Set(CatField(i, CatCap), MoneyInput(cat.Rule.CapCents))
			}
			if cat.Rule.FloorCents != 0 {
				v.Set(CatField(i, CatFloor), MoneyInput(cat.Rule.FloorCents))
			}
		}
		if cat.EnvelopeCents != nil {
			v.Set(CatField(i, CatEnvelope), MoneyInput(*cat.EnvelopeCents))
		}
	}
	return v
}

// money reads an amount, recording why it cannot be read.
func money(fe apperr.FieldErrors, field, s string) int64 {
	cents, err := ParseMoney(s)
	switch {
	case err == nil:
		return cents
	case errors.Is(err, ErrAmbiguous):
		fe.Add(field, "campaign.money.ambiguous")
	case errors.Is(err, ErrTooLarge):
		fe.Add(field, "campaign.amount.too_large")
	default:
		fe.Add(field, "campaign.money.invalid")
	}
	return 0
}

// number reads a small whole number (an age, a count).
func number(fe apperr.FieldErrors, field, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 6 {
		fe.Add(field, "campaign.number.invalid")
		return 0
	}
	return n
}

// date reads a local day; an empty field is not an error here (Validate reports a missing
// phase), an unreadable one is.
func date(fe apperr.FieldErrors, field, s string) (Date, bool) {
	if s == "" {
		return Date{}, false
	}
	d, err := ParseDate(s)
	if err != nil || d.Year < 1900 || d.Year > 9999 {
		fe.Add(field, "campaign.date.invalid")
		return Date{}, false
	}
	return d, true
}

func checked(v url.Values, k string) bool { return strings.TrimSpace(v.Get(k)) != "" }

// text normalises a multi-line text from a browser (CRLF line ends) and trims its ends.
func text(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
