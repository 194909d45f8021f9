package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"

	"galley"
	"galley/annotation"
	"galley/handlers"
	"galley/internal/galleyproc"
	"galley/internal/workload"
	"galley/store"
)

// The budgets of the export benchmark (issue "Export and import"): an
// export of 100,000 annotations streams with flat memory, and a client
// downloading one slowly does not slow down the writers.
const (
	exportRSSTarget     = 64 << 20 // peak RSS (VmHWM) of the server
	exportP99MissFactor = 3.0      // create p99 during a slow download / without it
	// A stall hides from the p99 when few creates wait (one per writer
	// waiting for the download to end is under 1% of a phase), so the
	// longest create and the throughput are judged too: a stall is a
	// create longer than both stallMin and stallFactor times the
	// baseline's longest, or throughput under stallThroughput of the
	// baseline's.
	stallMin        = time.Second
	stallFactor     = 10.0
	stallThroughput = 0.5
)

// Bounds that keep one export bench run small enough for a shared machine.
const (
	benchExportMaxN       = 500_000
	benchExportMaxWriters = 256
	benchExportMaxWindow  = 2 * time.Minute
	benchExportSeedChunk  = 10_000
	benchExportTimeout    = 15 * time.Minute
	benchExportFillBudget = 90 * time.Second
)

// benchExportConfig is one export bench run.
type benchExportConfig struct {
	n       int           // seeded annotations
	writers int           // concurrent HTTP creates in the two load phases
	slow    int64         // bytes per second the slow client reads
	window  time.Duration // length of each load phase
	fill    bool          // bring the file near bbolt's next mmap size before the slow phase
	dir     string        // parent of the run's own temporary directory; "" is the system's
	seed    uint64
	bin     string // the galley binary to serve; "" builds one into the run's directory
	timeout time.Duration
}

// benchExportCommand is `galley-bench export`: an export of n annotations
// from the real server, fast and slow, against concurrent creates. It
// writes its report to out.
func benchExportCommand(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("galley-bench export", flag.ContinueOnError)
	cfg := benchExportConfig{timeout: benchExportTimeout}
	fs.IntVar(&cfg.n, "n", 100_000, "annotations to seed and export")
	fs.IntVar(&cfg.writers, "writers", 8, "concurrent HTTP writers while measuring create latency")
	slow := fs.String("slow", "100KiB/s", "read rate of the slow download")
	seconds := fs.Float64("seconds", 15, "length of the baseline and the slow-download phases, in seconds")
	fs.BoolVar(&cfg.fill, "fill", true, "before the slow download, grow the file to just below bbolt's next mmap size, so that the writers must remap it during the download")
	fs.StringVar(&cfg.dir, "dir", "", "directory for the temporary database (default: the system temp dir)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the random passages and comments")
	fs.StringVar(&cfg.bin, "galley", "", "the galley binary to serve (default: build "+galleyproc.Package+" with the go command)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if cfg.slow, err = parseRate(*slow); err != nil {
		return usageError{"-slow: " + err.Error()}
	}
	cfg.window = time.Duration(*seconds * float64(time.Second))
	switch {
	case cfg.n < 1 || cfg.n > benchExportMaxN:
		return usageError{fmt.Sprintf("-n must be between 1 and %d", benchExportMaxN)}
	case cfg.writers < 1 || cfg.writers > benchExportMaxWriters:
		return usageError{fmt.Sprintf("-writers must be between 1 and %d", benchExportMaxWriters)}
	case cfg.window < 500*time.Millisecond || cfg.window > benchExportMaxWindow:
		return usageError{fmt.Sprintf("-seconds must be between 0.5 and %.0f", benchExportMaxWindow.Seconds())}
	case cfg.slow < 1<<10 || cfg.slow > 1<<30:
		return usageError{"-slow must be between 1KiB/s and 1GiB/s"}
	}
	ctx, cancel := context.WithTimeoutCause(context.Background(), cfg.timeout,
		fmt.Errorf("gave up: an export bench run may take at most %s", cfg.timeout))
	defer cancel()
	return runBenchExport(ctx, cfg, out)
}

// parseRate reads a rate such as "100KiB/s", "1MB/s" or "51200".
func parseRate(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "/s")
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.TrimSpace(t[i:])
	}
	mult := map[string]float64{"": 1, "B": 1, "K": 1 << 10, "KB": 1e3, "KIB": 1 << 10, "M": 1 << 20,
		"MB": 1e6, "MIB": 1 << 20, "G": 1 << 30, "GB": 1e9, "GIB": 1 << 30}[strings.ToUpper(unit)]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v <= 0 {
		return 0, fmt.Errorf("%q is not a rate such as 100KiB/s", s)
	}
	return int64(v * mult), nil
}

// seeded is what the seed phase stored.
type seeded struct {
	path    string
	doc     annotation.Document
	docID   string
	token   string
	threads int
	replies int
}

