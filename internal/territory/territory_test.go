package territory

import (
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	loadOnce sync.Once
	loaded   *Data
	loadErr  error
)

// data loads the embedded file once for the whole test binary.
func data(t testing.TB) *Data {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = Load() })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

func codes(cs []Commune) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

func TestPasDeCalais(t *testing.T) {
	d := data(t)
	communes := d.Communes("62")
	if len(communes) != 887 {
		t.Fatalf("62 has %d communes, want 887", len(communes))
	}
	pop := 0
	perArr := map[string]int{}
	perEPCI := map[string]int{}
	for _, c := range communes {
		pop += c.Population
		perArr[c.Arrondissement]++
		perEPCI[c.EPCI]++
		if c.Departement != "62" {
			t.Errorf("%s %s: département %q", c.Code, c.Name, c.Departement)
		}
		if c.EPCI == "" {
			t.Errorf("%s %s has no EPCI", c.Code, c.Name)
		}
		if len(c.Postcodes) == 0 {
			t.Errorf("%s %s has no postcode", c.Code, c.Name)
		}
		for _, p := range c.Postcodes {
			if !strings.HasPrefix(p, "62") {
				t.Errorf("%s %s: postcode %s", c.Code, c.Name, p)
			}
		}
	}
	if pop != 1457905 {
		t.Errorf("population of 62 = %d, want 1457905", pop)
	}
	if !slices.IsSortedFunc(communes, func(a, b Commune) int { return strings.Compare(Normalize(a.Name), Normalize(b.Name)) }) {
		t.Error("Communes(62) is not sorted by name")
	}
	if dep, ok := d.Departement("62"); !ok || dep.Name != "Pas-de-Calais" {
		t.Errorf("Departement(62) = %+v, %v", dep, ok)
	}

	arrs := []struct {
		code, name, chefLieu string
		communes             int
	}{
		{"621", "Arras", "62041", 357},
		{"622", "Béthune", "62119", 104},
		{"623", "Boulogne-sur-Mer", "62160", 74},
		{"624", "Montreuil", "62588", 161},
		{"625", "Saint-Omer", "62765", 89},
		{"626", "Calais", "62193", 52},
		{"627", "Lens", "62498", 50},
	}
	got := d.Arrondissements("62")
	if len(got) != len(arrs) {
		t.Fatalf("62 has %d arrondissements, want 7: %+v", len(got), got)
	}
	for i, want := range arrs {
		a := got[i]
		if a.Code != want.code || a.Name != want.name || a.ChefLieu != want.chefLieu || a.Departement != "62" {
			t.Errorf("arrondissement %d = %+v, want %s %s %s", i, a, want.code, want.name, want.chefLieu)
		}
		if perArr[want.code] != want.communes {
			t.Errorf("arrondissement %s has %d communes, want %d", want.code, perArr[want.code], want.communes)
		}
		if b, ok := d.Arrondissement(want.code); !ok || b != a {
			t.Errorf("Arrondissement(%s) = %+v, %v", want.code, b, ok)
		}
	}

	epcis := []struct {
		siren, name, kind string
		in62              int
	}{
		{"200018083", "CC de Desvres-Samer", "CC", 31},
		{"200033579", "CU d'Arras", "CU", 46},
		{"200035442", "CC du Sud Artois", "CC", 64},
		{"200044030", "CC des 7 Vallées", "CC", 66},
		{"200044048", "CC Osartis Marquion", "CC", 49},
		{"200069029", "CA des Deux Baies en Montreuillois", "CA", 46},
		{"200069037", "CA du Pays de Saint-Omer", "CA", 53},
		{"200069235", "CC du Haut Pays du Montreuillois", "CC", 49},
		{"200069482", "CC des Campagnes de l'Artois", "CC", 96},
		{"200069672", "CC du Ternois", "CC", 102},
		{"200072460", "CA de Béthune-Bruay, Artois-Lys Romane", "CA", 100},
		{"200072478", "CC Pays d'Opale", "CC", 23},
		{"200090751", "CA Grand Calais Terres et Mers", "CA", 14},
		{"245900758", "CC Flandre Lys", "CC", 4},
		{"246200299", "CA d'Hénin-Carvin", "CA", 14},
		{"246200364", "CA de Lens - Liévin", "CA", 36},
		{"246200380", "CC de la Terre des Deux Caps", "CC", 21},
		{"246200729", "CA du Boulonnais", "CA", 22},
		{"246200844", "CC de la Région d'Audruicq", "CC", 15},
		{"246201016", "CC du Pays de Lumbres", "CC", 36},
	}
	list := d.EPCIs("62")
	if len(list) != len(epcis) {
		t.Fatalf("62 has %d EPCI, want 20", len(list))
	}
	if !slices.IsSortedFunc(list, func(a, b EPCI) int { return strings.Compare(Normalize(a.Name), Normalize(b.Name)) }) {
		t.Error("EPCIs(62) is not sorted by name")
	}
	for _, want := range epcis {
		e, ok := d.EPCI(want.siren)
		if !ok || e.Name != want.name || e.Kind != want.kind {
			t.Errorf("EPCI(%s) = %+v, %v; want %s (%s)", want.siren, e, ok, want.name, want.kind)
		}
		if !slices.Contains(list, e) {
			t.Errorf("EPCIs(62) lacks %s", want.name)
		}
		if perEPCI[want.siren] != want.in62 {
			t.Errorf("EPCI %s has %d communes in 62, want %d", want.name, perEPCI[want.siren], want.in62)
		}
	}
	// The two EPCI that straddle the boundary are listed in the neighbouring départements too.
	if !slices.ContainsFunc(d.EPCIs("59"), func(e EPCI) bool { return e.Code == "245900758" }) {
		t.Error("CC Flandre Lys missing from EPCIs(59)")
	}
	if !slices.ContainsFunc(d.EPCIs("80"), func(e EPCI) bool { return e.Code == "200069672" }) {
		t.Error("CC du Ternois missing from EPCIs(80)")
	}
}

