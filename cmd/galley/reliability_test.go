package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"galley/annotation"
	"galley/internal/workload"
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

// ledger records what the clients sent and what the server acknowledged:
// creates, replies and edits.
type ledger struct {
	mu    sync.Mutex
	sent  map[string]workload.Draft // by comment, every create attempted
	acked map[string]apiAnnotation  // by id, every 201, as created
	// edits holds, by annotation id, the comments every edit attempted
	// (in order) and how many of them were acknowledged, the last one
	// acknowledged being edits[id].sent[acked-1].
	edits map[string]*editLog
	// replies holds every reply comment attempted; ackedReplies the
	// acknowledged ones by id, with their annotation.
	replies      map[string]bool
	ackedReplies map[string]ackedReply
}

type editLog struct {
	sent  []string
	acked int
}

type ackedReply struct {
	annotation, comment string
}

func newLedger() *ledger {
	return &ledger{sent: map[string]workload.Draft{}, acked: map[string]apiAnnotation{},
		edits: map[string]*editLog{}, replies: map[string]bool{}, ackedReplies: map[string]ackedReply{}}
}

// load drives writers concurrent clients until ctx ends: each creates
// annotations, replies to its own and edits them (with If-Match), and the
// ledger records every attempt and every acknowledgment. Failed requests
// (the server was killed) are expected and not acknowledged.
func (l *ledger) load(ctx context.Context, c *client, docID string, drafts []workload.Draft, round, writers int) *sync.WaitGroup {
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []apiAnnotation
			for ctx.Err() == nil {
				i := int(next.Add(1))
				switch {
				case i%4 == 2 && len(mine) > 0:
					l.reply(ctx, c, mine[i%len(mine)].ID, fmt.Sprintf("round %d writer %d reply %d", round, w, i))
				case i%4 == 3 && len(mine) > 0:
					k := i % len(mine)
					if v, ok := l.edit(ctx, c, mine[k], fmt.Sprintf("round %d writer %d edit %d", round, w, i)); ok {
						mine[k].Version = v
					}
				default:
					if a, ok := l.create(ctx, c, docID, drafts[i%len(drafts)], fmt.Sprintf("round %d writer %d write %d", round, w, i)); ok {
						mine = append(mine, a)
					}
				}
			}
		}()
	}
	return &wg
}

func (l *ledger) create(ctx context.Context, c *client, docID string, d workload.Draft, comment string) (apiAnnotation, bool) {
	d.Comment = comment
	l.mu.Lock()
	l.sent[d.Comment] = d
	l.mu.Unlock()
	var got apiAnnotation
	code, _, err := c.call(ctx, http.MethodPost, "/api/documents/"+docID+"/annotations", d, &got)
	if err != nil || code != http.StatusCreated {
		return got, false
	}
	l.mu.Lock()
	l.acked[got.ID] = got
	l.mu.Unlock()
	return got, true
}

func (l *ledger) reply(ctx context.Context, c *client, annID, comment string) {
	l.mu.Lock()
	l.replies[comment] = true
	l.mu.Unlock()
	var got struct {
		ID string `json:"id"`
	}
	code, _, err := c.call(ctx, http.MethodPost, "/api/annotations/"+annID+"/replies", map[string]string{"comment": comment}, &got)
	if err != nil || code != http.StatusCreated {
		return
	}
	l.mu.Lock()
	l.ackedReplies[got.ID] = ackedReply{annotation: annID, comment: comment}
	l.mu.Unlock()
}

// edit changes an annotation's comment with If-Match; it returns the new
// version when acknowledged.
func (l *ledger) edit(ctx context.Context, c *client, a apiAnnotation, comment string) (int, bool) {
	l.mu.Lock()
	log := l.edits[a.ID]
	if log == nil {
		log = &editLog{}
		l.edits[a.ID] = log
	}
	log.sent = append(log.sent, comment)
	n := len(log.sent)
	l.mu.Unlock()
	var got apiAnnotation
	code, _, err := c.call(ctx, http.MethodPatch, "/api/annotations/"+a.ID, map[string]string{"comment": comment}, &got,
		"If-Match", fmt.Sprintf("%q", strconv.Itoa(a.Version)))
	if err != nil || code != http.StatusOK {
		return 0, false
	}
	l.mu.Lock()
	log.acked = n
	l.mu.Unlock()
	return got.Version, true
}

// tally counts what verify found.
type tally struct {
	acked, found, unacked   int // annotations
	edits, repliesAcked     int
	repliesFound, editsLost int
}

func (tl tally) String() string {
	return fmt.Sprintf("%d annotations acknowledged, %d found, %d lost, %d stored without acknowledgment; "+
		"%d edits acknowledged, %d lost; %d replies acknowledged, %d found",
		tl.acked, tl.found, tl.acked-tl.found, tl.unacked, tl.edits, tl.editsLost, tl.repliesAcked, tl.repliesFound)
}