func runBenchExport(ctx context.Context, cfg benchExportConfig, out io.Writer) error {
	dir, err := os.MkdirTemp(cfg.dir, "galley-bench-export-")
	if err != nil {
		return fmt.Errorf("bench export: %w", err)
	}
	defer os.RemoveAll(dir)
	bin := cfg.bin
	if bin == "" {
		if bin, err = galleyproc.Build(ctx, dir); err != nil {
			return fmt.Errorf("bench export: building the galley binary (or pass -galley FILE): %w", err)
		}
	}
	fmt.Fprintf(out, "galley-bench export: %d annotations, %d writers, slow client %s/s for %s, in %s\n",
		cfg.n, cfg.writers, fmtBytes(cfg.slow), cfg.window, dir)

	// 1. Seed.
	t0 := time.Now()
	sd, err := benchExportSeed(filepath.Join(dir, "galley.db"), cfg.n, cfg.seed)
	if err != nil {
		return fmt.Errorf("bench export: seeding: %w", err)
	}
	seedTime := time.Since(t0)
	fmt.Fprintf(out, "seed           %d annotations + %d replies in transactions of %d: %.1fs (%.0f annotations/s), file %s\n",
		sd.threads, sd.replies, benchExportSeedChunk, seedTime.Seconds(), float64(sd.threads)/seedTime.Seconds(), fmtMiB(fileSize(sd.path)))

	// 2. The real server.
	srv, err := startBenchServer(ctx, bin, sd.path)
	if err != nil {
		return fmt.Errorf("bench export: %w", err)
	}
	defer srv.stop()
	st, _ := readProcStatus(srv.pid)
	fmt.Fprintf(out, "server         pid %d at %s, VmRSS %s after start\n", srv.pid, srv.url, fmtMiB(st.rss))

	// 3. Fast downloads.
	exports := []struct{ name, query string }{
		{"w3c", "format=w3c&all=1"},
		{"native", "format=native"},
	}
	rates := map[string]float64{}
	var peak procStatus
	for _, e := range exports {
		res, err := fastExport(ctx, srv, sd, e.name, e.query, dir)
		if err != nil {
			return fmt.Errorf("bench export: %s export: %w", e.name, err)
		}
		rates[e.name] = res.bytesPerSec()
		peak.hwm = max(peak.hwm, res.after.hwm)
		peak.anon = max(peak.anon, res.sampled.anon)
		peak.file = max(peak.file, res.sampled.file)
		fmt.Fprintf(out, "export %-7s %d bytes in %.3fs  %.1f MB/s  %s verified\n", e.name, res.bytes,
			res.elapsed.Seconds(), res.bytesPerSec()/1e6, res.verified)
		fmt.Fprintf(out, "  memory: VmRSS before %s, VmHWM after %s; sampled peaks: RssAnon %s, RssFile %s (bbolt's mmap of the file); Go heap peak %s\n",
			fmtMiB(res.before.rss), fmtMiB(res.after.hwm), fmtMiB(res.sampled.anon), fmtMiB(res.sampled.file), heapPeak(res.goHeap))
	}

	// 4. Create latency, without then with a slow download.
	doc := sd.doc
	w := newBenchWriters(srv.url, sd, cfg.writers, doc, cfg.seed)
	defer w.close()
	if err := w.warm(ctx); err != nil {
		return fmt.Errorf("bench export: warming up: %w", err)
	}
	fmt.Fprintf(out, "creates        %d writers POST annotations with comments of %s on average\n", cfg.writers, fmtBytes(int64(w.avgComment)))

	before := observeFile(srv.pid, sd.path)
	baseline, err := w.run(ctx, cfg.window)
	if err != nil {
		return fmt.Errorf("bench export: baseline: %w", err)
	}
	after := observeFile(srv.pid, sd.path)
	printPhase(out, "baseline", baseline)
	printTail(out, baseline)
	fmt.Fprintf(out, "  (no download; file %s -> %s, bbolt mmap %s -> %s)\n", fmtMiB(before.size), fmtMiB(after.size), fmtMiB(before.mmap), fmtMiB(after.mmap))

	if cfg.fill {
		msg, err := fillToMmapEdge(ctx, srv, sd, doc, after.hwm-before.hwm, cfg.seed)
		if err != nil {
			return fmt.Errorf("bench export: fill: %w", err)
		}
		fmt.Fprintf(out, "fill           %s\n", msg)
	}

	before = observeFile(srv.pid, sd.path)
	slow, loaded, err := w.runDuringSlowDownload(ctx, srv, sd, cfg.slow, cfg.window)
	if err != nil {
		return fmt.Errorf("bench export: with slow download: %w", err)
	}
	after = observeFile(srv.pid, sd.path)
	printPhase(out, "with download", loaded)
	printTail(out, loaded)
	grew, remapped := after.size > before.size, after.mmap != before.mmap
	fmt.Fprintf(out, "  (slow client read %d bytes in %.1fs, %s/s, then hung up; file %s -> %s, grew: %s; bbolt mmap %s -> %s, remapped during the download: %s)\n",
		slow.bytes, slow.elapsed.Seconds(), fmtBytes(int64(float64(slow.bytes)/slow.elapsed.Seconds())),
		fmtMiB(before.size), fmtMiB(after.size), yesNo(grew), fmtMiB(before.mmap), fmtMiB(after.mmap), yesNo(remapped))
	if slow.complete {
		fmt.Fprintln(out, "  (note: the whole export arrived before the phase ended; lower -slow or raise -n for a longer download)")
	}
	if err := srv.alive(); err != nil {
		return fmt.Errorf("bench export: %w", err)
	}

	// 5. Summary.
	ratio := float64(loaded.percentile(99)) / float64(max(baseline.percentile(99), time.Microsecond))
	fmt.Fprintln(out, "summary")
	fmt.Fprintf(out, "  peak RSS (VmHWM) %s (target < %s): %s\n", fmtMiB(peak.hwm), fmtMiB(exportRSSTarget), passMiss(peak.hwm < exportRSSTarget))
	fmt.Fprintf(out, "    of which sampled peaks: anonymous %s, file-backed %s (pages of the database file mapped by bbolt)\n", fmtMiB(peak.anon), fmtMiB(peak.file))
	fmt.Fprintf(out, "  create p99 with slow download / baseline: %.2f (%s / %s; target near 1, MISS above %.0f): %s\n",
		ratio, loaded.percentile(99).Round(10*time.Microsecond), baseline.percentile(99).Round(10*time.Microsecond),
		exportP99MissFactor, passMiss(ratio <= exportP99MissFactor))
	tput := loaded.opsPerSec() / baseline.opsPerSec()
	longest, baseLongest := loaded.percentile(100), baseline.percentile(100)
	stalled := longest > max(stallMin, time.Duration(stallFactor*float64(baseLongest))) || tput < stallThroughput
	fmt.Fprintf(out, "  no stall with slow download: longest create %s (baseline %s), throughput ratio %.2f (%.0f / %.0f ops/s); MISS above %s and %.0fx the baseline's longest, or under %.2f: %s\n",
		longest.Round(10*time.Microsecond), baseLongest.Round(10*time.Microsecond), tput, loaded.opsPerSec(), baseline.opsPerSec(),
		stallMin, stallFactor, stallThroughput, passMiss(!stalled))
	fmt.Fprintf(out, "  export bytes/s: w3c %.1f MB/s, native %.1f MB/s\n", rates["w3c"]/1e6, rates["native"]/1e6)
	fmt.Fprintf(out, "  database file grew during the slow download: %s (%s -> %s); bbolt remapped it during the download: %s\n",
		yesNo(grew), fmtMiB(before.size), fmtMiB(after.size), yesNo(remapped))
	return nil
}

