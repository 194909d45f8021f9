package annotation

import (
	"slices"
	"sort"
	"unicode"
)

// Anchoring is where an annotation ended up after a revision: its new
// offsets, how it got there, and how sure that is (1 for a passage that
// survived verbatim, less for an edited or searched one, 0 for an orphan,
// which keeps its old offsets for reference).
type Anchoring struct {
	Start int
	End   int
	State Anchor
	Score float64
}

// minStandaloneQuote is the length (in code points) from which a quote
// found verbatim by search, away from its mapped place, is taken on its
// own; a shorter quote (a name, a common phrase), or one found only
// approximately, must also have its context agree (Match.Context at least
// one half), or it is more likely another occurrence than the same passage
// moved.
const minStandaloneQuote = 24

// Reanchor carries annotations from one revision of a text to the next. It
// computes one diff between the texts (by lines, then words, then code
// points) and maps each selector's start and end through it; text inserted
// exactly at a span's start or end stays outside the span, text inserted
// inside joins it, and a boundary inside deleted text moves to the edge of
// the deletion. Then, for each selector, in the order given:
//
//   - the mapped span holds Exact: AnchorExact when the offsets did not
//     change, AnchorMoved when they did (score 1);
//   - the mapped span is a close edit of Exact (within MaxQuoteErrorRate,
//     such as a typo fixed inside it): AnchorMoved, scored by similarity;
//   - otherwise FindQuote searches the new text, from the mapped start,
//     skipping passages that were already in the old text elsewhere (a
//     repeated phrase is not the same passage): a verbatim find is
//     AnchorMoved, an approximate one AnchorFuzzy, with FindQuote's score;
//   - otherwise AnchorOrphaned, with the old offsets.
//
// Mapping costs O(diff + n log r) for n selectors over a diff of r runs of
// unchanged text; only the selectors whose passage changed pay for a
// search.
func Reanchor(oldText, newText Text, sels []Selector) []Anchoring {
	m := NewMapping(oldText, newText)
	out := make([]Anchoring, len(sels))
	for i, sel := range sels {
		out[i] = m.Reanchor(sel)
	}
	return out
}

// Mapping is the diff between two revisions of a text, computed once, that
// carries any number of selectors from the old text to the new one, as
// Reanchor does. It lets a caller anchor most selectors ahead of time and a
// few late comers (made while the revision was being prepared) later,
// without diffing the texts again. It is safe for concurrent use.
type Mapping struct {
	oldText, newText Text
	m                *positionMap
}

// NewMapping diffs two revisions of a text.
func NewMapping(oldText, newText Text) *Mapping {
	return &Mapping{oldText: oldText, newText: newText,
		m: newPositionMap(diffTexts(oldText, newText), len(oldText), len(newText))}
}

// Reanchor carries one selector of the old text into the new one; see the
// package function Reanchor for the rules.
func (mp *Mapping) Reanchor(sel Selector) Anchoring {
	return mp.m.reanchor(mp.oldText, mp.newText, sel)
}

func (m *positionMap) reanchor(oldText, newText Text, sel Selector) Anchoring {
	orphan := Anchoring{Start: sel.Start, End: sel.End, State: AnchorOrphaned}
	exact := []rune(sel.Exact)
	if len(exact) == 0 {
		return orphan
	}
	hint := -1
	if sel.Start >= 0 && sel.Start < sel.End && sel.End <= len(oldText) {
		start, end := m.mapStart(sel.Start), m.mapEnd(sel.End)
		hint = start
		if start < end {
			span := newText[start:end]
			if slices.Equal(span, exact) {
				state := AnchorMoved
				if start == sel.Start && end == sel.End {
					state = AnchorExact
				}
				return Anchoring{Start: start, End: end, State: state, Score: 1}
			}
			// A close edit of the quote (a typo fixed inside), or the
			// quote's own text nearly all kept with text inserted inside.
			// When both ends of the span survive, whatever was inserted
			// between them joins the span however long it is.
			d := EditDistance(exact, span)
			ends := m.survives(sel.Start) && m.survives(sel.End-1)
			if d <= maxErrors(len(exact)) || ends && m.kept(sel.Start, sel.End, start, end) >= len(exact)-maxErrors(len(exact)) {
				score := 1 - float64(d)/float64(max(len(exact), len(span)))
				return Anchoring{Start: start, End: end, State: AnchorMoved, Score: max(score, 0.01)}
			}
		}
	}
	q := Quote{Exact: sel.Exact, Prefix: sel.Prefix, Suffix: sel.Suffix, Start: hint}
	if hint < 0 {
		q.Start = min(max(0, sel.Start), len(newText))
	}
	match, ok := findQuote(newText, q, func(start, end int) bool {
		// A passage that was mostly in the old text already, somewhere
		// other than this selector's span, is another occurrence.
		return 2*m.survivorsFromElsewhere(start, end, sel.Start, sel.End) <= end-start
	})
	// Found away from its mapped place, a passage needs its context to
	// agree, unless it is verbatim and long enough to be telling alone.
	if !ok || match.Context < 0.5 && (!match.Exact || len(exact) < minStandaloneQuote) {
		return orphan
	}
	state := AnchorFuzzy
	if match.Exact {
		state = AnchorMoved
	}
	return Anchoring{Start: match.Start, End: match.End, State: state, Score: match.Score}
}

