package annotation

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// An alignment pairs the code points of an old text with the code points of
// a new text that they became, as runs: [old, old+n) became [new, new+n).
// Runs keep their order in both texts; between them lie edits, each old
// text replaced by new text (a deletion when the new side is empty, an
// insertion when the old side is). Moves are blocks of deleted text found
// again among the inserted text (a sentence moved within its paragraph, a
// paragraph moved elsewhere).
type alignment struct {
	runs       []run        // increasing in old and in new offsets
	edits      []edit       // between the runs, increasing in old and new offsets
	moved      []movedPiece // the moves, increasing in old offsets
	movedByNew []movedPiece // the same, increasing in new offsets
	oldLen     int
	newLen     int
}

// run is a stretch of n code points that is the same in both texts, at old
// offset old and new offset new.
type run struct{ old, new, n int }

// movedPiece is part of a block that moved: old [a, b) became new [c, d),
// unchanged (same) or as an edit.
type movedPiece struct {
	a, b, c, d int
	same, unit bool
}

// edit is old [a, b) replaced by new [c, d). A unit edit is one token
// replaced by its edited self (a word with a typo fixed or inflected, white
// space unwrapped or collapsed, a quote made curly): its code points count
// as replaced, never as deleted.
type edit struct {
	a, b, c, d int
	unit       bool
}

// Limits that keep an alignment cheap on texts that share little.
const (
	// maxWordPairing bounds the tokens of one changed stretch (deleted
	// times inserted) whose words are paired up as edits of each other.
	maxWordPairing = 4096
	// maxSubstringCells bounds the stretches (tokens deleted times
	// inserted) without a unique word that are split at their longest
	// common run; larger ones are left to Myers' diff.
	maxSubstringCells = 1 << 18
	// maxCoincidence is the most tokens an equal stretch between two
	// larger edits may have and still be taken for a coincidence (see
	// dropCoincidences): longer ones are the same text.
	maxCoincidence = 6
	// moveSeedWords is how many consecutive words, found among the deleted
	// text and among the inserted text, suggest that a block moved.
	moveSeedWords = 2
	// longSeedWords is a longer run of words also taken as a seed: rarely
	// repeated even in a text of few words, it finds moved paragraphs
	// where shorter runs are too common to tell places apart.
	longSeedWords = 5
	// minMoveSeeds is how many such word sequences a moved block shares
	// with its new place at least (so at least moveSeedWords+1 words).
	minMoveSeeds = 2
	// minFarMove is the size, in code points, from which a block that
	// crossed a paragraph break counts as moved (see wholeBlock).
	minFarMove = 48
	// minMoveSize is the fewest code points a moved block keeps.
	minMoveSize = 12
	// maxMovePlaces is how many places, best first, deleted text is
	// looked for in.
	maxMovePlaces = 4
	// maxMoveCandidates is the most places one word sequence may be found
	// in among the inserted text and still suggest where a block went.
	maxMoveCandidates = 16
)

// align computes the alignment of two texts: first a diff of their words
// (runs of code points between white space, each ideograph alone), with
// typographic quotes and dashes taken for plain ones and white space left
// out, so unwrapped lines, collapsed spaces and curly quotes keep the words
// around them aligned; then, in each changed stretch, the words that are
// edits of each other (a typo fixed, a word inflected) paired in order;
// then blocks of deleted text found among inserted text, as moves.
func align(a, b []rune) *alignment {
	al := &alignment{oldLen: len(a), newLen: len(b)}
	var sb segments
	alignInOrder(&sb, a, b)
	al.runs, al.edits = sb.place(0, 0, nil, nil)
	al.findMoves(a, b)
	return al
}

// segments builds an alignment that keeps order, as a sequence of equal
// stretches and edits, merging neighbours where that changes nothing: two
// equal stretches, or two edits that are not units.
type segments struct{ segs []segment }

type segment struct {
	equal    bool
	old, new int // lengths
	unit     bool
}

func (sb *segments) equal(n int) {
	if n <= 0 {
		return
	}
	if k := len(sb.segs) - 1; k >= 0 && sb.segs[k].equal {
		sb.segs[k].old += n
		sb.segs[k].new += n
		return
	}
	sb.segs = append(sb.segs, segment{equal: true, old: n, new: n})
}

