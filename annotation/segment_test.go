package annotation_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"galley/annotation"
)

// seg is an expected segment: document offsets, the ids covering it
// separated by spaces, and optionally its text.
type seg struct {
	start, end int
	ids        string
	text       string
}

// checkSegments asserts the invariant every block's segments keep: they
// are contiguous, non-empty, cover the block exactly, and carry the text
// at their offsets, counted in code points.
func checkSegments(t *testing.T, text annotation.Text, block annotation.Block, segs []annotation.Segment) {
	t.Helper()
	if block.End <= block.Start {
		if len(segs) != 0 {
			t.Errorf("empty block [%d,%d) has %d segments", block.Start, block.End, len(segs))
		}
		return
	}
	if len(segs) == 0 {
		t.Errorf("block [%d,%d) has no segments", block.Start, block.End)
		return
	}
	pos := block.Start
	for i, s := range segs {
		if s.Start != pos {
			t.Errorf("block [%d,%d): segment %d starts at %d, want %d (gap or overlap)", block.Start, block.End, i, s.Start, pos)
		}
		if s.End <= s.Start {
			t.Errorf("block [%d,%d): segment %d [%d,%d) is empty", block.Start, block.End, i, s.Start, s.End)
		}
		if want := text.Slice(s.Start, s.End); s.Text != want {
			t.Errorf("segment %d [%d,%d) Text = %q, want %q", i, s.Start, s.End, s.Text, want)
		}
		if n := utf8.RuneCountInString(s.Text); n != s.End-s.Start {
			t.Errorf("segment %d [%d,%d) Text has %d code points", i, s.Start, s.End, n)
		}
		if s.Depth() != len(s.IDs) {
			t.Errorf("segment %d Depth() = %d, want %d", i, s.Depth(), len(s.IDs))
		}
		pos = s.End
	}
	if pos != block.End {
		t.Errorf("block [%d,%d): segments end at %d", block.Start, block.End, pos)
	}
}

// compareSegments checks segments against the expected ones.
func compareSegments(t *testing.T, got []annotation.Segment, want []seg) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d segments, want %d:\n got %s\nwant %v", len(got), len(want), formatSegments(got), want)
		return
	}
	for i, w := range want {
		g := got[i]
		if g.Start != w.start || g.End != w.end || strings.Join(g.IDs, " ") != w.ids {
			t.Errorf("segment %d = [%d,%d) %q, want [%d,%d) %q\n got %s", i, g.Start, g.End, g.IDs, w.start, w.end, w.ids, formatSegments(got))
		}
		if w.text != "" && g.Text != w.text {
			t.Errorf("segment %d Text = %q, want %q", i, g.Text, w.text)
		}
		if w.ids == "" && g.IDs != nil {
			t.Errorf("segment %d IDs = %#v, want nil for a plain segment", i, g.IDs)
		}
	}
}

func formatSegments(segs []annotation.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		fmt.Fprintf(&b, "[%d-%d %s]", s.Start, s.End, strings.Join(s.IDs, " "))
	}
	return b.String()
}

