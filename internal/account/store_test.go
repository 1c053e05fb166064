package account

import (
	"context"
	"slices"
	"testing"
	"time"

	"budgetcitoyen/internal/access"
	"budgetcitoyen/internal/apperr"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
)

func fieldKey(t *testing.T, err error, field string) string {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid {
		t.Fatalf("err = %v, want apperr Invalid", err)
	}
	m, ok := e.Fields[field]
	if !ok {
		t.Fatalf("err = %v, want an error on field %q", err, field)
	}
	return m.Key
}

func TestCreateAndRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := CreateWithPassword(ctx, d, testParams, "  Camille.Martin@Exemple.FR ", "  Camille   Martin ", "lapin vert du jardin", t0)
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.Email != "camille.martin@exemple.fr" || a.DisplayName != "Camille Martin" ||
			a.Lang != "fr" || a.Disabled || a.EmailVerifiedAt != nil || !a.HasPassword || len(a.Roles) != 0 {
			t.Errorf("created %+v", a)
		}
		for name, get := range map[string]func() (*access.Account, error){
			"ByID":    func() (*access.Account, error) { return ByID(ctx, d, a.ID) },
			"ByEmail": func() (*access.Account, error) { return ByEmail(ctx, d, "CAMILLE.martin@exemple.fr") },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.ID != a.ID || got.Email != a.Email || got.DisplayName != a.DisplayName || !got.CreatedAt.Equal(t0) ||
				!got.HasPassword || got.Lang != "fr" {
				t.Errorf("%s = %+v, want %+v", name, got, a)
			}
		}
		// Code-only account: no password, nothing stored to verify against.
		voter, err := Create(ctx, d, "electeur@exemple.fr", "", t0)
		if err != nil {
			t.Fatal(err)
		}
		if voter.HasPassword {
			t.Error("account without password has one")
		}
		var hash string
		if err := d.QueryRowContext(ctx, "SELECT password_hash FROM accounts WHERE id = $1", voter.ID).Scan(&hash); err != nil || hash != "" {
			t.Errorf("hash of code-only account = %q, %v", hash, err)
		}
		if _, err := ByID(ctx, d, 999999); !apperr.IsKind(err, apperr.NotFound) || !db.IsNotFound(err) {
			t.Errorf("ByID(unknown) err = %v", err)
		}
		if _, err := ByEmail(ctx, d, "personne@exemple.fr"); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("ByEmail(unknown) err = %v", err)
		}
	})
}

func TestCreateRejects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustCreate(t, d, "camille@exemple.fr", "")
		tests := []struct {
			email, name, pw string
			field, key      string
		}{
			{"Camille@Exemple.fr", "", "", "email", "account.email_taken"},
			{"pas-une-adresse", "", "", "email", "account.email_invalid"},
			{"", "", "", "email", "account.email_required"},
			{"a@exemple.fr", "", "court", "password", "account.password_too_short"},
			{"a@exemple.fr", "", "a@exemple.fr", "password", "account.password_is_email"},
			{"a@exemple.fr", string(make([]rune, 101)), "", "display_name", "account.display_name_too_long"},
			{"a@exemple.fr", "Jean\x00Dupont", "", "display_name", "account.display_name_invalid"},
		}
		for _, tt := range tests {
			_, err := CreateWithPassword(ctx, d, testParams, tt.email, tt.name, tt.pw, t0)
			if got := fieldKey(t, err, tt.field); got != tt.key {
				t.Errorf("Create(%q, %q): %s = %q, want %q", tt.email, tt.pw, tt.field, got, tt.key)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d accounts after refused creations (%v), want 1", n, err)
		}
		// The duplicate check leaves a caller's transaction usable (PostgreSQL aborts a
		// transaction on any failed statement).
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := Create(ctx, tx, "camille@exemple.fr", "", t0); !apperr.IsKind(err, apperr.Invalid) {
				t.Errorf("duplicate in tx: %v", err)
			}
			_, err := Create(ctx, tx, "dominique@exemple.fr", "", t0)
			return err
		})
		if err != nil {
			t.Fatalf("transaction after a refused duplicate: %v", err)
		}
	})
}

