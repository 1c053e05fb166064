package tally

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenExplanations pins the explained outcome of small instances in every format, so a
// change of wording or of a decision shows up in review.
func TestGoldenExplanations(t *testing.T) {
	cases := []struct {
		name, file string
		opt        Options
		format     string
		lang       Lang
	}{
		{"two_groups_mes_cost_fr.txt", "two_groups.pb", Options{Rule: "mes_cost"}, "text", French},
		{"two_groups_mes_cost_en.txt", "two_groups.pb", Options{Rule: "mes_cost"}, "text", English},
		{"two_groups_mes_cost.json", "two_groups.pb", Options{Rule: "mes_cost"}, "json", ""},
		{"two_groups_phragmen_fr.txt", "two_groups.pb", Options{Rule: "phragmen"}, "text", French},
		{"two_groups_greedy_envelopes_en.txt", "two_groups.pb", Options{Rule: "greedy_cost", Envelopes: CategoryEnvelopes}, "text", English},
		{"two_groups_mes_card_greedy.csv", "two_groups.pb", Options{Rule: "mes_card_greedy", TieBreak: "votes,cost"}, "csv", ""},
		{"quirks_greedy_cost_fr.txt", "quirks.pb", Options{Rule: "greedy_cost"}, "text", French},
		{"ordinal_mes_points_en.txt", "ordinal.pb", Options{Rule: "mes_points"}, "text", English},
		{"cumulative_mes_points_add1_fr.txt", "cumulative_crlf.pb", Options{Rule: "mes_points_add1"}, "text", French},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := readFile(t, filepath.Join("testdata", c.file))
			out, err := Run(in, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			switch c.format {
			case "json":
				err = WriteJSON(&buf, out)
			case "csv":
				err = WriteCSV(&buf, out)
			default:
				err = WriteText(&buf, out, c.lang)
			}
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenExplanations -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from the golden file\n--- got\n%s\n--- want\n%s", c.name, buf.String(), want)
			}
		})
	}
}