// positionMap maps offsets of an old text to a new one through a diff.
// runs are the stretches the two texts have in common, in order; between
// two runs lies a gap: old text deleted and new text inserted in its place.
// moves are lines that moved elsewhere verbatim.
type positionMap struct {
	runs   []run // increasing in old and in new offsets
	moves  []run // increasing in old offsets
	byNew  []run // runs and moves, increasing in new offsets
	oldLen int
	newLen int
}

type run struct{ old, new, n int }

func newPositionMap(d textDiff, oldLen, newLen int) *positionMap {
	m := &positionMap{runs: d.runs, moves: d.moves, oldLen: oldLen, newLen: newLen}
	m.byNew = append(slices.Clip(slices.Clone(d.runs)), d.moves...)
	slices.SortFunc(m.byNew, func(a, b run) int { return a.new - b.new })
	return m
}

// gap returns the old and new ranges of the gap just before run i (or
// after the last run): old [a, b) deleted, new [c, d) inserted.
func (m *positionMap) gap(i int) (a, b, c, d int) {
	if i > 0 {
		r := m.runs[i-1]
		a, c = r.old+r.n, r.new+r.n
	}
	b, d = m.oldLen, m.newLen
	if i < len(m.runs) {
		b, d = m.runs[i].old, m.runs[i].new
	}
	return a, b, c, d
}

// find returns the run of rs (increasing in old offsets) holding old offset
// p, or the index of the first run after p.
func find(rs []run, p int) (int, bool) {
	i := sort.Search(len(rs), func(i int) bool { return rs[i].old+rs[i].n > p })
	return i, i < len(rs) && rs[i].old <= p
}

// mapStart maps the start of a span: the new offset of its first code
// point. A start inside deleted text moves to the end of the gap, so text
// inserted there stays out; a start at the very beginning of a deletion
// takes in the text that replaced it.
func (m *positionMap) mapStart(p int) int {
	if k, in := find(m.moves, p); in {
		return m.moves[k].new + p - m.moves[k].old
	}
	i, in := find(m.runs, p)
	if in {
		return m.runs[i].new + p - m.runs[i].old
	}
	a, _, c, d := m.gap(i)
	if p == a {
		return c
	}
	return d
}

// mapEnd maps the (exclusive) end of a span: just after the new offset of
// its last code point. An end inside deleted text moves to the start of the
// gap; an end at the very end of a deletion takes in the text that replaced
// it.
func (m *positionMap) mapEnd(p int) int {
	if p <= 0 {
		return 0
	}
	q := p - 1
	if k, in := find(m.moves, q); in {
		return m.moves[k].new + q - m.moves[k].old + 1
	}
	i, in := find(m.runs, q)
	if in {
		return m.runs[i].new + q - m.runs[i].old + 1
	}
	_, b, c, d := m.gap(i)
	if q == b-1 {
		return d
	}
	return c
}

// survives reports whether the code point at old offset p is in the new
// text.
func (m *positionMap) survives(p int) bool {
	_, inRun := find(m.runs, p)
	_, inMove := find(m.moves, p)
	return inRun || inMove
}

