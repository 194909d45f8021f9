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

// Reanchor carries annotations from one revision of a text to the next. It
// aligns the two texts once (see align: tokens, then code points, then
// moved blocks) and carries each selector through the alignment by what
// became of its own code points:
//
//   - when more than half of them were deleted, the passage is gone; if
//     new text replaced it, the quote is searched for there (AnchorFuzzy,
//     for a person to confirm), otherwise it is AnchorOrphaned and keeps
//     its old offsets;
//   - otherwise the new span runs from the first to the last code point
//     that survived, or that replaced text inside the span, or that was
//     inserted strictly inside it (text inserted exactly at its start or
//     end stays outside), trimmed of white space at both ends;
//   - the span's words are then either unchanged (AnchorExact, wherever
//     it moved to) or edited (AnchorMoved, scored by the share of its code
//     points that survived).
//
// A selector whose offsets do not hold its quote in the old text (made on
// another revision) is searched for with FindQuote instead.
//
// Aligning costs about O(n log n) in the texts' length when they are
// alike; carrying a selector costs O(log r + k) for r runs of unchanged
// text of which k touch it.
func Reanchor(oldText, newText Text, sels []Selector) []Anchoring {
	m := NewMapping(oldText, newText)
	out := make([]Anchoring, len(sels))
	for i, sel := range sels {
		out[i] = m.Reanchor(sel)
	}
	return out
}

// Mapping is the alignment of two revisions of a text, computed once, that
// carries any number of selectors from the old text to the new one, as
// Reanchor does. It lets a caller anchor most selectors ahead of time and a
// few late comers (made while the revision was being prepared) later,
// without aligning the texts again. It is safe for concurrent use.
type Mapping struct {
	oldText, newText Text
	al               *alignment
}

// NewMapping aligns two revisions of a text.
func NewMapping(oldText, newText Text) *Mapping {
	return &Mapping{oldText: oldText, newText: newText, al: align(oldText, newText)}
}

// Reanchor carries one selector of the old text into the new one; see the
// package function Reanchor for the rules.
func (mp *Mapping) Reanchor(sel Selector) Anchoring {
	orphan := Anchoring{Start: sel.Start, End: sel.End, State: AnchorOrphaned}
	exact := []rune(sel.Exact)
	if len(exact) == 0 {
		return orphan
	}
	if sel.Start < 0 || sel.Start >= sel.End || sel.End > len(mp.oldText) ||
		!slices.Equal([]rune(mp.oldText[sel.Start:sel.End]), exact) {
		q := Quote{Exact: sel.Exact, Prefix: sel.Prefix, Suffix: sel.Suffix, Start: -1}
		if sel.Start >= 0 && sel.Start < len(mp.oldText) {
			q.Start = mp.al.mapOffset(sel.Start)
		}
		if an, ok := Locate(mp.newText, q); ok {
			return an
		}
		return orphan
	}
	c := mp.al.carry(sel.Start, sel.End)
	if 2*c.deleted > sel.End-sel.Start {
		return mp.search(sel, c, orphan)
	}
	// White space the passage gained at either end is not its own.
	start, end := c.lo, c.hi
	for start < end && unicode.IsSpace(mp.newText[start]) && !unicode.IsSpace(exact[0]) {
		start++
	}
	for end > start && unicode.IsSpace(mp.newText[end-1]) && !unicode.IsSpace(exact[len(exact)-1]) {
		end--
	}
	if start >= end {
		return orphan
	}
	got := []rune(mp.newText[start:end])
	if slices.Equal(got, exact) {
		return Anchoring{Start: start, End: end, State: AnchorExact, Score: 1}
	}
	// How much of the passage is still there: its code points kept, in
	// place or moved, or its letters in order, whichever says more (a
	// swap of two sentences keeps every code point; a word re-spelt
	// keeps most letters).
	longer := float64(max(len(exact), len(got)))
	score := max(float64(c.kept)/longer, 1-float64(EditDistance(exact, got))/longer)
	state := AnchorMoved
	if score < minEditedScore {
		state = AnchorFuzzy
	}
	return Anchoring{Start: start, End: end, State: state, Score: max(min(score, 0.99), 0.01)}
}

