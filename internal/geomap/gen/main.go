// Command gen writes the compact maps that package geomap embeds (data/<dep>.txt.gz) from
// the GeoJSON outlines of third_party/geo/<dep>/ (see data/README.md).
//
// Usage: go generate ./internal/geomap/ or go run ./internal/geomap/gen -src DIR -out DIR.
//
// For each département folder it:
//
//   - reads communes-<dep>.geojson (WGS 84 longitude/latitude);
//   - gives each feature to its current commune (territory data): a commune merged since the
//     outlines were drawn is drawn with the current commune it shares the longest border with,
//     and the border between them disappears;
//   - cuts the outlines into arcs (the lines between two junctions, each shared by at most two
//     communes) and simplifies every arc once (Douglas–Peucker), so neighbours keep exactly
//     the same border and the map has neither gaps nor overlaps;
//   - projects (equirectangular, x scaled by the cosine of the middle latitude: conformal
//     enough at the scale of a département) and rounds to integer map units;
//   - derives the borders to draw from the arcs: arrondissement (the two communes on either
//     side belong to different arrondissements), EPCI (to different EPCI, and not already an
//     arrondissement border) and the département's outline (one commune only).
//
// The output is a gzip'd text file of tab-separated lines:
//
//	geomap	DEP	WIDTH	HEIGHT	(first line)
//	C	INSEE	name	path      (a commune; path is SVG path data in map units)
//	A	path                    (arrondissement borders)
//	E	path                    (EPCI borders)
//	O	path                    (the département's outline)
//
// Communes are sorted by INSEE code. The same input gives the same bytes.
package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"budgetcitoyen/internal/territory"
)

// Width is the map's width in units: about 190 m a unit for the Pas-de-Calais.
var Width = 600

// Tolerance is the simplification's tolerance in map units, chosen so that the map of the
// Pas-de-Calais stays well under 100 KB of SVG (geomap's tests say how much).
var Tolerance = 2.0

func main() {
	src := flag.String("src", "../../third_party/geo", "folder of the départements' outlines")
	out := flag.String("out", "data", "output folder")
	flag.IntVar(&Width, "width", Width, "map width (units)")
	flag.Float64Var(&Tolerance, "tolerance", Tolerance, "simplification tolerance (map units)")
	flag.Parse()
	terr, err := territory.Load()
	if err != nil {
		log.Fatal(err)
	}
	dirs, err := os.ReadDir(*src)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dep := d.Name()
		m, err := Build(filepath.Join(*src, dep, "communes-"+dep+".geojson"), dep, terr)
		if err != nil {
			log.Fatalf("%s: %v", dep, err)
		}
		b, err := m.Encode()
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*out, dep+".txt.gz"), b, 0o644); err != nil {
			log.Fatal(err)
		}
		for _, mg := range m.Merged {
			fmt.Printf("%s: %s drawn with %s\n", dep, mg[0], mg[1])
		}
		fmt.Printf("%s: %d communes, %d bytes\n", dep, len(m.Communes), len(b))
	}
}

// pt is a point of the source, in 1e-5 degrees (the files' precision), so that shared
// vertices compare equal.
type pt struct{ x, y int64 }

func (a pt) cmp(b pt) int { return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.y, b.y)) }

type feature struct {
	code, name string
	rings      [][]pt // closed: last point equals first, dropped when read
}

