package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/bbolt"
)

// SnapshotInfo summarizes a checked backup.
type SnapshotInfo struct {
	SchemaVersion int
	Users         int
	Documents     int
	Annotations   int
	Bytes         int64
}

// CheckSnapshot checks that the file at path is a sound Galley database
// this program can read: a bbolt file that passes bbolt's consistency
// check, with Galley's buckets and a schema version no newer than
// SchemaVersion. It opens the file read-only and changes nothing.
func CheckSnapshot(path string) (SnapshotInfo, error) {
	var info SnapshotInfo
	st, err := os.Stat(path)
	if err != nil {
		return info, fmt.Errorf("store: check snapshot: %w", err)
	}
	if !st.Mode().IsRegular() {
		return info, fmt.Errorf("store: check snapshot %s: not a regular file", path)
	}
	info.Bytes = st.Size()
	if info.Bytes == 0 {
		return info, fmt.Errorf("store: check snapshot %s: the file is empty", path)
	}
	if err := checkTruncated(path); err != nil {
		return info, fmt.Errorf("store: check snapshot %s: %w", path, err)
	}
	bdb, err := bbolt.Open(path, 0o400, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return info, fmt.Errorf("store: check snapshot %s: not a readable Galley database: %w", path, err)
	}
	defer bdb.Close()
	err = guardFaults(func() error {
		return bdb.View(func(tx *bbolt.Tx) error {
			var errs []error
			for err := range tx.Check() {
				if len(errs) < maxCheckErrors {
					errs = append(errs, err)
				}
			}
			if err := errors.Join(errs...); err != nil {
				return fmt.Errorf("the consistency check failed: %w", err)
			}
			meta := tx.Bucket(bucketMeta)
			if meta == nil {
				return errors.New("it has no meta bucket: not a Galley database")
			}
			if err := getJSON(meta, metaSchemaVersion, &info.SchemaVersion); err != nil {
				return fmt.Errorf("reading its schema version: %w", err)
			}
			if info.SchemaVersion > SchemaVersion || info.SchemaVersion < 1 {
				return fmt.Errorf("%w: it has schema version %d, this program knows up to %d", ErrSchemaTooNew, info.SchemaVersion, SchemaVersion)
			}
			count := func(name []byte) int {
				if b := tx.Bucket(name); b != nil {
					return b.Stats().KeyN
				}
				return 0
			}
			info.Users = count(bucketUsers)
			info.Documents = count(bucketDocuments)
			info.Annotations = count(bucketAnnotations)
			return nil
		})
	})
	if err != nil {
		return info, fmt.Errorf("store: check snapshot %s: %w", path, err)
	}
	return info, nil
}

// Restore replaces the database at dbPath with the snapshot at src, after
// checking the snapshot with CheckSnapshot. It holds the database's file
// lock while it works, so it fails with ErrLocked when a server has the
// database open. The replaced file is kept beside it, renamed with a
// ".before-restore-TIME" suffix, and its path returned ("" when there was
// none). The swap is a rename, so a crash leaves either the old or the new
// database in place, never a mix.
func Restore(dbPath, src string, timeout time.Duration) (SnapshotInfo, string, error) {
	info, err := CheckSnapshot(src)
	if err != nil {
		return info, "", err
	}
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	kept := ""
	if _, err := os.Stat(dbPath); err == nil {
		// Take the lock on the current file so no server starts on it
		// meanwhile.
		cur, err := Open(dbPath, Options{Timeout: timeout})
		if err != nil && errors.Is(err, ErrLocked) {
			return info, "", fmt.Errorf("store: restore: %w", err)
		}
		if err == nil {
			defer cur.Close()
		}
		kept = fmt.Sprintf("%s.before-restore-%s", dbPath, time.Now().UTC().Format("20060102T150405Z"))
	}
	dir := filepath.Dir(dbPath)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dbPath)+".restore-*")
	if err != nil {
		return info, "", fmt.Errorf("store: restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := copyFile(tmp, src); err != nil {
		tmp.Close()
		return info, "", fmt.Errorf("store: restore: copying the snapshot: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return info, "", fmt.Errorf("store: restore: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return info, "", fmt.Errorf("store: restore: %w", err)
	}
	if kept != "" {
		if err := os.Link(dbPath, kept); err != nil {
			return info, "", fmt.Errorf("store: restore: keeping the current database as %s: %w", kept, err)
		}
	}
	if err := os.Rename(tmp.Name(), dbPath); err != nil {
		return info, "", fmt.Errorf("store: restore: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return info, kept, fmt.Errorf("store: restore: %w", err)
	}
	return info, kept, nil
}

// copyFile copies the file at src into dst and flushes dst to disk.
func copyFile(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(dst, in); err != nil {
		return err
	}
	return dst.Sync()
}

// syncDir flushes a directory, so that a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Durable reports whether the database is opened the way production needs:
// every commit is flushed to disk (no NoSync, no NoGrowSync).
func (db *DB) Durable() bool {
	return !db.bolt.NoSync && !db.bolt.NoGrowSync
}

// IsStorageFailure reports whether err comes from the disk refusing a
// write: full, over quota, over the file size limit, read-only, or failing.
// Nothing already committed is affected by such a failure; the transaction
// was rolled back. (bbolt reports a failed resize as text only, hence the
// messages.)
func IsStorageFailure(err error) bool {
	if err == nil {
		return false
	}
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG, syscall.EROFS, syscall.EIO} {
		if errors.Is(err, errno) {
			return true
		}
	}
	msg := err.Error()
	for _, s := range []string{"file resize error", "file sync error", "no space left", "file too large", "read-only file system", "quota exceeded"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
