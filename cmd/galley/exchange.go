package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"galley/exchange"
	"galley/store"
)

// defaultBaseURL is the base of exported IRIs when GALLEY_BASE_URL is not
// set: the address a local desk serves on.
const defaultBaseURL = "http://localhost:8080"

// baseURLFlag adds -base-url, defaulting to GALLEY_BASE_URL.
func baseURLFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("GALLEY_BASE_URL")
	if def == "" {
		def = defaultBaseURL
	}
	return fs.String("base-url", def, "the desk's public address, the base of exported IRIs (or GALLEY_BASE_URL)")
}

// exportCommand writes a document's annotations (or every document's):
// galley export DOC_ID --format w3c|native [-o FILE], galley export --all.
func exportCommand(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	format := fs.String("format", exchange.FormatW3C, "w3c (Web Annotation JSON-LD) or native (the annotated article)")
	out := fs.String("o", "", "write to FILE instead of standard output")
	all := fs.Bool("all", false, "export every document")
	base := baseURLFlag(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if _, err := exchange.ParseFormat(*format); err != nil {
		return usageError{err.Error()}
	}
	switch {
	case *all && len(pos) != 0, !*all && len(pos) != 1:
		return usageError{"export takes one DOC_ID, or --all"}
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()

	w, finish, err := output(*out)
	if err != nil {
		return err
	}
	o := exchange.Options{BaseURL: *base, Progress: progressLine("exported")}
	var n int
	switch {
	case *all && *format == exchange.FormatNative:
		n, err = exchange.NativeAll(w, db, o)
	case *all:
		n, err = exchange.W3CAll(w, db, o)
	case *format == exchange.FormatNative:
		n, err = exchange.Native(w, db, pos[0], o)
	default:
		n, err = exchange.W3C(w, db, pos[0], o)
	}
	if errors.Is(err, store.ErrNotFound) {
		err = fmt.Errorf("there is no document %q (galley export lists none; see the document list or GET /api/documents)", pos[0])
	}
	if o.Progress != nil {
		fmt.Fprintln(os.Stderr)
	}
	if err := finish(err); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(os.Stderr, "Wrote %d annotations and replies to %s.\n", n, *out)
	}
	return nil
}

// output opens where an export goes; finish closes it and, when the export
// failed, removes a half-written file.
func output(path string) (io.Writer, func(error) error, error) {
	if path == "" {
		return os.Stdout, func(err error) error { return err }, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644) // #nosec G302 -- an export is meant to be shared, like any file the user writes
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
		return err
	}, nil
}

// importAnnotationsCommand imports W3C annotations into a document:
// galley import-annotations DOC_ID FILE.
func importAnnotationsCommand(args []string) error {
	fs := flag.NewFlagSet("import-annotations", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"import-annotations takes DOC_ID FILE"}
	}
	// Read as a stream, twice (see exchange.ImportFrom): the file is never
	// held in memory.
	f, err := os.Open(pos[1])
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if isTerminal(os.Stderr) {
		if info, err := f.Stat(); err == nil {
			fmt.Fprintf(os.Stderr, "importing %s (%d bytes)…\n", pos[1], info.Size())
		}
	}
	res, err := exchange.ImportFrom(db, pos[0], f, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no document %q", pos[0])
	}
	if err != nil {
		return err
	}
	fmt.Printf("imported %d annotations (%d exact, %d fuzzy, %d orphaned) and %d replies; %d already imported; %d skipped\n",
		res.Imported, res.Exact, res.Fuzzy, res.Orphaned, res.Replies, res.Duplicates, len(res.Errors))
	for _, e := range res.Errors {
		fmt.Fprintf(os.Stderr, "skipped %s\n", e.Error())
	}
	return nil
}

// progressLine reports progress on standard error when it is a terminal,
// rewriting one line; elsewhere (a pipe, a log) it stays silent.
func progressLine(verb string) func(int) {
	if !isTerminal(os.Stderr) {
		return nil
	}
	start := time.Now()
	return func(n int) {
		fmt.Fprintf(os.Stderr, "\r%s %d annotations and replies (%s)", verb, n, time.Since(start).Round(100*time.Millisecond))
	}
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
