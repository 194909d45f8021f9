package annotation

import (
	"math/rand/v2"
	"slices"
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

// checkTextDiff asserts that a text diff is sound: every run and move holds
// the same text in both texts, runs are in order in both, and nothing is
// covered twice.
func checkTextDiff(t *testing.T, a, b []rune, d textDiff) int {
	t.Helper()
	usedA := make([]bool, len(a))
	usedB := make([]bool, len(b))
	kept := 0
	prev := run{}
	for k, r := range append(slices.Clone(d.runs), d.moves...) {
		if r.n <= 0 || r.old < 0 || r.new < 0 || r.old+r.n > len(a) || r.new+r.n > len(b) || !slices.Equal(a[r.old:r.old+r.n], b[r.new:r.new+r.n]) {
			t.Fatalf("run %+v does not hold the same text", r)
		}
		if k > 0 && k < len(d.runs) && (r.old < prev.old+prev.n || r.new < prev.new+prev.n) {
			t.Fatalf("runs %+v and %+v out of order", prev, r)
		}
		prev = r
		for i := 0; i < r.n; i++ {
			if usedA[r.old+i] || usedB[r.new+i] {
				t.Fatalf("run %+v overlaps another", r)
			}
			usedA[r.old+i], usedB[r.new+i] = true, true
		}
		kept += r.n
	}
	return kept
}

func TestDiffTexts(t *testing.T) {
	tests := []struct {
		a, b    string
		wantEqu int // code points kept
	}{
		{"", "", 0},
		{"abc", "", 0},
		{"", "abc", 0},
		{"same text\n\nhere", "same text\n\nhere", 15},
		{"The quick brown fox", "The quick red fox", 14},
		{"recieve the parcel", "receive the parcel", 17},
		{"one\n\ntwo\n\nthree\n", "two\n\none\n\nthree\n", 11},
		{"a moved paragraph\n\nstays\n\nhere\n", "stays\n\nhere\n\na moved paragraph\n", 30},
		{"😀 中文 naïve\n", "😀 中文字 naïve\n", 11},
	}
	for _, tt := range tests {
		a, b := []rune(tt.a), []rune(tt.b)
		d := diffTexts(a, b)
		if kept := checkTextDiff(t, a, b, d); kept != tt.wantEqu {
			t.Errorf("diff(%q, %q) keeps %d code points, want %d: %+v", tt.a, tt.b, kept, tt.wantEqu, d)
		}
	}
}

func TestDiffSeqIsMinimal(t *testing.T) {
	// On small random sequences the diff keeps a longest common
	// subsequence.
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 500; n++ {
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

func TestDiffTextsRandomEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []rune("ab c\n é😀中")
	for n := 0; n < 300; n++ {
		a := make([]rune, rng.IntN(300))
		for i := range a {
			a[i] = alphabet[rng.IntN(len(alphabet))]
		}
		b := slices.Clone(a)
		for e := rng.IntN(10); e > 0 && len(b) > 0; e-- {
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b = slices.Delete(b, i, min(len(b), i+rng.IntN(20)))
			case 1:
				b = slices.Insert(b, i, alphabet[rng.IntN(len(alphabet))])
			default:
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		checkTextDiff(t, a, b, diffTexts(a, b))
	}
}
