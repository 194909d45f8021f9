package annotation_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"galley/annotation"
)

// Test articles in the module's testdata directory.
const (
	sampleArticle  = "beijing-slams-spying-on-huawei.txt"
	unicodeArticle = "unicode-crlf.txt"
)

// readArticle returns the raw bytes of a test article as a string.
func readArticle(t testing.TB, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatalf("read test article: %v", err)
	}
	return string(raw)
}

// runeOffset is the code point offset of the first occurrence of sub in s.
func runeOffset(t testing.TB, s, sub string) int {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%q not found in text", sub)
	}
	return utf8.RuneCountInString(s[:i])
}

// spanOf is the code point span [start, end) of the first occurrence of sub
// in s.
func spanOf(t testing.TB, s, sub string) (int, int) {
	t.Helper()
	start := runeOffset(t, s, sub)
	return start, start + utf8.RuneCountInString(sub)
}

// checkBlocks asserts the layout every parsed article must have: blocks in
// order, non-empty, each one's text free of surrounding white space and of
// blank lines, separated by exactly BlockSeparator, and together covering
// the whole text. The blocks are also checked against a byte-level split of
// the text, so that offsets are known to count code points.
func checkBlocks(t *testing.T, a annotation.Article) {
	t.Helper()
	if a.Text == "" {
		if len(a.Blocks) != 0 {
			t.Fatalf("empty text has %d blocks", len(a.Blocks))
		}
		return
	}
	text := annotation.NewText(a.Text)
	chunks := strings.Split(a.Text, annotation.BlockSeparator)
	if len(chunks) != len(a.Blocks) {
		t.Fatalf("text splits into %d chunks at %q, but there are %d blocks", len(chunks), annotation.BlockSeparator, len(a.Blocks))
	}
	if first := a.Blocks[0]; first.Start != 0 {
		t.Errorf("first block starts at %d, want 0", first.Start)
	}
	if last := a.Blocks[len(a.Blocks)-1]; last.End != text.Len() {
		t.Errorf("last block ends at %d, want the text length %d", last.End, text.Len())
	}
	for i, b := range a.Blocks {
		got := text.Slice(b.Start, b.End)
		if b.End <= b.Start {
			t.Errorf("block %d (%s) is empty: [%d,%d)", i, b.Kind, b.Start, b.End)
		}
		if got != chunks[i] {
			t.Errorf("block %d (%s) [%d,%d) holds %q, want %q", i, b.Kind, b.Start, b.End, got, chunks[i])
		}
		if n := utf8.RuneCountInString(chunks[i]); b.End-b.Start != n {
			t.Errorf("block %d (%s) spans %d code points, its text has %d", i, b.Kind, b.End-b.Start, n)
		}
		if strings.TrimSpace(got) != got {
			t.Errorf("block %d (%s) has surrounding white space: %q", i, b.Kind, got)
		}
		if i > 0 {
			prev := a.Blocks[i-1]
			if sep := text.Slice(prev.End, b.Start); sep != annotation.BlockSeparator {
				t.Errorf("blocks %d and %d are separated by %q, want %q", i-1, i, sep, annotation.BlockSeparator)
			}
		}
	}
}

// kinds lists the kinds of blocks in order.
func kinds(blocks []annotation.Block) []annotation.BlockKind {
	out := make([]annotation.BlockKind, len(blocks))
	for i, b := range blocks {
		out[i] = b.Kind
	}
	return out
}
