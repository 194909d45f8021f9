package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestBenchCommand runs the whole bench, both phases, at a tiny size. It
// checks that it works and reports; it never judges the timings.
func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := run([]string{"-writers", "8", "-n", "200", "-dir", dir}, &out)
	t.Logf("output:\n%s", out.String())
	if err != nil {
		t.Fatalf("bench failed: %v", err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^raw bbolt Batch +200 ops in +[0-9.]+s +[0-9]+ ops/s +p50 \S+ +p99 \S+$`),
		regexp.MustCompile(`(?m)^app HTTP POST +200 ops in +[0-9.]+s +[0-9]+ ops/s +p50 \S+ +p99 \S+$`),
		regexp.MustCompile(`(?m)^  \(every answer 201; the store holds exactly 200 annotations on the document\)$`),
		regexp.MustCompile(`(?m)^ratio [0-9]+\.[0-9]{2} \(target >= 0\.50\): (PASS|MISS)$`),
	} {
		if !want.Match(out.Bytes()) {
			t.Errorf("output has no line matching %s", want)
		}
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("bench left %d entries in -dir, first %s", len(left), left[0].Name())
	}
}

// TestBenchRejectsBadFlags checks that wrong sizes are usage errors, found
// before anything is written.
func TestBenchRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-writers", "0"},
		{"-writers", "100000"},
		{"-n", "0"},
		{"-n", "999999999"},
		{"-n", "ten"},
		{"extra"},
	} {
		var out bytes.Buffer
		err := benchCommand(append(args, "-dir", t.TempDir()), &out)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("bench %q: got %v, want a usage error", args, err)
		}
	}
}

// TestBenchWritersStopAtFirstError checks that one failed write fails the
// phase with that error and stops the other writers.
func TestBenchWritersStopAtFirstError(t *testing.T) {
	boom := errors.New("answered 422")
	var calls atomic.Int64
	_, err := runWriters(context.Background(), 10000, 4, func(i int) error {
		calls.Add(1)
		if i == 10 {
			return boom
		}
		// Later writes take a moment, as real ones do, so that the
		// writers see the cancellation before they run out of work.
		time.Sleep(time.Millisecond)
		return nil
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "write 11") {
		t.Fatalf("got %v, want write 11 failing with %v", err, boom)
	}
	if n := calls.Load(); n == 10000 {
		t.Errorf("all %d writes ran after the first error", n)
	}
}

// TestBenchAbortsWhenOutOfTime checks that a run that ends its time says so.
func TestBenchAbortsWhenOutOfTime(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("out of time"))
	_, err := runWriters(ctx, 100, 4, func(int) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "out of time") {
		t.Fatalf("got %v, want an abort naming the cause", err)
	}
}

// TestBenchRequestReportsBadAnswer checks that an answer other than the
// expected status fails with the status and what the server said.
func TestBenchRequestReportsBadAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"error":{"code":"invalid","message":"the quoted text does not match"}}`)
	}))
	defer srv.Close()
	err := benchRequest(context.Background(), srv.Client(), http.MethodPost, srv.URL+"/api/documents/x/annotations",
		"token", []byte(`{}`), http.StatusCreated)
	if err == nil || !strings.Contains(err.Error(), "422") || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("got %v, want the 422 and its message", err)
	}
}

// TestHelp checks that both benches answer -h, and help, with the usage
// rather than a run.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"export", "-h"}, {"-help"}} {
		var out bytes.Buffer
		if err := run(args, &out); !errors.Is(err, flag.ErrHelp) || out.Len() != 0 {
			t.Errorf("galley-bench %q: %v, printed %q; want flag.ErrHelp and nothing run", args, err, out.String())
		}
	}
}
