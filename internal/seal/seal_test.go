package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/cloudflare/circl/secretsharing"
)

// testRand is a deterministic source, so that the tests are reproducible.
func testRand(seed byte) *mrand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return mrand.NewChaCha8(s)
}

// ceremony runs a ceremony and parses its shares.
func ceremony(t testing.TB, seed byte, k, n int) (Box, []Share) {
	t.Helper()
	box, enc, err := Ceremony(testRand(seed), k, n)
	if err != nil {
		t.Fatalf("Ceremony(%d, %d): %v", k, n, err)
	}
	if len(enc) != n {
		t.Fatalf("Ceremony gave %d shares, want %d", len(enc), n)
	}
	shares := make([]Share, n)
	for i, e := range enc {
		if shares[i], err = ParseShare(e); err != nil {
			t.Fatalf("ParseShare(%q): %v", e, err)
		}
	}
	return box, shares
}

var info = []byte("budgetcitoyen ballot box 42")

func TestCeremonyArguments(t *testing.T) {
	for _, c := range []struct {
		k, n int
		ok   bool
	}{
		{1, 1, true}, {2, 3, true}, {3, 5, true}, {50, 50, true},
		{0, 3, false}, {-1, 3, false}, {4, 3, false}, {2, 51, false}, {51, 51, false}, {0, 0, false},
	} {
		t.Run(fmt.Sprintf("%d of %d", c.k, c.n), func(t *testing.T) {
			box, shares, err := Ceremony(testRand(1), c.k, c.n)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok %v", err, c.ok)
			}
			if !c.ok {
				return
			}
			if box.K != c.k || box.N != c.n || len(box.Commitments) != c.k || len(shares) != c.n {
				t.Fatalf("box %d of %d with %d commitments, %d shares", box.K, box.N, len(box.Commitments), len(shares))
			}
			if len(box.PublicKey) != 65 || box.PublicKey[0] != 4 {
				t.Fatalf("public key %x is not an uncompressed point", box.PublicKey)
			}
			if id := box.ID(); len(id) != 16 || strings.ToLower(id) != id {
				t.Fatalf("ID %q", id)
			}
			for i, e := range shares {
				s, err := ParseShare(e)
				if err != nil {
					t.Fatalf("share %d: %v", i+1, err)
				}
				if s.BoxID != box.ID() || s.Index != i+1 || s.String() != e {
					t.Fatalf("share %d reads back as %+v, %q", i+1, s, s.String())
				}
			}
		})
	}
}

func TestCeremonyFailingReader(t *testing.T) {
	for _, n := range []int{0, 10, 40, 70} {
		r := &limitedReader{r: rand.Reader, n: n}
		if _, _, err := Ceremony(r, 3, 5); err == nil {
			t.Errorf("after %d bytes: no error", n)
		}
	}
	if _, _, err := Ceremony(nil, 1, 1); err == nil {
		t.Error("nil reader: no error")
	}
}

type limitedReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("exhausted")
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= n
	return n, err
}

