package campaign

import (
	"math"
	"testing"
)

func TestCompute(t *testing.T) {
	tests := []struct {
		name    string
		rule    SupportRule
		cost    int64
		want    Computation
		support int64
	}{
		{"flat", Flat(4_500_00), 30_000_00,
			Computation{BaseCents: 30_000_00, RawCents: 4_500_00, ResultCents: 4_500_00}, 4_500_00},
		{"flat ignores cost zero", Flat(4_500_00), 0,
			Computation{RawCents: 4_500_00, ResultCents: 4_500_00}, 4_500_00},
		{"percent under cap", Percent(1000, 15_000_00), 100_000_00,
			Computation{BaseCents: 100_000_00, RawCents: 10_000_00, ResultCents: 10_000_00}, 10_000_00},
		{"percent at cap", Percent(1000, 15_000_00), 150_000_00,
			Computation{BaseCents: 150_000_00, RawCents: 15_000_00, ResultCents: 15_000_00}, 15_000_00},
		{"percent over cap", Percent(1000, 15_000_00), 180_000_00,
			Computation{BaseCents: 180_000_00, RawCents: 18_000_00, Capped: true, ResultCents: 15_000_00}, 15_000_00},
		{"percent uncapped", Percent(2000, 0), 1_000_000_00,
			Computation{BaseCents: 1_000_000_00, RawCents: 200_000_00, ResultCents: 200_000_00}, 200_000_00},
		{"rounded down to the cent", Percent(1250, 0), 999,
			Computation{BaseCents: 999, RawCents: 124, ResultCents: 124}, 124}, // 124.875
		{"floor raises", Percent(1000, 15_000_00).WithFloor(1_000_00), 5_000_00,
			Computation{BaseCents: 5_000_00, RawCents: 500_00, Floored: true, ResultCents: 1_000_00}, 1_000_00},
		{"floor not needed", Percent(1000, 15_000_00).WithFloor(1_000_00), 50_000_00,
			Computation{BaseCents: 50_000_00, RawCents: 5_000_00, ResultCents: 5_000_00}, 5_000_00},
		{"floor and cap: cap wins above", Percent(1000, 15_000_00).WithFloor(1_000_00), 500_000_00,
			Computation{BaseCents: 500_000_00, RawCents: 50_000_00, Capped: true, ResultCents: 15_000_00}, 15_000_00},
		{"zero cost", Percent(1000, 15_000_00), 0,
			Computation{ResultCents: 0}, 0},
		{"zero cost floored", Percent(1000, 0).WithFloor(1_000_00), 0,
			Computation{Floored: true, ResultCents: 1_000_00}, 1_000_00},
		{"negative cost counts as zero", Percent(1000, 0), -5_00,
			Computation{}, 0},
		{"100 % of max int64", Percent(10000, 0), math.MaxInt64,
			Computation{BaseCents: math.MaxInt64, RawCents: math.MaxInt64, ResultCents: math.MaxInt64}, math.MaxInt64},
		{"20 % of max int64", Percent(2000, 0), math.MaxInt64,
			Computation{BaseCents: math.MaxInt64, RawCents: math.MaxInt64 / 5, ResultCents: math.MaxInt64 / 5}, math.MaxInt64 / 5},
		{"large capped", Percent(2000, 20_000_00), math.MaxInt64 - 1,
			Computation{BaseCents: math.MaxInt64 - 1, RawCents: (math.MaxInt64 - 1) / 5, Capped: true, ResultCents: 20_000_00}, 20_000_00},
		{"out-of-range rate is clamped", Percent(50000, 0), 100_00,
			Computation{BaseCents: 100_00, RawCents: 100_00, ResultCents: 100_00}, 100_00},
		{"unknown rule grants nothing", SupportRule{Kind: "bonus"}, 100_00,
			Computation{BaseCents: 100_00}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.rule.Compute(tt.cost)
			tt.want.Rule = tt.rule
			if got != tt.want {
				t.Errorf("Compute(%d) = %+v, want %+v", tt.cost, got, tt.want)
			}
			if s := tt.rule.Support(tt.cost); s != tt.support {
				t.Errorf("Support(%d) = %d, want %d", tt.cost, s, tt.support)
			}
		})
	}
}

func TestPercentOfMatchesExactArithmetic(t *testing.T) {
	// The split multiplication must equal floor(base*bp/10000) wherever the plain product
	// fits in an int64.
	for _, base := range []int64{0, 1, 9999, 10000, 10001, 123456789, 35215100, 1 << 40} {
		for _, bp := range []int64{0, 1, 999, 1000, 1250, 3333, 9999, 10000} {
			if got, want := percentOf(base, bp), base*bp/10000; got != want {
				t.Errorf("percentOf(%d, %d) = %d, want %d", base, bp, got, want)
			}
		}
	}
}
