package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"galley"
	"galley/store"
)

// dbFlag adds -db to a command's flags, defaulting to GALLEY_DB or galley.db.
func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("GALLEY_DB")
	if def == "" {
		def = "galley.db"
	}
	return fs.String("db", def, "database file (or GALLEY_DB)")
}

// openDB opens the database, failing fast when another process holds it,
// and makes sure a new database starts with the sample article.
func openDB(path string) (*store.DB, error) {
	db, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	doc, err := galley.SampleDocument(time.Now().UTC())
	if err == nil {
		_, err = db.EnsureSample(doc)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("adding the sample article: %w", err)
	}
	return db, nil
}

// parseArgs parses flags that may come before or after positional
// arguments ("user add NAME --role editor" as well as "--role editor NAME").
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
		if len(args) > 0 && args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
	}
}

// positional parses a command's flags and its one positional argument.
func positional(fs *flag.FlagSet, args []string, what string) (string, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
		return "", usageError{"expected one " + what}
	}
	return pos[0], nil
}