// TestScalarEncoding checks, independently of Recover, that circl's P-256
// scalar encoding is the 32-byte big-endian one crypto/ecdh expects: the
// secret rebuilt by circl, made an ecdh key, has the box's public key.
func TestScalarEncoding(t *testing.T) {
	box, shares := ceremony(t, 2, 2, 3)
	parts := make([]secretsharing.Share, 2)
	for i, s := range shares[1:] {
		v := group.P256.NewScalar()
		if err := v.UnmarshalBinary(s.Value); err != nil {
			t.Fatal(err)
		}
		parts[i] = secretsharing.Share{ID: group.P256.NewScalar().SetUint64(uint64(s.Index)), Value: v}
	}
	secret, err := secretsharing.Recover(1, parts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := secret.MarshalBinary()
	if err != nil || len(b) != 32 {
		t.Fatalf("scalar of %d bytes, %v", len(b), err)
	}
	priv, err := ecdh.P256().NewPrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(priv.PublicKey().Bytes(), box.PublicKey) {
		t.Fatal("the ecdh key of the rebuilt scalar is not the box's public key")
	}
}

func recoverKey(t testing.TB, box Box, shares []Share) *Key {
	t.Helper()
	key, err := box.Recover(shares)
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	return key
}

func TestSealOpen(t *testing.T) {
	box, shares := ceremony(t, 3, 2, 3)
	key := recoverKey(t, box, shares[:2])
	other, otherShares := ceremony(t, 4, 2, 3)
	otherKey := recoverKey(t, other, otherShares[:2])

	for _, c := range []struct {
		name      string
		plaintext []byte
	}{
		{"empty", nil},
		{"ballot", []byte(`{"receipt":"K7Q2-9XZ4","choices":[3,17,42]}`)},
		{"long", bytes.Repeat([]byte("x"), 100_000)},
	} {
		t.Run(c.name, func(t *testing.T) {
			ct, err := Seal(box, info, c.plaintext)
			if err != nil {
				t.Fatal(err)
			}
			if len(ct) != 65+len(c.plaintext)+16 {
				t.Errorf("ciphertext of %d bytes for %d", len(ct), len(c.plaintext))
			}
			if len(c.plaintext) > 8 && bytes.Contains(ct, c.plaintext[:8]) {
				t.Error("the plaintext shows in the ciphertext")
			}
			pt, err := key.Open(info, ct)
			if err != nil || !bytes.Equal(pt, c.plaintext) {
				t.Fatalf("Open = %q, %v", pt, err)
			}
			again, _ := Seal(box, info, c.plaintext)
			if bytes.Equal(again, ct) || Fingerprint(again) == Fingerprint(ct) {
				t.Error("sealing twice gives the same ciphertext")
			}

			for _, bad := range []struct {
				name string
				key  *Key
				info []byte
				ct   []byte
			}{
				{"wrong info", key, []byte("budgetcitoyen ballot box 43"), ct},
				{"no info", key, nil, ct},
				{"other box", otherKey, info, ct},
				{"changed byte", key, info, flip(ct, len(ct)-1)},
				{"changed enc", key, info, flip(ct, 10)},
				{"truncated", key, info, ct[:len(ct)-1]},
				{"empty", key, info, nil},
			} {
				if pt, err := bad.key.Open(bad.info, bad.ct); !errors.Is(err, ErrOpen) {
					t.Errorf("%s: Open = %q, %v, want ErrOpen", bad.name, pt, err)
				}
			}
		})
	}
	if _, err := Seal(Box{}, info, nil); !errors.Is(err, ErrBadBox) {
		t.Errorf("Seal to an empty box: %v", err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

func TestForget(t *testing.T) {
	box, shares := ceremony(t, 5, 1, 1)
	key := recoverKey(t, box, shares)
	ct, _ := Seal(box, info, []byte("x"))
	key.Forget()
	if _, err := key.Open(info, ct); !errors.Is(err, ErrForgotten) {
		t.Errorf("Open after Forget: %v", err)
	}
	if _, err := key.OpenGroup(info, ct[:65], nil); !errors.Is(err, ErrForgotten) {
		t.Errorf("OpenGroup after Forget: %v", err)
	}
	key.Forget() // twice is fine
}

func TestGroupSealOpen(t *testing.T) {
	box, shares := ceremony(t, 6, 2, 3)
	key := recoverKey(t, box, shares[1:])

	for _, size := range []int{0, 1, 2, 10, 64} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			g, err := NewGroupSealer(box, info)
			if err != nil {
				t.Fatal(err)
			}
			pts := make([][]byte, size)
			cts := make([][]byte, size)
			for i := range pts {
				pts[i] = fmt.Appendf(nil, `{"receipt":"R%04d","choices":[%d]}`, i, i%7)
				if cts[i], err = g.Seal(pts[i]); err != nil {
					t.Fatal(err)
				}
			}
			enc := g.Enc()
			if len(enc) != 65 {
				t.Fatalf("Enc of %d bytes", len(enc))
			}
			got, err := key.OpenGroup(info, enc, cts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != size {
				t.Fatalf("%d plaintexts, want %d", len(got), size)
			}
			for i := range got {
				if !bytes.Equal(got[i], pts[i]) {
					t.Fatalf("ballot %d = %q, want %q", i, got[i], pts[i])
				}
			}
			if size < 2 {
				return
			}
			for _, bad := range []struct {
				name string
				info []byte
				enc  []byte
				cts  [][]byte
				pos  int
			}{
				{"wrong info", []byte("other"), enc, cts, 0},
				{"swapped", info, enc, append([][]byte{cts[1], cts[0]}, cts[2:]...), 0},
				{"first missing", info, enc, cts[1:], 0},
				{"changed", info, enc, append(append([][]byte{}, cts[:1]...), append([][]byte{flip(cts[1], 0)}, cts[2:]...)...), 1},
				{"bad enc", info, flip(enc, 64), cts, -2},
			} {
				_, err := key.OpenGroup(bad.info, bad.enc, bad.cts)
				var ge *GroupOpenError
				if !errors.Is(err, ErrOpen) || !errors.As(err, &ge) {
					t.Errorf("%s: %v, want a GroupOpenError", bad.name, err)
					continue
				}
				if bad.pos != -2 && ge.Position != bad.pos {
					t.Errorf("%s: position %d, want %d", bad.name, ge.Position, bad.pos)
				}
			}
		})
	}
}

// TestRecoverEverySubset: every set of k or more of the n=5 shares, in any
// order given, rebuilds a key that opens.
func TestRecoverEverySubset(t *testing.T) {
	const k, n = 3, 5
	box, shares := ceremony(t, 7, k, n)
	ct, err := Seal(box, info, []byte("ballot"))
	if err != nil {
		t.Fatal(err)
	}
	subsets := 0
	for mask := 1; mask < 1<<n; mask++ {
		var sub []Share
		for i := range n {
			if mask&(1<<i) != 0 {
				sub = append(sub, shares[i])
			}
		}
		if len(sub) < k {
			if _, err := box.Recover(sub); !errors.Is(err, ErrTooFew) {
				t.Errorf("%05b: %v, want ErrTooFew", mask, err)
			}
			continue
		}
		if len(sub) == k {
			subsets++
		}
		// Given in reverse order too.
		rev := append([]Share(nil), sub...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		for _, s := range [][]Share{sub, rev} {
			key, err := box.Recover(s)
			if err != nil {
				t.Fatalf("%05b: %v", mask, err)
			}
			if pt, err := key.Open(info, ct); err != nil || string(pt) != "ballot" {
				t.Fatalf("%05b: Open = %q, %v", mask, pt, err)
			}
			key.Forget()
		}
	}
	if subsets != 10 {
		t.Fatalf("%d subsets of 3, want 10", subsets)
	}
}

func TestRecoverRefusals(t *testing.T) {
	box, shares := ceremony(t, 8, 3, 5)
	other, otherShares := ceremony(t, 9, 3, 5)
	if box.ID() == other.ID() {
		t.Fatal("two boxes with one ID")
	}

	// A share with a valid encoding but a changed value.
	corrupt := shares[3]
	corrupt.Value = bytes.Clone(corrupt.Value)
	corrupt.Value[31] ^= 0x40
	reread, err := ParseShare(corrupt.String())
	if err != nil {
		t.Fatalf("the corrupted share does not read: %v", err)
	}
	// A share of an index the box never had (a valid point of the
	// polynomial's shape, but not the box's).
	beyond := shares[0]
	beyond.Index = 6
	outOfScalar := shares[1]
	outOfScalar.Value = bytes.Repeat([]byte{0xff}, 32)
	short := shares[1]
	short.Value = shares[1].Value[:31]

	for _, c := range []struct {
		name   string
		shares []Share
		want   error
		index  int
	}{
		{"none", nil, ErrTooFew, 0},
		{"k-1", shares[:2], ErrTooFew, 0},
		{"k-1 of another subset", []Share{shares[4], shares[0]}, ErrTooFew, 0},
		{"duplicate", []Share{shares[0], shares[1], shares[1]}, ErrDuplicate, 0},
		{"duplicate among enough", []Share{shares[0], shares[1], shares[2], shares[0]}, ErrDuplicate, 0},
		{"duplicate index, other value", []Share{shares[0], shares[1], reread, shares[3]}, ErrDuplicate, 0},
		{"another box", []Share{shares[0], shares[1], otherShares[2]}, ErrOtherBox, 0},
		{"all of another box", otherShares[:3], ErrOtherBox, 0},
		{"corrupted", []Share{shares[0], reread, shares[2]}, nil, 4},
		{"corrupted beyond k", []Share{shares[0], shares[1], shares[2], reread}, nil, 4},
		{"index beyond n", []Share{shares[1], shares[2], beyond}, nil, 6},
		{"value not a scalar", []Share{outOfScalar, shares[2], shares[3]}, nil, 2},
		{"short value", []Share{short, shares[2], shares[3]}, nil, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			key, err := box.Recover(c.shares)
			if key != nil || err == nil {
				t.Fatalf("Recover = %v, %v", key, err)
			}
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
				return
			}
			var bad *BadShareError
			if !errors.As(err, &bad) || bad.Index != c.index {
				t.Fatalf("err = %v, want a BadShareError for %d", err, c.index)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(c.index)) {
				t.Fatalf("%q does not name share %d", err, c.index)
			}
		})
	}

	// A damaged box is refused before any share is looked at.
	damaged := box
	damaged.Commitments = append([][]byte(nil), box.Commitments...)
	damaged.Commitments[1] = other.Commitments[1]
	if _, err := damaged.Recover(shares[:3]); err == nil {
		t.Error("shares accepted against altered commitments")
	}
	swapped := box
	swapped.PublicKey = other.PublicKey
	if _, err := swapped.Recover(shares[:3]); !errors.Is(err, ErrBadBox) {
		t.Errorf("commitments of another key: %v", err)
	}
	for _, b := range []Box{{}, {K: 3, N: 2}, {K: 1, N: 1, PublicKey: box.PublicKey}} {
		if _, err := b.Recover(shares); !errors.Is(err, ErrBadBox) {
			t.Errorf("box %+v: %v", b, err)
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	box, _ := ceremony(b, 10, 2, 3)
	ballot := []byte(`{"receipt":"K7Q2-9XZ4-M3PD","choices":[3,17,42,51,66]}`)
	for b.Loop() {
		if _, err := Seal(box, info, ballot); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGroupSeal measures the cost per ballot of a group of 64 ballots,
// the group's key encapsulation included.
func BenchmarkGroupSeal(b *testing.B) {
	box, _ := ceremony(b, 10, 2, 3)
	ballot := []byte(`{"receipt":"K7Q2-9XZ4-M3PD","choices":[3,17,42,51,66]}`)
	const group = 64
	var g *GroupSealer
	i := 0
	for b.Loop() {
		if i%group == 0 {
			var err error
			if g, err = NewGroupSealer(box, info); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := g.Seal(ballot); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
