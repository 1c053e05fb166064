// Command gen writes internal/territory/data/france.tsv.gz, the compact territory file that
// package territory embeds, from the unpacked npm package @etalab/decoupage-administratif.
//
// Usage (see internal/territory/data/README.md):
//
//	cd "$(mktemp -d)" && npm pack @etalab/decoupage-administratif@6.0.0 \
//	  && tar xzf etalab-decoupage-administratif-6.0.0.tgz
//	DECOUPAGE_ADMINISTRATIF="$PWD/package" go generate ./internal/territory/
//
// or directly: go run ./internal/territory/gen -version 6.0.0 -src DIR -out FILE.
//
// The output is a gzip'd text file of tab-separated lines, one record per line, whose first
// field says what it is:
//
//	decoupage-administratif	VERSION                          (first line)
//	D	code	name                                            (département)
//	A	code	name	chef-lieu	département                 (arrondissement)
//	E	siren	name	type                                    (EPCI à fiscalité propre)
//	C	insee	name	postcodes	département	arrondissement	epci	population
//
// where postcodes are comma-separated and empty fields mean "none". Only communes of type
// commune-actuelle are kept. The output is deterministic: the same package gives the same bytes.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type commune struct {
	Code           string   `json:"code"`
	Nom            string   `json:"nom"`
	Type           string   `json:"type"`
	Departement    string   `json:"departement"`
	Arrondissement string   `json:"arrondissement"`
	CodesPostaux   []string `json:"codesPostaux"`
	Population     *int     `json:"population"`
}

type arrondissement struct {
	Code        string `json:"code"`
	Nom         string `json:"nom"`
	ChefLieu    string `json:"chefLieu"`
	Departement string `json:"departement"`
}

type departement struct {
	Code string `json:"code"`
	Nom  string `json:"nom"`
}

type epci struct {
	Code    string `json:"code"`
	Nom     string `json:"nom"`
	Type    string `json:"type"`
	Membres []struct {
		Code string `json:"code"`
	} `json:"membres"`
}

func main() {
	version := flag.String("version", "", "expected version of @etalab/decoupage-administratif (checked against package.json)")
	src := flag.String("src", os.Getenv("DECOUPAGE_ADMINISTRATIF"), "directory of the unpacked npm package (the one holding package.json and data/); default $DECOUPAGE_ADMINISTRATIF")
	out := flag.String("out", filepath.Join("data", "france.tsv.gz"), "file to write")
	flag.Parse()
	if err := run(*src, *version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, version, out string) error {
	if version == "" {
		return errors.New("-version is required (the pinned package version, e.g. 6.0.0)")
	}
	if src == "" {
		return fmt.Errorf("no package directory: run\n\tcd \"$(mktemp -d)\" && npm pack @etalab/decoupage-administratif@%s && tar xzf etalab-decoupage-administratif-%s.tgz\nthen pass -src \"$PWD/package\" (or set DECOUPAGE_ADMINISTRATIF)", version, version)
	}
	var pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(src, "package.json"), &pkg); err != nil {
		return err
	}
	if pkg.Name != "@etalab/decoupage-administratif" || pkg.Version != version {
		return fmt.Errorf("%s is %s@%s, want @etalab/decoupage-administratif@%s", src, pkg.Name, pkg.Version, version)
	}
	var (
		communes []commune
		arrs     []arrondissement
		deps     []departement
		epcis    []epci
	)
	for name, v := range map[string]any{"communes": &communes, "arrondissements": &arrs, "departements": &deps, "epci": &epcis} {
		if err := readJSON(filepath.Join(src, "data", name+".json"), v); err != nil {
			return err
		}
	}
	data, err := build(version, communes, arrs, deps, epcis)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s (%d bytes)\n", out, len(data))
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// build checks the references between the files and writes the compact, gzip'd TSV.
func build(version string, communes []commune, arrs []arrondissement, deps []departement, epcis []epci) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression) // zero header: no name, no time
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(zw)
	var bad error
	line := func(fields ...string) {
		for i, f := range fields {
			if strings.ContainsAny(f, "\t\n\r") {
				bad = fmt.Errorf("field %q contains a tab or a newline", f)
			}
			if i > 0 {
				w.WriteByte('\t')
			}
			w.WriteString(f)
		}
		w.WriteByte('\n')
	}
	line("decoupage-administratif", version)

	depOK := map[string]bool{}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Code < deps[j].Code })
	for _, d := range deps {
		depOK[d.Code] = true
		line("D", d.Code, d.Nom)
	}
	arrOK := map[string]bool{}
	sort.Slice(arrs, func(i, j int) bool { return arrs[i].Code < arrs[j].Code })
	for _, a := range arrs {
		if !depOK[a.Departement] {
			return nil, fmt.Errorf("arrondissement %s: unknown département %q", a.Code, a.Departement)
		}
		arrOK[a.Code] = true
		line("A", a.Code, a.Nom, a.ChefLieu, a.Departement)
	}
	member := map[string]string{} // INSEE code → EPCI SIREN
	sort.Slice(epcis, func(i, j int) bool { return epcis[i].Code < epcis[j].Code })
	for _, e := range epcis {
		line("E", e.Code, e.Nom, e.Type)
		for _, m := range e.Membres {
			if prev, dup := member[m.Code]; dup {
				return nil, fmt.Errorf("commune %s is a member of EPCI %s and %s", m.Code, prev, e.Code)
			}
			member[m.Code] = e.Code
		}
	}
	sort.Slice(communes, func(i, j int) bool { return communes[i].Code < communes[j].Code })
	n := 0
	for _, c := range communes {
		if c.Type != "commune-actuelle" {
			continue
		}
		if !depOK[c.Departement] {
			return nil, fmt.Errorf("commune %s: unknown département %q", c.Code, c.Departement)
		}
		if c.Arrondissement != "" && !arrOK[c.Arrondissement] {
			return nil, fmt.Errorf("commune %s: unknown arrondissement %q", c.Code, c.Arrondissement)
		}
		pop := ""
		if c.Population != nil {
			pop = strconv.Itoa(*c.Population)
		}
		for _, p := range c.CodesPostaux {
			if strings.Contains(p, ",") {
				return nil, fmt.Errorf("commune %s: postcode %q contains a comma", c.Code, p)
			}
		}
		line("C", c.Code, c.Nom, strings.Join(c.CodesPostaux, ","), c.Departement, c.Arrondissement, member[c.Code], pop)
		n++
	}
	if bad != nil {
		return nil, bad
	}
	if n == 0 {
		return nil, errors.New("no commune-actuelle in communes.json")
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
