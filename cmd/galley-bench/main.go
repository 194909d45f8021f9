// Command galley-bench measures Galley against the performance budgets of
// its design, on throwaway databases:
//
//	galley-bench [-writers 64] [-n 4000] [-dir DIR] [-seed 1]
//	galley-bench export [-n 100000] [-writers 8] [-slow 100KiB/s] [-seconds 15] [-fill] [-dir DIR] [-seed 1] [-galley FILE]
//
// It is kept out of the galley binary: the server does not ship its
// benchmarks.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `galley-bench: measure Galley against its performance budgets.

Usage:
  galley-bench [-writers 64] [-n 4000] [-dir DIR] [-seed 1]
      create throughput: concurrent HTTP clients POST annotations to the real
      handler stack, against raw bbolt Batch writes with as many writers
      (target: a ratio of at least 0.50)
  galley-bench export [-n 100000] [-writers 8] [-slow 100KiB/s] [-seconds 15]
                      [-fill=true] [-dir DIR] [-seed 1] [-galley FILE]
      a large export from a real galley server: bytes/s and peak memory of
      the W3C and native downloads, then create latency with and without a
      slow download. The server is built from ./cmd/galley with the go
      command, unless -galley names a binary.

Both print PASS or MISS for each budget; they fail only when something
breaks (an error, an unexpected answer, a wrong count).
`

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Print(usage)
			return
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "galley-bench: %v\n\n%s", err, usage)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "galley-bench: %v\n", err)
		os.Exit(1)
	}
}

// run dispatches to the create bench or, after "export", the export bench.
func run(args []string, out io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return benchExportCommand(args[1:], out)
		case "help":
			return flag.ErrHelp
		}
	}
	return benchCommand(args, out)
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parseFlags parses a bench's flags; the benches take no other arguments.
// Help is returned as flag.ErrHelp, any other mistake as a usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // main prints the usage
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s takes no arguments, got %q", fs.Name(), fs.Args())}
	}
	return nil
}
