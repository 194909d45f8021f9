package annotation

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNewDocument: the importer never panics, and a document it makes
// keeps its invariants: blocks in order inside the text, separated by
// exactly one blank line, with no trailing white space (leading indentation
// is kept), covering it from start to end, and a text that
// normalizing again leaves unchanged.
func FuzzNewDocument(f *testing.F) {
	for _, seed := range []string{
		"BEIJING, Nov 28 09:47\n\nBeijing slams spying on Huawei\n\nBy Chen Weihua\n\nBody text.",
		"Title\r\n\r\n\r\nPara one  \r\nline two\r\rPara \u00e9\u0301 🚀",
		"\ufeff# Markdown title\n\n* item\n\n> quote", "\x00\x01\x1b[31m", "   \n\n\t\n", "a\n\n\n\n\nb",
		"Caption text (Bloomberg)\n\nPara.", strings.Repeat("x", 5000),
	} {
		f.Add(seed, "")
	}
	f.Add("Body", "A <b>title</b>")
	f.Fuzz(func(t *testing.T, raw, title string) {
		doc, err := NewDocument(raw, title)
		if err != nil {
			return
		}
		text := NewText(doc.Text)
		if !utf8.ValidString(doc.Text) || len(doc.Blocks) == 0 {
			t.Fatalf("text %q, %d blocks", doc.Text, len(doc.Blocks))
		}
		if doc.Blocks[0].Start != 0 || doc.Blocks[len(doc.Blocks)-1].End != text.Len() {
			t.Fatalf("blocks %+v do not cover %q", doc.Blocks, doc.Text)
		}
		for i, b := range doc.Blocks {
			if b.Start >= b.End || b.End > text.Len() {
				t.Fatalf("block %d %+v of %q", i, b, doc.Text)
			}
			if i > 0 {
				if sep := text.Slice(doc.Blocks[i-1].End, b.Start); sep != BlockSeparator {
					t.Fatalf("blocks %d and %d separated by %q in %q", i-1, i, sep, doc.Text)
				}
			}
			if s := text.Slice(b.Start, b.End); strings.Contains(s, BlockSeparator) || strings.TrimRight(s, " \t\n") != s || strings.HasPrefix(s, "\n") {
				t.Fatalf("block %d is %q", i, s)
			}
		}
		if again := Parse(doc.Text); again.Text != doc.Text {
			t.Fatalf("normalizing again changes %q to %q", doc.Text, again.Text)
		}
	})
}

// bruteSegments is the obvious quadratic segmentation: for every code
// point of a block, the ids of the spans that cover it, then runs of
// equal sets.
func bruteSegments(text Text, b Block, spans []Span) []Segment {
	var out []Segment
	for i := b.Start; i < b.End; i++ {
		var ids []string
		for _, s := range spans {
			if s.Start < s.End && s.Start <= i && i < s.End {
				ids = append(ids, s.ID)
			}
		}
		if n := len(out); n > 0 && slices.Equal(out[n-1].IDs, ids) {
			out[n-1].End = i + 1
			continue
		}
		out = append(out, Segment{Start: i, End: i + 1, IDs: ids})
	}
	for i := range out {
		out[i].Text = text.Slice(out[i].Start, out[i].End)
	}
	return out
}

// FuzzSegmentDocument checks SegmentDocument against bruteSegments.
func FuzzSegmentDocument(f *testing.F) {
	f.Add("Headline\n\nOne two three.\n\nFour 🚀 five.", []byte{0, 5, 3, 20, 12, 14, 12, 14, 30, 200})
	f.Add("a\n\nb", []byte{})
	f.Add("Café au lait\n\n日本語のテキスト", []byte{1, 1, 0, 40, 5, 3, 2, 9})
	f.Fuzz(func(t *testing.T, raw string, cuts []byte) {
		doc, err := NewDocument(raw, "")
		if err != nil {
			return
		}
		text := NewText(doc.Text)
		var spans []Span
		for i := 0; i+1 < len(cuts) && len(spans) < 40; i += 2 {
			spans = append(spans, Span{ID: string(rune('A' + len(spans))), Start: int(cuts[i]) - 10, End: int(cuts[i+1])})
		}
		got := SegmentDocument(text, doc.Blocks, spans)
		if len(got) != len(doc.Blocks) {
			t.Fatalf("%d block results for %d blocks", len(got), len(doc.Blocks))
		}
		for i, b := range doc.Blocks {
			want := bruteSegments(text, b, spans)
			g := got[i]
			if len(g) != len(want) {
				t.Fatalf("block %d: %d segments, want %d\n got %+v\nwant %+v", i, len(g), len(want), g, want)
			}
			for j := range want {
				if g[j].Start != want[j].Start || g[j].End != want[j].End || g[j].Text != want[j].Text ||
					!sameIDs(g[j].IDs, want[j].IDs) {
					t.Fatalf("block %d segment %d: %+v, want %+v", i, j, g[j], want[j])
				}
			}
		}
	})
}

// sameIDs compares id sets, nil and empty alike.
func sameIDs(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
