package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

func TestOpenNewFileWritesSchemaVersion(t *testing.T) {
	db := openTestDB(t)
	info, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("file mode = %v, want no access for group and others", perm)
	}
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		var version int
		if err := getJSON(tx.Bucket(bucketMeta), metaSchemaVersion, &version); err != nil {
			return err
		}
		if version != SchemaVersion {
			t.Errorf("schema version = %d, want %d", version, SchemaVersion)
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "galley.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket(bucketMeta), metaSchemaVersion, SchemaVersion+1)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, path)

	db, err = Open(path, Options{})
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a newer schema")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("error = %v, want ErrSchemaTooNew", err)
	}
	for _, want := range []string{"version 2", "version 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the refused file was modified")
	}
}

func TestOpenRefusesOtherFiles(t *testing.T) {
	big := bytes.Repeat([]byte("not a database, just bytes\n"), 4000)
	foreign := func(t *testing.T, path string) {
		t.Helper()
		bdb, err := bbolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = bdb.Update(func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucket([]byte("other"))
			if err != nil {
				return err
			}
			return b.Put([]byte("k"), []byte("v"))
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := bdb.Close(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		write func(t *testing.T, path string)
		want  string
	}{
		{"short text", func(t *testing.T, path string) { writeFile(t, path, []byte("hello\n")) }, "not a Galley database"},
		{"large garbage", func(t *testing.T, path string) { writeFile(t, path, big) }, "not a Galley database"},
		{"another program's bbolt file", foreign, "another program"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "galley.db")
			tt.write(t, path)
			before := readFile(t, path)
			db, err := Open(path, Options{Timeout: 100 * time.Millisecond})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q should name the file and say %q", err, tt.want)
			}
			if errors.Is(err, ErrLocked) || errors.Is(err, ErrSchemaTooNew) {
				t.Errorf("error %v matches the wrong sentinel", err)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("the file was modified")
			}
		})
	}
}

func TestOpenLockedFailsFast(t *testing.T) {
	db := openTestDB(t)
	second, err := Open(db.Path(), Options{Timeout: 100 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("second Open of the same file succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("error = %v, want ErrLocked", err)
	}
	// The message names the holder: this very test process.
	if want := fmt.Sprintf("in use by process %d (", os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	// The first handle still works.
	if _, err := db.CountUsers(); err != nil {
		t.Errorf("first handle after a refused second Open: %v", err)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "galley.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	user, err := db.CreateUser(User{Name: "Ann", Role: "admin", PasswordHash: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	session := Session{UserID: user.ID, CSRF: "csrf", Created: day, Expires: day.Add(time.Hour)}
	if err := db.CreateSession([]byte("session-hash"), session); err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateToken([]byte("token-hash"), Token{UserID: user.ID, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	doc := createTestDocument(t, db)
	ann, err := db.CreateAnnotation(testAnnotation(doc, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	if created, err := db.EnsureSample(testDocument()); err != nil || !created {
		t.Fatalf("EnsureSample = %v, %v", created, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if got, err := db.User(user.ID); err != nil || !reflect.DeepEqual(got, user) {
		t.Errorf("User = %+v, %v; want %+v", got, err, user)
	}
	if got, err := db.Session([]byte("session-hash"), day); err != nil || !reflect.DeepEqual(got, session) {
		t.Errorf("Session = %+v, %v; want %+v", got, err, session)
	}
	if got, err := db.TokenByHash([]byte("token-hash"), day); err != nil || !reflect.DeepEqual(got, token) {
		t.Errorf("TokenByHash = %+v, %v; want %+v", got, err, token)
	}
	if got, err := db.Document(doc.ID); err != nil || !reflect.DeepEqual(got, doc) {
		t.Errorf("Document = %+v, %v; want %+v", got, err, doc)
	}
	if got, err := db.Annotation(ann.ID); err != nil || !reflect.DeepEqual(got, ann) {
		t.Errorf("Annotation = %+v, %v; want %+v", got, err, ann)
	}
	if created, err := db.EnsureSample(testDocument()); err != nil || created {
		t.Errorf("EnsureSample after reopen = %v, %v; want false", created, err)
	}
	assertIndexes(t, db)
}

func TestBackup(t *testing.T) {
	db := openTestDB(t)
	for range 3 {
		doc := createTestDocument(t, db)
		if _, err := db.CreateAnnotation(testAnnotation(doc, 32, 37)); err != nil {
			t.Fatal(err)
		}
	}
	want, err := db.Documents()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		backup func(t *testing.T, path string) int64
	}{
		{"into a file", func(t *testing.T, path string) int64 {
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n, err := db.Backup(f)
			if err != nil {
				t.Fatalf("Backup: %v", err)
			}
			return n
		}},
		{"into a buffer, through a snapshot", func(t *testing.T, path string) int64 {
			var buf bytes.Buffer
			n, err := db.Backup(&buf)
			if err != nil {
				t.Fatalf("Backup: %v", err)
			}
			writeFile(t, path, buf.Bytes())
			return n
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "backup.db")
			n := tt.backup(t, path)
			if size := int64(len(readFile(t, path))); n != size || n == 0 {
				t.Errorf("Backup reported %d bytes, the file has %d", n, size)
			}
			copyDB, err := Open(path, Options{})
			if err != nil {
				t.Fatalf("Open backup: %v", err)
			}
			defer copyDB.Close()
			if err := copyDB.Check(); err != nil {
				t.Errorf("Check backup: %v", err)
			}
			got, err := copyDB.Documents()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("backup documents = %+v, want %+v", got, want)
			}
			assertIndexes(t, copyDB)
		})
	}
	entries, err := os.ReadDir(filepath.Dir(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the database directory holds %d files after backups, want only the database", len(entries))
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
