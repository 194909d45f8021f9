package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"
	"go.etcd.io/bbolt"

	"galley"
	"galley/annotation"
	"galley/handlers"
	"galley/internal/workload"
	"galley/store"
)

// The performance budget of DESIGN.md: creating annotations from concurrent
// HTTP clients reaches at least half of raw bbolt Batch throughput measured
// with as many writers, in the same run.
const benchTarget = 0.50

// Bounds that keep one bench run small enough for a shared machine.
const (
	benchMaxWriters = 1024
	benchMaxN       = 200_000
	benchTimeout    = 2 * time.Minute
)

// benchConfig is one bench run.
type benchConfig struct {
	writers int
	n       int
	dir     string // parent of the run's own temporary directory; "" is the system's
	seed    uint64
	timeout time.Duration
}

// benchCommand measures annotation creation through the whole HTTP stack
// against the ceiling of raw bbolt Batch writes, writing its report to out:
// galley-bench [-writers 64] [-n 4000].
func benchCommand(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("galley-bench", flag.ContinueOnError)
	cfg := benchConfig{timeout: benchTimeout}
	fs.IntVar(&cfg.writers, "writers", 64, "concurrent writers in each phase")
	fs.IntVar(&cfg.n, "n", 4000, "writes per phase, in total over all writers")
	fs.StringVar(&cfg.dir, "dir", "", "directory for the temporary databases (default: the system temp dir)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the random passages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeoutCause(context.Background(), cfg.timeout,
		fmt.Errorf("gave up: a bench run may take at most %s", cfg.timeout))
	defer cancel()
	return runBench(ctx, cfg, out)
}

// phaseResult is what one phase measured.
type phaseResult struct {
	ops       int
	elapsed   time.Duration
	latencies []time.Duration // one per op, sorted
}

func (r phaseResult) opsPerSec() float64 { return float64(r.ops) / r.elapsed.Seconds() }

// percentile returns the p-th percentile (0 < p <= 100) of the sorted
// latencies, by the nearest-rank method.
func (r phaseResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(len(r.latencies))*p/100)) - 1
	return r.latencies[max(0, min(rank, len(r.latencies)-1))]
}