// kept counts the code points of old [oldStart, oldEnd) that survive into
// new [start, end).
func (m *positionMap) kept(oldStart, oldEnd, start, end int) int {
	count := 0
	for _, rs := range [][]run{m.runs, m.moves} {
		i, _ := find(rs, oldStart)
		for ; i < len(rs) && rs[i].old < oldEnd; i++ {
			r := rs[i]
			lo, hi := max(oldStart, r.old), min(oldEnd, r.old+r.n)
			nlo, nhi := r.new+lo-r.old, r.new+hi-r.old
			count += max(0, min(nhi, end)-max(nlo, start))
		}
	}
	return count
}

// survivorsFromElsewhere counts the code points of new [start, end) that
// were in the old text, outside old [oldStart, oldEnd).
func (m *positionMap) survivorsFromElsewhere(start, end, oldStart, oldEnd int) int {
	i := sort.Search(len(m.byNew), func(i int) bool { return m.byNew[i].new+m.byNew[i].n > start })
	count := 0
	for ; i < len(m.byNew) && m.byNew[i].new < end; i++ {
		r := m.byNew[i]
		lo, hi := max(start, r.new), min(end, r.new+r.n)
		// The old offsets of [lo, hi), minus those inside our own span.
		olo, ohi := r.old+lo-r.new, r.old+hi-r.new
		own := max(0, min(ohi, oldEnd)-max(olo, oldStart))
		count += hi - lo - own
	}
	return count
}

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

// Limits that keep a diff cheap on texts that share little: a hunk larger
// than these is taken as deleted and inserted whole, and FindQuote then
// finds what moved.
const (
	maxBisectCost  = 8192 // edit steps explored when splitting one hunk
	maxRefineRunes = 4000 // per side, for refining a hunk by code point
)

// textDiff is a diff between two texts as the stretches they share: runs
// in the same order in both, and lines that moved (found verbatim, once,
// among the deleted lines and once among the inserted ones).
type textDiff struct {
	runs  []run // increasing in both old and new offsets
	moves []run // increasing in old offsets
}

// minMovedLine is the shortest line (in code points, with its newline)
// taken for moved when found verbatim elsewhere.
const minMovedLine = 16

// maxLinePairing bounds the lines of one hunk (deleted times inserted)
// that are paired up by similarity before being diffed by words.
const maxLinePairing = 2500

