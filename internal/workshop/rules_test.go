package workshop

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"budgetcitoyen/internal/territory"
)

func terr(t *testing.T) *territory.Data {
	t.Helper()
	d, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTopics(t *testing.T) {
	if got := JoinTopics(ParseTopics("communication, pitch,bogus,pitch")); got != "pitch,communication" {
		t.Errorf("round trip = %q", got)
	}
	if Topic("x").Valid() || !TopicOther.Valid() {
		t.Error("Valid")
	}
}

func TestParseForm(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	rules := Rules{Territory: terr(t), Departement: "62", Location: paris, Animators: map[int64]bool{7: true}}
	good := Form{Title: " Comptoir  d'Arras ", Topics: []string{"pitch"}, Host: "MDA", Address: "2 rue", Commune: "arras",
		Start: "2026-03-11T14:00", End: "2026-03-11T17:00", Capacity: "12", Animators: []string{"7"}}
	s, fe := Parse(good, rules)
	if len(fe) != 0 {
		t.Fatalf("valid form: %v", fe.Err())
	}
	if s.Title != "Comptoir d'Arras" || s.Commune != "62041" || s.StartsAt != time.Date(2026, 3, 11, 13, 0, 0, 0, time.UTC) || s.Capacity != 12 {
		t.Errorf("parsed %+v", s)
	}
	cases := map[string]struct {
		edit        func(f *Form)
		field, want string
	}{
		"unknown commune":  {func(f *Form) { f.Commune = "99999" }, "commune", "workshop.error.commune_unknown"},
		"outside":          {func(f *Form) { f.Commune = "59350" }, "commune", "workshop.error.commune_outside"},
		"outside by name":  {func(f *Form) { f.Commune = "Lille" }, "commune", "workshop.error.commune_outside"},
		"shared postcode":  {func(f *Form) { f.Commune = "62300" }, "commune", "workshop.error.commune_choose"},
		"empty title":      {func(f *Form) { f.Title = "  " }, "title", "workshop.error.title_required"},
		"long title":       {func(f *Form) { f.Title = strings.Repeat("a", 201) }, "title", "workshop.error.too_long"},
		"no topic":         {func(f *Form) { f.Topics = nil }, "topics", "workshop.error.topics_required"},
		"capacity 0":       {func(f *Form) { f.Capacity = "0" }, "capacity", "workshop.error.capacity_invalid"},
		"end before":       {func(f *Form) { f.End = "2026-03-11T13:00" }, "end", "workshop.error.end_before_start"},
		"bad date":         {func(f *Form) { f.Start = "11/03/2026" }, "start", "workshop.error.datetime_invalid"},
		"foreign animator": {func(f *Form) { f.Animators = []string{"8"} }, "animators", "workshop.error.animator_unknown"},
	}
	for name, c := range cases {
		f := good
		c.edit(&f)
		_, fe := Parse(f, rules)
		if fe[c.field].Key != c.want {
			t.Errorf("%s: %s error = %q, want %q (all: %v)", name, c.field, fe[c.field].Key, c.want, fe)
		}
	}
	// Five digits are a postcode first: 62300 is Lens or Éleu-dit-Leauwette, never
	// Équihen-Plage (INSEE 62300); a postcode of one commune of the territory is that one.
	for in, want := range map[string]string{"62800": "62510", "Lens (62498)": "62498", "Équihen-Plage (62300)": "62300"} {
		f := good
		f.Commune = in
		if s, fe := Parse(f, rules); len(fe) != 0 || s.Commune != want {
			t.Errorf("commune %q: %q, %v; want %s", in, s.Commune, fe, want)
		}
	}
	if _, fe := Parse(func() Form { f := good; f.Commune = "62300"; return f }(), rules); fmt.Sprint(fe["commune"].Args) != "[« Éleu-dit-Leauwette (62291) », « Lens (62498) »]" {
		t.Errorf("shared postcode: the communes to choose from %v", fe["commune"].Args)
	}
	rules.Registered = 15
	if _, fe := Parse(good, rules); fe["capacity"].Key != "workshop.error.capacity_below_registered" {
		t.Errorf("capacity below registered: %v", fe)
	}
}

func TestICS(t *testing.T) {
	s := Session{ID: 42, Title: "Pitch, budget; et \\ suite", Description: "Ligne 1\nLigne 2",
		StartsAt: time.Date(2026, 3, 11, 13, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 3, 11, 16, 0, 0, 0, time.UTC),
		UpdatedAt: time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)}
	got := string(ICS(Calendar{Name: "Comptoirs", Events: []Event{EventOf(s, "example.org", "2 rue de la Paix, Arras", "https://example.org/x/comptoirs/42")}}))
	want := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//budgetcitoyen//Comptoirs//FR\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n" +
		"X-WR-CALNAME:Comptoirs\r\nBEGIN:VEVENT\r\nUID:comptoir-42@example.org\r\nDTSTAMP:20260301T083000Z\r\n" +
		"DTSTART:20260311T130000Z\r\nDTEND:20260311T160000Z\r\nSUMMARY:Pitch\\, budget\\; et \\\\ suite\r\n" +
		"LOCATION:2 rue de la Paix\\, Arras\r\n" +
		"DESCRIPTION:Ligne 1\\nLigne 2\\n\\nhttps://example.org/x/comptoirs/42\r\n" +
		"URL:https://example.org/x/comptoirs/42\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if got != want {
		t.Errorf("ICS:\n%q\nwant\n%q", got, want)
	}
	long := fold("DESCRIPTION:" + strings.Repeat("é", 100))
	for _, line := range strings.Split(strings.TrimSuffix(long, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets", len(line))
		}
	}
	if strings.ReplaceAll(strings.TrimSuffix(long, "\r\n"), "\r\n ", "") != "DESCRIPTION:"+strings.Repeat("é", 100) {
		t.Error("unfolding does not give the line back")
	}
}