// runBench runs both phases and writes its report to out. It fails on any
// error, a non-201 answer or a wrong count; a missed ratio is only reported.
func runBench(ctx context.Context, cfg benchConfig, out io.Writer) error {
	switch {
	case cfg.writers < 1 || cfg.writers > benchMaxWriters:
		return usageError{fmt.Sprintf("-writers must be between 1 and %d", benchMaxWriters)}
	case cfg.n < 1 || cfg.n > benchMaxN:
		return usageError{fmt.Sprintf("-n must be between 1 and %d", benchMaxN)}
	}
	dir, err := os.MkdirTemp(cfg.dir, "galley-bench-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(dir)

	doc, err := annotation.NewDocument(galley.SampleArticle, "")
	if err != nil {
		return fmt.Errorf("bench: sample article: %w", err)
	}
	drafts, err := workload.Drafts(doc, cfg.n, cfg.seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "galley-bench: %d writers, %d writes per phase, fsync on, databases in %s\n", cfg.writers, cfg.n, dir)

	raw, recordSize, err := benchRaw(ctx, filepath.Join(dir, "raw.db"), doc, drafts, cfg.writers)
	if err != nil {
		return fmt.Errorf("bench: raw bbolt phase: %w", err)
	}
	printPhase(out, "raw bbolt Batch", raw)
	fmt.Fprintf(out, "  (each write: an annotation record of %d bytes of JSON on average plus its index key)\n", recordSize)

	app, stored, err := benchApp(ctx, filepath.Join(dir, "galley.db"), doc, drafts, cfg.writers)
	if err != nil {
		return fmt.Errorf("bench: app phase: %w", err)
	}
	printPhase(out, "app HTTP POST", app)
	fmt.Fprintf(out, "  (every answer 201; the store holds exactly %d annotations on the document)\n", stored)

	ratio := app.opsPerSec() / raw.opsPerSec()
	verdict := "PASS"
	if ratio < benchTarget {
		verdict = "MISS"
	}
	fmt.Fprintf(out, "ratio %.2f (target >= %.2f): %s\n", ratio, benchTarget, verdict)
	return nil
}

func printPhase(out io.Writer, name string, r phaseResult) {
	fmt.Fprintf(out, "%-16s %6d ops in %7.3fs  %8.0f ops/s  p50 %-9s p99 %s\n", name, r.ops, r.elapsed.Seconds(),
		r.opsPerSec(), r.percentile(50).Round(10*time.Microsecond), r.percentile(99).Round(10*time.Microsecond))
}

// benchRaw is the ceiling: writers goroutines each calling db.Batch on a
// fresh bbolt file with default options (fsync on), every call writing one
// annotation record and its index entry, as the store does. The records are
// the annotations the app phase creates, encoded before the clock starts.
func benchRaw(ctx context.Context, path string, doc annotation.Document, drafts []workload.Draft, writers int) (phaseResult, int, error) {
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		return phaseResult{}, 0, err
	}
	defer db.Close()
	recordsBucket, indexBucket := []byte("annotations"), []byte("doc_annotations")
	if err := db.Update(func(tx *bbolt.Tx) error {
		if _, err := tx.CreateBucket(recordsBucket); err != nil {
			return err
		}
		_, err := tx.CreateBucket(indexBucket)
		return err
	}); err != nil {
		return phaseResult{}, 0, err
	}

	type record struct{ key, indexKey, value []byte }
	text := annotation.NewText(doc.Text)
	docID := ulid.Make().String()
	author := annotation.Author{ID: ulid.Make().String(), Name: "bench-admin"}
	records := make([]record, len(drafts))
	total := 0
	for i, d := range drafts {
		a, err := annotation.New(text, docID, 1, annotation.Draft{
			Start: d.Start, End: d.End, Exact: d.Exact, Comment: d.Comment, Tags: d.Tags,
		})
		if err != nil {
			return phaseResult{}, 0, fmt.Errorf("passage %d: %w", i, err)
		}
		a.ID = ulid.Make().String()
		a.Author = author
		a.Created = time.Now().UTC()
		a.Modified = a.Created
		value, err := json.Marshal(a)
		if err != nil {
			return phaseResult{}, 0, err
		}
		records[i] = record{key: []byte(a.ID), indexKey: []byte(docID + "/" + a.ID), value: value}
		total += len(value)
	}

	res, err := runWriters(ctx, len(records), writers, func(i int) error {
		r := records[i]
		return db.Batch(func(tx *bbolt.Tx) error {
			if err := tx.Bucket(indexBucket).Put(r.indexKey, []byte{}); err != nil {
				return err
			}
			return tx.Bucket(recordsBucket).Put(r.key, r.value)
		})
	})
	if err != nil {
		return res, 0, err
	}
	var stored int
	if err := db.View(func(tx *bbolt.Tx) error {
		stored = tx.Bucket(recordsBucket).Stats().KeyN
		return nil
	}); err != nil {
		return res, 0, err
	}
	if stored != len(records) {
		return res, 0, fmt.Errorf("the file holds %d records, want %d", stored, len(records))
	}
	return res, total / len(records), nil
}

