package annotation

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// checkDiff asserts that ops turn a into b: the runs they keep are equal in
// both, and they account for every code point of each.
func checkDiff(t *testing.T, a, b []rune, ops []diffOp) {
	t.Helper()
	i, j := 0, 0
	for _, op := range ops {
		if op.n <= 0 {
			t.Fatalf("empty op %+v in %+v", op, ops)
		}
		switch op.kind {
		case opEqual:
			if i+op.n > len(a) || j+op.n > len(b) || !slices.Equal(a[i:i+op.n], b[j:j+op.n]) {
				t.Fatalf("equal run %d at old %d, new %d does not match", op.n, i, j)
			}
			i += op.n
			j += op.n
		case opDelete:
			i += op.n
		case opInsert:
			j += op.n
		}
	}
	if i != len(a) || j != len(b) {
		t.Fatalf("ops cover %d of %d old and %d of %d new code points", i, len(a), j, len(b))
	}
}

// checkAlignment asserts that an alignment is sound: its runs and edits
// tile both texts in order, every run holds the same text in both, every
// moved piece lies in deleted text and in inserted text (outside the runs)
// and holds the same text when it says so, and no code point is moved
// twice. It returns how many code points the runs and moves keep.
func checkAlignment(t *testing.T, a, b []rune, al *alignment) int {
	t.Helper()
	type seg struct{ a, b, c, d int }
	var segs []seg
	for _, r := range al.runs {
		if r.n <= 0 || !slices.Equal(a[r.old:r.old+r.n], b[r.new:r.new+r.n]) {
			t.Fatalf("run %+v does not hold the same text", r)
		}
		segs = append(segs, seg{r.old, r.old + r.n, r.new, r.new + r.n})
	}
	for _, e := range al.edits {
		if e.a == e.b && e.c == e.d {
			t.Fatalf("empty edit %+v", e)
		}
		segs = append(segs, seg{e.a, e.b, e.c, e.d})
	}
	slices.SortFunc(segs, func(x, y seg) int { return x.a - y.a + x.c - y.c })
	i, j := 0, 0
	for _, s := range segs {
		if s.a != i || s.c != j {
			t.Fatalf("segment %+v does not follow old %d, new %d", s, i, j)
		}
		i, j = s.b, s.d
	}
	if i != len(a) || j != len(b) {
		t.Fatalf("segments cover %d of %d old and %d of %d new code points", i, len(a), j, len(b))
	}
	kept := 0
	for _, r := range al.runs {
		kept += r.n
	}
	usedA, usedB := make([]bool, len(a)), make([]bool, len(b))
	inGap := func(lo, hi int, old bool) bool {
		for _, r := range al.runs {
			if old && lo < r.old+r.n && r.old < hi || !old && lo < r.new+r.n && r.new < hi {
				return false
			}
		}
		return true
	}
	for _, p := range al.moved {
		if !inGap(p.a, p.b, true) || !inGap(p.c, p.d, false) {
			t.Fatalf("moved piece %+v is not in deleted and inserted text", p)
		}
		if p.same {
			if !slices.Equal(a[p.a:p.b], b[p.c:p.d]) {
				t.Fatalf("moved piece %+v does not hold the same text", p)
			}
			kept += p.b - p.a
		}
		for k := p.a; k < p.b; k++ {
			if usedA[k] {
				t.Fatalf("old %d moved twice", k)
			}
			usedA[k] = true
		}
		for k := p.c; k < p.d; k++ {
			if usedB[k] {
				t.Fatalf("new %d moved into twice", k)
			}
			usedB[k] = true
		}
	}
	return kept
}

