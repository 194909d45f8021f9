package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"galley/annotation"
	"galley/store"
)

// crashRounds is how many kill-and-restart rounds TestCrashRecovery runs:
// a few in `make test`, GALLEY_CRASH_ROUNDS (20 in `make crash`) for reports.
func crashRounds(t *testing.T) int {
	if s := os.Getenv("GALLEY_CRASH_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("GALLEY_CRASH_ROUNDS=%q is not a positive number", s)
		}
		return n
	}
	return 3
}

// ledger records what the clients sent and what the server acknowledged.
type ledger struct {
	mu    sync.Mutex
	sent  map[string]benchDraft    // by comment, every create attempted
	acked map[string]apiAnnotation // by id, every 201
}

func newLedger() *ledger {
	return &ledger{sent: map[string]benchDraft{}, acked: map[string]apiAnnotation{}}
}

// load drives creates from writers concurrent clients until ctx ends,
// recording every attempt and every acknowledgment. Failed requests (the
// server was killed) are expected and not acknowledged.
func (l *ledger) load(ctx context.Context, c *client, docID string, drafts []benchDraft, round, writers int) *sync.WaitGroup {
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1))
				d := drafts[i%len(drafts)]
				d.Comment = fmt.Sprintf("round %d writer %d write %d", round, w, i)
				l.mu.Lock()
				l.sent[d.Comment] = d
				l.mu.Unlock()
				var got apiAnnotation
				code, _, err := c.call(ctx, http.MethodPost, "/api/documents/"+docID+"/annotations", d, &got)
				if err != nil || code != http.StatusCreated {
					continue
				}
				l.mu.Lock()
				l.acked[got.ID] = got
				l.mu.Unlock()
			}
		}()
	}
	return &wg
}

// verify checks the stored annotations against the ledger: every
// acknowledged write is present and intact, and everything stored is a
// whole write that some client sent, anchored on the real text. It returns
// how many acknowledged writes were found and how many stored writes were
// never acknowledged (the answer was lost in the crash).
func (l *ledger) verify(t *testing.T, doc apiDocument, stored []apiAnnotation) (found, unacked int) {
	t.Helper()
	text := annotation.NewText(doc.Text)
	byID := map[string]apiAnnotation{}
	for _, a := range stored {
		byID[a.ID] = a
		if a.Exact != text.Slice(a.Start, a.End) {
			t.Errorf("stored annotation %s is anchored wrong: %q at [%d,%d)", a.ID, a.Exact, a.Start, a.End)
		}
		sent, ok := l.sent[a.Comment]
		if !ok {
			t.Errorf("stored annotation %s has a comment no client sent: %q", a.ID, a.Comment)
			continue
		}
		if sent.Start != a.Start || sent.End != a.End || sent.Exact != a.Exact {
			t.Errorf("stored annotation %s differs from what was sent: %+v vs %+v", a.ID, a, sent)
		}
	}
	for id, want := range l.acked {
		got, ok := byID[id]
		if !ok {
			t.Errorf("acknowledged annotation %s (%q) is lost", id, want.Comment)
			continue
		}
		found++
		if got.Comment != want.Comment || got.Start != want.Start || got.End != want.End || got.Exact != want.Exact {
			t.Errorf("acknowledged annotation %s changed: got %+v, want %+v", id, got, want)
		}
	}
	for id := range byID {
		if _, ok := l.acked[id]; !ok {
			unacked++
		}
	}
	return found, unacked
}

