package handlers

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// TestSpoolBody: a small body stays in memory, a larger one goes to a
// temporary file that reads back the same, from the start, as often as
// needed, and is removed on Close.
func TestSpoolBody(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, size := range []int{0, 10, 1024, 1025, 100_000} {
		data := bytes.Repeat([]byte("abcdefghij"), size/10+1)[:size]
		body, err := spoolBody(bytes.NewReader(data), 1024)
		if err != nil {
			t.Fatal(err)
		}
		_, inFile := body.(fileBody)
		if inFile != (size > 1024) {
			t.Errorf("%d bytes: in a file %v", size, inFile)
		}
		for range 2 {
			got, err := io.ReadAll(body)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%d bytes: read back %d bytes, %v", size, len(got), err)
			}
			if _, err := body.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
		}
		if inFile {
			left, _ := os.ReadDir(tmp)
			if len(left) != 1 || !strings.HasPrefix(left[0].Name(), "galley-import-") {
				t.Errorf("%d bytes: the temporary directory holds %v", size, left)
			}
		}
		if err := body.Close(); err != nil {
			t.Fatal(err)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("%d bytes: %d files left after Close", size, len(left))
		}
	}
}
