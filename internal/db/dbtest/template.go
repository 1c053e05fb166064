package dbtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"budgetcitoyen/internal/db"
)

// Template is a database prepared once per test binary and database kind (migrated, then
// filled by Seed), of which each test that asks gets its own copy: seeding the whole demo
// takes seconds, a copy a fraction of one. A test may change its copy at will (votes,
// uploads): no other test sees it.
//
// The copy is exact: on SQLite the database file itself, copied; on PostgreSQL a database of
// its own created from the template one (CREATE DATABASE … TEMPLATE copies it block by
// block: rows, sequences, the audit chain, dead rows and all), dropped at the end of the test. Its
// notification channels are its own too: PostgreSQL's LISTEN and NOTIFY work per database.
//
// A package whose tests use templates runs them through Run, from its TestMain, which
// removes the templates at the end.
type Template struct {
	// Name tells the templates of a binary apart in the names of their files and databases:
	// lowercase letters, digits and "_", at most 16.
	Name string
	// Seed fills the migrated database d. The files it writes (a data folder's blobs) go into
	// dir, which each test gets a copy of with its database.
	Seed func(ctx context.Context, d *db.DB, dir string) error

	sqlite, postgres prepared
}

// prepared is a template made for one database kind.
type prepared struct {
	once sync.Once
	err  error
	path string // SQLite: the database file; PostgreSQL: the database's name
	dir  string // the folder given to Seed
}

// templates are what Run removes at the end.
var templates struct {
	mu      sync.Mutex
	running bool
	dirs    []string // temporary folders
	pgNames []string // PostgreSQL databases
}

// Run runs the tests of m, then removes the templates they made, and returns m's exit
// code: a TestMain calls os.Exit(dbtest.Run(m)).
func Run(m interface{ Run() int }) int {
	templates.mu.Lock()
	templates.running = true
	templates.mu.Unlock()
	code := m.Run()
	templates.mu.Lock()
	defer templates.mu.Unlock()
	for _, dir := range templates.dirs {
		if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: remove template folder %s: %v\n", dir, err)
		}
	}
	for _, name := range templates.pgNames {
		if err := dropDatabase(context.Background(), name); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: drop template database %s: %v\n", name, err)
		}
	}
	templates.dirs, templates.pgNames = nil, nil
	return code
}

var templateNameRe = regexp.MustCompile(`^[a-z0-9_]{1,16}$`)

func (tp *Template) check(t testing.TB) {
	t.Helper()
	if err := tp.usable(); err != nil {
		t.Fatal(err)
	}
}

// usable tells what is wrong with tp or with the tests' TestMain.
func (tp *Template) usable() error {
	templates.mu.Lock()
	running := templates.running
	templates.mu.Unlock()
	if !running {
		return errors.New("dbtest: a test using a Template must run through dbtest.Run (func TestMain(m *testing.M) { os.Exit(dbtest.Run(m)) }), which removes the templates at the end")
	}
	if !templateNameRe.MatchString(tp.Name) || tp.Seed == nil {
		return fmt.Errorf("dbtest: template %q: Name must be 1 to 16 of a-z, 0-9, _ and Seed set", tp.Name)
	}
	return nil
}

// Each runs fn twice, as subtests "sqlite" and "postgres", each on its own copy of the
// template and of its folder (see SQLite and Postgres).
func (tp *Template) Each(t *testing.T, fn func(t *testing.T, d *db.DB, dir string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { d, dir := tp.SQLite(t); fn(t, d, dir) })
	t.Run("postgres", func(t *testing.T) { d, dir := tp.Postgres(t); fn(t, d, dir) })
}