func TestSegmentDocument(t *testing.T) {
	// Two blocks: "The quick brown fox" [0,19) and "jumps over the lazy dog"
	// [21,44), separated by "\n\n" at [19,21).
	const doc = "The quick brown fox\n\njumps over the lazy dog"
	text := annotation.NewText(doc)
	blocks := []annotation.Block{
		{Kind: annotation.BlockParagraph, Start: 0, End: 19},
		{Kind: annotation.BlockParagraph, Start: 21, End: 44},
	}
	plain1 := []seg{{21, 44, "", ""}}
	tests := []struct {
		name  string
		spans []annotation.Span
		want  [2][]seg
	}{
		{
			name: "no spans",
			want: [2][]seg{{{0, 19, "", "The quick brown fox"}}, {{21, 44, "", "jumps over the lazy dog"}}},
		},
		{
			name:  "disjoint",
			spans: []annotation.Span{{"A", 4, 9}, {"B", 10, 15}},
			want: [2][]seg{{
				{0, 4, "", "The "}, {4, 9, "A", "quick"}, {9, 10, "", " "}, {10, 15, "B", "brown"}, {15, 19, "", " fox"},
			}, plain1},
		},
		{
			name:  "overlapping",
			spans: []annotation.Span{{"A", 0, 10}, {"B", 5, 15}},
			want:  [2][]seg{{{0, 5, "A", ""}, {5, 10, "A B", ""}, {10, 15, "B", ""}, {15, 19, "", ""}}, plain1},
		},
		{
			name:  "overlapping, ids in the order given",
			spans: []annotation.Span{{"B", 5, 15}, {"A", 0, 10}},
			want:  [2][]seg{{{0, 5, "A", ""}, {5, 10, "B A", ""}, {10, 15, "B", ""}, {15, 19, "", ""}}, plain1},
		},
		{
			name:  "nested",
			spans: []annotation.Span{{"A", 0, 19}, {"B", 4, 9}},
			want:  [2][]seg{{{0, 4, "A", ""}, {4, 9, "A B", ""}, {9, 19, "A", ""}}, plain1},
		},
		{
			name:  "nested three deep",
			spans: []annotation.Span{{"A", 2, 17}, {"B", 4, 15}, {"C", 6, 8}},
			want: [2][]seg{{
				{0, 2, "", ""}, {2, 4, "A", ""}, {4, 6, "A B", ""}, {6, 8, "A B C", ""},
				{8, 15, "A B", ""}, {15, 17, "A", ""}, {17, 19, "", ""},
			}, plain1},
		},
		{
			name:  "identical",
			spans: []annotation.Span{{"A", 4, 9}, {"B", 4, 9}},
			want:  [2][]seg{{{0, 4, "", ""}, {4, 9, "A B", "quick"}, {9, 19, "", ""}}, plain1},
		},
		{
			name:  "adjacent",
			spans: []annotation.Span{{"A", 0, 4}, {"B", 4, 9}},
			want:  [2][]seg{{{0, 4, "A", ""}, {4, 9, "B", ""}, {9, 19, "", ""}}, plain1},
		},
		{
			name:  "same start, different ends",
			spans: []annotation.Span{{"A", 4, 9}, {"B", 4, 15}},
			want:  [2][]seg{{{0, 4, "", ""}, {4, 9, "A B", ""}, {9, 15, "B", ""}, {15, 19, "", ""}}, plain1},
		},
		{
			name:  "across two blocks, nothing in the separator",
			spans: []annotation.Span{{"A", 16, 26}},
			want: [2][]seg{
				{{0, 16, "", ""}, {16, 19, "A", "fox"}},
				{{21, 26, "A", "jumps"}, {26, 44, "", ""}},
			},
		},
		{
			name:  "separator only",
			spans: []annotation.Span{{"A", 19, 21}},
			want:  [2][]seg{{{0, 19, "", ""}}, plain1},
		},
		{
			name:  "ends where the separator starts",
			spans: []annotation.Span{{"A", 16, 20}, {"B", 20, 23}},
			want: [2][]seg{
				{{0, 16, "", ""}, {16, 19, "A", ""}},
				{{21, 23, "B", "ju"}, {23, 44, "", ""}},
			},
		},
		{
			name:  "empty and inverted spans ignored",
			spans: []annotation.Span{{"A", 5, 5}, {"B", 9, 3}, {"C", 0, 0}, {"D", 44, 44}},
			want:  [2][]seg{{{0, 19, "", ""}}, plain1},
		},
		{
			name:  "whole block",
			spans: []annotation.Span{{"A", 0, 19}},
			want:  [2][]seg{{{0, 19, "A", ""}}, plain1},
		},
		{
			name:  "whole text",
			spans: []annotation.Span{{"A", 0, 44}},
			want:  [2][]seg{{{0, 19, "A", ""}}, {{21, 44, "A", ""}}},
		},
		{
			name:  "past the end of the text",
			spans: []annotation.Span{{"A", 40, 100}, {"B", 50, 60}},
			want:  [2][]seg{{{0, 19, "", ""}}, {{21, 40, "", ""}, {40, 44, "A", " dog"}}},
		},
		{
			name:  "before the start of the text",
			spans: []annotation.Span{{"A", -5, 3}, {"B", -9, -1}},
			want:  [2][]seg{{{0, 3, "A", "The"}, {3, 19, "", ""}}, plain1},
		},
		{
			name:  "out of order",
			spans: []annotation.Span{{"C", 12, 15}, {"D", 30, 34}, {"A", 0, 3}, {"B", 5, 8}},
			want: [2][]seg{
				{{0, 3, "A", ""}, {3, 5, "", ""}, {5, 8, "B", ""}, {8, 12, "", ""}, {12, 15, "C", ""}, {15, 19, "", ""}},
				{{21, 30, "", ""}, {30, 34, "D", ""}, {34, 44, "", ""}},
			},
		},
		{
			name: "tangle",
			spans: []annotation.Span{
				{"A", 0, 10}, {"B", 2, 8}, {"C", 5, 30}, {"D", 5, 30}, {"E", 8, 9}, {"F", 25, 44},
			},
			want: [2][]seg{
				{{0, 2, "A", ""}, {2, 5, "A B", ""}, {5, 8, "A B C D", ""}, {8, 9, "A C D E", ""}, {9, 10, "A C D", ""}, {10, 19, "C D", ""}},
				{{21, 25, "C D", ""}, {25, 30, "C D F", ""}, {30, 44, "F", ""}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := slices.Clone(tt.spans)
			got := annotation.SegmentDocument(text, blocks, spans)
			if !slices.Equal(spans, tt.spans) {
				t.Errorf("SegmentDocument changed its spans argument")
			}
			if len(got) != len(blocks) {
				t.Fatalf("got %d blocks of segments, want %d", len(got), len(blocks))
			}
			for b := range blocks {
				checkSegments(t, text, blocks[b], got[b])
				compareSegments(t, got[b], tt.want[b])
			}
		})
	}
}

func TestSegmentBlock(t *testing.T) {
	// "北京欢迎你 🎉 Cafe\u0301 👩‍🔬!" by code point:
	// 北0 京1 欢2 迎3 你4 _5 🎉6 _7 C8 a9 f10 e11 ◌́12 _13 👩14 ZWJ15 🔬16 !17
	const para = "\u5317\u4eac\u6b22\u8fce\u4f60 \U0001F389 Cafe\u0301 \U0001F469\u200d\U0001F52C!"
	const doc = "Headline\n\n" + para + "\n\nLast."
	text := annotation.NewText(doc)
	block := annotation.Block{Kind: annotation.BlockParagraph, Start: 10, End: 28}
	if got := text.Slice(block.Start, block.End); got != para {
		t.Fatalf("test block holds %q", got)
	}
	tests := []struct {
		name  string
		block annotation.Block
		spans []annotation.Span
		want  []seg
	}{
		{
			name:  "no spans",
			block: block,
			want:  []seg{{10, 28, "", para}},
		},
		{
			name:  "CJK, emoji and combining mark",
			block: block,
			spans: []annotation.Span{{"cjk", 10, 12}, {"party", 16, 17}, {"accent", 21, 23}, {"zwj", 24, 27}},
			want: []seg{
				{10, 12, "cjk", "\u5317\u4eac"},
				{12, 16, "", "\u6b22\u8fce\u4f60 "},
				{16, 17, "party", "\U0001F389"},
				{17, 21, "", " Caf"},
				{21, 23, "accent", "e\u0301"},
				{23, 24, "", " "},
				{24, 27, "zwj", "\U0001F469\u200d\U0001F52C"},
				{27, 28, "", "!"},
			},
		},
		{
			name:  "cut between a letter and its combining mark",
			block: block,
			spans: []annotation.Span{{"A", 18, 22}, {"B", 22, 26}},
			want: []seg{
				{10, 18, "", ""},
				{18, 22, "A", "Cafe"},
				{22, 26, "B", "\u0301 \U0001F469\u200d"},
				{26, 28, "", "\U0001F52C!"},
			},
		},
		{
			name:  "spans from other blocks are clamped or ignored",
			block: block,
			spans: []annotation.Span{{"head", 0, 8}, {"into", 5, 12}, {"out", 26, 32}, {"last", 30, 35}},
			want: []seg{
				{10, 12, "into", "\u5317\u4eac"},
				{12, 26, "", ""},
				{26, 28, "out", "\U0001F52C!"},
			},
		},
		{
			name:  "empty block",
			block: annotation.Block{Kind: annotation.BlockParagraph, Start: 10, End: 10},
			spans: []annotation.Span{{"A", 0, 30}},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := annotation.SegmentBlock(text, tt.block, tt.spans)
			checkSegments(t, text, tt.block, got)
			compareSegments(t, got, tt.want)
		})
	}
}