func (sb *segments) change(old, new int, unit bool) {
	if old <= 0 && new <= 0 {
		return
	}
	if k := len(sb.segs) - 1; !unit && k >= 0 && !sb.segs[k].equal && !sb.segs[k].unit {
		sb.segs[k].old += old
		sb.segs[k].new += new
		return
	}
	sb.segs = append(sb.segs, segment{old: old, new: new, unit: unit})
}

// place lays the segments at offsets o and n of the texts they align and
// appends their runs and edits.
func (sb *segments) place(o, n int, runs []run, edits []edit) ([]run, []edit) {
	for _, s := range sb.segs {
		if s.equal {
			runs = append(runs, run{o, n, s.old})
		} else {
			edits = append(edits, edit{o, o + s.old, n, n + s.new, s.unit})
		}
		o += s.old
		n += s.new
	}
	return runs, edits
}

// alignInOrder aligns a and b keeping their order, into sb. The words and
// punctuation of both are diffed (see diffKeys) and each edit slid to the
// place where it starts and ends at the most natural breaks (see
// slideEdits); white space then goes with the words around it.
func alignInOrder(sb *segments, a, b []rune) {
	keys := map[string]int32{}
	ta, tb := tokenize(a, keys), tokenize(b, keys)
	var ops diffBuilder
	diffKeys(&ops, ta.keys, tb.keys)
	ops.ops = dropCoincidences(ops.ops)
	slideEdits(ops.ops, ta, tb)

	// Between two matched tokens (or a text's ends), the tokens of each
	// side: white space that both have at the start or the end goes
	// together, the rest is a changed stretch.
	prevA, prevB := -1, -1
	between := func(nextA, nextB int) {
		xa, xb := ta.toks[prevA+1:nextA], tb.toks[prevB+1:nextB]
		var tailA, tailB []token
		// White space alone on one side goes with the white space at the
		// start or the end of the other that is most like it (a paragraph
		// break with a paragraph break), and the rest was inserted (or
		// deleted) on the other side of it.
		if len(xa) == 1 && xa[0].space && len(xb) > 1 && xb[0].space && xb[len(xb)-1].space &&
			likeSpace(a, b, xa[0], xb[len(xb)-1]) > likeSpace(a, b, xa[0], xb[0]) {
			pairWords(sb, a, b, nil, xb[:len(xb)-1])
			pairToken(sb, a, b, xa[0], xb[len(xb)-1])
			return
		}
		if len(xb) == 1 && xb[0].space && len(xa) > 1 && xa[0].space && xa[len(xa)-1].space &&
			likeSpace(a, b, xa[len(xa)-1], xb[0]) > likeSpace(a, b, xa[0], xb[0]) {
			pairWords(sb, a, b, xa[:len(xa)-1], nil)
			pairToken(sb, a, b, xa[len(xa)-1], xb[0])
			return
		}
		if len(xa) > 0 && len(xb) > 0 && xa[0].space && xb[0].space {
			pairToken(sb, a, b, xa[0], xb[0])
			xa, xb = xa[1:], xb[1:]
		}
		if len(xa) > 0 && len(xb) > 0 && xa[len(xa)-1].space && xb[len(xb)-1].space {
			tailA, tailB = xa[len(xa)-1:], xb[len(xb)-1:]
			xa, xb = xa[:len(xa)-1], xb[:len(xb)-1]
		}
		pairWords(sb, a, b, xa, xb)
		if tailA != nil {
			pairToken(sb, a, b, tailA[0], tailB[0])
		}
	}
	i, j := 0, 0
	for _, op := range ops.ops {
		for x := 0; op.kind == opEqual && x < op.n; x++ {
			na, nb := ta.sig[i+x], tb.sig[j+x]
			between(na, nb)
			pairToken(sb, a, b, ta.toks[na], tb.toks[nb])
			prevA, prevB = na, nb
		}
		i, j = op.advance(i, j)
	}
	between(len(ta.toks), len(tb.toks))
}

// stretch counts the tokens an edit deletes and inserts.
type stretch struct{ del, ins int }

// add counts a deletion or insertion in the stretch.
func (s *stretch) add(op diffOp) {
	if op.kind == opDelete {
		s.del += op.n
	} else {
		s.ins += op.n
	}
}

// replaces says whether the edit replaces text (deletes and inserts).
func (s stretch) replaces() bool { return s.del > 0 && s.ins > 0 }