// SQLite returns a copy of the template's SQLite database, in a temporary folder, closed at
// the end of the test, and a copy of the folder Seed wrote into.
func (tp *Template) SQLite(t testing.TB) (*db.DB, string) {
	t.Helper()
	tp.check(t)
	d, dir, err := tp.SQLiteIn(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, dir
}

// SQLiteIn is SQLite for a database that outlives a test (one site shared by several
// tests): the copy is made in the folder dst, the database as the file test.db and the copy
// of Seed's folder as the folder data, and the caller closes the database.
func (tp *Template) SQLiteIn(dst string) (d *db.DB, dir string, err error) {
	if err := tp.usable(); err != nil {
		return nil, "", err
	}
	p := &tp.sqlite
	p.once.Do(func() { p.err = tp.prepareSQLite(p) })
	if p.err != nil {
		return nil, "", fmt.Errorf("template %s on SQLite: %w", tp.Name, p.err)
	}
	dir = filepath.Join(dst, "data")
	if err := copyDir(p.dir, dir); err != nil {
		return nil, "", fmt.Errorf("copy template %s: %w", tp.Name, err)
	}
	path := filepath.Join(dst, "test.db")
	// A closed database has no write-ahead log left (its last connection copied it into the
	// file); if one was left anyway, it is part of the database and goes with it.
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(p.path+suffix, path+suffix); err != nil && !(suffix != "" && errors.Is(err, fs.ErrNotExist)) {
			return nil, "", fmt.Errorf("copy template %s: %w", tp.Name, err)
		}
	}
	d, err = db.Open(context.Background(), "sqlite:"+path, "")
	if err != nil {
		return nil, "", fmt.Errorf("open the copy of template %s: %w", tp.Name, err)
	}
	return d, dir, nil
}

func (tp *Template) prepareSQLite(p *prepared) error {
	root, err := templateDir(tp.Name + "-sqlite")
	if err != nil {
		return err
	}
	p.path, p.dir = filepath.Join(root, "template.db"), filepath.Join(root, "data")
	if err := os.Mkdir(p.dir, 0o750); err != nil {
		return err
	}
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+p.path, "")
	if err != nil {
		return err
	}
	err = tp.fill(ctx, d, p.dir)
	return errors.Join(err, d.Close())
}

// fill migrates and seeds the template's database.
func (tp *Template) fill(ctx context.Context, d *db.DB, dir string) error {
	if _, err := d.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", d.Dialect, err)
	}
	if err := tp.Seed(ctx, d, dir); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// templateDir makes a temporary folder that Run removes.
func templateDir(name string) (string, error) {
	dir, err := os.MkdirTemp("", "budgetcitoyen-template-"+name+"-")
	if err != nil {
		return "", err
	}
	templates.mu.Lock()
	templates.dirs = append(templates.dirs, dir)
	templates.mu.Unlock()
	return dir, nil
}

// The names of the PostgreSQL databases of the templates (bctpl_) and of their copies
// (bctdb_) carry the Unix time they were made at: a run that crashed (a timeout's panic
// skips every cleanup) leaves them behind, and the next run drops those of more than
// staleAfter.
const (
	pgTemplatePrefix = "bctpl_"
	pgCopyPrefix     = "bctdb_"
	staleAfter       = 12 * time.Hour
)

// pgSchema is the schema of the templates and of their copies.
const pgSchema = "bctest"