// verify checks the stored annotations against the ledger: every
// acknowledged create, edit and reply is present and intact, and
// everything stored is a whole write that some client sent, anchored on
// the real text.
func (l *ledger) verify(t *testing.T, doc apiDocument, stored []apiAnnotation) tally {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	text := annotation.NewText(doc.Text)
	byID := map[string]apiAnnotation{}
	replies := map[string]string{} // reply id -> annotation id
	var tl tally
	for _, a := range stored {
		byID[a.ID] = a
		if a.Exact != text.Slice(a.Start, a.End) {
			t.Errorf("stored annotation %s is anchored wrong: %q at [%d,%d)", a.ID, a.Exact, a.Start, a.End)
		}
		for _, r := range a.Replies {
			replies[r.ID] = a.ID
			if !l.replies[r.Comment] {
				t.Errorf("stored reply %s has a comment no client sent: %q", r.ID, r.Comment)
			}
		}
		original := l.acked[a.ID].Comment
		if original == "" {
			if d, ok := l.sent[a.Comment]; ok {
				original = d.Comment
			}
		}
		sent := l.edits[a.ID]
		if a.Comment != original && (sent == nil || !slices.Contains(sent.sent, a.Comment)) {
			t.Errorf("stored annotation %s has a comment no client sent: %q", a.ID, a.Comment)
		}
	}
	for id, want := range l.acked {
		tl.acked++
		got, ok := byID[id]
		if !ok {
			t.Errorf("acknowledged annotation %s (%q) is lost", id, want.Comment)
			continue
		}
		tl.found++
		if got.Start != want.Start || got.End != want.End || got.Exact != want.Exact {
			t.Errorf("acknowledged annotation %s moved: got %+v, want %+v", id, got, want)
		}
		if log := l.edits[id]; log != nil && log.acked > 0 {
			tl.edits += log.acked
			// The last acknowledged edit, or one sent after it whose
			// answer was lost in the crash.
			if !slices.Contains(log.sent[log.acked-1:], got.Comment) {
				tl.editsLost++
				t.Errorf("annotation %s lost its acknowledged edit %q: it reads %q", id, log.sent[log.acked-1], got.Comment)
			}
		} else if got.Comment != want.Comment && (log == nil || !slices.Contains(log.sent, got.Comment)) {
			t.Errorf("acknowledged annotation %s changed: %q, want %q", id, got.Comment, want.Comment)
		}
	}
	for id := range byID {
		if _, ok := l.acked[id]; !ok {
			tl.unacked++
		}
	}
	for id, r := range l.ackedReplies {
		tl.repliesAcked++
		if replies[id] != r.annotation {
			t.Errorf("acknowledged reply %s (%q) on %s is lost", id, r.comment, r.annotation)
			continue
		}
		tl.repliesFound++
	}
	return tl
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
	var drafts []workload.Draft
	for round := 1; round <= rounds; round++ {
		srv := env.start()
		c := env.client(srv)
		if round == 1 {
			doc = c.sampleDocument(t)
			var err error
			if drafts, err = workload.Drafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 500, 3); err != nil {
				t.Fatal(err)
			}
		}
		tl := l.verify(t, doc, c.annotations(t, doc.ID))
		if round > 1 {
			t.Logf("after restart %d: %s", round-1, tl)
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
	tl := l.verify(t, doc, stored)
	t.Logf("%d rounds: %s", rounds, tl)
	if tl.acked == 0 || tl.edits == 0 || tl.repliesAcked == 0 {
		t.Fatalf("too little was acknowledged to prove anything: %s", tl)
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

// TestGracefulShutdown sends SIGTERM while clients write and an editor
// watches the live event stream: the server finishes what is in flight,
// ends the stream cleanly, exits 0, releases the database at once, and
// keeps every acknowledged write.
func TestGracefulShutdown(t *testing.T) {
	env := newTestEnv(t)
	srv := env.start()
	c := env.client(srv)
	doc := c.sampleDocument(t)
	drafts, err := workload.Drafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 200, 5)
	if err != nil {
		t.Fatal(err)
	}
	// A live stream, open through the shutdown.
	req, err := http.NewRequest(http.MethodGet, srv.url+"/api/documents/"+doc.ID+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+env.token)
	stream, err := http.DefaultClient.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("event stream: %v %v", stream, err)
	}
	streamEnded := make(chan error, 1)
	var events atomic.Int64
	go func() {
		defer stream.Body.Close()
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: annotation.created") {
				events.Add(1)
			}
		}
		streamEnded <- sc.Err()
	}()
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
	select {
	case err := <-streamEnded:
		if err != nil {
			t.Errorf("the event stream broke instead of ending: %v", err)
		}
	case <-time.After(30 * time.Second): // a hang, not a speed check
		t.Fatal("the event stream was still open after the server exited")
	}
	if events.Load() == 0 {
		t.Error("the event stream carried no annotation.created event")
	}
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
	found := l.verify(t, doc, env.client(srv).annotations(t, doc.ID)).found
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
	drafts, err := workload.Drafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 100, 9)
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
	found := l.verify(t, doc, c.annotations(t, doc.ID)).found
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
	found = l.verify(t, doc, c.annotations(t, doc.ID)).found
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
	drafts, err := workload.Drafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 300, 13)
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	ctx, cancel := context.WithCancel(context.Background())
	wg := l.load(ctx, c, doc.ID, drafts, 1, 16)
	// The backup starts once writes are being acknowledged, however slow
	// the machine (a fixed wait saw none on a loaded one).
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		l.mu.Lock()
		n := len(l.acked)
		l.mu.Unlock()
		if n >= 20 || time.Now().After(deadline) {
			break
		}
	}

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
	drafts, err := workload.Drafts(annotation.Document{Text: doc.Text, Blocks: annotation.Parse(doc.Text).Blocks}, 20, 17)
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
