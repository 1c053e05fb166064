package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters of new password hashes. The zero value
// stands for DefaultParams: production leaves them unset; tests that hash many passwords
// pass cheaper ones to what they build (account.Env, web.Config, demo.Seed).
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are OWASP's recommended argon2id parameters (19 MiB, 2 passes, 1 thread):
// about 20–40 ms per hash on a server, affordable at sign-in, costly for an offline attack.
var DefaultParams = PasswordParams{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// orDefault returns DefaultParams for the zero value, p otherwise.
func (p PasswordParams) orDefault() PasswordParams {
	if p == (PasswordParams{}) {
		return DefaultParams
	}
	return p
}

// Bounds on what a stored hash may ask for. A hash comes from our own database, but a
// corrupted or hostile row must not make a sign-in allocate gigabytes or run for minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 128
)

var errMalformedHash = errors.New("malformed argon2id hash")

// derivations counts the argon2 derivations of the process (hashes, checks and dummy
// checks): the tests of the forms that must do the same work whether an address has an
// account or not read it, rather than time them.
var derivations atomic.Int64

// idKey is argon2.IDKey, counted.
func idKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	derivations.Add(1)
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// phc is a parsed argon2id hash in the PHC string format.
type phc struct {
	params PasswordParams
	salt   []byte
	key    []byte
}

// b64 is the PHC encoding: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// parsePHC parses "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH". It never panics, whatever s is.
func parsePHC(s string) (phc, error) {
	var h phc
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v=19" {
		return h, errMalformedHash
	}
	var seen [3]bool
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" || (len(v) > 1 && v[0] == '0') || v[0] == '+' || v[0] == '-' {
			return h, errMalformedHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return h, errMalformedHash
		}
		var i int
		switch k {
		case "m":
			i, h.params.Memory = 0, uint32(n)
		case "t":
			i, h.params.Time = 1, uint32(n)
		case "p":
			if n > 255 {
				return h, errMalformedHash
			}
			i, h.params.Threads = 2, uint8(n)
		default:
			return h, errMalformedHash
		}
		if seen[i] {
			return h, errMalformedHash
		}
		seen[i] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return h, errMalformedHash
	}
	p := h.params
	// argon2 panics below these bounds (t < 1, p < 1); memory must give each lane 8 blocks.
	if p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory {
		return h, errMalformedHash
	}
	// The decoder skips \r and \n even in strict mode; a hash with them is not ours.
	if !isB64(parts[4]) || !isB64(parts[5]) {
		return h, errMalformedHash
	}
	var err error
	if h.salt, err = b64.Strict().DecodeString(parts[4]); err != nil || len(h.salt) < minSaltLen || len(h.salt) > maxSaltLen {
		return h, errMalformedHash
	}
	if h.key, err = b64.Strict().DecodeString(parts[5]); err != nil || len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
		return h, errMalformedHash
	}
	h.params.SaltLen, h.params.KeyLen = uint32(len(h.salt)), uint32(len(h.key))
	return h, nil
}

func isB64(s string) bool {
	for _, c := range []byte(s) {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

func (h phc) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.Memory, h.params.Time, h.params.Threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// Hash returns the argon2id hash of password with the parameters p, in PHC format.
func (p PasswordParams) Hash(password string) (string, error) {
	p = p.orDefault()
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := idKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return phc{params: p, salt: salt, key: key}.String(), nil
}

// VerifyPassword reports whether password matches the PHC hash. A malformed or empty hash
// (an account that signs in with codes only) matches nothing. The comparison takes the same
// time wherever the keys differ.
func VerifyPassword(hash, password string) bool {
	h, err := parsePHC(hash)
	if err != nil {
		return false
	}
	p := h.params
	key := idKey([]byte(password), h.salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(key, h.key) == 1
}

// NeedsRehash reports whether a stored hash was made with other parameters than p (or is
// not a hash we understand), so that it should be replaced at the next successful sign-in.
// An empty hash (no password) needs nothing.
func (p PasswordParams) NeedsRehash(hash string) bool {
	if hash == "" {
		return false
	}
	h, err := parsePHC(hash)
	if err != nil {
		return true
	}
	p = p.orDefault()
	return h.params.Memory != p.Memory || h.params.Time != p.Time || h.params.Threads != p.Threads ||
		h.params.SaltLen != p.SaltLen || h.params.KeyLen != p.KeyLen
}

// burn spends the time of one verification with the parameters p, when the e-mail is
// unknown, so that an unknown address and a wrong password take about the same time and
// cannot be told apart. The salt is fixed: nothing is compared, only the work counts.
func (p PasswordParams) burn(password string) {
	p = p.orDefault()
	salt := make([]byte, p.SaltLen)
	_ = idKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// Password rules. Length matters more than composition rules (NIST SP 800-63B, ANSSI):
// at least 10 characters, no character classes imposed, a few obvious choices refused.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256 // characters; argon2 handles more, but no one types more
)

// commonPasswords are refused whatever their length: the first ones tried by any attacker.
var commonPasswords = map[string]bool{
	"motdepasse": true, "motdepasse1": true, "motdepasse123": true, "azertyuiop": true,
	"azertyuiop1": true, "qwertyuiop": true, "1234567890": true, "0123456789": true,
	"12345678910": true, "password123": true, "password1234": true, "passwordpassword": true,
	"aaaaaaaaaa": true, "0000000000": true, "1111111111": true, "budgetcitoyen": true,
	"budgetparticipatif": true, "azerty123456": true, "soleil1234": true, "bonjour1234": true,
}

// CheckPassword tells what is wrong with a new password for the account of email, as the
// i18n key of a French message; ok is true when the password is acceptable.
func CheckPassword(password, email string) (key string, args []any, ok bool) {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		return "account.password_required", nil, false
	case !utf8.ValidString(password):
		return "account.password_invalid", nil, false
	case n < MinPasswordLen:
		return "account.password_too_short", []any{MinPasswordLen}, false
	case n > MaxPasswordLen:
		return "account.password_too_long", []any{MaxPasswordLen}, false
	}
	lower := strings.ToLower(strings.TrimSpace(password))
	email = NormalizeEmail(email)
	if email != "" {
		local, _, _ := strings.Cut(email, "@")
		if lower == email || lower == local {
			return "account.password_is_email", nil, false
		}
	}
	if commonPasswords[lower] || oneRepeatedChar(lower) {
		return "account.password_too_common", nil, false
	}
	return "", nil, true
}

// oneRepeatedChar reports whether s is empty or one character repeated ("aaaaaaaaaa").
func oneRepeatedChar(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}
