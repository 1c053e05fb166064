package campaign

// Support rule kinds.
const (
	RuleFlat    = "flat"    // a fixed amount per funded project
	RulePercent = "percent" // a share of the project's total cost, optionally capped and floored
)

// RuleKinds lists the support rule kinds.
func RuleKinds() []string { return []string{RuleFlat, RulePercent} }

// BPPerUnit is the number of basis points in 100 %.
const BPPerUnit = 10000

// SupportRule says how much a category grants a funded project: the support, which is what
// the envelope pays (not the project's total cost).
type SupportRule struct {
	Kind       string
	FlatCents  int64 // flat: the amount
	RateBP     int64 // percent: the rate in basis points (10 % = 1000)
	CapCents   int64 // percent: the ceiling; 0 = uncapped
	FloorCents int64 // percent: the minimum; 0 = none
}

// Flat returns the rule "a fixed amount".
func Flat(cents int64) SupportRule { return SupportRule{Kind: RuleFlat, FlatCents: cents} }

// Percent returns the rule "rateBP of the total cost, at most capCents (0 = no cap)".
func Percent(rateBP, capCents int64) SupportRule {
	return SupportRule{Kind: RulePercent, RateBP: rateBP, CapCents: capCents}
}

// WithFloor returns the rule with a minimum amount.
func (r SupportRule) WithFloor(floorCents int64) SupportRule {
	r.FloorCents = floorCents
	return r
}

// Computation is a support computed step by step, so that the carrier, the committee and the
// public can see how the amount was reached ("10 % de 180 000 € = 18 000 €, plafonné à
// 15 000 €").
type Computation struct {
	Rule      SupportRule
	BaseCents int64 // the project's total cost (negative costs count as 0)
	RawCents  int64 // flat: the amount; percent: rate × base, rounded down to the cent
	Capped    bool  // the raw amount was above the cap and was lowered to it
	Floored   bool  // the raw amount was below the floor and was raised to it
	// ResultCents is the support granted.
	ResultCents int64
}

// Compute returns the support for a project whose total cost is totalCostCents. The
// percentage is rounded down to the cent (the authority never pays more than the rate), and
// the arithmetic cannot overflow for any int64 cost.
func (r SupportRule) Compute(totalCostCents int64) Computation {
	base := max(totalCostCents, 0)
	c := Computation{Rule: r, BaseCents: base}
	switch r.Kind {
	case RuleFlat:
		// A flat support does not depend on the cost; cap and floor do not apply.
		c.RawCents = r.FlatCents
		c.ResultCents = r.FlatCents
		return c
	case RulePercent:
		c.RawCents = percentOf(base, r.RateBP)
	default:
		return c // an unknown rule grants nothing; Validate reports it
	}
	c.ResultCents = c.RawCents
	if r.FloorCents > 0 && c.ResultCents < r.FloorCents {
		c.ResultCents, c.Floored = r.FloorCents, true
	}
	if r.CapCents > 0 && c.ResultCents > r.CapCents {
		c.ResultCents, c.Capped, c.Floored = r.CapCents, true, false
	}
	return c
}

// Support is Compute's result alone.
func (r SupportRule) Support(totalCostCents int64) int64 {
	return r.Compute(totalCostCents).ResultCents
}

// percentOf returns floor(base × bp / 10000) for base ≥ 0, splitting base so that no
// intermediate product overflows; bp is clamped to 0–100 % (Validate rejects other rates).
func percentOf(base, bp int64) int64 {
	bp = min(max(bp, 0), BPPerUnit)
	q, r := base/BPPerUnit, base%BPPerUnit
	return q*bp + r*bp/BPPerUnit
}