// dropCoincidences turns into edits the equal stretches of ops that are no
// longer than the edits on either side of them (in code points): words a
// rewritten sentence happens to share with the one it replaced ("the",
// "of the Light"), which would otherwise tie the new sentence to the old
// one's place. Each dropped stretch merges the edits around it, which can
// make the next stretch droppable in turn, so it repeats until nothing
// changes (after the cleanup of diff-match-patch's diff_cleanupSemantic).
func dropCoincidences(ops []diffOp) []diffOp {
	for changed := true; changed; {
		changed = false
		var out diffBuilder
		var before stretch // the edits since the last equal stretch
		for k, op := range ops {
			if op.kind != opEqual {
				before.add(op)
				out.add(op.kind, op.n)
				continue
			}
			var after stretch
			for x := k + 1; x < len(ops) && ops[x].kind != opEqual; x++ {
				after.add(ops[x])
			}
			if op.n <= maxCoincidence && (before.replaces() || after.replaces()) &&
				op.n < max(before.del, before.ins) && op.n < max(after.del, after.ins) {
				out.add(opDelete, op.n)
				out.add(opInsert, op.n)
				before.del += op.n
				before.ins += op.n
				changed = true
			} else {
				out.add(opEqual, op.n)
				before = stretch{}
			}
		}
		ops = out.ops
	}
	return ops
}

// glued says whether the shorter of two words, of three code points or
// more, starts or ends the longer one.
func glued(x, y []rune) bool {
	if len(x) > len(y) {
		x, y = y, x
	}
	return len(x) >= 3 && (slices.Equal(y[:len(x)], x) || slices.Equal(y[len(y)-len(x):], x))
}

// likeSpace says how alike two runs of white space are: 2 when equal, 1
// when both or neither hold a paragraph break, else 0.
func likeSpace(a, b []rune, x, y token) int {
	wa, wb := a[x.start:x.end], b[y.start:y.end]
	switch {
	case slices.Equal(wa, wb):
		return 2
	case isParagraphBreak(wa) == isParagraphBreak(wb):
		return 1
	}
	return 0
}

// pairToken aligns two tokens taken for the same: equal, one a start or
// an end of the other (text glued onto a word, or cut from it: the rest is
// inserted or deleted at that end, so a span ending with the word keeps
// its extent), or one edit.
func pairToken(sb *segments, a, b []rune, x, y token) {
	wa, wb := a[x.start:x.end], b[y.start:y.end]
	n, m := len(wa), len(wb)
	k := min(n, m)
	switch {
	case slices.Equal(wa, wb):
		sb.equal(n)
	case x.space:
		// White space unwrapped or collapsed is replaced, not deleted.
		sb.change(n, m, true)
	case glued(wa, wb) && slices.Equal(wa[:k], wb[:k]):
		sb.equal(k)
		sb.change(n-k, m-k, false)
	case glued(wa, wb):
		sb.change(n-k, m-k, false)
		sb.equal(k)
	default:
		// The code points both share at either end are equal; what lies
		// between is the edit.
		p := 0
		for p < k && wa[p] == wb[p] {
			p++
		}
		q := 0
		for q < k-p && wa[n-1-q] == wb[m-1-q] {
			q++
		}
		sb.equal(p)
		sb.change(n-p-q, m-p-q, true)
		sb.equal(q)
	}
}

// slideEdits moves each deletion or insertion of ops that sits between two
// equal stretches, and could as well sit a few tokens earlier or later
// (the same tokens repeat at its edges), to where its two ends fall on
// the most natural breaks of the text (see breakScore): a deleted sentence
// then takes its own full stop, not the one of the sentence before it.
func slideEdits(ops []diffOp, ta, tb *tokens) {
	i, j := 0, 0
	for k, op := range ops {
		if op.kind != opEqual && k > 0 && k+1 < len(ops) && ops[k-1].kind == opEqual && ops[k+1].kind == opEqual {
			t, pos := ta, i
			if op.kind == opInsert {
				t, pos = tb, j
			}
			n, seq := op.n, t.keys
			lo := pos
			for lo > pos-ops[k-1].n && seq[lo-1] == seq[lo+n-1] {
				lo--
			}
			hi := pos
			for hi < pos+ops[k+1].n && seq[hi] == seq[hi+n] {
				hi++
			}
			best, bestScore := pos, t.breakScore(pos)+t.breakScore(pos+n)
			for p := lo; p <= hi; p++ {
				if sc := t.breakScore(p) + t.breakScore(p+n); sc > bestScore {
					best, bestScore = p, sc
				}
			}
			shift := best - pos
			ops[k-1].n += shift
			ops[k+1].n -= shift
			i += shift
			j += shift
		}
		i, j = op.advance(i, j)
	}
}