func TestLookups(t *testing.T) {
	d := data(t)
	tests := []struct {
		code, name, dep, arr, epci string
		postcodes                  []string
		population                 int
	}{
		{"62119", "Béthune", "62", "622", "200072460", []string{"62400"}, 25224},
		{"62041", "Arras", "62", "621", "200033579", []string{"62000"}, 0},
		{"62193", "Calais", "62", "626", "200090751", []string{"62100"}, 0},
		{"62691", "Saint-Augustin", "62", "625", "200069037", []string{"62120", "62129"}, 880},
		{"62765", "Saint-Omer", "62", "625", "200069037", []string{"62500"}, 14382},
		{"2A004", "Ajaccio", "2A", "2A1", "", nil, 0},
		{"2B033", "Bastia", "2B", "", "", nil, 0},
		{"97105", "Basse-Terre", "971", "9711", "", nil, 0},
		{"97209", "Fort-de-France", "972", "", "", nil, 0},
		{"97302", "Cayenne", "973", "", "", nil, 0},
		{"97411", "Saint-Denis", "974", "", "", nil, 0},
		{"97501", "Miquelon-Langlade", "975", "", "", nil, 0},
		{"97611", "Mamoudzou", "976", "", "", nil, 0},
		{"75056", "Paris", "75", "", "", nil, 0},
	}
	for _, tt := range tests {
		c, ok := d.Commune(tt.code)
		if !ok {
			t.Errorf("Commune(%s) not found", tt.code)
			continue
		}
		if c.Name != tt.name || c.Departement != tt.dep {
			t.Errorf("Commune(%s) = %s (%s), want %s (%s)", tt.code, c.Name, c.Departement, tt.name, tt.dep)
		}
		if tt.arr != "" && c.Arrondissement != tt.arr {
			t.Errorf("%s: arrondissement %s, want %s", tt.name, c.Arrondissement, tt.arr)
		}
		if tt.epci != "" && c.EPCI != tt.epci {
			t.Errorf("%s: EPCI %s, want %s", tt.name, c.EPCI, tt.epci)
		}
		if tt.postcodes != nil && !slices.Equal(c.Postcodes, tt.postcodes) {
			t.Errorf("%s: postcodes %v, want %v", tt.name, c.Postcodes, tt.postcodes)
		}
		if tt.population != 0 && c.Population != tt.population {
			t.Errorf("%s: population %d, want %d", tt.name, c.Population, tt.population)
		}
		if _, ok := d.Departement(c.Departement); !ok {
			t.Errorf("%s: unknown département %s", tt.name, c.Departement)
		}
	}
	for _, code := range []string{"", "00000", "62001x", "62226" /* merged into Saint-Augustin */} {
		if c, ok := d.Commune(code); ok {
			t.Errorf("Commune(%q) = %+v, want none", code, c)
		}
	}
	if c, ok := d.Commune("2a004"); !ok || c.Name != "Ajaccio" {
		t.Errorf("Commune(2a004) = %+v, %v", c, ok)
	}
	for _, dep := range []struct{ code, name string }{
		{"2A", "Corse-du-Sud"}, {"2B", "Haute-Corse"}, {"971", "Guadeloupe"}, {"972", "Martinique"},
		{"973", "Guyane"}, {"974", "La Réunion"}, {"976", "Mayotte"},
	} {
		got, ok := d.Departement(dep.code)
		if !ok || got.Name != dep.name {
			t.Errorf("Departement(%s) = %+v, %v; want %s", dep.code, got, ok, dep.name)
		}
		if n := len(d.Communes(dep.code)); n == 0 {
			t.Errorf("no communes in %s", dep.code)
		}
	}
	if _, ok := d.Departement("20"); ok {
		t.Error("Departement(20) exists")
	}
	if n := len(d.Communes("")); n != 34969 {
		t.Errorf("France has %d current communes, want 34969", n)
	}
	if _, ok := d.EPCI("000000000"); ok {
		t.Error("EPCI(000000000) exists")
	}
	if _, ok := d.Arrondissement("628"); ok {
		t.Error("Arrondissement(628) exists")
	}
}

