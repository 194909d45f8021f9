// Package store is Galley's persistence: users, sessions, API tokens,
// documents with their revisions, and annotations, kept in one bbolt file.
// The bucket layout is described in buckets.go.
//
// Every public method opens exactly one transaction and returns plain
// values that stay valid after it ends. A missing record is ErrNotFound
// (wrapped), never a nil result with a nil error.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrNotFound is the sentinel for every missing record.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a change collides with the stored state, such
// as a user name already taken or a document revised meanwhile. It is wrapped
// with a message a person can read.
var ErrConflict = errors.New("store: conflict")

// ErrLocked is returned by Open when another process holds the database file.
var ErrLocked = errors.New("store: database is locked by another process")

// ErrSchemaTooNew is returned by Open for a file written by a newer Galley.
var ErrSchemaTooNew = errors.New("store: database schema is newer than this program")

// SchemaVersion is the version of the bucket layout this program reads and
// writes. Open refuses files with a higher version.
const SchemaVersion = 1

// defaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const defaultTimeout = time.Second

// maxCheckErrors bounds how many problems Check reports one by one.
const maxCheckErrors = 20

// Options tunes Open.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process before failing with ErrLocked; zero means one second.
	Timeout time.Duration
}

// DB is an open Galley database. It is safe for concurrent use.
type DB struct {
	bolt *bbolt.DB
	path string
	hub  *hub
	// threadReads counts ThreadsAfter calls, to pace releaseMapped.
	threadReads atomic.Int64
}

// openError is an error with a message written for a person that still
// matches the sentinels it carries with errors.Is.
type openError struct {
	msg  string
	errs []error
}

func (e *openError) Error() string   { return e.msg }
func (e *openError) Unwrap() []error { return e.errs }

// Open opens the database at path, creating the file (mode 0600) and its
// buckets when it does not exist. It fails with ErrLocked when another
// process holds the file for longer than opts.Timeout, with ErrSchemaTooNew
// for a file written by a newer program, and with a plain error for a file
// that is not a Galley database, which it never modifies.
func Open(path string, opts Options) (*DB, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	if err := checkTruncated(path); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	boltOpts := *bbolt.DefaultOptions
	boltOpts.Timeout = timeout
	bdb, err := bbolt.Open(path, 0o600, &boltOpts)
	if err != nil {
		switch {
		case errors.Is(err, berrors.ErrTimeout):
			holder := lockHolder(path)
			if holder == "" {
				holder = "another process"
			}
			return nil, &openError{
				msg:  fmt.Sprintf("store: open %s: the database is in use by %s; stop it first, or do it in the running server (users and roles: /admin/users; a backup: GET /admin/backup; tokens: /account)", path, holder),
				errs: []error{ErrLocked, err},
			}
		case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
			return nil, fmt.Errorf("store: open %s: the file is not a Galley database or is damaged (left unchanged): %w", path, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := guardFaults(func() error { return bdb.Update(prepare) }); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &DB{bolt: bdb, path: path, hub: newHub()}, nil
}

// prepare checks the schema version of an opened file, writes it on a new
// one, and creates any missing bucket. It writes nothing when it refuses the
// file.
func prepare(tx *bbolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		if k, _ := tx.Cursor().First(); k != nil {
			return fmt.Errorf("the file is a bbolt database of another program (it has bucket %q but no %q bucket)", k, bucketMeta)
		}
		var err error
		if meta, err = tx.CreateBucket(bucketMeta); err != nil {
			return err
		}
		if err := putJSON(meta, metaSchemaVersion, SchemaVersion); err != nil {
			return err
		}
	}
	var version int
	if err := getJSON(meta, metaSchemaVersion, &version); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	switch {
	case version > SchemaVersion:
		return fmt.Errorf("%w: the file has schema version %d, this program knows up to version %d; run a newer galley", ErrSchemaTooNew, version, SchemaVersion)
	case version < 1:
		return fmt.Errorf("the file has an invalid schema version %d", version)
	}
	// Migrations from older versions go here once SchemaVersion grows.
	indexTokens := tx.Bucket(bucketUserTokens) == nil && tx.Bucket(bucketTokens) != nil
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("creating bucket %s: %w", name, err)
		}
	}
	if indexTokens {
		// A file from before the user_tokens index: index its tokens.
		return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			var t Token
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			return tx.Bucket(bucketUserTokens).Put(childKey(t.UserID, t.ID), k)
		})
	}
	return nil
}