// ---- seeding ----

var (
	seedSentences = []string{
		"Which report is this? Cite the original, with its date.",
		"The figure does not match the company's annual report; check page 12.",
		"Attribute this claim: who says so, and how do they know?",
		"We need a second source before this runs.",
		"Style: spell out the title on first mention.",
		"Legal should see this paragraph before it goes out.",
		"The quote is from a translated transcript; link the **original** statement.",
		"Is *massive* our word or theirs? If theirs, quote it.",
		"Number check: 150,000 or 170,000? The [filing](https://example.org/filing) says otherwise.",
		"This sentence runs long; split it after the comma.",
		"Headline candidate, but too strong for the evidence we have.",
		"Confirm the spelling of the name with the ministry's own site.",
		"Which servers? Be specific or cut it.",
		"Date format: we write March 22, not 22/3.",
		"Add the company's response here; they answered on Tuesday.",
	}
	seedReplies = []string{
		"Done, thanks.", "Checked with the desk: it stands.", "Source added in the next paragraph.",
		"Agreed, cut.", "The filing is from 2013; I linked it.", "Legal is fine with it.",
		"I'd keep it: the word is theirs, quoted in the Spiegel piece.",
	}
	seedAuthors = []annotation.Author{
		{ID: "01J0BENCHAUTH0RA0000000000", Name: "Ada Editor"},
		{ID: "01J0BENCHAUTH0RB0000000000", Name: "Bo Okafor"},
		{ID: "01J0BENCHAUTH0RC0000000000", Name: "Chen Wu"},
	}
)

// seedComment is a realistic review comment of one to four sentences.
func seedComment(rng *rand.Rand) string {
	parts := make([]string, 1+rng.IntN(4))
	for i := range parts {
		parts[i] = seedSentences[rng.IntN(len(seedSentences))]
	}
	return strings.Join(parts, " ")
}