// TestSegmentDocumentSampleArticle segments the sample article, with its
// real blocks, under a few annotations placed by quote.
func TestSegmentDocumentSampleArticle(t *testing.T) {
	a := annotation.Parse(readArticle(t, sampleArticle))
	text := annotation.NewText(a.Text)
	span := func(id, quote string) annotation.Span {
		s, e := spanOf(t, a.Text, quote)
		return annotation.Span{ID: id, Start: s, End: e}
	}
	spans := []annotation.Span{
		span("headline", "slams spying on Huawei\n\nBy Chen Weihua"),
		span("nsa", "US National Security Agency"),
		span("sentence", "the US National Security Agency infiltrated servers"),
	}
	got := annotation.SegmentDocument(text, a.Blocks, spans)
	var marked []string
	for b, segs := range got {
		checkSegments(t, text, a.Blocks[b], segs)
		for _, s := range segs {
			if len(s.IDs) > 0 {
				marked = append(marked, fmt.Sprintf("%s:%s=%s", a.Blocks[b].Kind, strings.Join(s.IDs, "+"), s.Text))
			}
		}
	}
	want := []string{
		"headline:headline=slams spying on Huawei",
		"byline:headline=By Chen Weihua",
		"paragraph:sentence=the ",
		"paragraph:nsa+sentence=US National Security Agency",
		"paragraph:sentence= infiltrated servers",
	}
	if !slices.Equal(marked, want) {
		t.Errorf("marked segments:\n got %q\nwant %q", marked, want)
	}
}