// benchApp measures the desk itself: a fresh database with the sample
// article, the real handler stack behind a real HTTP server on loopback, and
// writers concurrent clients POSTing the drafts with an API token.
func benchApp(ctx context.Context, path string, sample annotation.Document, drafts []workload.Draft, writers int) (phaseResult, int, error) {
	db, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		return phaseResult{}, 0, err
	}
	defer db.Close()
	now := time.Now().UTC()
	sample.Created, sample.Modified = now, now
	sample.Source = galley.SampleArticleName
	doc, err := db.CreateDocument(sample)
	if err != nil {
		return phaseResult{}, 0, err
	}
	password, _, err := handlers.NewSecret()
	if err != nil {
		return phaseResult{}, 0, err
	}
	hash, err := handlers.HashPassword(password)
	if err != nil {
		return phaseResult{}, 0, err
	}
	admin, err := db.CreateUser(store.User{Name: "bench-admin", Role: handlers.RoleAdmin, PasswordHash: hash})
	if err != nil {
		return phaseResult{}, 0, err
	}
	token, tokenHash, err := handlers.NewSecret()
	if err != nil {
		return phaseResult{}, 0, err
	}
	if _, err := db.CreateToken(tokenHash, store.Token{UserID: admin.ID, Name: "bench"}); err != nil {
		return phaseResult{}, 0, err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return phaseResult{}, 0, err
	}
	srv := &http.Server{
		Handler:           handlers.New(db, handlers.Config{WriteRate: -1}), // throughput, not a user: no write limit
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	defer func() {
		// Let handlers still running (after an abort) finish before the
		// database closes, then wait for Serve to return.
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if srv.Shutdown(shutdownCtx) != nil {
			_ = srv.Close()
		}
		<-serveErr
	}()

	transport := &http.Transport{
		Proxy:               nil, // loopback only, never through a proxy
		MaxIdleConns:        writers,
		MaxIdleConnsPerHost: writers,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	base := "http://" + ln.Addr().String()

	// Open one connection per writer before the clock starts, as clients
	// that keep their connections would have.
	if _, err := runWriters(ctx, writers, writers, func(int) error {
		return benchRequest(ctx, client, http.MethodGet, base+"/healthz", "", nil, http.StatusOK)
	}); err != nil {
		return phaseResult{}, 0, fmt.Errorf("warming up: %w", err)
	}

	bodies := make([][]byte, len(drafts))
	for i, d := range drafts {
		if bodies[i], err = json.Marshal(d); err != nil {
			return phaseResult{}, 0, err
		}
	}
	url := base + "/api/documents/" + doc.ID + "/annotations"
	res, err := runWriters(ctx, len(bodies), writers, func(i int) error {
		return benchRequest(ctx, client, http.MethodPost, url, token, bodies[i], http.StatusCreated)
	})
	if err != nil {
		return res, 0, err
	}

	anns, err := db.Annotations(doc.ID)
	if err != nil {
		return res, 0, err
	}
	if len(anns) != len(drafts) {
		return res, 0, fmt.Errorf("the store holds %d annotations on the document, want %d", len(anns), len(drafts))
	}
	return res, len(anns), nil
}

// benchRequest sends one request and fails unless the answer has status want.
func benchRequest(ctx context.Context, client *http.Client, method, url, token string, body []byte, want int) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return fmt.Errorf("%s %s answered %s, want %d: %s", method, req.URL.Path, resp.Status, want,
			strings.TrimSpace(string(msg)))
	}
	// Read the whole answer so the connection goes back to the pool.
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// runWriters calls op(i) for every i in [0, n) from writers goroutines,
// timing each call and the whole run. The first error stops every writer
// and is returned; so is ctx's error when it ends first.
func runWriters(parent context.Context, n, writers int, op func(i int) error) (phaseResult, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	latencies := make([]time.Duration, n)
	var (
		next     atomic.Int64
		done     atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range min(writers, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t := time.Now()
				if err := op(i); err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("write %d: %w", i+1, err); cancel() })
					return
				}
				latencies[i] = time.Since(t)
				done.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	got := int(done.Load())
	switch {
	case parent.Err() != nil && got < n:
		return phaseResult{}, fmt.Errorf("aborted with %d of %d writes done: %w", got, n, context.Cause(parent))
	case firstErr != nil:
		return phaseResult{}, firstErr
	case got != n:
		return phaseResult{}, fmt.Errorf("only %d of %d writes done", got, n)
	}
	slices.Sort(latencies)
	return phaseResult{ops: n, elapsed: elapsed, latencies: latencies}, nil
}
