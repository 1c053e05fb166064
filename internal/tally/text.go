package tally

import (
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// Lang is a language of the prose format.
type Lang string

// Supported languages; French is the default.
const (
	French  Lang = "fr"
	English Lang = "en"
)

type catalog struct {
	title, budget, spent, left, ballots, selected, none, detail, add1 string
	project, cost, votes, vote, score                                 string
	yes, no                                                           string
	reasons                                                           map[ReasonCode]string
	envelope                                                          string
	thousands, decimal                                                string
}

var catalogs = map[Lang]catalog{
	French: {
		title: "Résultats — règle %s, départage %s", budget: "Budget", spent: "dépensé", left: "reste",
		ballots: "Bulletins", selected: "Projets retenus (%d)", none: "aucun",
		detail: "Détail, dans l'ordre des décisions :", add1: "Complément add1 : part de chaque votant augmentée de %s.",
		project: "projet", cost: "coût", votes: "voix", vote: "voix", score: "score",
		yes: "RETENU", no: "non retenu", envelope: "enveloppe %s",
		thousands: " ", decimal: ",",
		reasons: map[ReasonCode]string{
			ReasonGreedySelected:     "il restait {left} à son tour, de quoi payer son coût de {cost}",
			ReasonOverBudget:         "budget restant à son tour : {left} < coût {cost}",
			ReasonMESSelected:        "acheté au tour {round} à ρ = {rho} par unité de satisfaction, payé par {payers} votants",
			ReasonMESFree:            "gratuit et soutenu : retenu avant le premier tour",
			ReasonMESUnaffordable:    "au tour {round}, ses soutiens ne détenaient plus que {money} < coût {cost}",
			ReasonNoSupport:          "personne ne le soutient",
			ReasonCompletionSelected: "ajouté par le complément glouton : il restait {left} ≥ coût {cost}",
			ReasonPhragmenSelected:   "acheté au tour {round}, charge de ses soutiens portée à {load} par votant",
			ReasonPhragmenStopped:    "la règle s'est arrêtée au tour {round} : l'achat suivant dépassait le budget restant ({left})",
			ReasonNoEnvelope:         "n'appartient à aucune catégorie dotée d'une enveloppe",
		},
	},
	English: {
		title: "Results — rule %s, tie-break %s", budget: "Budget", spent: "spent", left: "left",
		ballots: "Ballots", selected: "Selected projects (%d)", none: "none",
		detail: "Details, in the order of the decisions:", add1: "add1 completion: each voter's share raised by %s.",
		project: "project", cost: "cost", votes: "votes", vote: "vote", score: "score",
		yes: "SELECTED", no: "not selected", envelope: "envelope %s",
		thousands: ",", decimal: ".",
		reasons: map[ReasonCode]string{
			ReasonGreedySelected:     "{left} was left when its turn came, enough for its cost of {cost}",
			ReasonOverBudget:         "budget left when its turn came: {left} < cost {cost}",
			ReasonMESSelected:        "bought in round {round} at ρ = {rho} per unit of satisfaction, paid by {payers} voters",
			ReasonMESFree:            "free and supported: selected before the first round",
			ReasonMESUnaffordable:    "in round {round} its supporters held only {money} < cost {cost}",
			ReasonNoSupport:          "nobody supports it",
			ReasonCompletionSelected: "added by the greedy completion: {left} was left ≥ cost {cost}",
			ReasonPhragmenSelected:   "bought in round {round}, its supporters' load raised to {load} per voter",
			ReasonPhragmenStopped:    "the rule stopped in round {round}: the next purchase exceeded what was left ({left})",
			ReasonNoEnvelope:         "belongs to no category with an envelope",
		},
	},
}

// ParseLang accepts "fr" (default when empty) or "en".
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(s) {
	case "", "fr":
		return French, nil
	case "en":
		return English, nil
	}
	return "", fmt.Errorf("unknown language %q (fr or en)", s)
}

// WriteText prints the outcome as prose in the given language.
func WriteText(w io.Writer, o *Outcome, lang Lang) error {
	c, ok := catalogs[lang]
	if !ok {
		c = catalogs[French]
	}
	money := func(v int64) string { return c.money(FormatAmount(v, o.Scale), o.Currency, lang) }
	num := func(v int64) string { return groupDigits(strconv.FormatInt(v, 10), c.thousands, c.decimal) }
	var b strings.Builder
	fmt.Fprintf(&b, c.title+"\n", o.Rule, o.TieBreak)
	fmt.Fprintf(&b, "%s : %s · %s : %s · %s : %s\n", c.budget, money(o.Budget), c.spent, money(o.Spent), c.left, money(o.Left))
	fmt.Fprintf(&b, "%s : %s\n", c.ballots, num(int64(o.Ballots)))
	if o.Add1Increase > 0 {
		fmt.Fprintf(&b, c.add1+"\n", money(o.Add1Increase*pow10(o.Scale)))
	}
	sel := strings.Join(o.Selected, ", ")
	if sel == "" {
		sel = c.none
	}
	fmt.Fprintf(&b, c.selected+" : %s\n\n%s\n", len(o.Selected), sel, c.detail)
	for _, p := range o.Projects {
		verdict := c.no
		if p.Selected {
			verdict = c.yes
		}
		r := p.Reason
		repl := strings.NewReplacer(
			"{left}", money(r.BudgetLeft),
			"{cost}", money(p.Cost),
			"{round}", strconv.Itoa(r.Round),
			"{rho}", c.ratio(r.Rho),
			"{load}", c.money(loadString(r.Rho), o.Currency, lang),
			"{payers}", num(r.Payers),
			"{money}", c.money(formatRatAmount(r.SupportersMoney, o.Scale), o.Currency, lang),
		)
		env := ""
		if r.Envelope != "" {
			env = " [" + fmt.Sprintf(c.envelope, r.Envelope) + "]"
		}
		votes := c.votes
		if p.Votes == 1 {
			votes = c.vote
		}
		fmt.Fprintf(&b, "%4d. %s %s — %s %s — %s %s%s — %s : %s\n", p.Rank, c.project, p.ID, c.cost, money(p.Cost),
			num(p.Votes), votes, env, verdict, repl.Replace(c.reasons[r.Code]))
	}
	if _, err := io.WriteString(w, lang.fix(b.String())); err != nil {
		return fmt.Errorf("writing text: %w", err)
	}
	return nil
}

// fix adapts punctuation: French puts a space before ':'; English does not.
func (l Lang) fix(s string) string {
	if l == English {
		return strings.ReplaceAll(s, " : ", ": ")
	}
	return s
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

func (c catalog) money(dec, currency string, lang Lang) string {
	if dec == "" {
		dec = "0"
	}
	s := groupDigits(dec, c.thousands, c.decimal)
	sym := map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}[currency]
	switch {
	case sym != "" && lang == English:
		return sym + s
	case sym != "":
		return s + " " + sym
	case currency != "":
		return s + " " + currency
	}
	return s
}

// ratio renders ρ with six significant digits, for reading only.
func (c catalog) ratio(r *big.Rat) string {
	return strings.Replace(c.ratioPlain(r), ".", c.decimal, 1)
}

func (c catalog) ratioPlain(r *big.Rat) string {
	if r == nil {
		return "—"
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', 6, 64)
}

// loadString renders a Phragmén load (money per voter) with two decimals, for reading only.
func loadString(r *big.Rat) string {
	if r == nil {
		return "—"
	}
	return r.FloatString(2)
}
