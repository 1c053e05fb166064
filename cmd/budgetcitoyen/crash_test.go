package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"budgetcitoyen/internal/campaign"
	"budgetcitoyen/internal/change"
	"budgetcitoyen/internal/db"
	"budgetcitoyen/internal/db/dbtest"
	"budgetcitoyen/internal/vote"
)

// TestVoteSurvivesSIGKILL runs the server as a child process, casts a storm of ballots
// through real HTTP (sign-in by e-mail code, ballot page, confirmation), kills the process
// with SIGKILL in the middle of the storm, restarts it on the same data, and checks that
// every ballot whose confirmation page (with its receipt) was received is in the ballot box,
// and that the participation register and the ballot box hold the same number of entries.
func TestVoteSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it: not in -short")
	}
	bin := filepath.Join(t.TempDir(), "bc")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// A vote opens only into a sealed box: the ballots acknowledged before the kill are all in
	// the box after the restart, and all come out at the unsealing, as many as the register
	// counts.
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		crashStorm(t, bin, dir, "")
	})
	t.Run("postgres", func(t *testing.T) {
		dir := t.TempDir()
		crashStorm(t, bin, dir, crashPostgresSchema(t))
	})
}

// crashPostgresSchema returns the URL of a new schema of the test PostgreSQL server (through
// search_path), dropped at the end of the test; it skips when the server is not reachable.
func crashPostgresSchema(t *testing.T) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	base := dbtest.PostgresURL()
	bd, err := db.Open(ctx, base, "")
	if err != nil {
		dbtest.SkipOrFail(t, "PostgreSQL not reachable at %s (set BC_TEST_POSTGRES_URL): %v", db.Redact(base), err)
	}
	t.Cleanup(func() { bd.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bccrash_" + hex.EncodeToString(b)
	if _, err := bd.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := bd.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

const (
	crashVoters      = 240
	crashConcurrency = 48
	crashKillAfter   = crashVoters / 3 // receipts received before the kill
)

func crashStorm(t *testing.T, bin, dataDir, dbURL string) {
	ctx := context.Background()
	// Info level: the "listening" line gives the address the server got.
	args := []string{"serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--log-level", "info"}
	if dbURL != "" {
		args = append(args, "--database", dbURL)
	}

	// Seed: a campaign whose vote is open, and registered voters with their sign-in codes,
	// written by this process (as the bench does) before the server starts.
	d, err := db.Open(ctx, dbURL, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c, projects, err := benchCampaign(ctx, d, now)
	if err != nil {
		t.Fatal(err)
	}
	shares, err := benchSeal(ctx, d, c, now)
	if err != nil {
		t.Fatal(err)
	}
	key, err := vote.HashKey(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	emails, codes := make([]string, crashVoters), make([]string, crashVoters)
	if err := parallel(crashVoters, 8, func(i int) (err error) {
		emails[i], codes[i], err = benchAddVoter(ctx, d, key, c, i, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	t.Logf("seeded %d voters in %v", crashVoters, time.Since(now).Round(time.Millisecond))

	srv := startChild(t, bin, args...)
	base := "http://" + srv.addr

	// Every voter signs in and reads its ballot page first, at most 16 at a time (the
	// sign-in throttle counts an attempt in progress as a failure until it succeeds, and
	// allows 20 per client address: one address signing 48 people in at the same instant
	// would be refused).
	tr := &http.Transport{MaxIdleConns: 2 * crashConcurrency, MaxIdleConnsPerHost: 2 * crashConcurrency}
	defer tr.CloseIdleConnections()
	clients := make([]*http.Client, crashVoters)
	csrfs := make([]string, crashVoters)
	if err := parallel(crashVoters, 16, func(i int) error {
		clients[i] = benchClient(tr)
		clients[i].Timeout = 20 * time.Second
		var err error
		csrfs[i], err = benchSignIn(clients[i], base, c.Slug, emails[i], codes[i])
		return err
	}); err != nil {
		t.Fatalf("sign-in: %v\n%s", err, srv.log())
	}

	// The storm: every voter confirms its ballot. Once crashKillAfter confirmation pages
	// have come back, the server is killed. The last voter confirms only after the kill (or
	// after every other voter, if there was none), so that at least one request meets the
	// killed server however fast the others went.
	var (
		mu       sync.Mutex
		receipts []string
		failed   atomic.Int64
		killOnce sync.Once
		killedAt atomic.Int64
		others   sync.WaitGroup
	)
	killed, othersDone := make(chan struct{}), make(chan struct{})
	others.Add(crashVoters - 1)
	go func() { others.Wait(); close(othersDone) }()
	storm := time.Now()
	_ = parallel(crashVoters, crashConcurrency, func(i int) error {
		if i == crashVoters-1 {
			select {
			case <-killed:
			case <-othersDone:
			}
		} else {
			defer others.Done()
		}
		cl, csrf := clients[i], csrfs[i]
		body, status, err := benchPost(cl, base+"/"+c.Slug+"/vote/confirmer", benchBallot(c, projects, i), csrf, base)
		m := benchReceiptRe.FindStringSubmatch(body)
		if err != nil || status != http.StatusOK || m == nil {
			failed.Add(1)
			return nil
		}
		mu.Lock()
		receipts = append(receipts, m[1])
		n := len(receipts)
		mu.Unlock()
		if n >= crashKillAfter {
			killOnce.Do(func() {
				killedAt.Store(int64(n))
				srv.kill(t)
				close(killed)
			})
		}
		return nil
	})
	if killedAt.Load() == 0 {
		t.Fatalf("the server was not killed: %d receipts, %d failures; server log:\n%s", len(receipts), failed.Load(), srv.log())
	}
	if failed.Load() == 0 {
		t.Fatalf("no request failed after the kill: the storm was over before it")
	}
	t.Logf("killed after %d receipts; %d receipts received in all, %d voters without one (storm %v)",
		killedAt.Load(), len(receipts), failed.Load(), time.Since(storm).Round(time.Millisecond))

	// Restart on the same data, then look in the database.
	srv = startChild(t, bin, args...)
	if _, status, err := benchGet(&http.Client{Timeout: 10 * time.Second}, "http://"+srv.addr+"/readyz"); err != nil || status != http.StatusOK {
		t.Fatalf("restarted server not ready: %d %v\n%s", status, err, srv.log())
	}
	d, err = db.Open(ctx, dbURL, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv.stop(t) // the trustees unseal after the close, with the server stopped
	sealedCount, err := vote.SealedBallotCount(ctx, d, c.ID)
	if err != nil || sealedCount < len(receipts) {
		t.Fatalf("%d ballots in the sealed box for %d receipts sent (err %v)", sealedCount, len(receipts), err)
	}
	w, _ := c.Window(campaign.PhaseVote)
	after := w.End.Add(time.Minute)
	got, err := vote.Unseal(ctx, change.Env{DB: d, Now: func() time.Time { return after }}, change.System("cli"),
		vote.UnsealInput{Campaign: c, Shares: shares[1:]})
	if err != nil || got.Ballots != sealedCount {
		t.Fatalf("unseal: %+v %v (the box held %d)", got, err, sealedCount)
	}
	for _, r := range receipts {
		if _, found, err := vote.BallotByReceipt(ctx, d, c.ID, r); err != nil || !found {
			t.Errorf("receipt %s was sent but its ballot is not in the box (err %v)", r, err)
		}
	}
	participations, err := vote.VoterCount(ctx, d, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	ballots := 0
	if err := vote.BallotsOf(ctx, d, c.ID, func(string, []int64) error { ballots++; return nil }); err != nil {
		t.Fatal(err)
	}
	if participations != ballots {
		t.Errorf("%d participations but %d ballots", participations, ballots)
	}
	if ballots < len(receipts) {
		t.Errorf("%d ballots in the box for %d receipts sent", ballots, len(receipts))
	}
	t.Logf("after the restart and the unsealing: %d ballots and %d participations", ballots, participations)
}

// child is the server running as a child process.
type child struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	mu   sync.Mutex
	tail []string // last lines of its log
}

var listeningRe = regexp.MustCompile(`msg=listening .*addr=(\S+)`)

// startChild starts the binary and waits until it listens; the process is killed at the end
// of the test if still running.
func startChild(t *testing.T, bin string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	// Only the flags configure it: no database or mail server from the environment.
	c.cmd.Env = append(os.Environ(), "BC_DATABASE_URL=", "BC_SMTP_HOST=")
	c.cmd.Stdout = io.Discard
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if m := listeningRe.FindStringSubmatch(line); m != nil {
				select {
				case ready <- m[1]:
				default:
				}
			}
			// Request lines are many; keep the others, and only the last ones.
			if strings.Contains(line, "msg=request ") {
				continue
			}
			c.mu.Lock()
			c.tail = append(c.tail, line)
			if len(c.tail) > 50 {
				c.tail = c.tail[len(c.tail)-50:]
			}
			c.mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		_ = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	})
	select {
	case c.addr = <-ready:
		return c
	case <-c.done:
		t.Fatalf("server exited before listening:\n%s", c.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("server not listening after 60 s:\n%s", c.log())
	}
	return nil
}

func (c *child) log() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tail, "\n")
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill(t *testing.T) {
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Errorf("SIGKILL: %v", err)
	}
	<-c.done
}

// stop asks the server to shut down (SIGTERM) and waits.
func (c *child) stop(t *testing.T) {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		t.Errorf("server did not stop on SIGTERM:\n%s", c.log())
	}
	if code := c.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("server exit code %d after SIGTERM:\n%s", code, c.log())
	}
}
