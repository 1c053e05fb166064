package tally

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// benchFile parses a reference file and runs a rule, the same code path as the conformance
// test and the command line.
func benchFile(b *testing.B, file, rule string) {
	dir := pabulibDir(b)
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		in, err := ReadPB(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if rule == "" {
			continue
		}
		if _, err := Run(in, Options{Rule: rule}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBudapestParse(b *testing.B) { benchFile(b, "Hungary_Budapest_2024.pb", "") }
func BenchmarkBudapestGreedyCost(b *testing.B) {
	benchFile(b, "Hungary_Budapest_2024.pb", "greedy_cost")
}
func BenchmarkBudapestMESCost(b *testing.B)  { benchFile(b, "Hungary_Budapest_2024.pb", "mes_cost") }
func BenchmarkBudapestPhragmen(b *testing.B) { benchFile(b, "Hungary_Budapest_2024.pb", "phragmen") }
func BenchmarkMokotowMESCost(b *testing.B) {
	benchFile(b, "Poland_Warszawa_2023_Mokotow.pb", "mes_cost")
}
func BenchmarkMokotowAdd1(b *testing.B) {
	benchFile(b, "Poland_Warszawa_2023_Mokotow.pb", "mes_cost_add1")
}
func BenchmarkToulouseAdd1(b *testing.B) { benchFile(b, "France_Toulouse_2022.pb", "mes_cost_add1") }

// synthetic builds an approval election with nVoters ballots of k approvals among nProj
// projects, popularity skewed so that some projects are much more approved than others,
// costs between 50 000 and 1 000 000 and a budget of perVoter × nVoters.
func synthetic(nVoters, nProj, k int, perVoter int64, seed uint64) *Instance {
	rng := rand.New(rand.NewPCG(seed, 42))
	in := &Instance{VoteType: Approval, Budget: perVoter * int64(nVoters)}
	weights := make([]float64, nProj)
	var total float64
	for i := range nProj {
		_ = in.AddProject(Project{ID: strconv.Itoa(i + 1), Cost: 50000 + rng.Int64N(19)*50000})
		weights[i] = 1 / float64(i+3)
		total += weights[i]
	}
	cum := make([]float64, nProj)
	acc := 0.0
	for i, w := range weights {
		acc += w / total
		cum[i] = acc
	}
	ballot := make([]int32, 0, k)
	for v := range nVoters {
		ballot = ballot[:0]
		for len(ballot) < k {
			x := rng.Float64()
			lo, hi := 0, nProj-1
			for lo < hi {
				mid := (lo + hi) / 2
				if cum[mid] < x {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			dup := false
			for _, p := range ballot {
				dup = dup || p == int32(lo)
			}
			if !dup {
				ballot = append(ballot, int32(lo))
			}
		}
		_ = in.AddBallotIndices(strconv.Itoa(v), ballot, nil)
	}
	return in
}

func benchSynthetic(b *testing.B, in *Instance, rule string) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(in, Options{Rule: rule}); err != nil {
			b.Fatal(err)
		}
	}
}

// The département-wide case: 1.5 million ballots, 3 approvals each among 50 projects.
func BenchmarkSynthetic1500kGreedy(b *testing.B) {
	benchSynthetic(b, synthetic(1_500_000, 50, 3, 20, 1), "greedy_cost")
}

func BenchmarkSynthetic1500kMES(b *testing.B) {
	benchSynthetic(b, synthetic(1_500_000, 50, 3, 20, 1), "mes_cost")
}

// Sizes of the larger pabulib elections (65k–132k voters, 120–200 projects).
func BenchmarkSynthetic65kMES(b *testing.B) {
	benchSynthetic(b, synthetic(65_000, 120, 5, 300, 2), "mes_cost")
}

func BenchmarkSynthetic132kMES(b *testing.B) {
	benchSynthetic(b, synthetic(132_000, 200, 8, 300, 3), "mes_cost")
}

func BenchmarkSynthetic132kGreedy(b *testing.B) {
	benchSynthetic(b, synthetic(132_000, 200, 8, 300, 3), "greedy_cost")
}

func BenchmarkSynthetic90kAdd1(b *testing.B) {
	benchSynthetic(b, synthetic(90_000, 150, 6, 300, 4), "mes_cost_add1")
}