func TestGrants(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", "")
		c1, c2 := newCampaign(t, d, "c1"), newCampaign(t, d, "c2")
		grants := []access.Grant{{Role: access.Citizen, CampaignID: nil}, {Role: access.Committee, CampaignID: &c1}, {Role: access.Animator, CampaignID: &c2}, {Role: access.Agent, CampaignID: nil}, {Role: access.Carrier, CampaignID: &c1}}
		for range 2 { // the second round must change nothing
			for _, g := range grants {
				if err := GrantRole(ctx, d, a.ID, g.Role, g.CampaignID, t0); err != nil {
					t.Fatalf("GrantRole(%s): %v", g, err)
				}
			}
		}
		got, err := Grants(ctx, d, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []access.Grant{{Role: access.Citizen, CampaignID: nil}, {Role: access.Agent, CampaignID: nil}, {Role: access.Carrier, CampaignID: &c1}, {Role: access.Committee, CampaignID: &c1}, {Role: access.Animator, CampaignID: &c2}}
		if !equalGrants(got, want) {
			t.Errorf("Grants = %v, want %v", got, want)
		}
		if a2, _ := ByID(ctx, d, a.ID); !equalGrants(a2.Roles, want) {
			t.Errorf("ByID roles = %v", a2.Roles)
		}
		// Global and per-campaign grants of one role are distinct.
		if err := GrantRole(ctx, d, a.ID, access.Citizen, &c1, t0); err != nil {
			t.Fatal(err)
		}
		if err := RevokeRole(ctx, d, a.ID, access.Citizen, nil); err != nil {
			t.Fatal(err)
		}
		if err := RevokeRole(ctx, d, a.ID, access.Committee, &c2); err != nil { // not held: no-op
			t.Fatal(err)
		}
		got, _ = Grants(ctx, d, a.ID)
		want = []access.Grant{{Role: access.Agent, CampaignID: nil}, {Role: access.Citizen, CampaignID: &c1}, {Role: access.Carrier, CampaignID: &c1}, {Role: access.Committee, CampaignID: &c1}, {Role: access.Animator, CampaignID: &c2}}
		if !equalGrants(got, want) {
			t.Errorf("after revoke: %v, want %v", got, want)
		}
		// Scope rules.
		for _, g := range []access.Grant{{Role: access.Agent, CampaignID: &c1}, {Role: access.Admin, CampaignID: &c1}, {Role: access.Animator, CampaignID: nil}, {Role: access.Committee, CampaignID: nil}, {Role: "mayor", CampaignID: nil}} {
			if err := GrantRole(ctx, d, a.ID, g.Role, g.CampaignID, t0); !apperr.IsKind(err, apperr.Invalid) {
				t.Errorf("GrantRole(%s) err = %v, want Invalid", g, err)
			}
		}
		// Deleting a campaign takes its grants with it.
		if _, err := d.ExecContext(ctx, "DELETE FROM campaigns WHERE id = $1", c2); err != nil {
			t.Fatal(err)
		}
		got, _ = Grants(ctx, d, a.ID)
		if len(got) != 4 {
			t.Errorf("after deleting campaign: %v", got)
		}
	})
}

func equalGrants(a, b []access.Grant) bool {
	return slices.EqualFunc(a, b, func(x, y access.Grant) bool {
		return x.Role == y.Role && (x.CampaignID == nil) == (y.CampaignID == nil) &&
			(x.CampaignID == nil || *x.CampaignID == *y.CampaignID)
	})
}

func TestUpdates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := mustCreate(t, d, "camille@exemple.fr", "")
		if err := SetPassword(ctx, d, testParams, a.ID, "court", t0); fieldKey(t, err, "password") != "account.password_too_short" {
			t.Errorf("short password: %v", err)
		}
		if err := SetPassword(ctx, d, testParams, a.ID, "Camille@exemple.fr", t0); fieldKey(t, err, "password") != "account.password_is_email" {
			t.Errorf("e-mail as password: %v", err)
		}
		if err := SetPassword(ctx, d, testParams, a.ID, "un nouveau mot de passe", t0); err != nil {
			t.Fatal(err)
		}
		if got, err := Authenticate(ctx, d, testParams, a.Email, "un nouveau mot de passe", "192.0.2.1", t0); err != nil || got.ID != a.ID {
			t.Errorf("sign in with new password: %v", err)
		}
		if err := SetPassword(ctx, d, testParams, 424242, "un nouveau mot de passe", t0); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("SetPassword(unknown) = %v", err)
		}

		later := t0.Add(time.Hour)
		for _, at := range []time.Time{t0, later} { // the first proof is kept
			if err := MarkVerified(ctx, d, a.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := ByID(ctx, d, a.ID)
		if got.EmailVerifiedAt == nil || !got.EmailVerifiedAt.Equal(t0) || !got.Verified() {
			t.Errorf("verified at %v, want %v", got.EmailVerifiedAt, t0)
		}
		if err := MarkVerified(ctx, d, 424242, t0); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("MarkVerified(unknown) = %v", err)
		}

		if err := SetLang(ctx, d, a.ID, "en-GB"); err != nil {
			t.Fatal(err)
		}
		if err := SetLang(ctx, d, a.ID, "de"); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("SetLang(de) = %v", err)
		}
		if err := SetDisabled(ctx, d, a.ID, true); err != nil {
			t.Fatal(err)
		}
		got, _ = ByID(ctx, d, a.ID)
		if got.Lang != "en" || !got.Disabled {
			t.Errorf("lang %q disabled %v", got.Lang, got.Disabled)
		}
	})
}

