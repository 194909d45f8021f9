package annotation_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"galley/annotation"
)

// This file measures re-anchoring on each class of edit an article goes
// through in review, one revision per class, with floors that fail. The
// revisions are built by tracking every code point, as the outside
// yardstick does: a span's expected place is where its own code points
// went. It is null when more than half of them were deleted; otherwise
// the extent of its surviving code points, of replacements lying inside
// it and of insertions strictly inside it (insertions at its edges stay
// outside), trimmed of white space.

// planEdit replaces old [a, b) by repl (a == b inserts, an empty repl
// deletes).
type planEdit struct {
	a, b int
	repl string
}

// revision builds a new text from an old one by edits, then swaps of
// adjacent stretches ([a0,a1) and [b0,b1) exchange places, the text
// between them staying), keeping for every new code point where it came
// from.
type revision struct {
	old   []rune
	edits []planEdit
	swaps [][4]int
}

// cell is one code point of the new text: an original code point of old
// [lo, lo+1), or part of edit ed's replacement of old [lo, hi), or of its
// insertion at lo (lo == hi).
type cell struct {
	r      rune
	lo, hi int
	ed     int // -1 for an original code point
}

func (rv *revision) apply() []cell {
	order := make([]int, len(rv.edits))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		ex, ey := rv.edits[x], rv.edits[y]
		if ex.a != ey.a {
			return ex.a - ey.a
		}
		// An insertion comes before a replacement starting at its place.
		return (ex.b - ex.a) - (ey.b - ey.a)
	})
	var cells []cell
	k := 0
	for i := 0; ; {
		for k < len(order) && rv.edits[order[k]].a == i && rv.edits[order[k]].b == i {
			for _, r := range rv.edits[order[k]].repl {
				cells = append(cells, cell{r, i, i, order[k]})
			}
			k++
		}
		if i >= len(rv.old) {
			break
		}
		if k < len(order) && rv.edits[order[k]].a == i {
			e := rv.edits[order[k]]
			for _, r := range e.repl {
				cells = append(cells, cell{r, e.a, e.b, order[k]})
			}
			i = e.b
			k++
			continue
		}
		cells = append(cells, cell{rv.old[i], i, i + 1, -1})
		i++
	}
	for _, sw := range rv.swaps {
		at := func(x int) int {
			return slices.IndexFunc(cells, func(c cell) bool { return c.lo >= x })
		}
		a0, a1, b0, b1 := at(sw[0]), at(sw[1]), at(sw[2]), at(sw[3])
		var out []cell
		out = append(out, cells[:a0]...)
		out = append(out, cells[b0:b1]...)
		out = append(out, cells[a1:b0]...)
		out = append(out, cells[a0:a1]...)
		out = append(out, cells[b1:]...)
		cells = out
	}
	return cells
}

// expected is where old span [s, e) is in the new text, or ok false when
// more than half of it was deleted.
func (rv *revision) expected(cells []cell, s, e int) (start, end int, ok bool) {
	deleted := 0
	for _, ed := range rv.edits {
		if ed.repl == "" {
			deleted += max(0, min(e, ed.b)-max(s, ed.a))
		}
	}
	if 2*deleted > e-s {
		return 0, 0, false
	}
	lo, hi := -1, -1
	for i, c := range cells {
		var belongs bool
		switch {
		case c.ed < 0:
			belongs = c.lo >= s && c.lo < e
		case c.lo < c.hi:
			belongs = c.lo >= s && c.hi <= e
		default:
			belongs = c.lo > s && c.lo < e
		}
		if belongs {
			if lo < 0 {
				lo = i
			}
			hi = i + 1
		}
	}
	for lo >= 0 && lo < hi && unicode.IsSpace(cells[lo].r) {
		lo++
	}
	for hi > lo && unicode.IsSpace(cells[hi-1].r) {
		hi--
	}
	if lo < 0 || lo >= hi {
		return 0, 0, false
	}
	return lo, hi, true
}

func newTextOf(cells []cell) string {
	r := make([]rune, len(cells))
	for i, c := range cells {
		r[i] = c.r
	}
	return string(r)
}

// classCase is a revision and the spans annotated on its old text.
type classCase struct {
	rv    revision
	spans [][2]int
}