func TestAlign(t *testing.T) {
	tests := []struct {
		a, b     string
		wantKept int // code points kept
	}{
		{"", "", 0},
		{"abc", "", 0},
		{"", "abc", 0},
		{"same text\n\nhere", "same text\n\nhere", 15},
		{"The quick brown fox", "The quick red fox", 14},
		{"recieve the parcel", "receive the parcel", 16},
		// A word moved is deleted and inserted; a paragraph moved is kept.
		{"one\n\ntwo\n\nthree\n", "two\n\none\n\nthree\n", 11},
		{"a paragraph that moved, long enough to be one\n\nstays\n\nhere\n", "stays\n\nhere\n\na paragraph that moved, long enough to be one\n", 46},
		{"a paragraph that moved, long enough to be one\n\nanother that stays, longer than the paragraph that moved\n",
			"another that stays, longer than the paragraph that moved\n\na paragraph that moved, long enough to be one\n", 102},
		{"😀 中文 naïve\n", "😀 中文字 naïve\n", 11},
	}
	for _, tt := range tests {
		a, b := []rune(tt.a), []rune(tt.b)
		if kept := checkAlignment(t, a, b, align(a, b)); kept != tt.wantKept {
			t.Errorf("align(%q, %q) keeps %d code points, want %d", tt.a, tt.b, kept, tt.wantKept)
		}
	}
}

func TestDiffSeqIsMinimal(t *testing.T) {
	// On small random sequences the diff keeps a longest common
	// subsequence.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		a := make([]int32, rng.IntN(40))
		b := make([]int32, rng.IntN(40))
		for i := range a {
			a[i] = rng.Int32N(4)
		}
		for i := range b {
			b[i] = rng.Int32N(4)
		}
		ops := diffSeq(a, b)
		checkDiff(t, []rune(a), []rune(b), ops)
		kept := 0
		for _, op := range ops {
			if op.kind == opEqual {
				kept += op.n
			}
		}
		if want := lcs(a, b); kept != want {
			t.Fatalf("diff of %v and %v keeps %d, LCS is %d", a, b, kept, want)
		}
	}
}