// TestCrashRecovery kills the real server with SIGKILL at random moments
// while concurrent clients write, restarts it, and checks that every
// acknowledged write survived intact, nothing half-written appeared, and
// the file passes bbolt's consistency check.
func TestCrashRecovery(t *testing.T) {
	env := newTestEnv(t)
	rounds := crashRounds(t)
	l := newLedger()
	rng := rand.New(rand.NewPCG(7, 11))
	var doc apiDocument
	var drafts []benchDraft
	for round := 1; round <= rounds; round++ {
		srv := env.start()
		c := env.client(srv)
		if round == 1 {
			doc = c.sampleDocument(t)
			var err error
			if drafts, err = benchDrafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 500, 3); err != nil {
				t.Fatal(err)
			}
		}
		found, unacked := l.verify(t, doc, c.annotations(t, doc.ID))
		if round > 1 {
			t.Logf("after restart %d: %d acknowledged, %d found, %d lost, %d stored without acknowledgment",
				round-1, len(l.acked), found, len(l.acked)-found, unacked)
		}
		ctx, cancel := context.WithCancel(context.Background())
		wg := l.load(ctx, c, doc.ID, drafts, round, 16)
		time.Sleep(time.Duration(150+rng.IntN(450)) * time.Millisecond)
		_ = srv.signal(syscall.SIGKILL)
		cancel()
		wg.Wait()
	}
	srv := env.start()
	c := env.client(srv)
	stored := c.annotations(t, doc.ID)
	found, unacked := l.verify(t, doc, stored)
	t.Logf("%d rounds: %d writes acknowledged, %d found after restart, %d lost, %d stored without acknowledgment",
		rounds, len(l.acked), found, len(l.acked)-found, unacked)
	if len(l.acked) == 0 {
		t.Fatal("no write was acknowledged: the test proved nothing")
	}
	if err := srv.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, srv.output)
	}
	db, err := store.Open(env.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("consistency check after %d crashes: %v", rounds, err)
	}
}

// TestGracefulShutdown sends SIGTERM while clients write: the server
// finishes what is in flight, exits 0, releases the database at once, and
// keeps every acknowledged write.
func TestGracefulShutdown(t *testing.T) {
	env := newTestEnv(t)
	srv := env.start()
	c := env.client(srv)
	doc := c.sampleDocument(t)
	drafts, err := benchDrafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 200, 5)
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	var failures atomic.Int64 // answers other than 201
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				d := drafts[(w*31+i)%len(drafts)]
				d.Comment = fmt.Sprintf("writer %d write %d", w, i)
				l.mu.Lock()
				l.sent[d.Comment] = d
				l.mu.Unlock()
				var got apiAnnotation
				code, body, err := c.call(ctx, http.MethodPost, "/api/documents/"+doc.ID+"/annotations", d, &got)
				if err != nil {
					return // the server stopped listening
				}
				if code != http.StatusCreated {
					failures.Add(1)
					t.Errorf("answer during shutdown: %d %s", code, body)
					return
				}
				l.mu.Lock()
				l.acked[got.ID] = got
				l.mu.Unlock()
			}
		}()
	}
	time.Sleep(400 * time.Millisecond)
	if err := srv.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("galley exited with %v after SIGTERM\n%s", err, srv.output)
	}
	cancel()
	wg.Wait()
	if !strings.Contains(srv.output.String(), "Shutting down") {
		t.Errorf("no shutdown message in the output:\n%s", srv.output)
	}
	// The lock is released: another process opens the file at once.
	db, err := store.Open(env.db, store.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("open after shutdown: %v", err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	srv = env.start()
	found, _ := l.verify(t, doc, env.client(srv).annotations(t, doc.ID))
	if len(l.acked) == 0 || found != len(l.acked) {
		t.Fatalf("%d acknowledged, %d found after restart", len(l.acked), found)
	}
	t.Logf("%d writes acknowledged before and during shutdown, all found", found)
}

// TestDiskFull runs the server with a file size limit, so that the
// database cannot grow: writes past it get a clear 507, reads keep working,
// and after a restart without the limit everything acknowledged is intact.
func TestDiskFull(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Fatal("prlimit (util-linux) is needed to limit the database's size")
	}
	env := newTestEnv(t)
	info, err := os.Stat(env.db)
	if err != nil {
		t.Fatal(err)
	}
	limit := info.Size() + 64<<10
	srv := env.start(prlimit, fmt.Sprintf("--fsize=%d", limit))
	c := env.client(srv)
	doc := c.sampleDocument(t)
	drafts, err := benchDrafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 100, 9)
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	var refusal []byte
	for i := 0; i < 20000 && refusal == nil; i++ {
		d := drafts[i%len(drafts)]
		d.Comment = fmt.Sprintf("write %d %s", i, strings.Repeat("padding to fill the disk ", 20))
		l.sent[d.Comment] = d
		var got apiAnnotation
		code, body, err := c.call(context.Background(), http.MethodPost, "/api/documents/"+doc.ID+"/annotations", d, &got)
		switch {
		case err != nil:
			t.Fatalf("write %d: no answer: %v\n%s", i, err, srv.output)
		case code == http.StatusCreated:
			l.acked[got.ID] = got
		case code == http.StatusInsufficientStorage:
			refusal = body
		default:
			t.Fatalf("write %d: %d %s", i, code, body)
		}
	}
	if refusal == nil {
		t.Fatalf("the database never filled its %d-byte limit", limit)
	}
	if !strings.Contains(string(refusal), `"code":"storage_unavailable"`) || !strings.Contains(string(refusal), "disk is full") {
		t.Errorf("refusal does not explain itself: %s", refusal)
	}
	// Reads still work while the disk is full, and show every saved write.
	found, _ := l.verify(t, doc, c.annotations(t, doc.ID))
	if found != len(l.acked) {
		t.Fatalf("while full: %d acknowledged, %d readable", len(l.acked), found)
	}
	if code, _, err := c.call(context.Background(), http.MethodGet, "/api/documents/"+doc.ID, nil, nil); err != nil || code != http.StatusOK {
		t.Fatalf("reading a document while full: %d %v", code, err)
	}
	if err := srv.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("stop: %v\n%s", err, srv.output)
	}
	db, err := store.Open(env.db, store.Options{})
	if err != nil {
		t.Fatalf("reopen after disk full: %v", err)
	}
	if err := db.Check(); err != nil {
		t.Fatalf("consistency check after disk full: %v", err)
	}
	db.Close()
	srv = env.start()
	c = env.client(srv)
	found, _ = l.verify(t, doc, c.annotations(t, doc.ID))
	if found != len(l.acked) {
		t.Fatalf("after restart: %d acknowledged, %d found", len(l.acked), found)
	}
	// With room again, writes succeed.
	d := drafts[0]
	d.Comment = "after the disk was freed"
	if code, body, err := c.call(context.Background(), http.MethodPost, "/api/documents/"+doc.ID+"/annotations", d, nil); err != nil || code != http.StatusCreated {
		t.Fatalf("write after restart: %d %s %v", code, body, err)
	}
	t.Logf("%d writes acknowledged before the %d-byte limit, all intact; the next one was refused with 507", len(l.acked), limit)
}