// diffTexts diffs two texts by lines (each with its newline); finds the
// lines that moved; pairs the remaining changed lines of each hunk by
// similarity (so a rewritten paragraph is compared with its old self, not
// with a deleted neighbour); and diffs each pair by words, then each
// changed run of words by code points. Lines and words give a diff that
// follows the text's structure; code points give exact offsets for small
// edits such as a fixed typo.
func diffTexts(a, b []rune) textDiff {
	al, bl := splitLines(a), splitLines(b)
	intern := interner{}
	aseq, bseq := intern.seq(al), intern.seq(bl)
	aoff, boff := lineOffsets(al), lineOffsets(bl)

	// The line diff as equal stretches and hunks, in order.
	type hunk struct {
		equal          bool
		a0, a1, b0, b1 int // line indexes
	}
	var hunks []hunk
	ai, bi := 0, 0
	for _, op := range diffSeq(aseq, bseq) {
		switch op.kind {
		case opEqual:
			hunks = append(hunks, hunk{true, ai, ai + op.n, bi, bi + op.n})
			ai += op.n
			bi += op.n
			continue
		case opDelete:
			ai += op.n
		case opInsert:
			bi += op.n
		}
		if k := len(hunks) - 1; k >= 0 && !hunks[k].equal {
			hunks[k].a1, hunks[k].b1 = ai, bi
		} else {
			start := hunk{a0: ai, b0: bi}
			if op.kind == opDelete {
				start.a0 -= op.n
			} else {
				start.b0 -= op.n
			}
			start.a1, start.b1 = ai, bi
			hunks = append(hunks, start)
		}
	}

	// Moved lines: one deleted and one inserted copy, long enough.
	deleted, inserted := map[int32]int{}, map[int32]int{}
	for _, h := range hunks {
		if h.equal {
			continue
		}
		for i := h.a0; i < h.a1; i++ {
			deleted[aseq[i]]++
		}
		for j := h.b0; j < h.b1; j++ {
			inserted[bseq[j]]++
		}
	}
	movedTo := map[int32]int{} // line id -> new line index
	for _, h := range hunks {
		for j := h.b0; j < h.b1 && !h.equal; j++ {
			id := bseq[j]
			if deleted[id] == 1 && inserted[id] == 1 && len(bl[j]) >= minMovedLine {
				movedTo[id] = j
			}
		}
	}

	// Lines that moved and were edited too: a deleted line and an inserted
	// one in different hunks, each the other's most similar, and closely
	// alike. They are paired before each hunk pairs its own lines, so a
	// moved paragraph is not matched with a look-alike deleted beside it.
	hunkOfOld, hunkOfNew := map[int]int{}, map[int]int{}
	var changedOld, changedNew []int
	for k, h := range hunks {
		for i := h.a0; i < h.a1 && !h.equal; i++ {
			if _, moved := movedTo[aseq[i]]; !moved {
				hunkOfOld[i] = k
				changedOld = append(changedOld, i)
			}
		}
		for j := h.b0; j < h.b1 && !h.equal; j++ {
			if _, moved := movedTo[bseq[j]]; !moved {
				hunkOfNew[j] = k
				changedNew = append(changedNew, j)
			}
		}
	}
	movedOld, movedNew := map[int]bool{}, map[int]bool{}
	var edited [][2]int
	for _, pr := range pairMovedLines(al, bl, changedOld, changedNew) {
		if hunkOfOld[pr[0]] != hunkOfNew[pr[1]] {
			edited = append(edited, pr)
			movedOld[pr[0]], movedNew[pr[1]] = true, true
		}
	}

	var d textDiff
	for _, h := range hunks {
		if h.equal {
			if h.a1 > h.a0 {
				d.runs = append(d.runs, run{aoff[h.a0], boff[h.b0], aoff[h.a1] - aoff[h.a0]})
			}
			continue
		}
		var olds, news []int
		for i := h.a0; i < h.a1; i++ {
			if j, ok := movedTo[aseq[i]]; ok {
				d.moves = append(d.moves, run{aoff[i], boff[j], len(al[i])})
			} else if !movedOld[i] {
				olds = append(olds, i)
			}
		}
		for j := h.b0; j < h.b1; j++ {
			if _, ok := movedTo[bseq[j]]; !ok && !movedNew[j] {
				news = append(news, j)
			}
		}
		for _, pr := range pairLines(al, bl, olds, news) {
			d.runs = appendWordRuns(d.runs, al[pr[0]], bl[pr[1]], aoff[pr[0]], boff[pr[1]])
		}
	}
	for _, pr := range edited {
		d.moves = appendWordRuns(d.moves, al[pr[0]], bl[pr[1]], aoff[pr[0]], boff[pr[1]])
	}
	slices.SortFunc(d.moves, func(x, y run) int { return x.old - y.old })
	return d
}

// appendWordRuns diffs a pair of lines by words and appends the runs they
// share, at offsets o and n of the old and new texts.
func appendWordRuns(runs []run, a, b []rune, o, n int) []run {
	var ops diffBuilder
	diffWords(&ops, a, b)
	for _, op := range ops.ops {
		switch op.kind {
		case opEqual:
			runs = append(runs, run{o, n, op.n})
			o += op.n
			n += op.n
		case opDelete:
			o += op.n
		case opInsert:
			n += op.n
		}
	}
	return runs
}

// Moved and edited lines: how alike they must be, and how many candidates
// (deleted times inserted) are compared at most.
const (
	minMovedSimilarity = 0.7
	maxMovedPairing    = 250_000
)