// words are the [start, end) of each run of non-space code points.
func words(text []rune) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); {
		if unicode.IsSpace(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && !unicode.IsSpace(text[j]) {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// sentences are the [start, end) of each sentence of each paragraph
// (ending with '.', '?' or '!' and white space, or the paragraph's end),
// by paragraph.
func sentences(text []rune) [][][2]int {
	var paras [][][2]int
	var cur [][2]int
	start := -1
	for _, w := range words(text) {
		if start < 0 {
			start = w[0]
		}
		end := w[1]
		last := text[end-1]
		breakAfter := end >= len(text) || strings.Contains(string(text[end:min(len(text), end+2)]), "\n\n")
		if strings.ContainsRune(".?!", last) || strings.HasSuffix(string(text[w[0]:end]), ".\"") || breakAfter {
			cur = append(cur, [2]int{start, end})
			start = -1
		}
		if breakAfter {
			paras = append(paras, cur)
			cur = nil
		}
	}
	return paras
}

// wrap hard-wraps each paragraph of text at width columns.
func wrap(text string, width int) string {
	paras := strings.Split(text, "\n\n")
	for i, p := range paras {
		var b strings.Builder
		col := 0
		for j, w := range strings.Fields(p) {
			if j > 0 {
				if col+1+len([]rune(w)) > width {
					b.WriteByte('\n')
					col = 0
				} else {
					b.WriteByte(' ')
					col++
				}
			}
			b.WriteString(w)
			col += len([]rune(w))
		}
		paras[i] = b.String()
	}
	return strings.Join(paras, "\n\n")
}

// classArticle is the text the classes are built on: the sample article's
// body.
func classArticle(t testing.TB) string {
	return annotation.Parse(readArticle(t, sampleArticle)).Text
}

// randomSpan picks 1 to 12 whole words inside one paragraph.
func randomSpan(rng *rand.Rand, text []rune, ws [][2]int) [2]int {
	for {
		i := rng.IntN(len(ws))
		j := min(len(ws)-1, i+rng.IntN(12))
		if !strings.Contains(string(text[ws[i][0]:ws[j][1]]), "\n\n") {
			return [2]int{ws[i][0], ws[j][1]}
		}
	}
}

// editClasses builds one case per class of edit.
func editClasses(t testing.TB, seed uint64) map[string]classCase {
	rng := rand.New(rand.NewPCG(seed, 7))
	base := classArticle(t)
	out := map[string]classCase{}

	// Hard-wrapped paragraphs unwrapped, runs of spaces collapsed and
	// straight quotes made curly.
	{
		old := []rune(strings.ReplaceAll(wrap(base, 64), ". ", ".  "))
		c := classCase{rv: revision{old: old}}
		for i := 0; i < len(old); i++ {
			switch {
			case old[i] == '\n' && (i+1 >= len(old) || old[i+1] != '\n') && (i == 0 || old[i-1] != '\n'):
				c.rv.edits = append(c.rv.edits, planEdit{i, i + 1, " "})
			case old[i] == ' ' && i+1 < len(old) && old[i+1] == ' ':
				c.rv.edits = append(c.rv.edits, planEdit{i, i + 2, " "})
				i++
			case old[i] == '"':
				q := "”"
				if i == 0 || unicode.IsSpace(old[i-1]) {
					q = "“"
				}
				c.rv.edits = append(c.rv.edits, planEdit{i, i + 1, q})
			}
		}
		ws := words(old)
		for range 80 {
			c.spans = append(c.spans, randomSpan(rng, old, ws))
		}
		out["unwrapped paragraphs, collapsed spaces, curly quotes"] = c
	}

	// Adjacent sentences swapped; spans on either sentence, on words
	// inside one, or on both.
	{
		old := []rune(base)
		c := classCase{rv: revision{old: old}}
		for _, p := range sentences(old) {
			for i := 0; i+1 < len(p); i += 3 {
				if rng.IntN(2) == 0 {
					continue
				}
				a, b := p[i], p[i+1]
				c.rv.swaps = append(c.rv.swaps, [4]int{a[0], a[1], b[0], b[1]})
				sub := words(old[b[0]:b[1]])
				w0 := sub[rng.IntN(len(sub))]
				w1 := sub[min(len(sub)-1, slices.Index(sub, w0)+rng.IntN(4))]
				c.spans = append(c.spans, a, b, [2]int{a[0], b[1]}, [2]int{b[0] + w0[0], b[0] + w1[1]})
			}
		}
		out["sentences moved within their paragraph"] = c
	}

	// Decoys: a copy of an annotated sentence (alone, after a phrase, or
	// with some of its context) inserted as a paragraph of its own
	// elsewhere; the original kept with a word inserted inside it, or its
	// paragraph deleted (an orphan, which the copy must not take).
	{
		old := []rune(base)
		c := classCase{rv: revision{old: old}}
		paras := sentences(old)
		used := map[int]bool{}
		for range 40 {
			pi, qi := rng.IntN(len(paras)), rng.IntN(len(paras))
			// A copy put in place of its own deleted paragraph, or next to
			// it, reads as that paragraph edited: no diff can tell.
			if qi >= pi-1 && qi <= pi+1 || used[pi] || used[qi] || len(paras[pi]) < 2 {
				continue
			}
			used[pi], used[qi] = true, true
			s := paras[pi][rng.IntN(len(paras[pi]))]
			c.spans = append(c.spans, s)
			body := string(old[s[0]:s[1]])
			switch rng.IntN(3) {
			case 0:
				body = "As noted above, " + body
			case 1:
				body = strings.TrimSpace(string(old[max(0, s[0]-12):s[0]])) + body + strings.TrimSpace(string(old[s[1]:min(len(old), s[1]+12)]))
			}
			last := paras[qi][len(paras[qi])-1]
			c.rv.edits = append(c.rv.edits, planEdit{last[1], last[1], "\n\n" + body})
			if rng.IntN(2) == 0 {
				first, end := paras[pi][0][0], paras[pi][len(paras[pi])-1][1]
				c.rv.edits = append(c.rv.edits, planEdit{first, min(len(old), end+2), ""})
			} else if ws := words(old[s[0]:s[1]]); len(ws) > 2 {
				at := s[0] + ws[1][0]
				c.rv.edits = append(c.rv.edits, planEdit{at, at, "indeed "})
			}
		}
		out["decoys"] = c
	}

	// Partial deletions: a sentence deleted whose neighbour a span also
	// covers, less than half of the span (the rest survives) or more (an
	// orphan).
	{
		old := []rune(base)
		c := classCase{rv: revision{old: old}}
		for _, p := range sentences(old) {
			for i := 0; i+1 < len(p); i += 3 {
				a, b := p[i], p[i+1]
				c.rv.edits = append(c.rv.edits, planEdit{a[0], b[0], ""})
				bw := words(old[b[0]:b[1]])
				cut := b[0] + bw[min(len(bw)-1, rng.IntN(6))][1]
				aw := words(old[a[0]:a[1]])
				from := a[0] + aw[max(0, len(aw)-1-rng.IntN(4))][0]
				c.spans = append(c.spans, [2]int{from, cut})
			}
		}
		out["partial deletions"] = c
	}

	// Typos fixed in one-word spans, some with a word inserted just before
	// or after the span (outside it).
	{
		text := []rune(base)
		c := classCase{}
		var edits []planEdit
		for _, w := range words(text) {
			n := w[1] - w[0]
			if n < 5 || !unicode.IsLower(text[w[0]+1]) || !unicode.IsLower(text[w[0]+2]) || rng.IntN(4) != 0 {
				continue
			}
			j := w[0] + 1 + rng.IntN(n-3)
			if !unicode.IsLetter(text[j]) || !unicode.IsLetter(text[j+1]) || text[j] == text[j+1] {
				continue
			}
			fixed := string(text[j : j+2])
			text[j], text[j+1] = text[j+1], text[j]
			edits = append(edits, planEdit{j, j + 2, fixed})
			c.spans = append(c.spans, w)
			switch rng.IntN(4) {
			case 0:
				edits = append(edits, planEdit{w[0], w[0], "still "})
			case 1:
				edits = append(edits, planEdit{w[1], w[1], " now"})
			}
		}
		c.rv = revision{old: text, edits: edits}
		out["typos fixed in one-word spans"] = c
	}
	return out
}

// classScore counts how a class of edit went, over its revisions.
type classScore struct {
	spans, located, exact, orphans, falseOrphans, falseAnchors int
}

// TestReanchorEditClasses carries spans through each class of edit, in
// twelve revisions each, and asserts floors on each class: located accuracy
// (the exact extent where the passage survives), and false orphans and
// false anchors (an orphan reported where the words are still there, or
// an anchor where they are gone) together at most 2% of its spans.
func TestReanchorEditClasses(t *testing.T) {
	floors := map[string]float64{
		"unwrapped paragraphs, collapsed spaces, curly quotes": 1,
		"sentences moved within their paragraph":               0.95,
		"decoys":                                               0.97,
		"partial deletions":                                    0.97,
		"typos fixed in one-word spans":                        0.99,
	}
	scores := map[string]*classScore{}
	for seed := range uint64(12) {
		for name, c := range editClasses(t, seed) {
			sc := scores[name]
			if sc == nil {
				sc = &classScore{}
				scores[name] = sc
			}
			cells := c.rv.apply()
			oldText, newText := annotation.Text(c.rv.old), annotation.NewText(newTextOf(cells))
			var sels []annotation.Selector
			for _, s := range c.spans {
				sel, err := oldText.Select(s[0], s[1], "")
				if err != nil {
					t.Fatal(err)
				}
				sels = append(sels, sel)
			}
			got := annotation.Reanchor(oldText, newText, sels)
			for i, s := range c.spans {
				start, end, ok := c.rv.expected(cells, s[0], s[1])
				a := got[i]
				sc.spans++
				switch {
				case !ok && a.State == annotation.AnchorOrphaned:
					sc.orphans++
				case !ok:
					sc.falseAnchors++
					t.Logf("%s, seed %d: false anchor: %q at %q", name, seed, sels[i].Exact, newText.Slice(a.Start, a.End))
				case a.State == annotation.AnchorOrphaned:
					sc.located++
					sc.falseOrphans++
					t.Logf("%s, seed %d: false orphan: %q, want %q", name, seed, sels[i].Exact, newText.Slice(start, end))
				default:
					sc.located++
					if a.Start == start && a.End == end {
						sc.exact++
					} else {
						t.Logf("%s, seed %d: %q: got %q, want %q", name, seed, sels[i].Exact, newText.Slice(a.Start, a.End), newText.Slice(start, end))
					}
				}
			}
		}
	}
	if len(scores) != len(floors) {
		t.Fatalf("%d classes measured, %d with floors", len(scores), len(floors))
	}
	for name, sc := range scores {
		if sc.located == 0 {
			t.Errorf("%s: no surviving span: the class tests nothing", name)
			continue
		}
		acc := float64(sc.exact) / float64(sc.located)
		t.Logf("%s: %d spans, %d of %d surviving located exactly (%.3f), %d orphans, %d false orphans, %d false anchors",
			name, sc.spans, sc.exact, sc.located, acc, sc.orphans, sc.falseOrphans, sc.falseAnchors)
		if acc < floors[name] {
			t.Errorf("%s: located accuracy %.3f, want at least %.2f", name, acc, floors[name])
		}
		if 50*(sc.falseOrphans+sc.falseAnchors) > sc.spans {
			t.Errorf("%s: %d false orphans and %d false anchors among %d spans, want at most 2%%", name, sc.falseOrphans, sc.falseAnchors, sc.spans)
		}
	}
}

// TestEditClassesHaveOrphans keeps the classes honest: the decoy and
// partial deletion classes must hold passages that are gone, or the
// orphan checks above would check nothing.
func TestEditClassesHaveOrphans(t *testing.T) {
	for name, c := range editClasses(t, 1) {
		if name != "decoys" && name != "partial deletions" {
			continue
		}
		cells := c.rv.apply()
		gone := 0
		for _, s := range c.spans {
			if _, _, ok := c.rv.expected(cells, s[0], s[1]); !ok {
				gone++
			}
		}
		if gone == 0 || gone == len(c.spans) {
			t.Errorf("%s: %d of %d spans gone, want some but not all", name, gone, len(c.spans))
		}
	}
}