// bigComment is a comment of about size bytes, made of review sentences in
// Markdown paragraphs.
func bigComment(rng *rand.Rand, size int) string {
	var b strings.Builder
	for b.Len() < size {
		if b.Len() > 0 {
			if rng.IntN(4) == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(seedSentences[rng.IntN(len(seedSentences))])
	}
	return b.String()
}

// benchExportSeed creates the database: the sample article (as the server
// would on first start), an admin with an API token, and n annotations with
// comments, tags and some replies, stored benchExportSeedChunk per
// transaction through ImportThreads. It closes the database.
func benchExportSeed(path string, n int, seed uint64) (sd seeded, err error) {
	sd.path = path
	db, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		return sd, err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	// The sample article, as "galley serve" adds it to a new database.
	sample, err := galley.SampleDocument(time.Now().UTC())
	if err != nil {
		return sd, err
	}
	if _, err := db.EnsureSample(sample); err != nil {
		return sd, err
	}
	docs, err := db.Documents()
	if err != nil {
		return sd, err
	}
	if len(docs) != 1 {
		return sd, fmt.Errorf("a new database holds %d documents, want the sample only", len(docs))
	}
	doc, err := db.Document(docs[0].Document.ID)
	if err != nil {
		return sd, err
	}
	sd.doc, sd.docID = doc, doc.ID

	password, _, err := handlers.NewSecret()
	if err != nil {
		return sd, err
	}
	hash, err := handlers.HashPassword(password)
	if err != nil {
		return sd, err
	}
	admin, err := db.CreateUser(store.User{Name: "bench-admin", Role: handlers.RoleAdmin, PasswordHash: hash})
	if err != nil {
		return sd, err
	}
	token, tokenHash, err := handlers.NewSecret()
	if err != nil {
		return sd, err
	}
	if _, err := db.CreateToken(tokenHash, store.Token{UserID: admin.ID, Name: "bench-export"}); err != nil {
		return sd, err
	}
	sd.token = token

	drafts, err := workload.Drafts(doc, n, seed)
	if err != nil {
		return sd, err
	}
	text := annotation.NewText(doc.Text)
	rng := rand.New(rand.NewPCG(seed, 0xe7905))
	authors := append(slices.Clone(seedAuthors), annotation.Author{ID: admin.ID, Name: admin.Name})
	created := time.Now().UTC().Add(-30 * 24 * time.Hour)
	step := 30 * 24 * time.Hour / time.Duration(n+1)
	for lo := 0; lo < n; lo += benchExportSeedChunk {
		hi := min(n, lo+benchExportSeedChunk)
		plan := annotation.ImportPlan{Threads: make([]annotation.ImportedThread, 0, hi-lo)}
		for _, d := range drafts[lo:hi] {
			draft := annotation.Draft{Start: d.Start, End: d.End, Exact: d.Exact, Tags: d.Tags}
			switch r := rng.IntN(10); {
			case r == 0: // a plain highlight
				draft.Motivation, draft.Tags = string(annotation.Highlighting), nil
			case r == 1: // a suggested edit
				draft.Motivation, draft.Replacement = string(annotation.Editing), d.Exact+" (sic)"
				draft.Comment = seedComment(rng)
			default:
				draft.Comment = seedComment(rng)
			}
			a, err := annotation.New(text, doc.ID, doc.Revision, draft)
			if err != nil {
				return sd, fmt.Errorf("annotation %d: %w", lo, err)
			}
			created = created.Add(step)
			a.Author = authors[rng.IntN(len(authors))]
			a.Created, a.Modified, a.Version = created, created, 1
			th := annotation.ImportedThread{Annotation: a}
			if rng.IntN(5) == 0 { // a fifth of the threads have replies
				for k := range 1 + rng.IntN(3) {
					at := created.Add(time.Duration(k+1) * time.Minute)
					th.Replies = append(th.Replies, annotation.Reply{Author: authors[rng.IntN(len(authors))],
						Comment: seedReplies[rng.IntN(len(seedReplies))], Created: at, Modified: at, Version: 1})
				}
			}
			plan.Threads = append(plan.Threads, th)
		}
		res, err := db.ImportThreads(doc.ID, doc.Revision, plan)
		if err != nil {
			return sd, err
		}
		if res.Imported != hi-lo || len(res.Errors) > 0 {
			return sd, fmt.Errorf("stored %d of %d annotations (%d errors)", res.Imported, hi-lo, len(res.Errors))
		}
		sd.threads += res.Imported
		sd.replies += res.Replies
	}
	return sd, nil
}

// ---- the server process ----

// benchServer is the galley server the bench started.
type benchServer struct {
	proc   *galleyproc.Server
	pid    int
	url    string
	stderr *gcTrace
}

// startBenchServer runs `bin serve` on a free loopback port with the Go
// runtime tracing its collections, and waits until /healthz answers.
func startBenchServer(ctx context.Context, bin, dbPath string) (*benchServer, error) {
	password, _, err := handlers.NewSecret()
	if err != nil {
		return nil, err
	}
	godebug := "gctrace=1"
	if v := os.Getenv("GODEBUG"); v != "" {
		godebug = v + "," + godebug
	}
	stderr := &gcTrace{}
	proc, err := galleyproc.Start(ctx, galleyproc.Config{
		Bin: bin, DB: dbPath,
		// -write-rate 0: the writers are one user making hundreds of
		// creates a second, which the per-user limit would otherwise refuse.
		Flags:  []string{"-write-rate", "0"},
		Env:    []string{"GALLEY_ADMIN_PASSWORD=" + password[:24], "GODEBUG=" + godebug, "GALLEY_BASE_URL="},
		Stderr: stderr,
	})
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, stderr.tail())
	}
	return &benchServer{proc: proc, pid: proc.PID, url: proc.URL, stderr: stderr}, nil
}

