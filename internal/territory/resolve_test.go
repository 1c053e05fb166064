package territory

import (
	"slices"
	"testing"
)

func TestResolve(t *testing.T) {
	d := data(t)
	tests := []struct {
		name, input, dep string
		want             []string
	}{
		{"postcode shared by two communes", "62300", "62", []string{"62291", "62498"}},
		{"postcode before INSEE code, all France", "62300", "", []string{"62291", "62498"}},
		{"postcode of several communes", "62000", "62", []string{"62041", "62263"}},
		{"INSEE code that is no postcode", "62041", "62", []string{"62041"}},
		{"INSEE code outside the département", "62041", "59", nil},
		{"label written back by a form", "Équihen-Plage (62300)", "62", []string{"62300"}},
		{"name with a postcode", "Lens (62300)", "62", []string{"62498"}},
		{"name with a wrong code", "Arras (99999)", "62", []string{"62041"}},
		{"name, accents and case aside", "equihen plage", "62", []string{"62300"}},
		{"abbreviated saint", "St Omer", "62", []string{"62765"}},
		{"unknown", "Atlantide", "62", nil},
		{"empty", "  ", "62", nil},
		{"postcode of another département", "59000", "62", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := codes(d.Resolve(tt.input, tt.dep))
			slices.Sort(got)
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Resolve(%q, %q) = %v, want %v", tt.input, tt.dep, got, tt.want)
			}
		})
	}
}
