package seal

import (
	"crypto/hpke"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
)

// publicKey parses and checks the box's public key.
func (b Box) publicKey() (hpke.PublicKey, error) {
	if len(b.PublicKey) != publicKeyLen {
		return nil, fmt.Errorf("%w: public key of %d bytes", ErrBadBox, len(b.PublicKey))
	}
	pk, err := kem.NewPublicKey(b.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrBadBox, err)
	}
	return pk, nil
}

// Seal encrypts plaintext to the box with HPKE in base mode (RFC 9180,
// DHKEM(P-256), HKDF-SHA256, AES-128-GCM). info binds the ciphertext to a
// context, for example "budgetcitoyen ballot box <campaign id>": it must be
// given again, byte for byte, to open it. The ciphertext is the encapsulated
// key (65 bytes) followed by the AEAD ciphertext (plaintext + 16 bytes).
func Seal(b Box, info, plaintext []byte) ([]byte, error) {
	pk, err := b.publicKey()
	if err != nil {
		return nil, err
	}
	ct, err := hpke.Seal(pk, kdf, aead, info, plaintext)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return ct, nil
}

// Open decrypts a ciphertext made by Seal with the same info. Any failure
// (another box, another info, a changed byte) gives an error wrapping
// ErrOpen.
func (k *Key) Open(info, ciphertext []byte) ([]byte, error) {
	if k == nil || k.priv == nil {
		return nil, ErrForgotten
	}
	pt, err := hpke.Open(k.priv, kdf, aead, info, ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOpen, err)
	}
	return pt, nil
}

// GroupSealer seals the ballots of one group (for example one group commit)
// with a single HPKE context: one key encapsulation for the group, then one
// AEAD encryption per ballot, far cheaper than Seal per ballot.
//
// HPKE numbers the messages of a context: the i-th Seal (from 0) uses the
// nonce base_nonce XOR i, and the opener's context counts the same way, so
// the group's ciphertexts open only in the order they were sealed, and only
// if none is missing before them. The caller therefore:
//   - stores Enc once for the group, and with each ciphertext its group and
//     its position in the group (0, 1, 2, … in the order of the calls to
//     Seal);
//   - seals only ballots that will be stored, and stores all of them or none
//     (one group, one transaction). If the transaction is rolled back, the
//     GroupSealer is thrown away and a new one is made for the retry: a
//     ballot missing in the middle of a group makes every later ballot of
//     the group unopenable;
//   - calls Seal from the goroutine that writes the group, in the order it
//     writes. Seal is safe for concurrent use (calls are serialised, no
//     nonce is ever reused), but concurrent callers cannot know their
//     position.
//
// To open, the opener gives the group's Enc and its ciphertexts sorted by
// position to Key.OpenGroup.
//
// Positions are not secret and leak only the order of the ballots within a
// group, which the caller should not make the order of casting if that
// matters (for example by sealing the group's ballots in a random order).
type GroupSealer struct {
	mu     sync.Mutex
	enc    []byte
	sender *hpke.Sender
}

// NewGroupSealer starts a group sealed to the box, bound to info.
func NewGroupSealer(b Box, info []byte) (*GroupSealer, error) {
	pk, err := b.publicKey()
	if err != nil {
		return nil, err
	}
	enc, s, err := hpke.NewSender(pk, kdf, aead, info)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &GroupSealer{enc: enc, sender: s}, nil
}

// Enc returns the encapsulated key of the group (65 bytes), stored once per
// group.
func (g *GroupSealer) Enc() []byte {
	return append([]byte(nil), g.enc...)
}

// Seal encrypts the next ballot of the group. The ciphertext (plaintext + 16
// bytes) does not carry the encapsulated key, see Enc, nor its position.
func (g *GroupSealer) Seal(plaintext []byte) ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ct, err := g.sender.Seal(nil, plaintext)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return ct, nil
}

// OpenGroup opens the ciphertexts of a group, given in the order they were
// sealed, with the group's Enc and the info it was sealed with. If one
// ciphertext does not open (wrong key or info, altered, out of order, or one
// missing before it), it returns nil and a *GroupOpenError naming its
// position, wrapping ErrOpen.
func (k *Key) OpenGroup(info, enc []byte, ciphertexts [][]byte) ([][]byte, error) {
	if k == nil || k.priv == nil {
		return nil, ErrForgotten
	}
	r, err := hpke.NewRecipient(enc, k.priv, kdf, aead, info)
	if err != nil {
		return nil, &GroupOpenError{Position: -1, err: err}
	}
	out := make([][]byte, len(ciphertexts))
	for i, ct := range ciphertexts {
		pt, err := r.Open(nil, ct)
		if err != nil {
			for _, p := range out[:i] {
				clear(p)
			}
			return nil, &GroupOpenError{Position: i, err: err}
		}
		out[i] = pt
	}
	return out, nil
}

// GroupOpenError reports the first ciphertext of a group that does not
// open, by its position (from 0), or Position -1 when the group's Enc itself
// is refused. errors.Is(err, ErrOpen) holds.
type GroupOpenError struct {
	Position int
	err      error
}

func (e *GroupOpenError) Error() string {
	if e.Position < 0 {
		return fmt.Sprintf("%v: the group's encapsulated key is refused: %v", ErrOpen, e.err)
	}
	return fmt.Sprintf("%v: ballot at position %d of the group: %v", ErrOpen, e.Position, e.err)
}

// Is makes errors.Is(err, ErrOpen) true.
func (e *GroupOpenError) Is(target error) bool { return target == ErrOpen }

// Unwrap returns the underlying HPKE error.
func (e *GroupOpenError) Unwrap() error { return e.err }

// Fingerprint is the public tracker of a ciphertext: the hex SHA-256 of its
// bytes (64 characters), shortened for display by the caller.
func Fingerprint(ciphertext []byte) string {
	sum := sha256.Sum256(ciphertext)
	return hex.EncodeToString(sum[:])
}
