package main

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestBenchExportCommand runs the whole export bench at a tiny size, as
// make bench-export does: it builds the galley binary and serves with it.
// It checks that every phase runs and the summary is printed; it never
// judges timings or memory.
func TestBenchExportCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := run([]string{"export", "-n", "2000", "-seconds", "2", "-writers", "4", "-dir", dir}, &out)
	t.Logf("output:\n%s", out.String())
	if err != nil {
		t.Fatalf("bench export failed: %v", err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^seed +2000 annotations \+ \d+ replies in transactions of 10000: `),
		regexp.MustCompile(`(?m)^server +pid \d+ at http://127\.0\.0\.1:\d+, VmRSS `),
		regexp.MustCompile(`(?m)^export w3c +\d+ bytes in +[0-9.]+s +[0-9.]+ MB/s +(\d+) items, total (\d+) verified$`),
		regexp.MustCompile(`(?m)^export native +\d+ bytes in +[0-9.]+s +[0-9.]+ MB/s +2000 annotations, \d+ replies, total 2000 verified$`),
		regexp.MustCompile(`(?m)^  memory: VmRSS before [0-9.]+ MiB, VmHWM after [0-9.]+ MiB; `),
		regexp.MustCompile(`(?m)^baseline +\d+ ops in +[0-9.]+s +\d+ ops/s +p50 \S+ +p99 \S+$`),
		regexp.MustCompile(`(?m)^with download +\d+ ops in +[0-9.]+s +\d+ ops/s +p50 \S+ +p99 \S+$`),
		regexp.MustCompile(`(?m)^  \(slow client read \d+ bytes in [0-9.]+s, .*, then hung up; file .* grew: (yes|no); .*remapped during the download: (yes|no)\)$`),
		regexp.MustCompile(`(?m)^summary$`),
		regexp.MustCompile(`(?m)^  peak RSS \(VmHWM\) [0-9.]+ MiB \(target < 64\.0 MiB\): (PASS|MISS)$`),
		regexp.MustCompile(`(?m)^  create p99 with slow download / baseline: [0-9.]+ \(.*\): (PASS|MISS)$`),
		regexp.MustCompile(`(?m)^  no stall with slow download: longest create \S+ \(baseline \S+\), throughput ratio [0-9.]+ .*: (PASS|MISS)$`),
		regexp.MustCompile(`(?m)^  export bytes/s: w3c [0-9.]+ MB/s, native [0-9.]+ MB/s$`),
		regexp.MustCompile(`(?m)^  database file grew during the slow download: (yes|no) \(.*\); bbolt remapped it during the download: (yes|no)$`),
	} {
		if !want.Match(out.Bytes()) {
			t.Errorf("output has no line matching %s", want)
		}
	}
	if m := regexp.MustCompile(`(?m)^export w3c .* (\d+) items, total (\d+) verified$`).FindSubmatch(out.Bytes()); m != nil && string(m[1]) != string(m[2]) {
		t.Errorf("w3c export: %s items but total %s", m[1], m[2])
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("bench export left %d entries in -dir, first %s", len(left), left[0].Name())
	}
}

// TestBenchExportRejectsBadFlags checks that wrong settings are usage
// errors, found before anything starts.
func TestBenchExportRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "0"},
		{"-n", "999999999"},
		{"-writers", "0"},
		{"-seconds", "0"},
		{"-seconds", "1000"},
		{"-slow", "fast"},
		{"-slow", "10B/s"},
		{"extra"},
	} {
		var out bytes.Buffer
		err := benchExportCommand(append(args, "-dir", t.TempDir(), "-galley", "/nonexistent/galley"), &out)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("bench export %q: got %v, want a usage error", args, err)
		}
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]int64{
		"100KiB/s": 100 << 10, "100kib/s": 100 << 10, "1MB/s": 1e6, "2 MiB/s": 2 << 20, "51200": 51200, "1.5KiB": 1536,
	} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "fast", "-1KiB/s", "10 parsecs/s", "0"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) succeeded", in)
		}
	}
}

// TestScanJSON checks the streaming check of a download: counts by path,
// numbers by path, and a failure on anything but one complete value.
func TestScanJSON(t *testing.T) {
	doc := `{"first":{"items":[{"a":[1,2]},{"a":[]},{"a":[3]}]},"total":3,"annotations":[{"replies":[{},{}]},{"replies":[{}]}]}`
	counts, numbers, err := scanJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if counts["first/items"] != 3 || counts["first/items/[]/a"] != 3 || counts["annotations"] != 2 ||
		counts["annotations/[]/replies"] != 3 || numbers["total"] != "3" {
		t.Fatalf("counts %v numbers %v", counts, numbers)
	}
	for _, bad := range []string{doc[:len(doc)-1], doc[:40], doc + "{}", "", `{"a":}`} {
		if _, _, err := scanJSON(strings.NewReader(bad)); err == nil {
			t.Errorf("scanJSON(%q) succeeded", bad)
		}
	}
}
