// Package seal is the cryptography of the sealed ballot box.
//
// A box is an HPKE key pair (RFC 9180: DHKEM(P-256), HKDF-SHA256,
// AES-128-GCM). Its private key, a P-256 scalar, is created once at a key
// ceremony and split at once into n shares for the trustees, k of which are
// needed to rebuild it (Shamir's secret sharing over the P-256 scalar field,
// with Feldman commitments so that each share can be checked on its own
// against the public box). Only the public part of the box (Box) is stored;
// the private key exists in memory during the ceremony and, later, between
// Box.Recover and Key.Forget.
//
// The package is pure: no database, no file, no log. Randomness comes from
// the io.Reader handed to Ceremony, and from crypto/rand inside crypto/hpke
// when sealing.
//
// What can be wiped is wiped: the scalars and byte slices this package
// handles are zeroed once used. Copies held inside libraries cannot be
// reached (the polynomial inside circl's secret sharing, the scalar inside a
// crypto/ecdh private key); they are dropped and left to the garbage
// collector.
package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cloudflare/circl/group"
	"github.com/cloudflare/circl/secretsharing"
)

// MaxTrustees is the largest number of shares a box can be split into.
const MaxTrustees = 50

// publicKeyLen is the length of an uncompressed P-256 point.
const publicKeyLen = 65

// scalarLen is the length of a P-256 scalar, big-endian.
const scalarLen = 32

var (
	// ErrTooFew: fewer distinct shares than the box's threshold.
	ErrTooFew = errors.New("seal: too few shares to open the box")
	// ErrDuplicate: the same share (the same index) was given twice.
	ErrDuplicate = errors.New("seal: the same share was given twice")
	// ErrOtherBox: a share belongs to another box.
	ErrOtherBox = errors.New("seal: a share belongs to another box")
	// ErrMistyped: an encoded share does not read back (checksum, length or
	// character not allowed).
	ErrMistyped = errors.New("seal: share mistyped")
	// ErrBadBox: the public box itself is malformed (threshold, public key
	// or commitments), as when it was damaged in storage.
	ErrBadBox = errors.New("seal: malformed box")
	// ErrOpen: a ciphertext does not open with this key and this context
	// (wrong key, wrong info, altered or truncated ciphertext, or a group
	// ciphertext out of order).
	ErrOpen = errors.New("seal: ciphertext does not open")
	// ErrForgotten: the key was forgotten.
	ErrForgotten = errors.New("seal: the key was forgotten")
)

// BadShareError reports a share that is well formed and belongs to the box
// but is not one of the box's shares: it fails the Feldman check against the
// box's commitments (corrupted, altered, or an index the box never had).
type BadShareError struct {
	Index int
}

func (e *BadShareError) Error() string {
	return fmt.Sprintf("seal: share number %d does not match the box (wrong or corrupted share)", e.Index)
}

// Box is the public part of a sealed box, stored in the database.
type Box struct {
	K, N        int      // k of n trustees' shares rebuild the key
	PublicKey   []byte   // HPKE DHKEM(P-256) public key (uncompressed point, 65 bytes)
	Commitments [][]byte // Feldman commitments to the secret (K group elements, marshalled), to check each share
}

// ID is a short fingerprint of the box's public key: the first 8 bytes of
// its SHA-256, in lower-case hex (16 characters). It is printed in every
// share, so that a share of another box is recognised.
func (b Box) ID() string {
	sum := sha256.Sum256(b.PublicKey)
	return hex.EncodeToString(sum[:8])
}

// suite is the HPKE cipher suite of every box.
var (
	kem  = hpke.DHKEM(ecdh.P256())
	kdf  = hpke.HKDFSHA256()
	aead = hpke.AES128GCM()
)

// check verifies the shape of a stored box and returns its commitments as
// group elements. The first commitment is g^secret, that is the public key
// itself: this binds the commitments to the key.
func (b Box) check() (secretsharing.SecretCommitment, error) {
	if b.K < 1 || b.K > b.N || b.N > MaxTrustees {
		return nil, fmt.Errorf("%w: threshold %d of %d", ErrBadBox, b.K, b.N)
	}
	if len(b.PublicKey) != publicKeyLen {
		return nil, fmt.Errorf("%w: public key of %d bytes", ErrBadBox, len(b.PublicKey))
	}
	if _, err := kem.NewPublicKey(b.PublicKey); err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrBadBox, err)
	}
	if len(b.Commitments) != b.K {
		return nil, fmt.Errorf("%w: %d commitments for a threshold of %d", ErrBadBox, len(b.Commitments), b.K)
	}
	if !bytes.Equal(b.Commitments[0], b.PublicKey) {
		return nil, fmt.Errorf("%w: the commitments are not those of the public key", ErrBadBox)
	}
	c := make(secretsharing.SecretCommitment, len(b.Commitments))
	for i, m := range b.Commitments {
		c[i] = group.P256.NewElement()
		if err := c[i].UnmarshalBinary(m); err != nil {
			return nil, fmt.Errorf("%w: commitment %d: %v", ErrBadBox, i, err)
		}
	}
	return c, nil
}