func TestList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c1, c2 := newCampaign(t, d, "c1"), newCampaign(t, d, "c2")
		mk := func(email, name string, grants ...access.Grant) *access.Account {
			a, err := Create(ctx, d, email, name, t0)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range grants {
				if err := GrantRole(ctx, d, a.ID, g.Role, g.CampaignID, t0); err != nil {
					t.Fatal(err)
				}
			}
			return a
		}
		admin := mk("admin@exemple.fr", "Alice Admin", access.Grant{Role: access.Admin, CampaignID: nil})
		agent := mk("agent@departement.fr", "Bruno Agent", access.Grant{Role: access.Agent, CampaignID: nil})
		rev1 := mk("relecteur@exemple.fr", "Chloé Relectrice", access.Grant{Role: access.Committee, CampaignID: &c1})
		rev2 := mk("autre@exemple.fr", "100%_sûr", access.Grant{Role: access.Committee, CampaignID: &c2}, access.Grant{Role: access.Citizen, CampaignID: nil})
		voter := mk("electeur@exemple.fr", "Denis", access.Grant{Role: access.Citizen, CampaignID: &c2})
		if err := SetDisabled(ctx, d, voter.ID, true); err != nil {
			t.Fatal(err)
		}
		ids := func(as []access.Account) []int64 {
			var out []int64
			for _, a := range as {
				out = append(out, a.ID)
			}
			return out
		}
		cases := []struct {
			name  string
			f     ListFilter
			want  []int64
			total int
		}{
			{"all", ListFilter{}, []int64{admin.ID, agent.ID, rev1.ID, rev2.ID, voter.ID}, 5},
			{"search e-mail", ListFilter{Search: "DEPARTEMENT"}, []int64{agent.ID}, 1},
			{"search name any case", ListFilter{Search: "chloé"}, []int64{rev1.ID}, 1},
			{"search literal %_", ListFilter{Search: "%_"}, []int64{rev2.ID}, 1},
			{"role", ListFilter{Role: access.Committee}, []int64{rev1.ID, rev2.ID}, 2},
			{"role in campaign", ListFilter{Role: access.Committee, CampaignID: &c1}, []int64{rev1.ID}, 1},
			{"global role counts in campaign", ListFilter{Role: access.Citizen, CampaignID: &c1}, []int64{rev2.ID}, 1},
			{"any role in campaign", ListFilter{CampaignID: &c2}, []int64{rev2.ID, voter.ID}, 2},
			{"disabled", ListFilter{Disabled: ptr(true)}, []int64{voter.ID}, 1},
			{"page", ListFilter{Limit: 2, Offset: 1}, []int64{agent.ID, rev1.ID}, 5},
		}
		for _, tt := range cases {
			got, total, err := List(ctx, d, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if !slices.Equal(ids(got), tt.want) || total != tt.total {
				t.Errorf("%s: got %v (total %d), want %v (total %d)", tt.name, ids(got), total, tt.want, tt.total)
			}
		}
		got, _, _ := List(ctx, d, ListFilter{Search: "autre"})
		if len(got) != 1 || !equalGrants(got[0].Roles, []access.Grant{{Role: access.Citizen, CampaignID: nil}, {Role: access.Committee, CampaignID: &c2}}) {
			t.Errorf("roles in list: %+v", got)
		}
		// Inside a transaction (one connection) too.
		err := d.InTx(ctx, func(tx *db.Tx) error {
			got, _, err := List(ctx, tx, ListFilter{})
			if err == nil && len(got) != 5 {
				t.Errorf("in tx: %d accounts", len(got))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