func TestByPostcode(t *testing.T) {
	d := data(t)
	tests := []struct {
		postcode string
		n        int
		has      []string
	}{
		{"62130", 33, []string{"62767"}},         // Saint-Pol-sur-Ternoise
		{"62000", 2, []string{"62041", "62263"}}, // Arras and Dainville,
		{"62100", 1, []string{"62193"}},
		{"62120", 0, []string{"62691"}},
		{"62129", 0, []string{"62691"}},
		{"62400", 0, []string{"62119"}},
		{"00000", -1, nil},
		{"", -1, nil},
	}
	for _, tt := range tests {
		got := d.ByPostcode(tt.postcode)
		if tt.n >= 0 && tt.n != 0 && len(got) != tt.n {
			t.Errorf("ByPostcode(%s): %d communes, want %d", tt.postcode, len(got), tt.n)
		}
		if tt.n < 0 && len(got) != 0 {
			t.Errorf("ByPostcode(%q): %v, want none", tt.postcode, codes(got))
		}
		for _, code := range tt.has {
			if !slices.Contains(codes(got), code) {
				t.Errorf("ByPostcode(%s) lacks %s: %v", tt.postcode, code, codes(got))
			}
		}
		if !sort.SliceIsSorted(got, func(i, j int) bool { return Normalize(got[i].Name) < Normalize(got[j].Name) }) {
			t.Errorf("ByPostcode(%s) not sorted by name", tt.postcode)
		}
		for _, c := range got {
			if !slices.Contains(c.Postcodes, tt.postcode) {
				t.Errorf("ByPostcode(%s) gave %s with %v", tt.postcode, c.Name, c.Postcodes)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Béthune", "bethune"},
		{"BÉTHUNE", "bethune"},
		{"Be\u0301thune", "bethune"}, // decomposed accent
		{"  Saint-Omer ", "saint omer"},
		{"St Omer", "saint omer"},
		{"ST. OMER", "saint omer"},
		{"st-omer-capelle", "saint omer capelle"},
		{"Ste.-Catherine", "sainte catherine"},
		{"Sts-Geosmes", "saints geosmes"},
		{"Stes", "saintes"},
		{"Stella-Plage", "stella plage"}, // only whole words are abbreviations
		{"L'Abergement-Clémenciat", "l abergement clemenciat"},
		{"L’Abergement--Clémenciat", "l abergement clemenciat"},
		{"l` abergement", "l abergement"},
		{"Ile-d'Yeu (L')", "ile d yeu l"},
		{"Nœux-les-Mines", "noeux les mines"},
		{"Aÿ-Champagne", "ay champagne"},
		{"ÎLE-DE-BRÉHAT", "ile de brehat"},
		{"Ça", "ca"},
		{"Straße", "strasse"},
		{"Saint_Omer\t62500", "saint omer 62500"},
		{"", ""},
		{" — ", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSearch(t *testing.T) {
	d := data(t)
	tests := []struct {
		name, query, dep string
		limit            int
		first            string   // INSEE code expected first ("" = no check)
		has              []string // codes expected among the results
		none             bool     // no result at all
	}{
		{"plain", "bethune", "62", 10, "62119", nil, false},
		{"upper case and accent", "BÉTHUNE", "62", 10, "62119", nil, false},
		{"all France", "Béthune", "", 10, "62119", nil, false},
		{"abbreviated saint", "st omer", "62", 10, "62765", []string{"62766"}, false},
		{"hyphenated", "saint-omer", "62", 10, "62765", []string{"62766"}, false},
		{"hyphen as space", "saint omer capelle", "62", 10, "62766", nil, false},
		{"saint all France", "st omer", "", 10, "62765", []string{"14635", "60590"}, false},
		{"prefix", "boulogne", "62", 10, "62160", nil, false},
		{"prefix all France, most populous first", "boulogne", "", 10, "92012", []string{"62160", "31080", "59093", "60093"}, false},
		{"word prefix", "omer", "62", 10, "", []string{"62765", "62766"}, false},
		{"postcode", "62100", "62", 20, "62193", nil, false},
		{"postcode of many communes", "62130", "62", 50, "", []string{"62767"}, false},
		{"postcode prefix", "6240", "62", 0, "", []string{"62119"}, false},
		{"second postcode", "62129", "", 10, "", []string{"62691"}, false},
		{"postcode outside the département", "59000", "62", 10, "", nil, true},
		{"straight apostrophe", "l'abergement", "", 10, "", []string{"01001", "71002"}, false},
		{"curly apostrophe", "l’abergement", "", 10, "", []string{"01001", "71002"}, false},
		{"no apostrophe", "l abergement", "", 10, "", []string{"01001", "71002"}, false},
		{"apostrophe dropped", "labergement", "", 10, "", []string{"01001"}, false},
		{"st also starts words", "st", "08", 0, "", []string{"08430", "08378"}, false}, // Stonne, Saint-Clément-à-Arnes
		{"st prefix", "stras", "", 5, "67482", nil, false},
		{"Corsica", "ajaccio", "2a", 5, "2A004", nil, false},
		{"overseas", "pointe a pitre", "971", 5, "97120", nil, false},
		{"unknown", "zzzz", "", 10, "", nil, true},
		{"empty", "  ", "62", 10, "", nil, true},
		{"punctuation only", "'-", "62", 10, "", nil, true},
		{"unknown département", "arras", "99", 10, "", nil, true},
		{"département filter", "arras", "62", 0, "62041", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.Search(tt.query, tt.dep, tt.limit)
			if tt.none {
				if len(got) != 0 {
					t.Fatalf("Search(%q, %q) = %v, want none", tt.query, tt.dep, codes(got))
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("Search(%q, %q): nothing", tt.query, tt.dep)
			}
			if tt.limit > 0 && len(got) > tt.limit {
				t.Errorf("Search(%q): %d results, limit %d", tt.query, len(got), tt.limit)
			}
			if tt.first != "" && got[0].Code != tt.first {
				t.Errorf("Search(%q, %q) starts with %s %s, want %s; got %v", tt.query, tt.dep, got[0].Code, got[0].Name, tt.first, codes(got))
			}
			for _, code := range tt.has {
				if !slices.Contains(codes(got), code) {
					t.Errorf("Search(%q, %q) lacks %s: %v", tt.query, tt.dep, code, codes(got))
				}
			}
			if tt.dep != "" {
				for _, c := range got {
					if !strings.EqualFold(c.Departement, tt.dep) {
						t.Errorf("Search(%q, %q) gave %s in %s", tt.query, tt.dep, c.Name, c.Departement)
					}
				}
			}
		})
	}
}

func TestSearchOrder(t *testing.T) {
	d := data(t)
	// "arras": Arras (exact), then names starting with it, then names with a word starting
	// with it, then names merely containing it.
	got := d.Search("arras", "", 0)
	if got[0].Code != "62041" {
		t.Fatalf("first is %s", got[0].Name)
	}
	last := rankExact
	for _, c := range got {
		r := rank(Normalize(c.Name), strings.ReplaceAll(Normalize(c.Name), " ", ""), "arras", "arras", " arras")
		if r < last {
			t.Errorf("%s (rank %d) comes after a rank %d match: %v", c.Name, r, last, codes(got))
		}
		last = r
	}
	// Limits are applied after ranking.
	if two := d.Search("arras", "", 2); !slices.Equal(codes(two), codes(got[:2])) {
		t.Errorf("limit 2 gave %v, want %v", codes(two), codes(got[:2]))
	}
	// Postcode results are in name order.
	pc := d.Search("62130", "62", 0)
	if len(pc) != 33 || !sort.SliceIsSorted(pc, func(i, j int) bool { return Normalize(pc[i].Name) < Normalize(pc[j].Name) }) {
		t.Errorf("Search(62130) gave %d communes, sorted %v", len(pc), pc)
	}
}

// Load's speed is reported, not asserted (a timed test fails on a busy machine, not on slow
// code): BenchmarkLoad measures it, and the size of the embedded file, which bounds it, is
// checked here.
func TestLoadIsIndependent(t *testing.T) {
	start := time.Now()
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load took %v", time.Since(start))
	b, _ := Load()
	if a == b {
		t.Error("Load returned the same value twice")
	}
	if len(embedded) > 1500*1024 {
		t.Errorf("embedded file is %d bytes, over 1.5 MB", len(embedded))
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	for name, in := range map[string][]byte{
		"not gzip": []byte("hello"),
	} {
		if _, err := parse(in); err == nil {
			t.Errorf("%s: parse accepted it", name)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	d := data(b)
	for _, bm := range []struct{ name, q, dep string }{
		{"62 prefix", "bet", "62"},
		{"62 saint", "st omer", "62"},
		{"France prefix", "boulogne", ""},
		{"France substring", "sur mer", ""},
		{"postcode", "62130", "62"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				d.Search(bm.q, bm.dep, 20)
			}
		})
	}
}

func TestCantonsOfPasDeCalais(t *testing.T) {
	d := data(t)
	cantons := d.Cantons("62")
	if len(cantons) != 39 {
		t.Fatalf("62 has %d cantons, want 39", len(cantons))
	}
	used := map[string]int{}
	for _, c := range d.Communes("62") {
		if _, ok := d.Canton(c.Canton); !ok {
			t.Errorf("%s %s: canton %q", c.Code, c.Name, c.Canton)
		}
		used[c.Canton]++
	}
	for _, k := range cantons {
		if used[k.Code] == 0 {
			t.Errorf("canton %s %s holds no commune", k.Code, k.Name)
		}
	}
	for _, tc := range []struct{ commune, canton string }{
		{"62119", "Béthune"}, {"62765", "Saint-Omer"}, {"62510", "Liévin"},
	} {
		c, _ := d.Commune(tc.commune)
		if k, _ := d.Canton(c.Canton); k.Name != tc.canton {
			t.Errorf("%s %s is in canton %q, want %q", c.Code, c.Name, k.Name, tc.canton)
		}
	}
	if c, _ := d.Commune("75056"); c.Canton != "" {
		t.Errorf("Paris has canton %q; no outlines are shipped for it", c.Canton)
	}
}

// TestCantonsGenerated checks that the embedded file is what the generator writes today.
func TestCantonsGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	out := t.TempDir() + "/cantons.tsv"
	cmd := exec.Command("go", "run", "./cantongen", "-geo", "../../third_party/geo", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cantongen: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != cantonsTSV {
		t.Fatal("data/cantons.tsv differs from what cantongen writes: run go generate ./internal/territory/")
	}
}