// TestOnlineBackupUnderLoad downloads GET /admin/backup while clients
// write, restores it with `galley restore` into a stopped database, and
// finds every write acknowledged before the backup began.
func TestOnlineBackupUnderLoad(t *testing.T) {
	env := newTestEnv(t)
	srv := env.start()
	c := env.client(srv)
	doc := c.sampleDocument(t)
	drafts, err := benchDrafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 300, 13)
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	ctx, cancel := context.WithCancel(context.Background())
	wg := l.load(ctx, c, doc.ID, drafts, 1, 16)
	time.Sleep(300 * time.Millisecond)

	l.mu.Lock()
	before := make(map[string]apiAnnotation, len(l.acked))
	for id, a := range l.acked {
		before[id] = a
	}
	l.mu.Unlock()

	admin := env.client(srv)
	admin.token = env.adminToken
	req, err := http.NewRequest(http.MethodGet, srv.url+"/admin/backup", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+env.adminToken)
	started := time.Now()
	res, err := admin.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.ReadFrom(res.Body)
	res.Body.Close()
	f.Close()
	took := time.Since(started)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("backup: %d %v", res.StatusCode, err)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition %q", cd)
	}
	// Writes went on during and after the download.
	l.mu.Lock()
	during := len(l.acked)
	l.mu.Unlock()
	time.Sleep(100 * time.Millisecond)
	cancel()
	wg.Wait()
	t.Logf("acknowledged: %d before the backup, %d when it ended, %d in all", len(before), during, len(l.acked))

	// An editor may not download backups.
	req.Header.Set("Authorization", "Bearer "+env.token)
	if res, err := admin.http.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("backup as editor: %v %v", res.StatusCode, err)
	}

	// Restoring needs the server stopped.
	restore := func() ([]byte, error) {
		return exec.Command(env.bin, "restore", backup, "-db", env.db).CombinedOutput()
	}
	if out, err := restore(); err == nil || !strings.Contains(string(out), "in use by process") {
		t.Fatalf("restore while the server runs: %v\n%s", err, out)
	}
	if err := srv.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	out, err := restore()
	if err != nil {
		t.Fatalf("galley restore: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "kept as") {
		t.Errorf("restore does not say where the old database went:\n%s", out)
	}
	srv = env.start()
	stored := env.client(srv).annotations(t, doc.ID)
	byID := map[string]bool{}
	for _, a := range stored {
		byID[a.ID] = true
	}
	for id, a := range before {
		if !byID[id] {
			t.Errorf("write %s (%q), acknowledged before the backup began, is not in the restored database", id, a.Comment)
		}
	}
	if len(before) == 0 {
		t.Fatal("nothing was acknowledged before the backup: the test proved nothing")
	}
	t.Logf("backup of %d bytes in %v under load of 16 writers; %d writes acknowledged before it, all restored (%d in the backup, %d acknowledged in all)",
		n, took.Round(time.Millisecond), len(before), len(stored), len(l.acked))
}

