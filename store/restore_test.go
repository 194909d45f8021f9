package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backupFile writes a backup of db into a new file and returns its path.
func backupFile(t *testing.T, db *DB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(f); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDurableOptions(t *testing.T) {
	db := openTestDB(t)
	if !db.Durable() {
		t.Fatal("the store is opened without fsync on commit (NoSync or NoGrowSync)")
	}
}

func TestCheckSnapshot(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	for i := 0; i < 3; i++ {
		if _, err := db.CreateAnnotation(testAnnotation(doc, 0, 7+i)); err != nil {
			t.Fatal(err)
		}
	}
	good := backupFile(t, db)
	info, err := CheckSnapshot(good)
	if err != nil {
		t.Fatalf("CheckSnapshot(good backup): %v", err)
	}
	if info.Documents != 1 || info.Annotations != 3 || info.SchemaVersion != SchemaVersion || info.Bytes == 0 {
		t.Errorf("info = %+v, want 1 document, 3 annotations, schema %d", info, SchemaVersion)
	}

	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	corrupt := bytes.Clone(data)
	for i := 4096 * 2; i < len(corrupt); i += 97 {
		corrupt[i] ^= 0xff // pages after the two meta pages
	}
	tests := []struct {
		name string
		path string
	}{
		{"missing file", filepath.Join(dir, "nope.db")},
		{"empty file", write("empty.db", nil)},
		{"text file", write("notes.txt", []byte(strings.Repeat("not a database\n", 500)))},
		{"truncated", write("truncated.db", data[:len(data)/3])},
		{"corrupt pages", write("corrupt.db", corrupt)},
		{"a directory", dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := CheckSnapshot(tt.path); err == nil {
				t.Fatal("CheckSnapshot accepted a bad snapshot")
			}
		})
	}
}

func TestRestore(t *testing.T) {
	src := openTestDB(t)
	doc := createTestDocument(t, src)
	a, err := src.CreateAnnotation(testAnnotation(doc, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	snapshot := backupFile(t, src)

	// The target holds other data, which the restore keeps aside.
	target := filepath.Join(t.TempDir(), "galley.db")
	db, err := Open(target, Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateDocument(testDocument())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("refused while the database is open", func(t *testing.T) {
		_, _, err := Restore(target, snapshot, 50e6)
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("Restore on an open database: %v, want ErrLocked", err)
		}
		if _, err := db.Document(other.ID); err != nil {
			t.Fatalf("the open database lost its data: %v", err)
		}
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("refuses a bad snapshot and changes nothing", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.db")
		if err := os.WriteFile(bad, []byte("garbage"), 0o600); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(target)
		if _, _, err := Restore(target, bad, 0); err == nil {
			t.Fatal("Restore accepted garbage")
		}
		after, _ := os.ReadFile(target)
		if !bytes.Equal(before, after) {
			t.Fatal("a refused restore changed the database")
		}
	})

	info, kept, err := Restore(target, snapshot, 0)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if info.Annotations != 1 {
		t.Errorf("info = %+v", info)
	}
	restored, err := Open(target, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if got, err := restored.Annotation(a.ID); err != nil || got.Exact != a.Exact {
		t.Fatalf("restored annotation = %+v, %v", got, err)
	}
	if _, err := restored.Document(other.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the restored database still has the replaced data: %v", err)
	}
	if err := restored.Check(); err != nil {
		t.Fatal(err)
	}
	// The replaced database was kept and still opens with its data.
	old, err := Open(kept, Options{})
	if err != nil {
		t.Fatalf("open kept database %q: %v", kept, err)
	}
	defer old.Close()
	if _, err := old.Document(other.ID); err != nil {
		t.Fatalf("kept database lost its data: %v", err)
	}
}

// TestOpenRefusesTruncatedFile checks that a database cut short (a failed
// copy, a full disk) is reported clearly, without crashing the process on a
// read past the end of the mapped file, and is left as it was.
func TestOpenRefusesTruncatedFile(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	for i := 0; i < 50; i++ {
		if _, err := db.CreateAnnotation(testAnnotation(doc, 0, 7)); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(backupFile(t, db))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.db")
	cut := data[:len(data)/2]
	if err := os.WriteFile(path, cut, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("Open(truncated) = %v, want an error saying the file is truncated", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, cut) {
		t.Fatal("Open changed the truncated file")
	}
}
