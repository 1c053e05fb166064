package tally

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
)

type jsonReason struct {
	Code            ReasonCode `json:"code"`
	BudgetLeft      string     `json:"budget_left"`
	Round           int        `json:"round,omitempty"`
	Rho             *float64   `json:"rho,omitempty"`
	Payers          int64      `json:"payers,omitempty"`
	SupportersMoney string     `json:"supporters_money,omitempty"`
	Envelope        string     `json:"envelope,omitempty"`
}

type jsonProject struct {
	ID       string     `json:"id"`
	Cost     string     `json:"cost"`
	Votes    int64      `json:"votes"`
	Score    string     `json:"score"`
	Rank     int        `json:"rank"`
	Selected bool       `json:"selected"`
	Reason   jsonReason `json:"reason"`
}

type jsonOutcome struct {
	Rule         string        `json:"rule"`
	TieBreak     string        `json:"tie_break"`
	Envelopes    EnvelopeMode  `json:"envelopes"`
	Budget       string        `json:"budget"`
	Spent        string        `json:"spent"`
	Left         string        `json:"left"`
	Ballots      int           `json:"ballots"`
	Add1Increase int64         `json:"add1_increase,omitempty"`
	Selected     []string      `json:"selected"`
	Projects     []jsonProject `json:"projects"`
}

// rhoFloat is ρ for display only (decisions never look at it).
func rhoFloat(r *big.Rat) *float64 {
	if r == nil {
		return nil
	}
	f, _ := r.Float64()
	return &f
}

// ScoreString renders a project's score exactly.
func (p *ProjectResult) ScoreString() string {
	if p.Score == nil {
		return "0"
	}
	if p.Score.IsInt64() {
		return FormatAmount(p.Score.Int64(), p.ScoreScale)
	}
	s := p.Score.String()
	if p.ScoreScale == 0 {
		return s
	}
	for len(s) <= p.ScoreScale {
		s = "0" + s
	}
	ip, fp := s[:len(s)-p.ScoreScale], s[len(s)-p.ScoreScale:]
	for len(fp) > 0 && fp[len(fp)-1] == '0' {
		fp = fp[:len(fp)-1]
	}
	if fp == "" {
		return ip
	}
	return ip + "." + fp
}

// WriteJSON prints the outcome as one JSON object; money is exact decimal strings in the
// file's currency units.
func WriteJSON(w io.Writer, o *Outcome) error {
	j := jsonOutcome{Rule: o.Rule, TieBreak: o.TieBreak, Envelopes: o.Envelopes,
		Budget: FormatAmount(o.Budget, o.Scale), Spent: FormatAmount(o.Spent, o.Scale),
		Left: FormatAmount(o.Left, o.Scale), Ballots: o.Ballots, Add1Increase: o.Add1Increase,
		Selected: o.Selected, Projects: make([]jsonProject, 0, len(o.Projects))}
	if j.Selected == nil {
		j.Selected = []string{}
	}
	for _, p := range o.Projects {
		j.Projects = append(j.Projects, jsonProject{ID: p.ID, Cost: FormatAmount(p.Cost, o.Scale),
			Votes: p.Votes, Score: p.ScoreString(), Rank: p.Rank, Selected: p.Selected,
			Reason: jsonReason{Code: p.Reason.Code, BudgetLeft: FormatAmount(p.Reason.BudgetLeft, o.Scale),
				Round: p.Reason.Round, Rho: rhoFloat(p.Reason.Rho), Payers: p.Reason.Payers,
				SupportersMoney: formatRatAmount(p.Reason.SupportersMoney, o.Scale), Envelope: p.Reason.Envelope}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// WriteCSV prints one row per project, in rank order, with a header.
func WriteCSV(w io.Writer, o *Outcome) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"rank", "id", "cost", "votes", "score", "selected", "reason", "budget_left", "round", "rho", "payers", "supporters_money", "envelope"})
	for _, p := range o.Projects {
		rho := ""
		if f := rhoFloat(p.Reason.Rho); f != nil {
			rho = strconv.FormatFloat(*f, 'g', 10, 64)
		}
		round, payers := "", ""
		if p.Reason.Round > 0 {
			round = strconv.Itoa(p.Reason.Round)
		}
		if p.Reason.Payers > 0 {
			payers = strconv.FormatInt(p.Reason.Payers, 10)
		}
		_ = cw.Write([]string{strconv.Itoa(p.Rank), p.ID, FormatAmount(p.Cost, o.Scale),
			strconv.FormatInt(p.Votes, 10), p.ScoreString(), strconv.FormatBool(p.Selected),
			string(p.Reason.Code), FormatAmount(p.Reason.BudgetLeft, o.Scale), round, rho, payers,
			formatRatAmount(p.Reason.SupportersMoney, o.Scale), p.Reason.Envelope})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}