// pairMovedLines pairs deleted and inserted lines that are each other's
// most similar and at least minMovedSimilarity alike.
func pairMovedLines(al, bl [][]rune, olds, news []int) [][2]int {
	var o, n []int
	for _, i := range olds {
		if len(al[i]) >= minMovedLine {
			o = append(o, i)
		}
	}
	for _, j := range news {
		if len(bl[j]) >= minMovedLine {
			n = append(n, j)
		}
	}
	if len(o) == 0 || len(n) == 0 || len(o)*len(n) > maxMovedPairing {
		return nil
	}
	ow := make([][]string, len(o))
	for i, l := range o {
		ow[i] = lineWords(al[l])
	}
	nw := make([][]string, len(n))
	for j, l := range n {
		nw[j] = lineWords(bl[l])
	}
	bestForOld := make([]int, len(o))
	bestSimOld := make([]float64, len(o))
	bestForNew := make([]int, len(n))
	bestSimNew := make([]float64, len(n))
	for i := range bestForOld {
		bestForOld[i] = -1
	}
	for j := range bestForNew {
		bestForNew[j] = -1
	}
	for i := range o {
		for j := range n {
			s := dice(ow[i], nw[j])
			if s > bestSimOld[i] {
				bestSimOld[i], bestForOld[i] = s, j
			}
			if s > bestSimNew[j] {
				bestSimNew[j], bestForNew[j] = s, i
			}
		}
	}
	var out [][2]int
	for i, j := range bestForOld {
		if j >= 0 && bestForNew[j] == i && bestSimOld[i] >= minMovedSimilarity {
			out = append(out, [2]int{o[i], n[j]})
		}
	}
	return out
}

// lineOffsets are the code point offsets at which each line starts, and
// the total length at the end.
func lineOffsets(lines [][]rune) []int {
	off := make([]int, len(lines)+1)
	for i, l := range lines {
		off[i+1] = off[i] + len(l)
	}
	return off
}