type geojson struct {
	Features []struct {
		Properties struct {
			Code string `json:"code"`
			Nom  string `json:"nom"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func readFeatures(path string) ([]feature, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var g geojson
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	var fs []feature
	for _, f := range g.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, err
			}
			polys = append(polys, p)
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s: geometry %s", f.Properties.Code, f.Geometry.Type)
		}
		ft := feature{code: f.Properties.Code, name: f.Properties.Nom}
		for _, p := range polys {
			for i, r := range p {
				ring := make([]pt, 0, len(r))
				for _, c := range r {
					q := pt{int64(math.Round(c[0] * 1e5)), int64(math.Round(c[1] * 1e5))}
					if len(ring) > 0 && ring[len(ring)-1] == q {
						continue
					}
					ring = append(ring, q)
				}
				if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
					ring = ring[:len(ring)-1]
				}
				if len(ring) < 3 {
					continue
				}
				// Outer rings clockwise in longitude/latitude, holes counter-clockwise: every
				// border then runs one way in one commune and the other way in its neighbour.
				if (area(ring) > 0) == (i == 0) {
					slices.Reverse(ring)
				}
				ft.rings = append(ft.rings, ring)
			}
		}
		fs = append(fs, ft)
	}
	slices.SortFunc(fs, func(a, b feature) int { return strings.Compare(a.code, b.code) })
	return fs, nil
}

func sortedKeys(m map[int]float64) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// bare is a commune's name without its article: "Le Portel" and "Portel" are one name.
func bare(name string) string {
	for _, a := range []string{"Le ", "La ", "Les ", "L'"} {
		name = strings.TrimPrefix(name, a)
	}
	return name
}

// area is twice the signed area of a ring (positive when counter-clockwise).
func area(r []pt) float64 {
	var s float64
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		s += float64(a.x)*float64(b.y) - float64(b.x)*float64(a.y)
	}
	return s
}

type edge struct{ a, b pt }

// Map is a generated map.
type Map struct {
	Dep                string
	W, H               int
	Communes           []Commune
	Arr, EPCI, Outline string
	Merged             [][2]string // {former commune, commune it is drawn with}
}

// Commune is one commune of a map.
type Commune struct{ Code, Name, Path string }

// Build reads the communes' outlines of a département and makes its map.
func Build(path, dep string, terr *territory.Data) (*Map, error) {
	fs, err := readFeatures(path)
	if err != nil {
		return nil, err
	}
	m := &Map{Dep: dep}

	// Owner of each feature: itself, or for a former commune the current commune it shares
	// the longest border with.
	shared := map[edge][]int{} // undirected edge (a < b) → features holding it
	for i, f := range fs {
		for _, r := range f.rings {
			for j := range r {
				a, b := r[j], r[(j+1)%len(r)]
				if b.cmp(a) < 0 {
					a, b = b, a
				}
				shared[edge{a, b}] = append(shared[edge{a, b}], i)
			}
		}
	}
	owner := make([]string, len(fs))
	for i, f := range fs {
		if _, ok := terr.Commune(f.code); ok {
			owner[i] = f.code
		}
	}
	// Neighbours of each feature, with the length of their border.
	border := make([]map[int]float64, len(fs))
	for e, held := range shared {
		if len(held) != 2 {
			continue
		}
		l := math.Hypot(float64(e.b.x-e.a.x), float64(e.b.y-e.a.y))
		for k, i := range held {
			if border[i] == nil {
				border[i] = map[int]float64{}
			}
			border[i][held[1-k]] += l
		}
	}
	for i, f := range fs {
		if owner[i] != "" {
			continue
		}
		host := -1
		// A commune nouvelle that took a new name (Hesdin → Hesdin-la-Forêt), touching the
		// former commune directly or through other former communes.
		seen := map[int]bool{i: true}
		queue := []int{i}
		var renamed []int
		for len(queue) > 0 {
			j := queue[0]
			queue = queue[1:]
			for _, o := range sortedKeys(border[j]) {
				if seen[o] {
					continue
				}
				seen[o] = true
				if owner[o] == "" || owner[o] != fs[o].code {
					queue = append(queue, o)
				} else if c, _ := terr.Commune(fs[o].code); bare(c.Name) != bare(fs[o].name) {
					renamed = append(renamed, o)
				}
			}
		}
		if len(renamed) == 1 {
			host = renamed[0]
		} else {
			// Otherwise the current commune it shares the longest border with.
			for _, o := range sortedKeys(border[i]) {
				if owner[o] == fs[o].code && (host < 0 || border[i][o] > border[i][host]) {
					host = o
				}
			}
		}
		if host < 0 {
			return nil, fmt.Errorf("%s (%s): not a current commune, and no current neighbour", f.code, f.name)
		}
		m.Merged = append(m.Merged, [2]string{f.code, fs[host].code})
	}
	for _, mg := range m.Merged {
		owner[slices.IndexFunc(fs, func(f feature) bool { return f.code == mg[0] })] = mg[1]
	}
	for _, c := range terr.Communes(dep) {
		if !slices.Contains(owner, c.Code) {
			return nil, fmt.Errorf("%s (%s): no outline", c.Code, c.Name)
		}
	}

	// Each commune's rings, rebuilt from its features' directed edges less those it holds
	// both ways (the border with a former commune it absorbed).
	var codes []string
	rings := map[string][][]pt{}
	for i, f := range fs {
		if owner[i] == f.code {
			codes = append(codes, f.code)
		}
	}
	for _, code := range codes {
		next := map[pt][]pt{}
		var starts []pt
		for i, f := range fs {
			if owner[i] != code {
				continue
			}
			for _, r := range f.rings {
				for j := range r {
					a, b := r[j], r[(j+1)%len(r)]
					if k := slices.Index(next[b], a); k >= 0 {
						next[b] = slices.Delete(next[b], k, k+1)
						continue
					}
					next[a] = append(next[a], b)
					starts = append(starts, a)
				}
			}
		}
		slices.SortFunc(starts, pt.cmp)
		for _, s := range starts {
			if len(next[s]) == 0 {
				continue
			}
			ring := []pt{s}
			for p := s; ; {
				n := next[p][0]
				next[p] = next[p][1:]
				if n == s {
					break
				}
				ring = append(ring, n)
				p = n
				if len(next[p]) == 0 {
					return nil, fmt.Errorf("%s: open ring", code)
				}
			}
			rings[code] = append(rings[code], ring)
		}
	}

	// Junctions: the vertices with more than two neighbours.
	neigh := map[pt][]pt{}
	link := func(a, b pt) {
		if !slices.Contains(neigh[a], b) {
			neigh[a] = append(neigh[a], b)
		}
	}
	for _, code := range codes {
		for _, r := range rings[code] {
			for j := range r {
				a, b := r[j], r[(j+1)%len(r)]
				link(a, b)
				link(b, a)
			}
		}
	}
	isNode := func(p pt) bool { return len(neigh[p]) > 2 }

	// Arcs: each ring cut at its junctions (a ring with none at its smallest vertex, the same
	// for both communes that hold it). An arc is stored once, in its smaller direction.
	type arcRef struct {
		id  int
		rev bool
	}
	var arcs [][]pt
	var sides [][]string // communes holding each arc
	arcID := map[string]int{}
	key := func(a []pt) string {
		var b strings.Builder
		for _, p := range a {
			fmt.Fprintf(&b, "%d,%d;", p.x, p.y)
		}
		return b.String()
	}
	refs := map[string][][]arcRef{}
	for _, code := range codes {
		for _, r := range rings[code] {
			start := -1
			for j, p := range r {
				if isNode(p) {
					start = j
					break
				}
			}
			if start < 0 {
				start = 0
				for j, p := range r {
					if p.cmp(r[start]) < 0 {
						start = j
					}
				}
			}
			rot := append(slices.Clone(r[start:]), r[:start]...)
			rot = append(rot, rot[0])
			var ring []arcRef
			cur := []pt{rot[0]}
			for _, p := range rot[1:] {
				cur = append(cur, p)
				if !isNode(p) && p != rot[0] {
					continue
				}
				a := cur
				rev := slices.Clone(a)
				slices.Reverse(rev)
				reversed := slices.CompareFunc(rev, a, pt.cmp) < 0
				if reversed {
					a = rev
				}
				k := key(a)
				id, ok := arcID[k]
				if !ok {
					id = len(arcs)
					arcID[k] = id
					arcs = append(arcs, a)
					sides = append(sides, nil)
				}
				sides[id] = append(sides[id], code)
				ring = append(ring, arcRef{id, reversed})
				cur = []pt{p}
			}
			refs[code] = append(refs[code], ring)
		}
	}
	for id, s := range sides {
		if len(s) > 2 {
			return nil, fmt.Errorf("arc %d held by %v", id, s)
		}
	}

	// Projection.
	minX, minY, maxX, maxY := int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MinInt64), int64(math.MinInt64)
	for _, a := range arcs {
		for _, p := range a {
			minX, maxX = min(minX, p.x), max(maxX, p.x)
			minY, maxY = min(minY, p.y), max(maxY, p.y)
		}
	}
	coslat := math.Cos(float64(minY+maxY) / 2e5 * math.Pi / 180)
	scale := float64(Width-4) / (float64(maxX-minX) * coslat)
	m.W = Width
	m.H = int(math.Ceil(float64(maxY-minY)*scale)) + 4
	type fpt struct{ x, y float64 }
	proj := func(p pt) fpt {
		return fpt{2 + float64(p.x-minX)*coslat*scale, 2 + float64(maxY-p.y)*scale}
	}

	// Simplification, then rounding. An arc whose two ends are those of another arc, or a
	// closed arc, keeps enough points not to collapse.
	ends := map[[2]pt]int{}
	endsOf := func(a []pt) [2]pt {
		s, e := a[0], a[len(a)-1]
		if e.cmp(s) < 0 {
			s, e = e, s
		}
		return [2]pt{s, e}
	}
	for _, a := range arcs {
		ends[endsOf(a)]++
	}
	type ipt struct{ x, y int }
	simple := make([][]ipt, len(arcs))
	for id, a := range arcs {
		f := make([]fpt, len(a))
		for i, p := range a {
			f[i] = proj(p)
		}
		keep := make([]bool, len(f))
		keep[0], keep[len(f)-1] = true, true
		var dp func(i, j int, tol float64)
		dp = func(i, j int, tol float64) {
			if j <= i+1 {
				return
			}
			best, bd := -1, -1.0
			for k := i + 1; k < j; k++ {
				d := segDist(f[k].x, f[k].y, f[i].x, f[i].y, f[j].x, f[j].y)
				if d > bd {
					best, bd = k, d
				}
			}
			if bd > tol {
				keep[best] = true
				dp(i, best, tol)
				dp(best, j, tol)
			}
		}
		minKeep := 0
		if a[0] == a[len(a)-1] {
			minKeep = 2
		} else if ends[endsOf(a)] > 1 {
			minKeep = 1
		}
		dp(0, len(f)-1, Tolerance)
		for n := 0; n < minKeep && len(f) > 2; n++ {
			// The points the farthest from the chord (or from the start of a closed arc).
			best, bd := -1, -1.0
			for k := 1; k < len(f)-1; k++ {
				if keep[k] {
					continue
				}
				d := segDist(f[k].x, f[k].y, f[0].x, f[0].y, f[len(f)-1].x, f[len(f)-1].y)
				if d > bd {
					best, bd = k, d
				}
			}
			kept := 0
			for k := 1; k < len(f)-1; k++ {
				if keep[k] {
					kept++
				}
			}
			if kept >= minKeep || best < 0 {
				break
			}
			keep[best] = true
		}
		var out []ipt
		for i, p := range f {
			if !keep[i] {
				continue
			}
			q := ipt{int(math.Round(p.x)), int(math.Round(p.y))}
			if len(out) > 0 && out[len(out)-1] == q && i != len(f)-1 {
				continue
			}
			if len(out) > 1 && out[len(out)-1] == q {
				continue
			}
			out = append(out, q)
		}
		if len(out) == 1 {
			out = append(out, out[0])
		}
		simple[id] = out
	}

	// Path data: "m" then relative pairs (implicit relative lines). A first "m" is absolute;
	// a later one is relative to the previous subpath's start (after "z") or end.
	type pathWriter struct {
		b      strings.Builder
		cx, cy int // current point
		sx, sy int // start of the subpath
		digit  bool
	}
	num := func(w *pathWriter, v int) {
		if w.digit && v >= 0 {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(strconv.Itoa(v))
		w.digit = true
	}
	cmdc := func(w *pathWriter, c byte) {
		w.b.WriteByte(c)
		w.digit = false
	}
	moveTo := func(w *pathWriter, p ipt) {
		fx, fy := 0, 0
		if w.b.Len() > 0 {
			fx, fy = w.cx, w.cy
		}
		cmdc(w, 'm')
		num(w, p.x-fx)
		num(w, p.y-fy)
		w.cx, w.cy, w.sx, w.sy = p.x, p.y, p.x, p.y
	}
	lineTo := func(w *pathWriter, p ipt) {
		if p.x == w.cx && p.y == w.cy {
			return
		}
		num(w, p.x-w.cx)
		num(w, p.y-w.cy)
		w.cx, w.cy = p.x, p.y
	}
	closePath := func(w *pathWriter) {
		cmdc(w, 'z')
		w.cx, w.cy = w.sx, w.sy
	}
	arcPoints := func(r arcRef) []ipt {
		a := slices.Clone(simple[r.id])
		if r.rev {
			slices.Reverse(a)
		}
		return a
	}
	// Communes.
	for _, code := range codes {
		c, _ := terr.Commune(code)
		var w pathWriter
		for _, ring := range refs[code] {
			var pts []ipt
			for _, r := range ring {
				a := arcPoints(r)
				if len(pts) > 0 {
					a = a[1:]
				}
				pts = append(pts, a...)
			}
			pts = pts[:len(pts)-1] // the start again
			// Drop repeated points.
			var clean []ipt
			for _, p := range pts {
				if len(clean) == 0 || clean[len(clean)-1] != p {
					clean = append(clean, p)
				}
			}
			if len(clean) < 3 {
				continue
			}
			moveTo(&w, clean[0])
			for _, p := range clean[1:] {
				lineTo(&w, p)
			}
			closePath(&w)
		}
		if w.b.Len() == 0 {
			return nil, fmt.Errorf("%s: nothing left to draw", code)
		}
		m.Communes = append(m.Communes, Commune{Code: code, Name: c.Name, Path: w.b.String()})
	}

	// Borders.
	arrOf := func(code string) string { c, _ := terr.Commune(code); return c.Arrondissement }
	epciOf := func(code string) string { c, _ := terr.Commune(code); return c.EPCI }
	var arrArcs, epciArcs, outArcs []int
	for id, s := range sides {
		switch {
		case len(s) == 1:
			outArcs = append(outArcs, id)
		case arrOf(s[0]) != arrOf(s[1]):
			arrArcs = append(arrArcs, id)
		case epciOf(s[0]) != epciOf(s[1]):
			epciArcs = append(epciArcs, id)
		}
	}
	lines := func(ids []int) string {
		// Chain arcs end to end into as few lines as possible.
		at := map[ipt][]int{}
		for _, id := range ids {
			a := simple[id]
			at[a[0]] = append(at[a[0]], id)
			at[a[len(a)-1]] = append(at[a[len(a)-1]], id)
		}
		used := map[int]bool{}
		var w pathWriter
		for _, id := range ids {
			if used[id] {
				continue
			}
			used[id] = true
			pts := slices.Clone(simple[id])
			for {
				end := pts[len(pts)-1]
				nxt := -1
				for _, o := range at[end] {
					if !used[o] {
						nxt = o
						break
					}
				}
				if nxt < 0 {
					break
				}
				used[nxt] = true
				a := slices.Clone(simple[nxt])
				if a[0] != end {
					slices.Reverse(a)
				}
				pts = append(pts, a[1:]...)
			}
			moveTo(&w, pts[0])
			for _, p := range pts[1:] {
				lineTo(&w, p)
			}
		}
		return w.b.String()
	}
	m.Arr, m.EPCI, m.Outline = lines(arrArcs), lines(epciArcs), lines(outArcs)
	return m, nil
}

// segDist is the distance from (px, py) to the segment (ax, ay)–(bx, by).
func segDist(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l := dx*dx + dy*dy
	if l == 0 {
		return math.Hypot(px-ax, py-ay)
	}
	t := max(0, min(1, ((px-ax)*dx+(py-ay)*dy)/l))
	return math.Hypot(px-ax-t*dx, py-ay-t*dy)
}

// Encode writes the map in its embedded form.
func (m *Map) Encode() ([]byte, error) {
	var t bytes.Buffer
	fmt.Fprintf(&t, "geomap\t%s\t%d\t%d\n", m.Dep, m.W, m.H)
	for _, c := range m.Communes {
		fmt.Fprintf(&t, "C\t%s\t%s\t%s\n", c.Code, c.Name, c.Path)
	}
	fmt.Fprintf(&t, "A\t%s\nE\t%s\nO\t%s\n", m.Arr, m.EPCI, m.Outline)
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression) // zero header: no name, no time
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(t.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
