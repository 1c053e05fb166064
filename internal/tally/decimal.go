package tally

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// maxScale bounds the number of decimal places accepted in money amounts. Costs are stored as
// int64 multiples of 10^-Scale, so a larger scale would shrink the largest representable amount
// below what real budgets need.
const maxScale = 6

var errAmountRange = errors.New("amount out of range")

// parseDecimal reads a non-negative decimal such as "4000", "4000.0" or "969245,38" (pabutools
// accepts a decimal comma too) and returns its digits as an integer together with the number of
// decimal places. It never uses floating point, so "0.1" stays exactly one tenth.
func parseDecimal(s string) (mant int64, places int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, errors.New("empty number")
	}
	if s[0] == '+' {
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, 0, fmt.Errorf("%q is not a number", s)
	}
	// Trailing zeros carry no value; dropping them keeps "4000.0" at scale 0.
	frac = strings.TrimRight(frac, "0")
	if len(frac) > maxScale {
		return 0, 0, fmt.Errorf("%q has more than %d decimal places", s, maxScale)
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, 0, fmt.Errorf("%q is not a non-negative decimal number", s)
			}
		}
	}
	var v int64
	for _, c := range intPart + frac {
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, 0, fmt.Errorf("%q: %w", s, errAmountRange)
		}
		v = v*10 + d
	}
	return v, len(frac), nil
}

// rescale multiplies v (at scale from) to scale to (to >= from), reporting overflow.
func rescale(v int64, from, to int) (int64, error) {
	for i := from; i < to; i++ {
		if v > math.MaxInt64/10 || v < math.MinInt64/10 {
			return 0, errAmountRange
		}
		v *= 10
	}
	return v, nil
}

// FormatAmount writes v × 10^-scale as an exact decimal string without superfluous trailing
// zeros ("4000", "969245.38").
func FormatAmount(v int64, scale int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := fmt.Sprintf("%0*d", scale+1, u)
	ip, fp := s[:len(s)-scale], s[len(s)-scale:]
	fp = strings.TrimRight(fp, "0")
	out := ip
	if fp != "" {
		out += "." + fp
	}
	if neg {
		out = "-" + out
	}
	return out
}

// formatRatAmount renders an exact rational amount (at the given scale) rounded down to the
// scale's precision. It is used only for display, never for a decision.
func formatRatAmount(r *big.Rat, scale int) string {
	if r == nil {
		return ""
	}
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if q.IsInt64() {
		return FormatAmount(q.Int64(), scale)
	}
	return q.String()
}

// groupDigits inserts sep between groups of three digits of the integer part of a decimal
// string, for human-readable prose ("1 000 000").
func groupDigits(s, sep, decSep string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	ip, fp, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	out := b.String()
	if hasFrac {
		out += decSep + fp
	}
	if neg {
		out = "-" + out
	}
	return out
}
