package annotation

import "unicode"

// A diff between two texts, as runs of operations counted in code points.
type diffOp struct {
	kind opKind
	n    int
}

type opKind uint8

const (
	opEqual opKind = iota
	opDelete
	opInsert
)

// maxBisectCost bounds the edit steps explored when splitting one hunk of a
// diff: a hunk that costs more is taken as deleted and inserted whole.
const maxBisectCost = 8192

// splitLines cuts text after each newline.
func splitLines(text []rune) [][]rune {
	var out [][]rune
	start := 0
	for i, r := range text {
		if r == '\n' {
			out = append(out, text[start:i+1])
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// splitWords cuts text into words (runs of letters, digits and marks, in
// scripts written with spaces) and single other code points (spaces,
// punctuation, and each ideograph or kana).
func splitWords(text []rune) [][]rune {
	var out [][]rune
	inWord := func(r rune) bool {
		return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
	}
	for i := 0; i < len(text); {
		j := i + 1
		if inWord(text[i]) {
			for j < len(text) && inWord(text[j]) {
				j++
			}
		}
		out = append(out, text[i:j])
		i = j
	}
	return out
}

// diffBuilder collects operations, merging neighbours of one kind.
type diffBuilder struct{ ops []diffOp }

func (b *diffBuilder) add(kind opKind, n int) {
	if n <= 0 {
		return
	}
	if k := len(b.ops); k > 0 && b.ops[k-1].kind == kind {
		b.ops[k-1].n += n
		return
	}
	b.ops = append(b.ops, diffOp{kind, n})
}

// diffSeq is Myers' O(ND) diff of two sequences, in linear space by
// splitting at the middle snake, after trimming the common prefix and
// suffix. A hunk whose split costs more than maxBisectCost edit steps is
// given up on: deleted and inserted whole.
func diffSeq(a, b []int32) []diffOp {
	var out diffBuilder
	diffInto(&out, a, b)
	return out.ops
}

func diffInto(out *diffBuilder, a, b []int32) {
	p, s := commonEnds(a, b)
	out.add(opEqual, p)
	a, b = a[p:len(a)-s], b[p:len(b)-s]
	switch {
	case len(a) == 0:
		out.add(opInsert, len(b))
	case len(b) == 0:
		out.add(opDelete, len(a))
	default:
		if x, y, ok := bisect(a, b); ok {
			diffInto(out, a[:x], b[:y])
			diffInto(out, a[x:], b[y:])
		} else {
			out.add(opDelete, len(a))
			out.add(opInsert, len(b))
		}
	}
	out.add(opEqual, s)
}

// commonEnds is how long a start (p) and then an end (s) a and b share.
func commonEnds(a, b []int32) (p, s int) {
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	return p, s
}

// advance moves offsets i (old) and j (new) past op.
func (op diffOp) advance(i, j int) (int, int) {
	switch op.kind {
	case opEqual:
		return i + op.n, j + op.n
	case opDelete:
		return i + op.n, j
	}
	return i, j + op.n
}

// bisect finds the middle snake of an optimal edit path between a and b,
// searching from both ends at once (Myers 1986, section 4b; the shape of
// diff-match-patch's diff_bisect). It returns the split point, or false
// when a and b share nothing or the search exceeds maxBisectCost.
func bisect(a, b []int32) (int, int, bool) {
	n, m := len(a), len(b)
	maxD := (n + m + 1) / 2
	limit := min(maxD, maxBisectCost)
	off := limit + 1
	size := 2*limit + 3
	v1 := make([]int, size)
	v2 := make([]int, size)
	for i := range v1 {
		v1[i], v2[i] = -1, -1
	}
	v1[off+1], v2[off+1] = 0, 0
	delta := n - m
	front := delta%2 != 0
	k1start, k1end, k2start, k2end := 0, 0, 0, 0
	for d := 0; d < limit; d++ {
		for k1 := -d + k1start; k1 <= d-k1end; k1 += 2 {
			i := off + k1
			var x1 int
			if k1 == -d || k1 != d && v1[i-1] < v1[i+1] {
				x1 = v1[i+1]
			} else {
				x1 = v1[i-1] + 1
			}
			y1 := x1 - k1
			for x1 < n && y1 < m && a[x1] == b[y1] {
				x1++
				y1++
			}
			v1[i] = x1
			switch {
			case x1 > n:
				k1end += 2
			case y1 > m:
				k1start += 2
			case front:
				j := off + delta - k1
				if j >= 0 && j < size && v2[j] != -1 && x1 >= n-v2[j] {
					return x1, y1, true
				}
			}
		}
		for k2 := -d + k2start; k2 <= d-k2end; k2 += 2 {
			i := off + k2
			var x2 int
			if k2 == -d || k2 != d && v2[i-1] < v2[i+1] {
				x2 = v2[i+1]
			} else {
				x2 = v2[i-1] + 1
			}
			y2 := x2 - k2
			for x2 < n && y2 < m && a[n-x2-1] == b[m-y2-1] {
				x2++
				y2++
			}
			v2[i] = x2
			switch {
			case x2 > n:
				k2end += 2
			case y2 > m:
				k2start += 2
			case !front:
				j := off + delta - k2
				if j >= 0 && j < size && v1[j] != -1 {
					x1 := v1[j]
					y1 := off + x1 - j
					if x1 >= n-x2 {
						return x1, y1, true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// interner numbers distinct tokens (lines or words), so that sequences of
// tokens diff as sequences of integers.
type interner map[string]int32

// seq is the sequence of numbers of toks, numbering new tokens as it goes.
func (in interner) seq(toks [][]rune) []int32 {
	seq := make([]int32, len(toks))
	for i, t := range toks {
		id, ok := in[string(t)]
		if !ok {
			id = int32(len(in))
			in[string(t)] = id
		}
		seq[i] = id
	}
	return seq
}
