package annotation

import "slices"

// Quote is a passage to look for in a text: the quoted text itself, the
// text seen just before and after it when it was anchored, and where it was
// (a code point offset used as a hint, or -1 when unknown).
type Quote struct {
	Exact  string
	Prefix string
	Suffix string
	Start  int
}

// Match is where FindQuote anchored a quote: [Start, End) in code points.
// Score runs from 0 to 1 and is 1 only for the verbatim quote with matching
// context at the hinted position. Exact says the quote was found verbatim.
// Distance is the edit distance between the quote and the matched text, and
// Context how well the text around the match agrees with the quote's prefix
// and suffix (0 to 1; 0.5 when the quote carries no context).
type Match struct {
	Start    int
	End      int
	Score    float64
	Exact    bool
	Distance int
	Context  float64
}

// MaxQuoteErrorRate is how far a passage may differ from a quote and still
// be taken for it: at most this share of the quote's length (in code
// points, rounded down) in edits. Quotes shorter than four code points are
// therefore only found verbatim.
const MaxQuoteErrorRate = 0.25

// The weights of a match's score: the quote's similarity dominates, then the
// agreement of the context, then the nearness to the hint.
const (
	quoteWeight    = 0.75
	contextWeight  = 0.15
	positionWeight = 0.10
)

// positionScale is the distance from the hint, in code points, at which the
// position part of a score has fallen to one half.
const positionScale = 512

// hintWindow is how far around the hint, in code points, the approximate
// search looks first before searching the whole text.
const hintWindow = 4096

// maxCandidates bounds how many approximate matches are examined in one
// search, so that a short quote with many near matches stays cheap.
const maxCandidates = 64

// FindQuote anchors a quote in a text. Verbatim occurrences of q.Exact come
// first: among several, the one whose surroundings agree best with
// q.Prefix and q.Suffix wins, then the one nearest q.Start, so a phrase
// repeated elsewhere does not steal the anchor. When there is no verbatim
// occurrence (or the best one has foreign context while a hint is given),
// FindQuote searches approximately, first within a window around the hint
// and then in the whole text, for passages within MaxQuoteErrorRate edits
// of the quote, and scores them by quote similarity, context and position.
// It reports false when nothing is close enough.
//
// The verbatim path costs about one pass over the text with a skip table;
// the approximate path costs O(n * ceil(m/64)) for a quote of m code points
// over n code points of text.
func FindQuote(text Text, q Quote) (Match, bool) {
	return findQuote(text, q, nil)
}

// quoteSearch holds one search's inputs and its best match so far.
type quoteSearch struct {
	text   Text
	exact  []rune
	prefix []rune
	suffix []rune
	hint   int
	accept func(start, end int) bool
	best   Match
	found  bool
}

// findQuote is FindQuote with an optional filter: when accept is not nil,
// only matches it accepts are considered.
func findQuote(text Text, q Quote, accept func(start, end int) bool) (Match, bool) {
	s := &quoteSearch{
		text:   text,
		exact:  []rune(q.Exact),
		prefix: []rune(q.Prefix),
		suffix: []rune(q.Suffix),
		hint:   q.Start,
		accept: accept,
	}
	m := len(s.exact)
	if m == 0 || m > len(text) && maxErrors(m) < m-len(text) {
		return Match{}, false
	}
	if s.hint > len(text) {
		s.hint = len(text)
	}
	s.findVerbatim()
	if s.found && (s.hint < 0 || s.best.Context >= 0.5) {
		return s.best, true
	}
	k := maxErrors(m)
	if k == 0 {
		return s.best, s.found
	}
	if s.hint >= 0 {
		lo := max(0, s.hint-hintWindow-k)
		hi := min(len(text), s.hint+m+hintWindow+k)
		s.findApproximate(lo, hi, k)
		if s.found && s.best.Context >= 0.5 {
			return s.best, true
		}
		if lo == 0 && hi == len(text) {
			return s.best, s.found
		}
	}
	if !s.found || !s.best.Exact {
		s.findApproximate(0, len(text), k)
	}
	return s.best, s.found
}

// maxErrors is how many edits a quote of m code points tolerates.
func maxErrors(m int) int { return int(float64(m) * MaxQuoteErrorRate) }

// consider scores the candidate [start, end) at edit distance d and keeps
// it when it beats the best so far.
func (s *quoteSearch) consider(start, end, d int) {
	if s.accept != nil && !s.accept(start, end) {
		return
	}
	m := len(s.exact)
	ctx := s.contextScore(start, end)
	pos := 0.5
	if s.hint >= 0 {
		dist := start - s.hint
		if dist < 0 {
			dist = -dist
		}
		pos = positionScale / float64(positionScale+dist)
	}
	quote := 1 - float64(d)/float64(m)
	score := quoteWeight*quote + contextWeight*ctx + positionWeight*pos
	if !s.found || score > s.best.Score {
		s.best = Match{Start: start, End: end, Score: score, Exact: d == 0, Distance: d, Context: ctx}
		s.found = true
	}
}