func TestCSV(t *testing.T) {
	regs := []Registration{
		{Name: "Alice Martin", Email: "a@exemple.fr", Status: Registered, CreatedAt: time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC), Attendance: Present},
		{Name: "=cmd()", Email: "b@exemple.fr", Status: Waiting, CreatedAt: time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC)},
	}
	got := string(CSV(regs, time.UTC, FrenchCSVLabels))
	want := "\ufeffNom;E-mail;Statut;Inscrit le;Présence\r\nAlice Martin;a@exemple.fr;inscrit;01/03/2026 09:05;présent\r\n" +
		"'=cmd();b@exemple.fr;liste d'attente;02/03/2026 09:05;non renseigné\r\n"
	if got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
}

func TestCoverageAndNearness(t *testing.T) {
	d := terr(t)
	cov := ComputeCoverage(d, "62", []Measure{
		{MeasureSessions, map[string]int{"62041": 2, "62498": 1, "59350": 5}},
		{MeasureRegistrations, map[string]int{"62041": 20, "62510": 3}},
	})
	if len(cov.Arrondissements) != 7 || len(cov.EPCIs) != 20 {
		t.Fatalf("%d arrondissements, %d EPCI", len(cov.Arrondissements), len(cov.EPCIs))
	}
	byCode := map[string]CoverageRow{}
	for _, r := range cov.Arrondissements {
		byCode[r.Code] = r
	}
	if byCode["621"].Value(MeasureSessions) != 2 || byCode["627"].Value(MeasureSessions) != 1 || byCode["627"].Value(MeasureRegistrations) != 3 {
		t.Errorf("rows: %+v", cov.Arrondissements)
	}
	if cov.Total.Value(MeasureSessions) != 3 || cov.Ignored[MeasureSessions] != 5 {
		t.Errorf("total %v ignored %v", cov.Total, cov.Ignored)
	}
	if n := len(Without(cov.Arrondissements, MeasureSessions)); n != 5 {
		t.Errorf("%d arrondissements without session, want 5", n)
	}
	epciSum := 0
	for _, r := range cov.EPCIs {
		epciSum += r.Value(MeasureRegistrations)
	}
	if epciSum != 23 {
		t.Errorf("EPCI registrations sum %d, want 23", epciSum)
	}

	at := func(day int) time.Time { return time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC) }
	sessions := []Session{
		{ID: 1, Commune: "62193", StartsAt: at(1)}, // Calais: elsewhere
		{ID: 2, Commune: "62498", StartsAt: at(5)}, // Lens: same EPCI as Liévin
		{ID: 3, Commune: "62427", StartsAt: at(2)}, // Hénin-Beaumont: same arrondissement, other EPCI
		{ID: 4, Commune: "62413", StartsAt: at(3)}, // Harnes: same EPCI
		{ID: 5, Commune: "62041", StartsAt: at(4)}, // Arras: elsewhere
	}
	lievin, _ := d.Commune("62510")
	var got []int64
	for _, s := range OrderByNearness(sessions, lievin, d) {
		got = append(got, s.ID)
	}
	if want := []int64{4, 2, 3, 1, 5}; !equal(got, want) {
		t.Errorf("OrderByNearness = %v, want %v", got, want)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