// alive fails when the server has exited.
func (s *benchServer) alive() error {
	select {
	case <-s.proc.Done():
		return fmt.Errorf("the server exited: %v\n%s", s.proc.Err(), s.stderr.tail())
	default:
		return nil
	}
}

// stop ends the server: SIGTERM, then SIGKILL to its process group when it
// is still running 15 seconds later.
func (s *benchServer) stop() { _ = s.proc.Stop(15 * time.Second) }

// gcTrace reads the server's standard error: it keeps the largest heap
// gctrace reports since the last reset, and the tail of the other lines for
// error messages.
type gcTrace struct {
	mu      sync.Mutex
	partial []byte
	peak    int64 // bytes
	other   []string
}

var gcLine = regexp.MustCompile(`^gc \d+ @.* (\d+)->(\d+)->(\d+) MB, (\d+) MB goal`)

func (g *gcTrace) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.partial = append(g.partial, p...)
	for {
		i := bytes.IndexByte(g.partial, '\n')
		if i < 0 {
			break
		}
		line := string(g.partial[:i])
		g.partial = g.partial[i+1:]
		if m := gcLine.FindStringSubmatch(line); m != nil {
			for _, s := range m[1:3] { // the heap when the cycle started and ended
				if v, err := strconv.ParseInt(s, 10, 64); err == nil {
					g.peak = max(g.peak, v<<20)
				}
			}
			continue
		}
		g.other = append(g.other, line)
		if len(g.other) > 40 {
			g.other = g.other[len(g.other)-40:]
		}
	}
	g.partial = slices.Clip(g.partial)
	return len(p), nil
}

// resetPeak returns the peak since the last reset and starts again.
func (g *gcTrace) resetPeak() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.peak
	g.peak = 0
	return p
}

func (g *gcTrace) tail() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.other, "\n")
}

// ---- /proc ----

// procStatus is memory of a process from /proc/PID/status, in bytes.
type procStatus struct{ rss, hwm, anon, file int64 }

func readProcStatus(pid int) (procStatus, error) {
	m, err := galleyproc.ReadMemory(pid)
	return procStatus{m.RSS, m.HWM, m.Anon, m.File}, err
}

// sampleMemory polls the process's memory every 20 ms until stop is
// closed, and returns the largest values seen.
func sampleMemory(pid int, stop <-chan struct{}) <-chan procStatus {
	res := make(chan procStatus, 1)
	go func() {
		var peak procStatus
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if st, err := readProcStatus(pid); err == nil {
				peak.rss, peak.hwm = max(peak.rss, st.rss), max(peak.hwm, st.hwm)
				peak.anon, peak.file = max(peak.anon, st.anon), max(peak.file, st.file)
			}
			select {
			case <-stop:
				res <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return res
}

// fileState is the database file as the server has it.
type fileState struct {
	size int64 // of the file
	mmap int64 // bbolt's mapping of it in the server (its data size)
	hwm  int64 // the end of the last page in use, from the meta page
}

func observeFile(pid int, path string) fileState {
	hwm, _ := boltHighWater(path)
	return fileState{size: fileSize(path), mmap: mappedSize(pid, path), hwm: hwm}
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// mappedSize is the length of the process's mappings of path: bbolt maps
// its file once, at a size it doubles (up to 1 GiB) whenever the pages in
// use outgrow it; remapping waits for every read transaction to end.
func mappedSize(pid int, path string) int64 {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	if p, err := filepath.Abs(path); err == nil {
		path = p
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return 0
	}
	var total int64
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) < 6 || strings.Join(f[5:], " ") != path {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil && b > a {
			total += int64(b - a)
		}
	}
	return total
}

// boltHighWater reads bbolt's newest valid meta page: the high-water mark
// (pages in use, times the page size) in bytes. The layout is bbolt's
// common.Meta after a 16-byte page header; the checksum is FNV-64a of the
// meta fields before it.
func boltHighWater(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	const magic = 0xED0CDAED
	var best struct{ txid, hwm uint64 }
	found := false
	pageSize := int64(4096)
	for i := range int64(2) {
		buf := make([]byte, 16+64)
		if _, err := f.ReadAt(buf, i*pageSize); err != nil {
			return 0, err
		}
		m := buf[16:]
		le := binary.LittleEndian
		if le.Uint32(m[0:]) != magic {
			continue
		}
		h := fnv.New64a()
		h.Write(m[:56])
		if h.Sum64() != le.Uint64(m[56:]) {
			continue
		}
		if i == 0 {
			pageSize = int64(le.Uint32(m[8:]))
		}
		if txid := le.Uint64(m[48:]); !found || txid > best.txid {
			best.txid, best.hwm, found = txid, le.Uint64(m[40:])*uint64(pageSize), true
		}
	}
	if !found {
		return 0, errors.New("no valid bbolt meta page")
	}
	return int64(best.hwm), nil
}

// ---- the fast downloads ----

type exportResult struct {
	bytes    int64
	elapsed  time.Duration
	before   procStatus // just before the request
	after    procStatus // just after the download
	sampled  procStatus // peaks polled during it
	goHeap   int64      // peak heap in the gctrace during it
	verified string
}

func (r exportResult) bytesPerSec() float64 { return float64(r.bytes) / r.elapsed.Seconds() }

// downloadClient is a client for long downloads on loopback.
func downloadClient() *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true, IdleConnTimeout: time.Minute}}
}

