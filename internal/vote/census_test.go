package vote

import (
	"strings"
	"testing"
)

func TestParseCensus(t *testing.T) {
	in := "\ufeffNom;Prénom;Naissance;Commune\nLefèvre;Zoé;2010-03-04;62041\nMartin;Paul;04/03/1980;62119\n;x;2000-01-01;62041\nDurand;Luc;hier;62041\nDurand;Luc;1990-01-01;6204\n\n"
	rows, bad, err := ParseCensus(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1].BirthDate != (Date{1980, 3, 4}) || rows[0].Commune != "62041" {
		t.Errorf("rows %+v", rows)
	}
	if len(bad) != 3 || bad[0].Line != 4 {
		t.Errorf("bad %+v", bad)
	}
	if _, _, err := ParseCensus(strings.NewReader("nom,prenom\nx,y\n")); err == nil {
		t.Error("missing columns accepted")
	}
}

func FuzzParseCensus(f *testing.F) {
	f.Add("nom,prenom,naissance,commune\nA,B,2000-01-01,62041\n")
	f.Add("nom;prenom;naissance;commune\n\"A;B\";C;01/02/2003;62001\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, bad, err := ParseCensus(strings.NewReader(in))
		if err != nil {
			return
		}
		if len(bad) > 20 {
			t.Fatalf("%d bad lines kept", len(bad))
		}
		for _, r := range rows {
			if NormalizeName(r.FamilyName) == "" || len(r.Commune) != 5 || r.BirthDate.Year < 1900 {
				t.Fatalf("bad row kept: %+v", r)
			}
		}
	})
}

func TestPersonKey(t *testing.T) {
	key := []byte("k")
	a := Declaration{FamilyName: "Lefèvre-Dupont", GivenName: "Zoé", BirthDate: Date{2000, 1, 2}, Commune: "62041"}
	b := Declaration{FamilyName: "LEFEVRE DUPONT", GivenName: "zoe", BirthDate: Date{2000, 1, 2}, Commune: "62041"}
	if PersonKey(key, 1, a) != PersonKey(key, 1, b) {
		t.Error("normalised names differ")
	}
	if PersonKey(key, 1, a) == PersonKey(key, 2, a) || PersonKey(key, 1, a) == PersonKey([]byte("other"), 1, a) {
		t.Error("campaign or key not in the hash")
	}
	c := b
	c.Commune = "62119"
	if PersonKey(key, 1, a) == PersonKey(key, 1, c) {
		t.Error("commune not in the hash")
	}
}