// Close releases the database file. The DB must not be used afterwards.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", db.path, err)
	}
	return nil
}

// Path is the file the database was opened from.
func (db *DB) Path() string { return db.path }

// Backup writes a consistent copy of the whole database to w while other
// readers and writers carry on, and returns the number of bytes written.
// The copy opens with Open like the original.
//
// A read transaction that stays open stops bbolt from growing the file, so
// writers would wait on a slow w. Backup therefore streams straight into w
// only when w is a regular file; any other writer (a pipe, a network
// connection) gets a snapshot taken first into a temporary file beside the
// database, with the transaction already closed.
func (db *DB) Backup(w io.Writer) (int64, error) {
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			n, err := db.writeTo(w)
			if err != nil {
				return n, fmt.Errorf("store: backup: %w", err)
			}
			return n, nil
		}
	}
	n, err := db.backupViaSnapshot(w)
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// writeTo copies the database into w inside one read transaction.
func (db *DB) writeTo(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// backupViaSnapshot copies the database into a temporary file, then the
// file into w once the read transaction is over.
func (db *DB) backupViaSnapshot(w io.Writer) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(db.path), "."+filepath.Base(db.path)+".backup-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	if _, err := db.writeTo(tmp); err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return io.Copy(w, tmp)
}

// Check verifies the consistency of the file's pages and returns every
// problem found, joined, or nil for a sound database.
//
// bbolt's check is only sound in a read transaction when nothing writes
// meanwhile, so Check runs in a write transaction that it rolls back: writers
// wait while it runs, readers do not.
func (db *DB) Check() error {
	tx, err := db.bolt.Begin(true)
	if err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var errs []error
	more := 0
	for err := range tx.Check() {
		if len(errs) < maxCheckErrors {
			errs = append(errs, err)
		} else {
			more++
		}
	}
	if more > 0 {
		errs = append(errs, fmt.Errorf("and %d more problems", more))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	return nil
}

// getJSON decodes the value at key into v, or returns ErrNotFound. The
// decoder copies what it keeps, so v outlives the transaction.
func getJSON(b *bbolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return ErrNotFound
	}
	return decodeJSON(key, data, v)
}

// decodeJSON decodes the record stored at key into v.
func decodeJSON(key, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decoding record %q: %w", key, err)
	}
	return nil
}

// putJSON stores v encoded as JSON at key.
func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// maxIDLength bounds ids supplied by callers (imports); generated ULIDs
// have 26 characters.
const maxIDLength = 128

// validID reports whether id can be used as a key and as part of a compound
// key: not empty, bounded, without the key separator or control characters.
func validID(id string) bool {
	return id != "" && len(id) <= maxIDLength &&
		!strings.Contains(id, keySeparator) &&
		strings.IndexFunc(id, unicode.IsControl) < 0
}

// ErrStale matches (with errors.Is) every StaleError.
var ErrStale = errors.New("store: stale version")

// StaleError is a change refused because the record changed since the
// client read it. Current is the stored version.
type StaleError struct{ Current int }

func (e *StaleError) Error() string {
	return fmt.Sprintf("the record changed meanwhile (now at version %d)", e.Current)
}

// Is makes errors.Is(err, ErrStale) true.
func (e *StaleError) Is(target error) bool { return target == ErrStale }

// ErrForbidden is returned when a change would touch records the caller
// said it may not change, such as other people's replies.
var ErrForbidden = errors.New("store: forbidden")

// ErrOpenThreads is returned when a document cannot be approved because
// threads on it are still open.
var ErrOpenThreads = errors.New("store: open threads")