// startExport requests an export and checks the answer's status.
func startExport(ctx context.Context, client *http.Client, srv *benchServer, sd seeded, query string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.url+"/api/documents/"+sd.docID+"/export?"+query, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+sd.token)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s answered %s: %s", req.URL.Path, resp.Status, strings.TrimSpace(string(msg)))
	}
	return resp, nil
}

// fastExport downloads an export as fast as the client can into a file,
// then checks that it is complete and holds every item.
func fastExport(ctx context.Context, srv *benchServer, sd seeded, name, query, dir string) (exportResult, error) {
	var res exportResult
	client := downloadClient()
	defer client.CloseIdleConnections()
	path := filepath.Join(dir, "export."+name+".json")
	f, err := os.Create(path)
	if err != nil {
		return res, err
	}
	defer os.Remove(path)
	defer f.Close()

	res.before, _ = readProcStatus(srv.pid)
	srv.stderr.resetPeak()
	stop := make(chan struct{})
	peaks := sampleMemory(srv.pid, stop)
	start := time.Now()
	resp, err := startExport(ctx, client, srv, sd, query)
	if err == nil {
		res.bytes, err = io.CopyBuffer(f, resp.Body, make([]byte, 256<<10))
		resp.Body.Close()
	}
	res.elapsed = time.Since(start)
	close(stop)
	res.sampled = <-peaks
	res.after, _ = readProcStatus(srv.pid)
	res.goHeap = srv.stderr.resetPeak()
	if err != nil {
		return res, err
	}

	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return res, err
	}
	counts, numbers, err := scanJSON(f)
	if err != nil {
		return res, fmt.Errorf("the export of %d bytes is not complete JSON: %w", res.bytes, err)
	}
	switch name {
	case "w3c":
		want := sd.threads + sd.replies
		if got, total := counts["first/items"], numbers["total"]; got != want || total != strconv.Itoa(want) {
			return res, fmt.Errorf("the W3C export holds %d items and says total %s, want %d", got, total, want)
		}
		res.verified = fmt.Sprintf("%d items, total %d", want, want)
	default:
		got, replies, total := counts["annotations"], counts["annotations/[]/replies"], numbers["total"]
		if got != sd.threads || replies != sd.replies || total != strconv.Itoa(sd.threads) {
			return res, fmt.Errorf("the native export holds %d annotations with %d replies and says total %s, want %d with %d",
				got, replies, total, sd.threads, sd.replies)
		}
		res.verified = fmt.Sprintf("%d annotations, %d replies, total %s", got, replies, total)
	}
	return res, nil
}

// scanJSON reads one JSON value as a stream of tokens, without holding it,
// and returns how many elements each array holds (by path: object keys and
// "[]" for array elements, joined by "/", summed over all arrays at a path)
// and the numbers found (by path). It fails on anything but exactly one
// complete value.
func scanJSON(r io.Reader) (counts map[string]int, numbers map[string]string, err error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	dec.UseNumber()
	type frame struct {
		object, wantKey bool
		path, key       string
	}
	var stack []frame
	counts, numbers = map[string]int{}, map[string]string{}
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		return a + "/" + b
	}
	afterValue := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	values := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 || values != 1 {
				return nil, nil, io.ErrUnexpectedEOF
			}
			return counts, numbers, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if len(stack) == 0 {
			if values++; values > 1 {
				return nil, nil, errors.New("data after the value")
			}
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].object && stack[top].wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:top]
				afterValue()
				continue
			}
			key, ok := tok.(string)
			if !ok {
				return nil, nil, fmt.Errorf("object key %v", tok)
			}
			stack[top].key, stack[top].wantKey = key, false
			continue
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			stack = stack[:top]
			afterValue()
			continue
		}
		path := ""
		if top >= 0 {
			if stack[top].object {
				path = join(stack[top].path, stack[top].key)
			} else {
				path = join(stack[top].path, "[]")
				counts[stack[top].path]++
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			stack = append(stack, frame{object: v == '{', wantKey: v == '{', path: path})
			continue
		case json.Number:
			numbers[path] = v.String()
		}
		afterValue()
	}
}