// upperBound is the best score a candidate ending at end with d edits could
// reach: perfect context, and a start as near the hint as its length allows.
func (s *quoteSearch) upperBound(end, d int) float64 {
	m := len(s.exact)
	pos := 0.5
	if s.hint >= 0 {
		k := maxErrors(m)
		lo, hi := end-m-k, end-max(1, m-k)
		dist := 0
		if s.hint < lo {
			dist = lo - s.hint
		} else if s.hint > hi {
			dist = s.hint - hi
		}
		pos = positionScale / float64(positionScale+dist)
	}
	return quoteWeight*(1-float64(d)/float64(m)) + contextWeight + positionWeight*pos
}

// contextScore compares the quote's prefix and suffix with the text around
// [start, end): 1 when both agree, 0 when neither does, 0.5 when the quote
// carries no context to compare.
func (s *quoteSearch) contextScore(start, end int) float64 {
	var sum float64
	n := 0
	if len(s.prefix) > 0 {
		got := s.text[max(0, start-len(s.prefix)):start]
		sum += similarity(s.prefix, got)
		n++
	}
	if len(s.suffix) > 0 {
		got := s.text[end:min(len(s.text), end+len(s.suffix))]
		sum += similarity(s.suffix, got)
		n++
	}
	if n == 0 {
		return 0.5
	}
	return sum / float64(n)
}

// similarity is 1 minus the edit distance between want and got relative to
// the length of want, floored at 0.
func similarity(want, got []rune) float64 {
	if len(want) == 0 {
		return 1
	}
	d := EditDistance(want, got)
	return max(0, 1-float64(d)/float64(len(want)))
}

// findVerbatim considers every verbatim occurrence of the quote.
func (s *quoteSearch) findVerbatim() {
	m := len(s.exact)
	var skip [256]int
	for i := range skip {
		skip[i] = m
	}
	for i := 0; i < m-1; i++ {
		skip[s.exact[i]&0xFF] = m - 1 - i
	}
	text, pat := s.text, s.exact
	last := pat[m-1]
	for i := 0; i+m <= len(text); {
		c := text[i+m-1]
		if c == last && slices.Equal(text[i:i+m-1], pat[:m-1]) {
			s.consider(i, i+m, 0)
		}
		i += skip[c&0xFF]
	}
}

// findApproximate considers the passages of text[lo:hi] within k edits of
// the quote. It scans with Myers' bit-parallel algorithm in Sellers' search
// mode, keeps the best end of each run of close matches, and recovers each
// candidate's start by aligning backwards from its end.
func (s *quoteSearch) findApproximate(lo, hi, k int) {
	// Each run of ends within k edits is one passage: keep its ends with
	// the fewest edits (a few of them: a substitution and a deletion at
	// the passage's edge tie, and the context decides).
	type candidate struct{ end, d int }
	const perRun = 4
	var cands, run []candidate
	p := newBitPattern(s.exact)
	p.scan(s.text[lo:hi], false, func(j, d int) {
		switch {
		case d > k:
			cands = append(cands, run...)
			run = run[:0]
		case len(run) == 0 || d < run[0].d:
			run = append(run[:0], candidate{lo + j + 1, d})
		case d == run[0].d && len(run) < perRun:
			run = append(run, candidate{lo + j + 1, d})
		}
	})
	cands = append(cands, run...)
	if len(cands) == 0 {
		return
	}
	// Keep the closest candidates: fewest edits, then nearest the hint.
	hintEnd := s.hint + len(s.exact)
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.d != b.d {
			return a.d - b.d
		}
		if s.hint >= 0 {
			return absInt(a.end-hintEnd) - absInt(b.end-hintEnd)
		}
		return a.end - b.end
	})
	if len(cands) > maxCandidates {
		cands = cands[:maxCandidates]
	}
	for _, c := range cands {
		// The best this candidate could score, with perfect context and
		// its end's distance to the hint: once it cannot win, none of the
		// rest (with as many or more edits) is likely to, so stop.
		if s.found && s.upperBound(c.end, c.d) <= s.best.Score {
			continue
		}
		from := max(lo, c.end-len(s.exact)-k)
		start, d := alignStart(s.exact, s.text[from:c.end])
		s.consider(from+start, c.end, d)
	}
}

