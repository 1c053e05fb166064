package dossier

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/campaign"
)

// LineKind says whether a budget line is an expense or a funding.
type LineKind string

// The kinds of budget lines.
const (
	Expense LineKind = "expense"
	Funding LineKind = "funding"
)

// Source is where a funding line comes from. The support requested from the campaign is not a
// line the carrier types: the server computes it and adds it to the funding.
type Source string

// The funding sources.
const (
	SourceOwn     Source = "own"     // fonds propres
	SourcePublic  Source = "public"  // other public funding (State, region, commune, EPCI…)
	SourcePrivate Source = "private" // foundations, sponsors, crowdfunding, bank loan
	SourceInKind  Source = "in_kind" // valued volunteering and contributions in kind
	SourceRevenue Source = "revenue" // sales and participation of the public
	SourceOther   Source = "other"
)

// Sources lists the funding sources in display order.
func Sources() []Source {
	return []Source{SourceOwn, SourcePublic, SourcePrivate, SourceInKind, SourceRevenue, SourceOther}
}

// ParseSource returns the source named s.
func ParseSource(s string) (Source, bool) {
	for _, x := range Sources() {
		if string(x) == s {
			return x, true
		}
	}
	return "", false
}

// MessageKey is the i18n key of the source's name.
func (s Source) MessageKey() string { return "dossier.source." + string(s) }

// Line is one line of a dossier's budget. A draft keeps the amount as typed (AmountInput)
// even when it cannot be read, so that nothing typed is lost; Valid says whether AmountCents
// holds its value.
type Line struct {
	Kind        LineKind
	Source      Source // funding lines only
	Label       string
	AmountInput string
	AmountCents int64
	Valid       bool
}

// Budget is a dossier's expense and funding lines.
type Budget struct {
	Expenses []Line
	Fundings []Line
}

// MaxLines bounds the lines of each kind.
const MaxLines = 40

// TotalExpenses is the sum of the readable expense lines: the project's total cost.
func (b Budget) TotalExpenses() int64 { return sum(b.Expenses) }

// TotalFundings is the sum of the readable funding lines typed by the carrier (without the
// requested support).
func (b Budget) TotalFundings() int64 { return sum(b.Fundings) }

func sum(ls []Line) int64 {
	var t int64
	for _, l := range ls {
		if l.Valid {
			t += l.AmountCents
		}
	}
	return t
}

// AllValid reports whether every line's amount could be read.
func (b Budget) AllValid() bool {
	for _, ls := range [][]Line{b.Expenses, b.Fundings} {
		for _, l := range ls {
			if !l.Valid {
				return false
			}
		}
	}
	return true
}

// Balance compares the expenses with the funding, the requested support included.
type Balance struct {
	ExpensesCents int64
	FundingCents  int64 // typed funding lines
	SupportCents  int64 // computed by the category's rule
	// GapCents is expenses − (funding + support): positive when funding is missing,
	// negative when there is too much.
	GapCents int64
}

// Balanced reports whether the expenses equal the funding plus the support.
func (b Balance) Balanced() bool { return b.GapCents == 0 }

// TotalFundingCents is the funding with the support.
func (b Balance) TotalFundingCents() int64 { return b.FundingCents + b.SupportCents }

// BalanceOf computes the balance of b under the category's rule.
func BalanceOf(b Budget, rule campaign.SupportRule) Balance {
	exp := b.TotalExpenses()
	bal := Balance{ExpensesCents: exp, FundingCents: b.TotalFundings(), SupportCents: rule.Support(exp)}
	bal.GapCents = bal.ExpensesCents - bal.FundingCents - bal.SupportCents
	return bal
}

// Budget form field names: exp3_label, exp3_amount, fund0_source…
func ExpenseField(i int, suffix string) string { return "exp" + strconv.Itoa(i) + "_" + suffix }

// FundingField is the name of a funding row's field.
func FundingField(i int, suffix string) string { return "fund" + strconv.Itoa(i) + "_" + suffix }

// BudgetValues writes a budget for its form.
func BudgetValues(b Budget) url.Values {
	v := url.Values{}
	for i, l := range b.Expenses {
		v.Set(ExpenseField(i, "label"), l.Label)
		v.Set(ExpenseField(i, "amount"), l.AmountInput)
	}
	for i, l := range b.Fundings {
		v.Set(FundingField(i, "label"), l.Label)
		v.Set(FundingField(i, "source"), string(l.Source))
		v.Set(FundingField(i, "amount"), l.AmountInput)
	}
	return v
}

// ParseBudget reads the budget form: every row with a label or an amount becomes a line,
// empty rows are dropped. Each problem is reported on its field; the lines are returned as
// typed anyway (an unreadable amount is kept with Valid false) so that the draft keeps them.
func ParseBudget(v url.Values) (Budget, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	var b Budget
	for i := 0; i < MaxLines; i++ {
		if l, ok := parseLine(fe, v, Expense, i); ok {
			b.Expenses = append(b.Expenses, l)
		}
		if l, ok := parseLine(fe, v, Funding, i); ok {
			b.Fundings = append(b.Fundings, l)
		}
	}
	return b, fe
}

func parseLine(fe apperr.FieldErrors, v url.Values, kind LineKind, i int) (Line, bool) {
	field := ExpenseField
	if kind == Funding {
		field = FundingField
	}
	l := Line{Kind: kind, Label: oneLine(v.Get(field(i, "label"))), AmountInput: strings.TrimSpace(v.Get(field(i, "amount")))}
	if utf8.RuneCountInString(l.Label) > 200 {
		l.Label = string([]rune(l.Label)[:200])
		fe.Add(field(i, "label"), "dossier.text.too_long", 200)
	}
	if utf8.RuneCountInString(l.AmountInput) > 40 {
		l.AmountInput = string([]rune(l.AmountInput)[:40])
	}
	if kind == Funding {
		src := strings.TrimSpace(v.Get(field(i, "source")))
		if s, ok := ParseSource(src); ok {
			l.Source = s
		} else if src != "" {
			fe.Add(field(i, "source"), "dossier.budget.source_unknown")
		}
	}
	if l.Label == "" && l.AmountInput == "" {
		return Line{}, false
	}
	if l.Label == "" {
		fe.Add(field(i, "label"), "dossier.budget.label_required")
	}
	if kind == Funding && l.Source == "" {
		l.Source = SourceOther
	}
	l.AmountCents, l.Valid = ParseAmount(fe, field(i, "amount"), l.AmountInput)
	return l, true
}

// ParseAmount reads an amount the French way ("12 500,50 €", "12500.5", "12 500"), reporting
// a problem on field. Zero is accepted; negative amounts are not.
func ParseAmount(fe apperr.FieldErrors, field, s string) (int64, bool) {
	c, err := campaign.ParseMoney(s)
	switch {
	case errors.Is(err, campaign.ErrEmpty):
		fe.Add(field, "dossier.budget.amount_required")
	case errors.Is(err, campaign.ErrAmbiguous):
		fe.Add(field, "campaign.money.ambiguous")
	case errors.Is(err, campaign.ErrTooLarge):
		fe.Add(field, "campaign.amount.too_large")
	case err != nil:
		fe.Add(field, "campaign.money.invalid")
	case c < 0:
		fe.Add(field, "campaign.amount.negative")
	default:
		return c, true
	}
	return 0, false
}