// search looks for a passage whose words were mostly replaced in the text
// that replaced them (the new side of the gaps that took its code points),
// give or take the quote's length: a rewritten sentence that still reads
// much like the quote. What it finds is AnchorFuzzy, for a person to
// confirm; a passage that was deleted, not rewritten, is an orphan.
func (mp *Mapping) search(sel Selector, c carried, orphan Anchoring) Anchoring {
	n := sel.End - sel.Start
	if c.replacedHi-c.replacedLo < n/2 {
		return orphan
	}
	lo, hi := max(0, c.replacedLo-n), min(len(mp.newText), c.replacedHi+n)
	q := Quote{Exact: sel.Exact, Prefix: sel.Prefix, Suffix: sel.Suffix, Start: c.replacedLo - lo}
	m, ok := FindQuote(mp.newText[lo:hi], q)
	if !ok {
		return orphan
	}
	m.Start, m.End = lo+m.Start, lo+m.End
	return found(m)
}

// Locate anchors a quote in a text without an earlier revision to align
// with (an imported annotation, or a selector that does not fit the text
// it was made on): FindQuote's search, the one re-anchoring falls back on
// for rewritten passages. A verbatim find is AnchorExact (its words are
// unchanged); an approximate one AnchorFuzzy, scored, for a person to
// confirm. It reports false when nothing is close enough.
func Locate(text Text, q Quote) (Anchoring, bool) {
	m, ok := FindQuote(text, q)
	if !ok {
		return Anchoring{}, false
	}
	return found(m), true
}

// found is the anchoring of a search result: verbatim, the passage's words
// are unchanged (AnchorExact); otherwise a person should confirm it
// (AnchorFuzzy).
func found(m Match) Anchoring {
	if m.Exact {
		return Anchoring{Start: m.Start, End: m.End, State: AnchorExact, Score: 1}
	}
	return Anchoring{Start: m.Start, End: m.End, State: AnchorFuzzy, Score: min(m.Score, 0.99)}
}

// minEditedScore is the similarity below which a carried passage counts as
// rewritten rather than edited: its anchor is AnchorFuzzy, for a person to
// confirm that the new words still say what was commented on.
const minEditedScore = 0.5

// carried is what became of a span's code points: kept counts those that
// survived (in place or moved); deleted those that were deleted without
// being replaced; [lo, hi) is the extent in the new text of the survivors,
// the replacements inside the span and the insertions strictly inside it.
// [replacedLo, replacedHi) covers the new text that replaced the span's
// deleted code points, when any did.
type carried struct {
	kept, deleted          int
	lo, hi                 int
	replacedLo, replacedHi int
}

// carry follows the old span [s, e) through the alignment.
func (al *alignment) carry(s, e int) carried {
	c := carried{lo: al.newLen, hi: -1, replacedLo: al.newLen, replacedHi: -1}
	var parts []part // where the span's code points went
	grow := func(lo, hi int) {
		c.lo, c.hi = min(c.lo, lo), max(c.hi, hi)
		parts = append(parts, part{lo, hi, 0})
	}
	keep := func(lo, hi int) {
		c.kept += hi - lo
		grow(lo, hi)
		parts[len(parts)-1].kept = hi - lo
	}
	for i := firstEnding(al.runs, s); i < len(al.runs) && al.runs[i].old < e; i++ {
		r := al.runs[i]
		if lo, hi := max(s, r.old), min(e, r.old+r.n); lo < hi {
			keep(r.new+lo-r.old, r.new+hi-r.old)
		}
	}
	// The pieces of moved blocks that touch the span.
	k := sort.Search(len(al.moved), func(k int) bool { return al.moved[k].b >= s })
	for ; k < len(al.moved) && al.moved[k].a <= e; k++ {
		p := al.moved[k]
		switch lo, hi := max(s, p.a), min(e, p.b); {
		case p.same && lo < hi:
			keep(p.c+lo-p.a, p.c+hi-p.a)
		case p.a == p.b:
			if s < p.a && p.a < e { // inserted strictly inside
				grow(p.c, p.d)
			}
		case lo < hi:
			c.deleted += c.replaced(p.a, p.b, p.c, p.d, s, e, hi-lo, p.d-p.c, p.unit, grow)
		}
	}
	// The edits in place that touch the span.
	k = sort.Search(len(al.edits), func(k int) bool { return al.edits[k].b >= s })
	for ; k < len(al.edits) && al.edits[k].a <= e; k++ {
		ed := al.edits[k]
		if ed.a == ed.b {
			if s < ed.a && ed.a < e { // inserted strictly inside
				grow(ed.c, ed.d)
			}
			continue
		}
		lo, hi := max(s, ed.a), min(e, ed.b)
		if lo >= hi {
			continue
		}
		deleted := hi - lo - al.movedOut(lo, hi)
		inserted := ed.d - ed.c - al.movedIn(ed.c, ed.d)
		c.deleted += c.replaced(ed.a, ed.b, ed.c, ed.d, s, e, deleted, inserted, ed.unit, grow)
	}
	if c.hi < 0 {
		c.lo, c.hi = 0, 0
		c.deleted = e - s
		return c
	}
	if c.hi-c.lo > 2*(e-s)+32 {
		// Scattered far apart (words the span shares with passages
		// elsewhere): the span is where most of it went.
		c.lo, c.hi = densest(parts, e-s)
	}
	return c
}