// Ceremony creates a box's key pair from rnd, splits the private key (a
// P-256 scalar) into n shares with threshold k, and returns the public box
// and the n shares, each encoded as text for one trustee (share i is for
// trustee i, index i+1). It requires 1 <= k <= n <= MaxTrustees.
//
// rnd must be a cryptographically secure source (crypto/rand.Reader);
// tests may pass a deterministic one. The private key and the polynomial are
// not kept: the scalars this function holds are zeroed before it returns.
func Ceremony(rnd io.Reader, k, n int) (box Box, shares []string, err error) {
	if k < 1 || k > n || n > MaxTrustees {
		return Box{}, nil, fmt.Errorf("seal: a box needs 1 <= k <= n <= %d, not k = %d, n = %d", MaxTrustees, k, n)
	}
	if rnd == nil {
		return Box{}, nil, errors.New("seal: no source of randomness")
	}
	// circl panics when its reader fails; turn that panic, and only that
	// one, into an error.
	r := &errReader{r: rnd}
	defer func() {
		if p := recover(); p != nil {
			if r.err == nil {
				panic(p)
			}
			box, shares, err = Box{}, nil, fmt.Errorf("seal: reading randomness: %w", r.err)
		}
	}()

	secret := group.P256.RandomNonZeroScalar(r)
	defer zeroScalar(secret)
	ss := secretsharing.New(r, uint(k-1), secret)
	commit := ss.CommitSecret()
	parts := ss.Share(uint(n))
	defer func() {
		for _, p := range parts {
			zeroScalar(p.Value)
		}
	}()

	box = Box{K: k, N: n, Commitments: make([][]byte, k)}
	for i, c := range commit {
		if box.Commitments[i], err = c.MarshalBinary(); err != nil {
			return Box{}, nil, fmt.Errorf("seal: commitment: %w", err)
		}
	}
	// The first commitment is secret·G, the public key (uncompressed).
	box.PublicKey = slices.Clone(box.Commitments[0])
	if _, err := box.check(); err != nil {
		return Box{}, nil, err
	}

	id := box.ID()
	shares = make([]string, n)
	for i, p := range parts {
		v, err := p.Value.MarshalBinary()
		if err != nil {
			return Box{}, nil, fmt.Errorf("seal: share: %w", err)
		}
		s := Share{BoxID: id, Index: i + 1, Value: v}
		shares[i] = s.String()
		clear(v)
	}
	return box, shares, nil
}

// errReader remembers the first error of the reader it wraps.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// zeroScalar overwrites a scalar in place (circl's SetUint64 clears the
// scalar's own bytes).
func zeroScalar(s group.Scalar) {
	if s != nil {
		s.SetUint64(0)
	}
}

// Key is a box's private key, rebuilt in memory by Box.Recover. Call Forget
// as soon as it is no longer needed.
type Key struct {
	priv hpke.PrivateKey
}

// Forget drops the key: Open and OpenGroup fail afterwards. The scalar
// bytes this package handled were zeroed when the key was built; the copy
// held by crypto/ecdh cannot be reached and is left to the garbage
// collector.
func (k *Key) Forget() {
	if k != nil {
		k.priv = nil
	}
}

// Recover rebuilds the box's private key in memory from trustees' shares.
//
// It refuses, in this order: shares of another box (ErrOtherBox), the same
// share twice (ErrDuplicate), fewer than K distinct shares (ErrTooFew), and a
// share that fails the Feldman check against the box's commitments
// (*BadShareError naming the first such index). Every share given is
// checked, even beyond K. The rebuilt key's public key is checked against
// b.PublicKey.
func (b Box) Recover(shares []Share) (*Key, error) {
	commit, err := b.check()
	if err != nil {
		return nil, err
	}
	id := b.ID()
	for _, s := range shares {
		if !strings.EqualFold(s.BoxID, id) {
			return nil, fmt.Errorf("%w: share number %d is of box %s, not %s", ErrOtherBox, s.Index, s.BoxID, id)
		}
	}
	seen := make(map[int]bool, len(shares))
	for _, s := range shares {
		if seen[s.Index] {
			return nil, fmt.Errorf("%w: share number %d", ErrDuplicate, s.Index)
		}
		seen[s.Index] = true
	}
	if len(shares) < b.K {
		return nil, fmt.Errorf("%w: %d given, %d needed", ErrTooFew, len(shares), b.K)
	}

	// Check the shares in index order so that the share named is stable.
	sorted := slices.Clone(shares)
	slices.SortFunc(sorted, func(x, y Share) int { return x.Index - y.Index })
	parts := make([]secretsharing.Share, 0, len(sorted))
	defer func() {
		for _, p := range parts {
			zeroScalar(p.Value)
		}
	}()
	t := uint(b.K - 1)
	for _, s := range sorted {
		if s.Index < 1 || s.Index > b.N || len(s.Value) != scalarLen {
			return nil, &BadShareError{Index: s.Index}
		}
		v := group.P256.NewScalar()
		if err := v.UnmarshalBinary(s.Value); err != nil {
			return nil, &BadShareError{Index: s.Index}
		}
		p := secretsharing.Share{ID: group.P256.NewScalar().SetUint64(uint64(s.Index)), Value: v}
		parts = append(parts, p)
		if !secretsharing.Verify(t, p, commit) {
			return nil, &BadShareError{Index: s.Index}
		}
	}

	// Indices are distinct and non-zero: circl's Recover neither panics nor
	// fails here.
	secret, err := secretsharing.Recover(t, parts)
	if err != nil {
		return nil, fmt.Errorf("seal: recovering the key: %w", err)
	}
	defer zeroScalar(secret)
	sb, err := secret.MarshalBinary() // 32 bytes, big-endian
	if err != nil {
		return nil, fmt.Errorf("seal: recovering the key: %w", err)
	}
	defer clear(sb)
	priv, err := kem.NewPrivateKey(sb)
	if err != nil {
		return nil, fmt.Errorf("seal: recovering the key: %w", err)
	}
	if !bytes.Equal(priv.PublicKey().Bytes(), b.PublicKey) {
		return nil, fmt.Errorf("%w: the rebuilt key is not the box's key", ErrBadBox)
	}
	return &Key{priv: priv}, nil
}