// alignStart finds where in window the best alignment of pattern ending at
// the window's end begins: it returns that start (an index into window) and
// the alignment's edit distance. Among equally good starts it takes the one
// giving a passage closest in length to the pattern. It aligns the reversed
// pattern globally against the reversed window, whose every prefix length L
// is a candidate passage length.
func alignStart(pattern, window []rune) (int, int) {
	m, n := len(pattern), len(window)
	rp := make([]rune, m)
	for i, r := range pattern {
		rp[m-1-i] = r
	}
	rw := make([]rune, n)
	for i, r := range window {
		rw[n-1-i] = r
	}
	bestL, bestD := 0, m
	newBitPattern(rp).scan(rw, true, func(j, d int) {
		l := j + 1
		if d < bestD || d == bestD && absInt(l-m) < absInt(bestL-m) {
			bestL, bestD = l, d
		}
	})
	return n - bestL, bestD
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// EditDistance is the Levenshtein distance between a and b, counted in
// code points (insertions, deletions and substitutions each cost one). It
// runs Myers' bit-parallel algorithm: O(len(a) * ceil(len(b)/64)).
func EditDistance(a, b []rune) int {
	if len(b) == 0 {
		return len(a)
	}
	if len(a) == 0 {
		return len(b)
	}
	d := len(b)
	newBitPattern(b).scan(a, true, func(_, score int) { d = score })
	return d
}

// bitPattern is a pattern prepared for Myers' bit-parallel edit distance:
// for every rune in it, one bit mask per 64-code-point block of the pattern
// saying where the rune occurs.
type bitPattern struct {
	m      int
	blocks int
	ascii  [128]int32 // row in peq for runes below 128; 0 is the empty row
	other  map[rune]int32
	peq    []uint64 // rows of blocks words; row 0 is all zeros
}

func newBitPattern(pattern []rune) *bitPattern {
	p := &bitPattern{m: len(pattern), blocks: (len(pattern) + 63) / 64}
	p.peq = make([]uint64, p.blocks) // the empty row
	rows := int32(1)
	for i, r := range pattern {
		row := p.row(r)
		if row == 0 {
			row = rows
			rows++
			p.peq = append(p.peq, make([]uint64, p.blocks)...)
			if r >= 0 && r < 128 {
				p.ascii[r] = row
			} else {
				if p.other == nil {
					p.other = make(map[rune]int32)
				}
				p.other[r] = row
			}
		}
		p.peq[int(row)*p.blocks+i/64] |= 1 << (i % 64)
	}
	return p
}

// row is the index of r's masks in peq, 0 when r is not in the pattern.
func (p *bitPattern) row(r rune) int32 {
	if r >= 0 && r < 128 {
		return p.ascii[r]
	}
	return p.other[r]
}

// scan runs the pattern over text and calls visit with each text index j
// and the edit distance D[m][j+1]: in search mode (global false) the best
// distance of the pattern to any passage ending at j, in global mode the
// distance of the pattern to text[:j+1].
func (p *bitPattern) scan(text []rune, global bool, visit func(j, d int)) {
	const high = uint64(1) << 63
	lastBit := uint64(1) << ((p.m - 1) % 64)
	score := p.m
	if p.blocks == 1 {
		pv, mv := ^uint64(0), uint64(0)
		for j, r := range text {
			eq := p.peq[p.row(r)]
			xv := eq | mv
			xh := (((eq & pv) + pv) ^ pv) | eq
			ph := mv | ^(xh | pv)
			mh := pv & xh
			if ph&lastBit != 0 {
				score++
			} else if mh&lastBit != 0 {
				score--
			}
			ph <<= 1
			mh <<= 1
			if global {
				ph |= 1
			}
			pv = mh | ^(xv | ph)
			mv = ph & xv
			visit(j, score)
		}
		return
	}
	pv := make([]uint64, p.blocks)
	mv := make([]uint64, p.blocks)
	for b := range pv {
		pv[b] = ^uint64(0)
	}
	last := p.blocks - 1
	for j, r := range text {
		eqs := p.peq[int(p.row(r))*p.blocks : int(p.row(r)+1)*p.blocks]
		hin := 0
		if global {
			hin = 1
		}
		for b := 0; b < p.blocks; b++ {
			eq := eqs[b]
			pvb, mvb := pv[b], mv[b]
			xv := eq | mvb
			if hin < 0 {
				eq |= 1
			}
			xh := (((eq & pvb) + pvb) ^ pvb) | eq
			ph := mvb | ^(xh | pvb)
			mh := pvb & xh
			if b == last {
				if ph&lastBit != 0 {
					score++
				} else if mh&lastBit != 0 {
					score--
				}
			}
			hout := 0
			if ph&high != 0 {
				hout = 1
			} else if mh&high != 0 {
				hout = -1
			}
			ph <<= 1
			mh <<= 1
			if hin < 0 {
				mh |= 1
			} else if hin > 0 {
				ph |= 1
			}
			pv[b] = mh | ^(xv | ph)
			mv[b] = ph & xv
			hin = hout
		}
		visit(j, score)
	}
}