// part is a stretch of new text [lo, hi) that a span's code points went
// to, kept of them unchanged.
type part struct{ lo, hi, kept int }

// densest groups parts that lie within a span's length of each other and
// returns the extent of the group that kept the most code points.
func densest(parts []part, n int) (int, int) {
	slices.SortFunc(parts, func(x, y part) int { return x.lo - y.lo })
	bestLo, bestHi, best := 0, 0, -1
	for i := 0; i < len(parts); {
		lo, hi, kept := parts[i].lo, parts[i].hi, parts[i].kept
		j := i + 1
		for ; j < len(parts) && parts[j].lo <= hi+n/2+8; j++ {
			hi, kept = max(hi, parts[j].hi), kept+parts[j].kept
		}
		if kept > best {
			bestLo, bestHi, best = lo, hi, kept
		}
		i = j
	}
	return bestLo, bestHi
}

// replaced takes in an edit, old [a, b) replaced by new [c, d), that
// touches the span [s, e), where deleted of the span's code points are
// gone and inserted code points took their place: a token replaced by its
// edited self, or a replacement that lies inside the span (a word
// substituted), even at its edges, belongs to the span, and grows its
// extent. It returns how many of the span's code points were deleted
// rather than replaced.
func (c *carried) replaced(a, b, cc, d, s, e, deleted, inserted int, unit bool, grow func(lo, hi int)) int {
	if inserted > 0 && deleted > 0 {
		c.replacedLo, c.replacedHi = min(c.replacedLo, cc), max(c.replacedHi, d)
	}
	switch {
	case inserted > 0 && unit:
		grow(cc, d)
		return 0
	case inserted > 0 && a >= s && b <= e:
		grow(cc, d)
		return deleted - min(deleted, inserted)
	}
	return deleted
}

// mapOffset maps an old offset to the new text: through the run or moved
// block that holds it, or to the start of the new side of its gap.
func (al *alignment) mapOffset(p int) int {
	if k := sort.Search(len(al.moved), func(k int) bool { return al.moved[k].b > p }); k < len(al.moved) && al.moved[k].same && al.moved[k].a <= p {
		return al.moved[k].c + p - al.moved[k].a
	}
	if i := firstEnding(al.runs, p); i < len(al.runs) && al.runs[i].old <= p {
		return al.runs[i].new + p - al.runs[i].old
	}
	return al.gap(firstEnding(al.runs, p)).c
}

// movedOut counts the code points of old [lo, hi) that moved elsewhere.
func (al *alignment) movedOut(lo, hi int) int {
	n := 0
	for k := sort.Search(len(al.moved), func(k int) bool { return al.moved[k].b > lo }); k < len(al.moved) && al.moved[k].a < hi; k++ {
		n += max(0, min(hi, al.moved[k].b)-max(lo, al.moved[k].a))
	}
	return n
}

// movedIn counts the code points of new [lo, hi) that moved there from
// elsewhere.
func (al *alignment) movedIn(lo, hi int) int {
	n, ps := 0, al.movedByNew
	for k := sort.Search(len(ps), func(k int) bool { return ps[k].d > lo }); k < len(ps) && ps[k].c < hi; k++ {
		n += max(0, min(hi, ps[k].d)-max(lo, ps[k].c))
	}
	return n
}

// firstEnding returns the index of the first run of rs (increasing in old
// offsets) that ends after old offset p.
func firstEnding(rs []run, p int) int {
	return sort.Search(len(rs), func(i int) bool { return rs[i].old+rs[i].n > p })
}