func lcs(a, b []int32) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// TestAlignRandomEdits: alignments of random texts and random edits of
// them are always sound.
func TestAlignRandomEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []rune("ab c\n é😀中.\"")
	for range 300 {
		a := make([]rune, rng.IntN(300))
		for i := range a {
			a[i] = alphabet[rng.IntN(len(alphabet))]
		}
		b := slices.Clone(a)
		for e := rng.IntN(10); e > 0 && len(b) > 0; e-- {
			i := rng.IntN(len(b))
			switch rng.IntN(4) {
			case 0:
				b = slices.Delete(b, i, min(len(b), i+rng.IntN(20)))
			case 1:
				b = slices.Insert(b, i, alphabet[rng.IntN(len(alphabet))])
			case 2:
				j := rng.IntN(len(b))
				lo, hi := min(i, j), max(i, j)
				moved := slices.Clone(b[lo:hi])
				b = append(slices.Delete(b, lo, hi), moved...)
			default:
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		checkAlignment(t, a, b, align(a, b))
	}
}

// longPara is a paragraph longer than any sentence of TestMapping's.
const longPara = "Huawei has some 150,000 employees across the world, and its products and solutions are used in more than 170 countries, serving about one-third of the global population."

// TestMapping carries one span through one revision and checks the exact
// new span, or an orphan (want "").
func TestMapping(t *testing.T) {
	const para = "The agency infiltrated servers in the headquarters. Huawei condemned it. Beijing wants a clear explanation."
	tests := []struct {
		name      string
		old, new  string
		span      string // in old
		want      string // in new ("" for an orphan)
		wantAt    int    // the occurrence of want in new
		wantState Anchor
	}{
		{"insertion at the span's start stays outside", para,
			strings.Replace(para, "Huawei condemned", "Indeed Huawei condemned", 1),
			"Huawei condemned it.", "Huawei condemned it.", 0, AnchorExact},
		{"insertion at the span's end stays outside", para,
			strings.Replace(para, "condemned it.", "condemned it. Officially.", 1),
			"Huawei condemned it.", "Huawei condemned it.", 0, AnchorExact},
		{"insertion strictly inside joins the span", para,
			strings.Replace(para, "Huawei condemned", "Huawei strongly condemned", 1),
			"Huawei condemned it.", "Huawei strongly condemned it.", 0, AnchorMoved},
		{"a swap of two sentences inside the span keeps both", para,
			"Huawei condemned it. The agency infiltrated servers in the headquarters. Beijing wants a clear explanation.",
			"The agency infiltrated servers in the headquarters. Huawei condemned it.",
			"Huawei condemned it. The agency infiltrated servers in the headquarters.", 0, AnchorMoved},
		{"a sentence swapped with its neighbour is followed", para,
			"Huawei condemned it. The agency infiltrated servers in the headquarters. Beijing wants a clear explanation.",
			"The agency infiltrated servers in the headquarters.", "The agency infiltrated servers in the headquarters.", 0, AnchorExact},
		{"a paragraph unwrapped", "The agency infiltrated\nservers in the headquarters\nof Huawei.\n\nNext.",
			"The agency infiltrated servers in the headquarters of Huawei.\n\nNext.",
			"infiltrated\nservers in the headquarters", "infiltrated servers in the headquarters", 0, AnchorMoved},
		{"white space collapsed and quotes made curly", `He said "no"  twice.`, "He said “no” twice.",
			`"no"  twice`, "“no” twice", 0, AnchorMoved},
		{"a decoy copy before the original does not take it", para,
			"Huawei condemned it in a statement.\n\n" + strings.Replace(para, "condemned it", "condemned it firmly", 1),
			"Huawei condemned it.", "Huawei condemned it firmly.", 0, AnchorMoved},
		{"a decoy copy elsewhere does not keep a deleted passage", "First paragraph.\n\n" + para + "\n\n" + longPara,
			"First paragraph.\n\n" + longPara + "\n\nAs noted above, The agency infiltrated servers in the headquarters.",
			"The agency infiltrated servers in the headquarters.", "", 0, AnchorOrphaned},
		{"a typo fixed in a one-word span", "He recieved it.", "He received it.", "recieved", "received", 0, AnchorMoved},
		{"a word replaced at the span's start belongs to it", para,
			strings.Replace(para, "Huawei condemned", "Huawei denounced", 1),
			"condemned it.", "denounced it.", 0, AnchorMoved},
		{"more than half deleted is gone", para, strings.Replace(para, " Huawei condemned it.", " Huawei.", 1),
			"Huawei condemned it.", "", 0, AnchorOrphaned},
		{"less than half deleted keeps the rest", para, strings.Replace(para, "infiltrated servers in the headquarters", "infiltrated servers", 1),
			"The agency infiltrated servers in the headquarters.", "The agency infiltrated servers.", 0, AnchorMoved},
		{"a paragraph moved far keeps its spans", "One.\n\nThe agency infiltrated servers in the headquarters of Huawei, the paper said.\n\nTwo.\n\nThree.",
			"One.\n\nTwo.\n\nThree.\n\nThe agency infiltrated servers in the headquarters of Huawei, the paper said.",
			"servers in the headquarters", "servers in the headquarters", 0, AnchorExact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, nw := Text(tt.old), Text(tt.new)
			start := strings.Index(tt.old, tt.span)
			if start < 0 {
				t.Fatalf("%q not in the old text", tt.span)
			}
			start = len([]rune(tt.old[:start]))
			sel, err := old.Select(start, start+len([]rune(tt.span)), tt.span)
			if err != nil {
				t.Fatal(err)
			}
			checkAlignment(t, old, nw, align(old, nw))
			got := NewMapping(old, nw).Reanchor(sel)
			if got.State != tt.wantState {
				t.Errorf("state %s, want %s (%q)", got.State, tt.wantState, nw.Slice(got.Start, got.End))
			}
			if tt.want == "" {
				return
			}
			at := -1
			for k, rest := 0, tt.new; k <= tt.wantAt; k++ {
				i := strings.Index(rest, tt.want)
				if i < 0 {
					t.Fatalf("%q not in the new text", tt.want)
				}
				at += i + 1
				rest = rest[i+1:]
			}
			want := len([]rune(tt.new[:at]))
			if got.Start != want || got.End != want+len([]rune(tt.want)) {
				t.Errorf("got [%d,%d) %q, want [%d,%d) %q", got.Start, got.End, nw.Slice(got.Start, got.End), want, want+len([]rune(tt.want)), tt.want)
			}
		})
	}
}