// randomSpans makes n spans with unique ids over a text of length n: mostly
// short ones inside a paragraph, some long ones crossing blocks, a few
// reaching outside the text, and a few empty or inverted.
func randomSpans(r *rand.Rand, n, length int) []annotation.Span {
	spans := make([]annotation.Span, n)
	for i := range spans {
		start := r.IntN(length)
		var end int
		switch k := r.IntN(20); {
		case k < 14:
			end = start + 1 + r.IntN(40)
		case k < 17:
			end = start + 1 + r.IntN(600)
		case k < 18:
			start -= r.IntN(10)
			end = start + r.IntN(length+20)
		case k < 19:
			end = start
		default:
			end = start - r.IntN(10)
		}
		spans[i] = annotation.Span{ID: fmt.Sprintf("s%d", i), Start: start, End: end}
	}
	return spans
}

// TestSegmentDocumentProperties checks, on random spans over the sample
// article, what must hold for any input:
//   - each block's segments cover it exactly (checkSegments);
//   - no span starts or ends strictly inside a segment;
//   - a segment's IDs are exactly the spans covering it, in the order given;
//   - adjacent segments of a block differ in their sets of IDs: a segment
//     boundary inside a block is made only where some span starts or ends,
//     and that span is in one of the two sets and not the other. (This needs
//     the ids to be unique, as annotation ids are; two spans with one id, one
//     ending where the other starts, would give equal sets on both sides.)
//   - every boundary inside a block is the start or end of some span.
func TestSegmentDocumentProperties(t *testing.T) {
	a := annotation.Parse(readArticle(t, sampleArticle))
	text := annotation.NewText(a.Text)
	r := rand.New(rand.NewPCG(20140325, 947))
	for round := range 200 {
		n := r.IntN(80)
		spans := randomSpans(r, n, text.Len())
		edges := map[int]bool{}
		for _, sp := range spans {
			if sp.Start < sp.End {
				edges[sp.Start], edges[sp.End] = true, true
			}
		}
		got := annotation.SegmentDocument(text, a.Blocks, spans)
		if len(got) != len(a.Blocks) {
			t.Fatalf("round %d: %d blocks of segments, want %d", round, len(got), len(a.Blocks))
		}
		for b, segs := range got {
			block := a.Blocks[b]
			checkSegments(t, text, block, segs)
			for i, s := range segs {
				var want []string
				for _, sp := range spans {
					if sp.Start >= sp.End {
						continue
					}
					covers := sp.Start <= s.Start && sp.End >= s.End
					disjoint := sp.End <= s.Start || sp.Start >= s.End
					if !covers && !disjoint {
						t.Errorf("round %d: span %s [%d,%d) cuts into segment [%d,%d)", round, sp.ID, sp.Start, sp.End, s.Start, s.End)
					}
					if covers {
						want = append(want, sp.ID)
					}
				}
				if !slices.Equal(s.IDs, want) {
					t.Errorf("round %d: segment [%d,%d) IDs = %v, want %v", round, s.Start, s.End, s.IDs, want)
				}
				if i > 0 {
					if !edges[s.Start] {
						t.Errorf("round %d: boundary at %d inside block [%d,%d) is no span edge", round, s.Start, block.Start, block.End)
					}
					prev := segs[i-1]
					if sameSet(prev.IDs, s.IDs) {
						t.Errorf("round %d: adjacent segments [%d,%d) and [%d,%d) share ids %v", round, prev.Start, prev.End, s.Start, s.End, s.IDs)
					}
				}
			}
		}
		if t.Failed() {
			t.Fatalf("round %d failed with spans %v", round, spans)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// BenchmarkSegmentDocument segments the sample article under growing numbers
// of random spans. There is no quadratic step: ns/span creeps up only
// because, over one fixed text, denser spans overlap more and the output
// (segments plus the ids they carry, out/op) grows faster than the spans;
// ns/out does not grow.
func BenchmarkSegmentDocument(b *testing.B) {
	a := annotation.Parse(readArticle(b, sampleArticle))
	text := annotation.NewText(a.Text)
	for _, n := range []int{250, 500, 1000, 2000} {
		b.Run(fmt.Sprintf("spans=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, uint64(n)))
			spans := make([]annotation.Span, n)
			for i := range spans {
				start := r.IntN(text.Len())
				spans[i] = annotation.Span{ID: fmt.Sprintf("01J%023d", i), Start: start, End: start + 1 + r.IntN(120)}
			}
			// The output grows faster than the spans: over a fixed text,
			// more spans mean more overlap, so more ids per segment.
			out := 0
			for _, segs := range annotation.SegmentDocument(text, a.Blocks, spans) {
				for _, s := range segs {
					out += 1 + len(s.IDs)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				annotation.SegmentDocument(text, a.Blocks, spans)
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(perOp/float64(n), "ns/span")
			b.ReportMetric(float64(out), "out/op")
			b.ReportMetric(perOp/float64(out), "ns/out")
		})
	}
}