// Postgres returns a copy of the template's PostgreSQL database, a database of its own on the
// test server dropped at the end of the test, and a copy of the folder Seed wrote into.
// Without a reachable server it skips (or fails under BC_REQUIRE_ALL), like Postgres.
func (tp *Template) Postgres(t testing.TB) (*db.DB, string) {
	t.Helper()
	tp.check(t)
	base := pgBase(t)
	p := &tp.postgres
	p.once.Do(func() { p.err = tp.preparePostgres(p, base) })
	if p.err != nil {
		t.Fatalf("template %s on PostgreSQL: %v", tp.Name, p.err)
	}
	// The copy's own time: the first test's includes the seed, the machine may be busy.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "data")
	if err := copyDir(p.dir, dir); err != nil {
		t.Fatalf("copy template %s: %v", tp.Name, err)
	}
	name := pgName(pgCopyPrefix)
	if _, err := pgBaseDB.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+p.path); err != nil {
		t.Fatalf("copy template %s: %v", tp.Name, err)
	}
	// Registered before the database is opened, so run after it is closed.
	t.Cleanup(func() {
		if err := dropDatabase(context.Background(), name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := pgURL(base, name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, u, "")
	if err != nil {
		t.Fatalf("open the copy of template %s: %v", tp.Name, err)
	}
	t.Cleanup(func() { d.Close() })
	return d, dir
}

// pgBase returns the URL of the test server, after connecting to it (pgBaseDB), or skips.
func pgBase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	base := PostgresURL()
	pgOnce.Do(func() { pgBaseDB, pgErr = db.Open(ctx, base, "") })
	if pgErr != nil {
		SkipOrFail(t, "PostgreSQL not reachable at %s (set BC_TEST_POSTGRES_URL): %v", db.Redact(base), pgErr)
	}
	return base
}

func (tp *Template) preparePostgres(p *prepared, base string) error {
	ctx := context.Background()
	dropStaleDatabases(ctx)
	root, err := templateDir(tp.Name + "-postgres")
	if err != nil {
		return err
	}
	p.dir = filepath.Join(root, "data")
	if err := os.Mkdir(p.dir, 0o750); err != nil {
		return err
	}
	name := pgName(pgTemplatePrefix + tp.Name + "_")
	if _, err := pgBaseDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("a template is a database of its own, which the test server's user must be allowed to create (CREATEDB): %w", err)
	}
	templates.mu.Lock()
	templates.pgNames = append(templates.pgNames, name)
	templates.mu.Unlock()
	p.path = name
	raw, err := pgURL(base, name)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, raw, "")
	if err != nil {
		return err
	}
	// The platform's tables in a schema of their own, as in Postgres's schemas of the tests.
	if _, err := d.ExecContext(ctx, "CREATE SCHEMA "+pgSchema); err != nil {
		return errors.Join(err, d.Close())
	}
	// Closed before any copy: PostgreSQL copies no database that another session is on.
	err = tp.fill(ctx, d, p.dir)
	return errors.Join(err, d.Close())
}

// pgName is prefix, the Unix time and a random suffix.
func pgName(prefix string) string {
	return prefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + randomHex(6)
}

// pgURL is base on the database name, with the templates' schema as its search path.
func pgURL(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("parse %s: %v", db.Redact(base), err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", pgSchema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// dropDatabase drops a database of a template or of a copy, closing the sessions still on
// it (a listener whose goroutine is stopping).
func dropDatabase(ctx context.Context, name string) error {
	_, err := pgBaseDB.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	return err
}

var staleNameRe = regexp.MustCompile(`^bct(?:pl|db)_(?:[a-z0-9_]*_)?([0-9]{9,})_[0-9a-f]{12}$`)

// dropStaleDatabases drops the databases of templates and copies that crashed runs left
// behind: those made more than staleAfter ago. A failure is left to the next run.
func dropStaleDatabases(ctx context.Context) {
	names, err := pgBaseDB.QueryContext(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'bctpl\\_%' OR datname LIKE 'bctdb\\_%'")
	if err != nil {
		return
	}
	var stale []string
	for names.Next() {
		var name string
		if names.Scan(&name) != nil {
			continue
		}
		m := staleNameRe.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if made, err := strconv.ParseInt(m[1], 10, 64); err == nil && time.Since(time.Unix(made, 0)) > staleAfter {
			stale = append(stale, name)
		}
	}
	names.Close()
	for _, name := range stale {
		_ = dropDatabase(ctx, name)
	}
}

// copyDir copies the folder src, recursively, as the new folder dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case e.IsDir():
			return os.MkdirAll(to, 0o750)
		case e.Type().IsRegular():
			return copyFile(path, to)
		default:
			return fmt.Errorf("%s: neither a file nor a folder", path)
		}
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
