package territory

import "strings"

// Resolve lists the communes that an entry typed in a commune field may mean, within the
// département departement ("" for all of France). Five digits are a postcode first:
// people type theirs, and INSEE codes overlap postcodes ("62300" is the postcode of Lens
// and Éleu-dit-Leauwette, and the INSEE code of Équihen-Plage), so an INSEE code is only
// tried when no commune of the scope has that postcode. "Name (code)", the way the forms
// show a commune back, is the commune of that name whose INSEE code or postcode is code.
// Anything else is a name, compared accents, case and "St"/"Saint" aside.
//
// One commune means the entry is resolved; several mean the person must choose; none
// means it is unknown (in the scope).
func (d *Data) Resolve(input, departement string) []Commune {
	in := strings.TrimSpace(input)
	name := ""
	if i := strings.LastIndexByte(in, '('); i > 0 && strings.HasSuffix(in, ")") {
		name = Normalize(in[:i])
		in = strings.TrimSpace(in[i+1 : len(in)-1])
	}
	if in == "" {
		return nil
	}
	dep := depCode(departement)
	inScope := func(c Commune) bool { return dep == "" || c.Departement == dep }
	keep := func(cs []Commune) []Commune {
		var out []Commune
		for _, c := range cs {
			if inScope(c) && (name == "" || Normalize(c.Name) == name) {
				out = append(out, c)
			}
		}
		return out
	}
	if name != "" { // "Arras (62041)": the code the form wrote back is an INSEE code
		if c, ok := d.Commune(in); ok {
			if out := keep([]Commune{c}); len(out) == 1 {
				return out
			}
		}
	}
	if len(in) == 5 && isDigits(in) {
		if out := keep(d.ByPostcode(in)); len(out) > 0 {
			return out
		}
	}
	if c, ok := d.Commune(in); ok {
		return keep([]Commune{c})
	}
	if name != "" { // "Arras (quelque chose)": go by the name alone
		in = name
	}
	want := Normalize(in)
	if want == "" {
		return nil
	}
	var out []Commune
	for _, c := range d.Search(in, dep, 0) {
		if Normalize(c.Name) == want {
			out = append(out, c)
		}
	}
	return out
}