// TestFsyncBeforeAck proves the order a SIGKILL test cannot: the server
// answers 201 only after bbolt's fdatasync returned. It traces the real
// server's system calls with strace while one client writes sequentially.
func TestFsyncBeforeAck(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Fatal("strace is needed to check the order of fdatasync and answers (Debian: apt-get install strace)")
	}
	env := newTestEnv(t)
	trace := filepath.Join(t.TempDir(), "trace.txt")
	srv := env.start(strace, "-f", "-qq", "-e", "trace=fdatasync,write", "-e", "signal=none", "-s", "24", "-o", trace)
	c := env.client(srv)
	doc := c.sampleDocument(t)
	drafts, err := benchDrafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 20, 17)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range drafts {
		if code, body, err := c.call(context.Background(), http.MethodPost, "/api/documents/"+doc.ID+"/annotations", d, nil); err != nil || code != http.StatusCreated {
			t.Fatalf("write %d: %d %s %v", i, code, body, err)
		}
	}
	if err := srv.signal(syscall.SIGTERM); err != nil && !errors.As(err, new(*exec.ExitError)) {
		t.Fatal(err)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	acks, syncs, err := checkSyncOrder(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if acks != len(drafts) {
		t.Fatalf("found %d 201 answers in the trace, want %d", acks, len(drafts))
	}
	t.Logf("%d answers, each preceded by a completed fdatasync (%d in all)", acks, syncs)
}

// checkSyncOrder reads an strace log and checks that every "201 Created"
// written to a socket follows a completed fdatasync that came after the
// previous 201. It returns how many answers and syncs it saw.
func checkSyncOrder(trace string) (acks, syncs int, err error) {
	synced := false
	for line := range strings.Lines(trace) {
		switch {
		case strings.Contains(line, "fdatasync(") && strings.Contains(line, "= 0"),
			strings.Contains(line, "<... fdatasync resumed>") && strings.Contains(line, "= 0"):
			syncs++
			synced = true
		case strings.Contains(line, `write(`) && strings.Contains(line, `"HTTP/1.1 201`):
			if !synced {
				return acks, syncs, fmt.Errorf("a 201 answer was written with no fdatasync since the previous one: %s", line)
			}
			acks++
			synced = false
		}
	}
	return acks, syncs, nil
}

func TestCheckSyncOrder(t *testing.T) {
	tests := []struct {
		name    string
		trace   string
		acks    int
		wantErr bool
	}{
		{"synced", "1 fdatasync(3) = 0\n2 write(7, \"HTTP/1.1 201 Created\"..., 300) = 300\n", 1, false},
		{"resumed", "1 fdatasync(3 <unfinished ...>\n1 <... fdatasync resumed>) = 0\n2 write(7, \"HTTP/1.1 201 C\"..., 3) = 3\n", 1, false},
		{"no sync", "2 write(7, \"HTTP/1.1 201 Created\"..., 300) = 300\n", 0, true},
		{"one sync for two answers", "1 fdatasync(3) = 0\n2 write(7, \"HTTP/1.1 201 \"..., 3) = 3\n2 write(8, \"HTTP/1.1 201 \"..., 3) = 3\n", 1, true},
		{"failed sync", "1 fdatasync(3) = -1 EIO (Input/output error)\n2 write(7, \"HTTP/1.1 201 \"..., 3) = 3\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acks, _, err := checkSyncOrder(tt.trace)
			if (err != nil) != tt.wantErr || acks != tt.acks {
				t.Fatalf("checkSyncOrder = %d, %v; want %d acks, error %v", acks, err, tt.acks, tt.wantErr)
			}
		})
	}
}

// TestOpenDBIsDurable checks the options every command opens the database
// with: each commit is flushed to disk before it returns.
func TestOpenDBIsDurable(t *testing.T) {
	db, err := openDB(filepath.Join(t.TempDir(), "galley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.Durable() {
		t.Fatal("openDB opens the database without fsync on commit")
	}
}