// pairWords handles a changed stretch of tokens, ta of a replaced by tb of
// b: it pairs, in order, deleted and inserted words that are edits of each
// other (different, but sharing at least half of the longer one's code
// points, in order), each pair a unit edit, when such pairs make up at
// least half of the words of the shorter side (a typo fixed next to an
// inserted word); the tokens between pairs were deleted and inserted. A
// rewritten sentence whose words merely look alike here and there is
// replaced whole.
func pairWords(sb *segments, a, b []rune, ta, tb []token) {
	n, m := len(ta), len(tb)
	if n == 0 || m == 0 || n*m > maxWordPairing {
		sb.change(tokenRunes(ta), tokenRunes(tb), false)
		return
	}
	// alike is how much two words share, 0 when they are not edits of
	// each other: a word glued to or cut from the other counts by the
	// share it keeps; otherwise by the code points they keep in order, at
	// least half of the longer one's.
	alike := func(x, y token) float64 {
		wx, wy := a[x.start:x.end], b[y.start:y.end]
		longer := float64(max(len(wx), len(wy)))
		switch {
		case !slices.ContainsFunc(wx, isWordRune) || !slices.ContainsFunc(wy, isWordRune) || slices.Equal(wx, wy):
			return 0
		case glued(wx, wy):
			return float64(min(len(wx), len(wy))) / longer
		case len(wx) < 3 || len(wy) < 3:
			return 0
		}
		kept := 0
		for _, op := range diffSeq([]int32(wx), []int32(wy)) {
			if op.kind == opEqual {
				kept += op.n
			}
		}
		if 2*kept < max(len(wx), len(wy)) {
			return 0
		}
		return float64(kept) / longer
	}
	// best[i*w+j]: the pairs in ta[i:] and tb[j:] most alike in all, and
	// how many they are.
	type score struct {
		sum   float64
		pairs int
	}
	w := m + 1
	best := make([]score, (n+1)*w)
	pair := make([]bool, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			v := best[(i+1)*w+j]
			if best[i*w+j+1].sum > v.sum {
				v = best[i*w+j+1]
			}
			if s := alike(ta[i], tb[j]); s > 0 && s+best[(i+1)*w+j+1].sum > v.sum {
				v = score{s + best[(i+1)*w+j+1].sum, 1 + best[(i+1)*w+j+1].pairs}
				pair[i*w+j] = true
			}
			best[i*w+j] = v
		}
	}
	if 2*best[0].pairs < min(countWords(a, ta), countWords(b, tb)) {
		sb.change(tokenRunes(ta), tokenRunes(tb), false)
		return
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case pair[i*w+j]:
			pairToken(sb, a, b, ta[i], tb[j])
			i++
			j++
		case best[i*w+j] == best[(i+1)*w+j]:
			sb.change(ta[i].end-ta[i].start, 0, false)
			i++
		default:
			sb.change(0, tb[j].end-tb[j].start, false)
			j++
		}
	}
	sb.change(tokenRunes(ta[i:]), tokenRunes(tb[j:]), false)
}

// countWords counts the tokens of ts that are words.
func countWords(text []rune, ts []token) int {
	n := 0
	for _, t := range ts {
		if slices.ContainsFunc(text[t.start:t.end], isWordRune) {
			n++
		}
	}
	return n
}

// token is a word (with the punctuation attached to it), a run of white
// space or an ideograph of a text: [start, end) in code points.
type token struct {
	start, end int
	space      bool
}

func tokenRunes(ts []token) int {
	if len(ts) == 0 {
		return 0
	}
	return ts[len(ts)-1].end - ts[0].start
}

// tokens is a text cut into tokens; sig are the indexes of the tokens
// that are not white space, and keys their keys.
type tokens struct {
	text []rune
	toks []token
	sig  []int
	keys []int32
}