// ---- the writers ----

// benchWriters are the HTTP clients creating annotations with large
// comments, as fast as they can.
type benchWriters struct {
	client     *http.Client
	transport  *http.Transport
	url        string
	base       string
	token      string
	writers    int
	bodies     [][]byte
	avgComment int
}

func newBenchWriters(base string, sd seeded, writers int, doc annotation.Document, seed uint64) *benchWriters {
	transport := &http.Transport{
		Proxy:               nil, // loopback only
		MaxIdleConns:        writers,
		MaxIdleConnsPerHost: writers,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	w := &benchWriters{
		client: &http.Client{Transport: transport, Timeout: 60 * time.Second}, transport: transport,
		url: base + "/api/documents/" + sd.docID + "/annotations", base: base, token: sd.token, writers: writers,
	}
	drafts, err := workload.Drafts(doc, 1024, seed+1)
	if err != nil {
		panic(err) // the sample article has text
	}
	rng := rand.New(rand.NewPCG(seed, 0xb16))
	total := 0
	for _, d := range drafts {
		// 2 to 4 KB: each create then adds several pages (the record, its
		// event), so the file must grow while the writers run.
		d.Comment = bigComment(rng, 2048+rng.IntN(2048))
		total += len(d.Comment)
		body, err := json.Marshal(d)
		if err != nil {
			panic(err)
		}
		w.bodies = append(w.bodies, body)
	}
	w.avgComment = total / len(drafts)
	return w
}

func (w *benchWriters) close() { w.transport.CloseIdleConnections() }

// warm opens one connection per writer, as clients that keep their
// connections would have.
func (w *benchWriters) warm(ctx context.Context) error {
	_, err := runWriters(ctx, w.writers, w.writers, func(int) error {
		return benchRequest(ctx, w.client, http.MethodGet, w.base+"/healthz", "", nil, http.StatusOK)
	})
	return err
}

// run creates annotations from every writer for d and times each create.
// Creates in flight when d ends finish and count.
func (w *benchWriters) run(ctx context.Context, d time.Duration) (phaseResult, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		lats  = make([][]time.Duration, w.writers)
		start = time.Now()
		end   = start.Add(d)
	)
	for k := range w.writers {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(end) {
				i := int(next.Add(1) - 1)
				t := time.Now()
				if err := benchRequest(ctx, w.client, http.MethodPost, w.url, w.token, w.bodies[i%len(w.bodies)], http.StatusCreated); err != nil {
					cancel(fmt.Errorf("create %d: %w", i+1, err))
					return
				}
				lats[k] = append(lats[k], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := context.Cause(ctx); err != nil {
		return phaseResult{}, err
	}
	all := slices.Concat(lats...)
	slices.Sort(all)
	if len(all) == 0 {
		return phaseResult{}, errors.New("no create finished")
	}
	return phaseResult{ops: len(all), elapsed: elapsed, latencies: all}, nil
}

// slowResult is what the slow client got.
type slowResult struct {
	bytes    int64
	elapsed  time.Duration
	complete bool // the whole export arrived (it should not, in the time given)
}

// runDuringSlowDownload starts a W3C export read at rate bytes per second,
// runs the writers for d once its first bytes arrived, and hangs up d after
// they started.
func (w *benchWriters) runDuringSlowDownload(ctx context.Context, srv *benchServer, sd seeded, rate int64, d time.Duration) (slowResult, phaseResult, error) {
	client := downloadClient()
	defer client.CloseIdleConnections()
	dlCtx, hangUp := context.WithCancel(ctx)
	defer hangUp()
	resp, err := startExport(dlCtx, client, srv, sd, "format=w3c&all=1")
	if err != nil {
		return slowResult{}, phaseResult{}, err
	}
	defer resp.Body.Close()

	var slow slowResult
	var readErr error
	started := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		buf := make([]byte, 4<<10)
		t0 := time.Now()
		once := sync.OnceFunc(func() { close(started) })
		defer once()
		for dlCtx.Err() == nil {
			n, err := resp.Body.Read(buf)
			slow.bytes += int64(n)
			if n > 0 {
				once()
			}
			if err == io.EOF {
				slow.complete = true
				break
			}
			if err != nil {
				if dlCtx.Err() == nil {
					readErr = err
				}
				break
			}
			// Keep to rate: sleep until the bytes read are due.
			if due := time.Duration(float64(slow.bytes) / float64(rate) * float64(time.Second)); due > time.Since(t0) {
				select {
				case <-dlCtx.Done():
				case <-time.After(due - time.Since(t0)):
				}
			}
		}
		slow.elapsed = time.Since(t0)
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		return slowResult{}, phaseResult{}, errors.New("the export sent nothing within 30s")
	case <-ctx.Done():
		return slowResult{}, phaseResult{}, context.Cause(ctx)
	}
	// The client hangs up when the phase ends, whether or not the creates
	// in flight have answered: should an export hold a read transaction
	// for its whole download, creates waiting for bbolt to remap the file
	// then finish, and their wait shows in the latencies, not as a hang.
	timer := time.AfterFunc(d, hangUp)
	defer timer.Stop()
	res, err := w.run(ctx, d)
	hangUp()
	<-finished
	if err != nil {
		return slow, res, fmt.Errorf("creates failed or stalled while the slow download ran: %w", err)
	}
	if readErr != nil {
		return slow, res, fmt.Errorf("the slow download failed: %w", readErr)
	}
	return slow, res, nil
}

// ---- the fill ----

// fillToMmapEdge grows the database, through the import API, until the
// pages in use sit about half of grow (what a load phase adds) below the
// size bbolt has the file mapped at: the writers of the next phase must then
// remap it, which waits for every read transaction. Without the fill, a
// download holding one read transaction for its whole length might never
// meet a remap within the phase, and the phase would prove little.
func fillToMmapEdge(ctx context.Context, srv *benchServer, sd seeded, doc annotation.Document, grow int64, seed uint64) (string, error) {
	st := observeFile(srv.pid, sd.path)
	if st.mmap == 0 || st.hwm == 0 {
		return "skipped: cannot see the server's mapping or the meta page", nil
	}
	grow = max(grow, 1<<20)
	target := st.mmap - grow/2
	if st.hwm >= target {
		return fmt.Sprintf("not needed: %s of %s mapped in use, a phase adds about %s", fmtMiB(st.hwm), fmtMiB(st.mmap), fmtMiB(grow)), nil
	}
	start := time.Now()
	text := annotation.NewText(doc.Text)
	iris := annotation.W3CIRIs{Base: "https://fill.bench.invalid"}
	rng := rand.New(rand.NewPCG(seed, 0xf111))
	drafts, err := workload.Drafts(doc, 64, seed+2)
	if err != nil {
		return "", err
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 2 * time.Minute}
	defer client.CloseIdleConnections()
	url := srv.url + "/api/documents/" + sd.docID + "/import"
	added := 0
	from := st.hwm
	for st.hwm < target {
		if time.Since(start) > benchExportFillBudget {
			return fmt.Sprintf("stopped after %s: %s of %s mapped in use (target %s); the download phase may not remap",
				benchExportFillBudget, fmtMiB(st.hwm), fmtMiB(st.mmap), fmtMiB(target)), nil
		}
		// Each imported annotation costs about twice its comment (the
		// record and its event): aim at a quarter of the gap, at most 8 MiB
		// of comments a request.
		const commentSize = 16 << 10
		k := int(min(max((target-st.hwm)/4/commentSize, 1), (8<<20)/commentSize))
		items := make([]annotation.W3CAnnotation, 0, k)
		for range k {
			d := drafts[rng.IntN(len(drafts))]
			a, err := annotation.New(text, doc.ID, doc.Revision, annotation.Draft{Start: d.Start, End: d.End, Exact: d.Exact,
				Comment: bigComment(rng, commentSize)})
			if err != nil {
				return "", err
			}
			a.ID, a.Author = ulid.Make().String(), seedAuthors[0]
			a.Created = time.Now().UTC()
			a.Modified = a.Created
			items = append(items, iris.ToW3C(a))
		}
		body, err := json.Marshal(items)
		if err != nil {
			return "", err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+sd.token)
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		var res struct {
			Imported int `json:"imported"`
		}
		err = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || res.Imported != k {
			return "", fmt.Errorf("import answered %s, imported %d of %d (%v)", resp.Status, res.Imported, k, err)
		}
		added += k
		if next := observeFile(srv.pid, sd.path); next.mmap != st.mmap {
			st = next // the fill itself crossed the edge: aim at the next one
			target = st.mmap - grow/2
		} else {
			st = next
		}
	}
	return fmt.Sprintf("imported %d annotations with 16 KiB comments in %.1fs: in use %s -> %s of %s mapped (a phase adds about %s)",
		added, time.Since(start).Seconds(), fmtMiB(from), fmtMiB(st.hwm), fmtMiB(st.mmap), fmtMiB(grow)), nil
}

// ---- formatting ----

// printTail adds the far tail of a phase to its printPhase line.
func printTail(out io.Writer, r phaseResult) {
	fmt.Fprintf(out, "  (p99.9 %s, longest %s)\n", r.percentile(99.9).Round(10*time.Microsecond), r.percentile(100).Round(10*time.Microsecond))
}

func fmtMiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func fmtBytes(b int64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// heapPeak describes the largest heap gctrace reported.
func heapPeak(b int64) string {
	if b == 0 {
		return "unknown (no collection ran)"
	}
	return fmtMiB(b) + " (gctrace)"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func passMiss(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}