// pairLines matches the changed lines of a hunk, old with new, in order,
// maximizing their total similarity; lines less than half alike stay
// unpaired (deleted or inserted whole).
func pairLines(al, bl [][]rune, olds, news []int) [][2]int {
	if len(olds) == 0 || len(news) == 0 || len(olds)*len(news) > maxLinePairing {
		return nil
	}
	if len(olds) == 1 && len(news) == 1 {
		if lineSimilarity(al[olds[0]], bl[news[0]]) >= 0.5 {
			return [][2]int{{olds[0], news[0]}}
		}
		return nil
	}
	toks := lineWords
	ot := make([][]string, len(olds))
	for i, o := range olds {
		ot[i] = toks(al[o])
	}
	nt := make([][]string, len(news))
	for j, n := range news {
		nt[j] = toks(bl[n])
	}
	// best[i][j]: the best total for olds[i:] and news[j:].
	rows, cols := len(olds)+1, len(news)+1
	best := make([]float64, rows*cols)
	sim := make([]float64, rows*cols)
	for i := len(olds) - 1; i >= 0; i-- {
		for j := len(news) - 1; j >= 0; j-- {
			s := dice(ot[i], nt[j])
			sim[i*cols+j] = s
			v := max(best[(i+1)*cols+j], best[i*cols+j+1])
			if s >= 0.5 {
				v = max(v, s+best[(i+1)*cols+j+1])
			}
			best[i*cols+j] = v
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < len(olds) && j < len(news); {
		s := sim[i*cols+j]
		switch {
		case s >= 0.5 && best[i*cols+j] == s+best[(i+1)*cols+j+1]:
			out = append(out, [2]int{olds[i], news[j]})
			i++
			j++
		case best[i*cols+j] == best[(i+1)*cols+j]:
			i++
		default:
			j++
		}
	}
	return out
}

// lineSimilarity is the Dice coefficient of two lines' words.
func lineSimilarity(a, b []rune) float64 { return dice(lineWords(a), lineWords(b)) }

// lineWords are the words of a line (not its spaces and punctuation, which
// every line shares), sorted.
func lineWords(l []rune) []string {
	var out []string
	for _, t := range splitWords(l) {
		if len(t) > 1 || unicode.IsLetter(t[0]) || unicode.IsDigit(t[0]) {
			out = append(out, string(t))
		}
	}
	slices.Sort(out)
	return out
}

// dice is 2|A∩B| / (|A|+|B|) for sorted multisets.
func dice(a, b []string) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// diffWords diffs a hunk by words, then refines changed words by runes.
func diffWords(out *diffBuilder, a, b []rune) {
	if len(a) == 0 || len(b) == 0 {
		out.add(opDelete, len(a))
		out.add(opInsert, len(b))
		return
	}
	at, bt := splitWords(a), splitWords(b)
	ids := map[string]int32{}
	intern := func(toks [][]rune) []int32 {
		seq := make([]int32, len(toks))
		for i, t := range toks {
			id, ok := ids[string(t)]
			if !ok {
				id = int32(len(ids))
				ids[string(t)] = id
			}
			seq[i] = id
		}
		return seq
	}
	ops := diffSeq(intern(at), intern(bt))
	ai, bi, ar, br := 0, 0, 0, 0
	for k := 0; k < len(ops); k++ {
		op := ops[k]
		if op.kind == opEqual {
			n := runesIn(at[ai : ai+op.n])
			out.add(opEqual, n)
			ai += op.n
			bi += op.n
			ar += n
			br += n
			continue
		}
		da, db := 0, 0
		for ; k < len(ops) && ops[k].kind != opEqual; k++ {
			if ops[k].kind == opDelete {
				da += ops[k].n
			} else {
				db += ops[k].n
			}
		}
		k--
		na, nb := runesIn(at[ai:ai+da]), runesIn(bt[bi:bi+db])
		if refined, ok := refineRunes(a[ar:ar+na], b[br:br+nb]); ok {
			for _, r := range refined {
				out.add(r.kind, r.n)
			}
		} else {
			refineWordPairs(out, at[ai:ai+da], bt[bi:bi+db])
		}
		ai += da
		bi += db
		ar += na
		br += nb
	}
}

// maxWordPairing bounds the words of one changed run (deleted times
// inserted) that refineWordPairs pairs up.
const maxWordPairing = 1024

// refineWordPairs handles a changed run of words that is not one edit as a
// whole: it pairs, in order, deleted and inserted words that are edits of
// each other (a typo fixed next to an inserted phrase) and diffs those by
// code points; the other words are deleted or inserted whole.
func refineWordPairs(out *diffBuilder, at, bt [][]rune) {
	n, m := len(at), len(bt)
	if n*m > maxWordPairing {
		out.add(opDelete, runesIn(at))
		out.add(opInsert, runesIn(bt))
		return
	}
	similar := func(x, y []rune) bool {
		if len(x) < 2 || len(y) < 2 {
			return false
		}
		kept := 0
		for _, op := range diffSeq([]int32(x), []int32(y)) {
			if op.kind == opEqual {
				kept += op.n
			}
		}
		return 2*kept >= max(len(x), len(y))
	}
	// best[i*w+j]: the most pairs in at[i:] and bt[j:].
	w := m + 1
	best := make([]int, (n+1)*w)
	pair := make([]bool, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			v := max(best[(i+1)*w+j], best[i*w+j+1])
			if 1+best[(i+1)*w+j+1] > v && similar(at[i], bt[j]) {
				v = 1 + best[(i+1)*w+j+1]
				pair[i*w+j] = true
			}
			best[i*w+j] = v
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case pair[i*w+j]:
			for _, op := range diffSeq([]int32(at[i]), []int32(bt[j])) {
				out.add(op.kind, op.n)
			}
			i++
			j++
		case best[i*w+j] == best[(i+1)*w+j]:
			out.add(opDelete, len(at[i]))
			i++
		default:
			out.add(opInsert, len(bt[j]))
			j++
		}
	}
	out.add(opDelete, runesIn(at[i:]))
	out.add(opInsert, runesIn(bt[j:]))
}

// refineRunes diffs a changed run of words by code points when that shows
// an edit: when at least half of the longer side is kept (a typo fixed, a
// word inflected), or all of the shorter one (text glued onto a word, or
// cut from it). Otherwise the words were replaced, and letters they happen
// to share would only mislead the mapping.
func refineRunes(a, b []rune) ([]diffOp, bool) {
	if len(a) == 0 || len(b) == 0 || len(a) > maxRefineRunes || len(b) > maxRefineRunes {
		return nil, false
	}
	ops := diffSeq([]int32(a), []int32(b))
	kept := 0
	for _, op := range ops {
		if op.kind == opEqual {
			kept += op.n
		}
	}
	if 2*kept < max(len(a), len(b)) && kept < min(len(a), len(b)) {
		return nil, false
	}
	return ops, true
}

func runesIn(pieces [][]rune) int {
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	return n
}

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
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	out.add(opEqual, p)
	a, b = a[p:], b[p:]
	s := 0
	for s < len(a) && s < len(b) && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	a, b = a[:len(a)-s], b[:len(b)-s]
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