// tokenize cuts text into tokens (runs of white space, runs of other code
// points, each ideograph alone), numbering those that are not white space
// by their key in keys: their text with typographic quotes and dashes made
// plain.
func tokenize(text []rune, keys map[string]int32) *tokens {
	t := &tokens{text: text}
	for i := 0; i < len(text); {
		j := i + 1
		var key string
		switch r := text[i]; {
		case unicode.IsSpace(r):
			for j < len(text) && unicode.IsSpace(text[j]) {
				j++
			}
			t.toks = append(t.toks, token{i, j, true})
			i = j
			continue
		case isIdeograph(r):
			key = string(r)
		default:
			for j < len(text) && !unicode.IsSpace(text[j]) && !isIdeograph(text[j]) {
				j++
			}
			plain := make([]rune, j-i)
			for k, r := range text[i:j] {
				plain[k] = plainPunct(r)
			}
			key = string(plain)
		}
		id, ok := keys[key]
		if !ok {
			id = int32(len(keys))
			keys[key] = id
		}
		t.sig = append(t.sig, len(t.toks))
		t.keys = append(t.keys, id)
		t.toks = append(t.toks, token{i, j, false})
		i = j
	}
	return t
}

// breakScore says how natural a break falls before significant token p
// (after p-1): at either end of the text 6, at a blank line 5, a line
// break 4, white space after a sentence's end 3, other white space 2,
// next to punctuation 1, inside a run of words and digits 0.
func (t *tokens) breakScore(p int) int {
	if p <= 0 || p >= len(t.sig) {
		return 6
	}
	x, y := t.toks[t.sig[p-1]], t.toks[t.sig[p]]
	ws := t.text[x.end:y.start]
	switch {
	case isParagraphBreak(ws):
		return 5
	case slices.Contains(ws, '\n'):
		return 4
	case len(ws) > 0 && strings.ContainsRune(".!?;:", t.text[x.end-1]):
		return 3
	case len(ws) > 0:
		return 2
	case !isWordRune(t.text[x.start]) || !isWordRune(t.text[y.start]):
		return 1
	}
	return 0
}

// isIdeograph says whether r is written without spaces around it (an
// ideograph, kana, hangul), and so is a token alone.
func isIdeograph(r rune) bool { return r >= 0x2E80 && !unicode.IsSpace(r) }

// isWordRune says whether r belongs to a word: letters, digits and marks
// of scripts written with spaces (an ideograph or kana is a token alone).
func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
}

// isParagraphBreak says whether white space holds a blank line.
func isParagraphBreak(ws []rune) bool {
	first := slices.Index(ws, '\n')
	return first >= 0 && slices.Contains(ws[first+1:], '\n')
}

// plainPunct maps typographic quotes and dashes to their plain forms.
func plainPunct(r rune) rune {
	switch r {
	case '“', '”', '„', '‟', '«', '»':
		return '"'
	case '‘', '’', '‚', '‛', '`', '´':
		return '\''
	case '—', '–', '‒', '―', '−':
		return '-'
	}
	return r
}

// diffKeys diffs two sequences of token keys: the common start and end
// are equal; then the keys found exactly once on each side and in the same
// order on both (patience diff) split the rest into smaller diffs; where
// there are none, Myers' diff (bounded, see diffInto) does the stretch.
// Unique keys are the words a text rarely repeats, so a diff anchored on
// them follows the text's structure even across large edits.
func diffKeys(out *diffBuilder, a, b []int32) {
	p, s := commonEnds(a, b)
	out.add(opEqual, p)
	a, b = a[p:len(a)-s], b[p:len(b)-s]
	switch anchors := uniqueInOrder(a, b); {
	case len(a) == 0 || len(b) == 0:
		out.add(opDelete, len(a))
		out.add(opInsert, len(b))
	case len(anchors) == 0 && len(a)*len(b) <= maxSubstringCells:
		if i, j, n := longestCommon(a, b); n > 0 {
			diffKeys(out, a[:i], b[:j])
			out.add(opEqual, n)
			diffKeys(out, a[i+n:], b[j+n:])
		} else {
			out.add(opDelete, len(a))
			out.add(opInsert, len(b))
		}
	case len(anchors) == 0:
		diffInto(out, a, b)
	default:
		i, j := 0, 0
		for _, an := range anchors {
			diffKeys(out, a[i:an[0]], b[j:an[1]])
			out.add(opEqual, 1)
			i, j = an[0]+1, an[1]+1
		}
		diffKeys(out, a[i:], b[j:])
	}
	out.add(opEqual, s)
}

