package account

import (
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashAndVerify(t *testing.T) {
	h, err := testParams.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyPassword(h, "correct horse battery") {
		t.Error("right password refused")
	}
	for _, wrong := range []string{"", "correct horse batter", "Correct horse battery", "correct horse battery "} {
		if VerifyPassword(h, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	h2, _ := testParams.Hash("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if testParams.NeedsRehash(h) {
		t.Error("fresh hash needs rehash")
	}
}

func TestDefaultParams(t *testing.T) {
	h, err := PasswordParams{}.Hash("mot de passe solide")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("production hash %q does not use OWASP parameters", h)
	}
	if !VerifyPassword(h, "mot de passe solide") {
		t.Error("right password refused")
	}
	parts := strings.Split(h, "$")
	if len(parts[4]) != 22 || len(parts[5]) != 43 { // 16 and 32 bytes, unpadded base64
		t.Errorf("salt/hash lengths %d/%d in %q", len(parts[4]), len(parts[5]), h)
	}
}

func TestNeedsRehash(t *testing.T) {
	cheap, _ := testParams.Hash("un mot de passe")
	stronger := testParams
	stronger.Time++
	if !stronger.NeedsRehash(cheap) {
		t.Error("hash with older parameters does not need rehash")
	}
	if !VerifyPassword(cheap, "un mot de passe") {
		t.Error("a hash with older parameters must still verify")
	}
	if testParams.NeedsRehash("") {
		t.Error("empty hash (no password) needs rehash")
	}
	if !testParams.NeedsRehash("$2a$10$bcrypt-ish") {
		t.Error("foreign hash does not need rehash")
	}
}

// A hash made elsewhere with the same algorithm verifies: the format is the PHC one.
func TestVerifyForeignPHC(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("secret"), salt, 3, 32, 4, 24)
	h := "$argon2id$v=19$m=32,t=3,p=4$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if !VerifyPassword(h, "secret") {
		t.Errorf("hash %s not verified", h)
	}
	p, err := parsePHC(h)
	if err != nil || p.String() != h {
		t.Errorf("round trip: %v %q", err, p.String())
	}
}

func TestParsePHCMalformed(t *testing.T) {
	salt := b64.EncodeToString([]byte("0123456789abcdef"))
	key := b64.EncodeToString(make([]byte, 32))
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	if _, err := parsePHC(good); err != nil {
		t.Fatalf("good hash refused: %v", err)
	}
	bad := []string{
		"", "$", "$$$$$", "argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,x=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=16$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
		"$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "=$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key, // 4-byte salt
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAA",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "!",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "\n",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt[:4] + "\r\n" + salt[4:] + "$" + key,
	}
	for _, s := range bad {
		if _, err := parsePHC(s); err == nil {
			t.Errorf("parsePHC(%q) accepted", s)
		}
		if VerifyPassword(s, "") || VerifyPassword(s, "x") {
			t.Errorf("VerifyPassword(%q) matched", s)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	h, _ := testParams.Hash("seed password")
	f.Add(h)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePHC(s)
		if err != nil {
			return
		}
		// Whatever parses stays within bounds that argon2 accepts without panicking, and
		// formats back to itself.
		if p.params.Time < 1 || p.params.Threads < 1 || p.params.Memory < 8*uint32(p.params.Threads) || p.params.Memory > maxMemory {
			t.Fatalf("out-of-bounds parameters accepted: %+v", p.params)
		}
		if p.String() != s {
			t.Fatalf("round trip: %q → %q", s, p.String())
		}
		if p.params.Memory <= 1024 && p.params.Time <= 4 {
			_ = VerifyPassword(s, "x") // must not panic
		}
	})
}

func TestCheckPassword(t *testing.T) {
	const email = "Jean.Dupont@Exemple.fr"
	tests := []struct {
		pw   string
		want string // "" = accepted
	}{
		{"", "account.password_required"},
		{"court", "account.password_too_short"},
		{"123456789", "account.password_too_short"},
		{"éééééééé9", "account.password_too_short"}, // 9 characters, 17 bytes
		{"lapin vert du jardin", ""},
		{"éàùçèâêîôû", ""}, // 10 characters, accepted
		{strings.Repeat("ab", 129), "account.password_too_long"},
		{"jean.dupont@exemple.fr", "account.password_is_email"},
		{"JEAN.DUPONT@EXEMPLE.FR", "account.password_is_email"},
		{"jean.dupont", "account.password_is_email"},
		{"azertyuiop", "account.password_too_common"},
		{"MotDePasse123", "account.password_too_common"},
		{"          ", "account.password_too_common"},
		{"zzzzzzzzzzzz", "account.password_too_common"},
		{"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", "account.password_invalid"},
	}
	for _, tt := range tests {
		key, _, ok := CheckPassword(tt.pw, email)
		if ok != (tt.want == "") || key != tt.want {
			t.Errorf("CheckPassword(%q) = %q, %v; want %q", tt.pw, key, ok, tt.want)
		}
	}
}