// longestCommon finds the longest run that a and b have in common, the
// first in a (then in b) of several as long: a[i:i+n] == b[j:j+n]. Where
// no key is unique, a phrase the new text kept is likelier the first of
// its copies in the old text than one inside a deleted paragraph further
// on, which Myers' diff is as likely to pick. It costs O(len(a)*len(b)).
func longestCommon(a, b []int32) (int, int, int) {
	prev, cur := make([]int32, len(b)+1), make([]int32, len(b)+1)
	bi, bj, bn := 0, 0, int32(0)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
				if cur[j+1] > bn {
					bi, bj, bn = i+1-int(cur[j+1]), j+1-int(cur[j+1]), cur[j+1]
				}
			} else {
				cur[j+1] = 0
			}
		}
		prev, cur = cur, prev
	}
	return bi, bj, int(bn)
}

// uniqueInOrder returns the pairs (i, j) with a[i] == b[j] where that key
// occurs once in a and once in b, keeping the longest chain of them that
// increases in both i and j.
func uniqueInOrder(a, b []int32) [][2]int {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	at := make(map[int32]int, len(a))
	for i, k := range a {
		if _, seen := at[k]; seen {
			at[k] = -1
		} else {
			at[k] = i
		}
	}
	bt := make(map[int32]int, len(b))
	for j, k := range b {
		if i, ok := at[k]; !ok || i < 0 {
			continue
		}
		if _, seen := bt[k]; seen {
			bt[k] = -1
		} else {
			bt[k] = j
		}
	}
	var pairs [][2]int
	for i, k := range a {
		if at[k] == i {
			if j, ok := bt[k]; ok && j >= 0 {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	return longestIncreasing(pairs)
}

// longestIncreasing returns the longest subsequence of pairs (given in
// increasing first element) whose second elements increase (patience
// sorting, O(n log n)).
func longestIncreasing(pairs [][2]int) [][2]int {
	if len(pairs) == 0 {
		return nil
	}
	tails := []int{}                // tails[k]: index of the smallest tail of a chain of length k+1
	prev := make([]int, len(pairs)) // the element before each in its chain
	for x, p := range pairs {
		k := sort.Search(len(tails), func(k int) bool { return pairs[tails[k]][1] >= p[1] })
		prev[x] = -1
		if k > 0 {
			prev[x] = tails[k-1]
		}
		if k == len(tails) {
			tails = append(tails, x)
		} else {
			tails[k] = x
		}
	}
	out := make([][2]int, len(tails))
	for k, x := len(tails)-1, tails[len(tails)-1]; k >= 0; k, x = k-1, prev[x] {
		out[k] = pairs[x]
	}
	return out
}

// gap is the stretch between two runs of an alignment (or before the
// first, or after the last): old [a, b) deleted and new [c, d) inserted
// in its place.
type gap struct{ a, b, c, d int }

// gap returns gap i, the one just before run i.
func (al *alignment) gap(i int) gap {
	var g gap
	if i > 0 {
		r := al.runs[i-1]
		g.a, g.c = r.old+r.n, r.new+r.n
	}
	g.b, g.d = al.oldLen, al.newLen
	if i < len(al.runs) {
		g.b, g.d = al.runs[i].old, al.runs[i].new
	}
	return g
}

// findMoves finds blocks of deleted text among the inserted text. Every
// pair of a gap that deleted text and a gap that inserted text sharing
// word seeds (see wordSeeds) is a candidate; candidates are tried best
// first (the most seeds shared, counting double within a paragraph, then
// the nearest), at most maxMovePlaces for each deletion, and each one
// whose alignment holds a block of new code points keeps it, so text
// deleted in one place may have gone to several. A block may move
// anywhere within its paragraph; across a paragraph break only when it is
// whole paragraphs on both sides (see wholeBlock), since part of a deleted
// paragraph found elsewhere is more likely a copy (a quotation repeated, a
// summary) than the same words moved.
func (al *alignment) findMoves(a, b []rune) {
	type side struct {
		g     gap
		seeds []uint64
	}
	var dels, inss []side
	for i := 0; i <= len(al.runs); i++ {
		g := al.gap(i)
		if g.b-g.a >= 8 {
			dels = append(dels, side{g: g, seeds: wordSeeds(a[g.a:g.b])})
		}
		if g.d-g.c >= 8 {
			inss = append(inss, side{g: g, seeds: wordSeeds(b[g.c:g.d])})
		}
	}
	if len(dels) == 0 || len(inss) == 0 {
		return
	}
	where := map[uint64][]int32{} // seed -> pieces of inss holding it
	for k, p := range inss {
		for _, s := range p.seeds {
			if l := where[s]; len(l) <= maxMoveCandidates && (len(l) == 0 || l[len(l)-1] != int32(k)) {
				where[s] = append(where[s], int32(k))
			}
		}
	}
	for s, l := range where {
		if len(l) > maxMoveCandidates { // too common to tell places apart
			delete(where, s)
		}
	}
	// Every pair of deleted and inserted text sharing enough, best first:
	// by how much they share, counting double within a paragraph, then by
	// nearness.
	var cands []candidate
	votes := map[int32]int{}
	for di, d := range dels {
		clear(votes)
		for _, s := range d.seeds {
			for _, k := range where[s] {
				votes[k]++
			}
		}
		for k, v := range votes {
			ig := inss[k].g
			if v < minMoveSeeds || ig == d.g {
				continue
			}
			dist := max(ig.c-d.g.c, d.g.c-ig.d, 0)
			cands = append(cands, candidate{int32(di), k, v, crossesParagraph(a, d.g, ig), dist})
		}
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		return cmp.Or(y.weight()-x.weight(), x.distance-y.distance, int(x.d-y.d), int(x.k-y.k))
	})
	tried := make([]int, len(dels))
	for _, c := range cands {
		if tried[c.d] == maxMovePlaces {
			continue
		}
		tried[c.d]++
		dg, ig := dels[c.d].g, inss[c.k].g
		var moved []movedPiece
		size := 0
		for _, p := range alignBlock(a[dg.a:dg.b], b[ig.c:ig.d], dg.a, ig.c) {
			if !overlaps(al.moved, p) {
				moved = append(moved, p)
				if p.same {
					size += p.b - p.a
				}
			}
		}
		if size < minMoveSize || leavesParagraph(a, moved, ig) && !wholeBlock(a, b, moved, size) {
			continue
		}
		al.moved = append(al.moved, moved...)
	}
	slices.SortFunc(al.moved, func(x, y movedPiece) int { return cmp.Or(x.a-y.a, x.b-y.b) })
	al.movedByNew = slices.Clone(al.moved)
	slices.SortFunc(al.movedByNew, func(x, y movedPiece) int { return cmp.Or(x.c-y.c, x.d-y.d) })
}

// candidate is a place deleted text dels[d] may have moved to: inserted
// text inss[k], sharing votes seeds with it, across a paragraph break or
// not, at a distance in the new text.
type candidate struct {
	d, k     int32
	votes    int
	far      bool
	distance int
}

func (c candidate) weight() int {
	if c.far {
		return c.votes
	}
	return 2 * c.votes
}

// overlaps says whether p overlaps any of ps, in the old text or in the
// new one.
func overlaps(ps []movedPiece, p movedPiece) bool {
	for _, q := range ps {
		if p.a < q.b && q.a < p.b || p.c < q.d && q.c < p.d {
			return true
		}
	}
	return false
}

// wholeBlock says whether the moved pieces ps make a block that may have
// crossed a paragraph break: at least minFarMove code points kept, which
// were whole paragraphs of the old text and are whole paragraphs of the
// new one (give or take an edit at either end). A passage copied from a
// deleted paragraph into another one is only part of its paragraph.
func wholeBlock(a, b []rune, ps []movedPiece, size int) bool {
	if size < minFarMove {
		return false
	}
	lo, hi, nlo, nhi := ps[0].a, ps[0].b, ps[0].c, ps[0].d
	for _, p := range ps {
		lo, hi, nlo, nhi = min(lo, p.a), max(hi, p.b), min(nlo, p.c), max(nhi, p.d)
	}
	return wholeParagraphs(a, lo, hi) && wholeParagraphs(b, nlo, nhi)
}

// wholeParagraphs says whether text [lo, hi) reaches, within a tenth of
// its length, the start of the paragraph it starts in and the end of the
// one it ends in.
func wholeParagraphs(text []rune, lo, hi int) bool {
	for lo < hi && unicode.IsSpace(text[lo]) {
		lo++
	}
	for hi > lo && unicode.IsSpace(text[hi-1]) {
		hi--
	}
	slack := max(8, (hi-lo)/10)
	start := max(0, lo-slack)
	for i := lo - 1; i >= start; i-- {
		if text[i] == '\n' && hasBlankLine(text[max(0, i-slack):i+1]) || i == 0 {
			start = -1
			break
		}
	}
	if lo > 0 && start >= 0 {
		return false
	}
	end := min(len(text), hi+slack)
	for i := hi; i < end; i++ {
		if text[i] == '\n' && hasBlankLine(text[i:min(len(text), i+slack)]) {
			return true
		}
	}
	return hi+slack >= len(text)
}

// alignBlock aligns deleted text a (at old offset o) with inserted text b
// (at new offset n) and returns the pieces of the block that moved: the
// runs on the diagonal that holds most of the aligned code points, give or
// take the edits inside the block, and the edits between them, so that a
// common word elsewhere in either text is not taken for part of it.
func alignBlock(a, b []rune, o, n int) []movedPiece {
	var sb segments
	alignInOrder(&sb, a, b)
	runs, edits := sb.place(o, n, nil, nil)
	if len(runs) == 0 {
		return nil
	}
	weight := map[int]int{}
	for _, r := range runs {
		weight[r.new-r.old] += r.n
	}
	main, most := 0, -1
	for shift, w := range weight {
		if w > most || w == most && shift < main {
			main, most = shift, w
		}
	}
	band := max(32, min(len(a), len(b))/8)
	var out []movedPiece
	for _, r := range runs {
		if shift := r.new - r.old; shift >= main-band && shift <= main+band {
			out = append(out, movedPiece{a: r.old, b: r.old + r.n, c: r.new, d: r.new + r.n, same: true})
		}
	}
	if len(out) == 0 {
		return nil
	}
	first, last := out[0], out[len(out)-1]
	for _, e := range edits {
		if e.a >= first.b && e.b <= last.a && e.c >= first.d && e.d <= last.c {
			out = append(out, movedPiece{a: e.a, b: e.b, c: e.c, d: e.d, unit: e.unit})
		}
	}
	return out
}

// leavesParagraph says whether the moved pieces ps, placed at gap to,
// left the paragraph they were in: whether the old text between them and
// that place holds a paragraph break.
func leavesParagraph(a []rune, ps []movedPiece, to gap) bool {
	lo, hi := ps[0].a, ps[0].b
	for _, p := range ps {
		lo, hi = min(lo, p.a), max(hi, p.b)
	}
	if to.a >= hi {
		return hasBlankLine(a[hi:to.a])
	}
	return hasBlankLine(a[min(to.b, lo):lo])
}

// crossesParagraph says whether the old text between the text deleted in
// gap from and the place of gap to holds a paragraph break: whether a
// block moved from one to the other would leave its paragraph.
func crossesParagraph(a []rune, from, to gap) bool {
	lo, hi := to.b, from.a
	if to.a >= from.b {
		lo, hi = from.b, to.a
	}
	return lo < hi && hasBlankLine(a[lo:hi])
}

// hasBlankLine says whether text holds a line of nothing but white space.
func hasBlankLine(text []rune) bool {
	first := -1
	for i, r := range text {
		switch {
		case r == '\n':
			if first >= 0 {
				return true
			}
			first = i
		case !unicode.IsSpace(r):
			first = -1
		}
	}
	return false
}

// wordSeeds are hashes of each run of moveSeedWords, and of longSeedWords,
// consecutive words of text. A word counts by its letters in any order and case, so a word with
// two letters swapped (the commonest typo) or capitalized at a sentence's
// new start still seeds its block.
func wordSeeds(text []rune) []uint64 {
	var words []uint64
	for i := 0; i < len(text); {
		if !isWordRune(text[i]) {
			i++
			continue
		}
		var w uint64
		for ; i < len(text) && isWordRune(text[i]); i++ {
			x := uint64(unicode.ToLower(text[i])) * 0x9E3779B97F4A7C15
			w += x ^ x>>29
		}
		words = append(words, w)
	}
	var out []uint64
	for _, k := range []int{moveSeedWords, longSeedWords} {
		for i := 0; i+k <= len(words); i++ {
			h := uint64(14695981039346656037) ^ uint64(k)
			for _, w := range words[i : i+k] {
				h ^= w
				h *= 1099511628211
			}
			out = append(out, h)
		}
	}
	return out
}
