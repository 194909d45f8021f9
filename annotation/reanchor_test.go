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

// selectAt is the selector of the n-th (from 0) occurrence of sub in text.
func selectAt(t testing.TB, text string, sub string, n int) annotation.Selector {
	t.Helper()
	start := nthRuneOffset(t, text, sub, n)
	sel, err := annotation.NewText(text).Select(start, start+utf8.RuneCountInString(sub), sub)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// longSentence is long enough that a diff would rather move a shorter
// sentence across it than move it.
const longSentence = "Huawei has some 150,000 employees across the world, and its products and solutions are used in more than 170 countries, serving about one-third of the global population, the company said."

func TestReanchor(t *testing.T) {
	const base = "Alpha bravo charlie delta echo foxtrot golf hotel india juliet."
	const paras = "First paragraph says the report was false and nothing more.\n\n" +
		"Second paragraph: the ministry denied it on Monday.\n\n" +
		"Third paragraph quotes the spokesman at length."
	tests := []struct {
		name     string
		old, new string
		span     string // annotated in old: occurrence spanAt of span
		spanAt   int
		state    annotation.Anchor
		want     string // expected text at the new anchor (occurrence wantAt); "" for an orphan
		wantAt   int
	}{
		{"identical texts", base, base, "charlie delta echo", 0, annotation.AnchorExact, "charlie delta echo", 0},
		{"insert before the span: shifted, not moved", base, "Zulu " + base, "charlie delta echo", 0, annotation.AnchorExact, "charlie delta echo", 0},
		{"insert after the span", base, base + " Kilo.", "charlie delta echo", 0, annotation.AnchorExact, "charlie delta echo", 0},
		{"insert inside the span joins it", base, strings.Replace(base, "delta", "delta XY", 1), "charlie delta echo", 0,
			annotation.AnchorMoved, "charlie delta XY echo", 0},
		{"insert at the start boundary stays out", base, strings.Replace(base, "charlie", "NEWcharlie", 1), "charlie delta echo", 0,
			annotation.AnchorExact, "charlie delta echo", 0},
		{"insert at the end boundary stays out", base, strings.Replace(base, "echo", "echoNEW", 1), "charlie delta echo", 0,
			annotation.AnchorExact, "charlie delta echo", 0},
		{"delete across the start boundary keeps the rest", base, strings.Replace(base, "bravo char", "", 1), "charlie delta echo", 0,
			annotation.AnchorMoved, "lie delta echo", 0},
		{"delete across the end boundary keeps the rest", base, strings.Replace(base, "cho fox", "", 1), "charlie delta echo foxtrot golf", 0,
			annotation.AnchorMoved, "charlie delta etrot golf", 0},
		{"replace a word inside", base, strings.Replace(base, "delta", "DELTA", 1), "charlie delta echo foxtrot golf", 0,
			annotation.AnchorMoved, "charlie DELTA echo foxtrot golf", 0},
		{"a span rewritten whole takes the new words, for a person to confirm", base, strings.Replace(base, "charlie delta echo", "xxxxxxx yyyyy zzzz", 1), "charlie delta echo", 0,
			annotation.AnchorFuzzy, "xxxxxxx yyyyy zzzz", 0},
		{"a span deleted but for one word orphans", base, strings.Replace(base, "charlie delta echo foxtrot", "charlie", 1), "charlie delta echo foxtrot", 0,
			annotation.AnchorOrphaned, "", 0},
		{"typo fixed inside the span", "He said he recieved the letter on Monday.", "He said he received the letter on Monday.",
			"recieved the letter", 0, annotation.AnchorMoved, "received the letter", 0},
		{"delete the whole paragraph", paras, strings.Replace(paras, "Second paragraph: the ministry denied it on Monday.\n\n", "", 1),
			"the ministry denied it", 0, annotation.AnchorOrphaned, "", 0},
		{"reordered paragraphs: the moved passage is found", paras,
			"Third paragraph quotes the spokesman at length.\n\nFirst paragraph says the report was false and nothing more.\n\nSecond paragraph: the ministry denied it on Monday.",
			"the ministry denied it", 0, annotation.AnchorExact, "the ministry denied it", 0},
		{"reordered paragraphs: a short quote moves with its paragraph", paras,
			"Second paragraph: the ministry denied it on Monday.\n\nThird paragraph quotes the spokesman at length.\n\nFirst paragraph says the report was false and nothing more.",
			"false", 0, annotation.AnchorExact, "false", 0},
		{"repeated phrase elsewhere: stays on its occurrence",
			"A: the report was false. B: the report was false.", "Intro. A: the report was false. B: the report was false.",
			"the report was false", 1, annotation.AnchorExact, "the report was false", 1},
		{"repeated phrase elsewhere does not steal a vanished passage",
			"One: the report was false.\n\nTwo: the report was false.", "Two: the report was false.",
			"the report was false", 0, annotation.AnchorOrphaned, "", 0},
		{"empty new text", base, "", "charlie delta echo", 0, annotation.AnchorOrphaned, "", 0},
		{"emoji inserted before the span counts one code point each", "Café 中文 naïve text here.", "😀👍🏽 Café 中文 naïve text here.",
			"naïve text", 0, annotation.AnchorExact, "naïve text", 0},
		{"CJK edited inside the span", "前文。北京要求华盛顿作出明确解释。后文。", "前文。北京强烈要求华盛顿作出明确解释。后文。",
			"北京要求华盛顿作出明确解释", 0, annotation.AnchorMoved, "北京强烈要求华盛顿作出明确解释", 0},
		{"combining mark added inside the span", "He lives in Zurich and Munchen now.", "He lives in Zu\u0308rich and Munchen now.",
			"Zurich and Munchen", 0, annotation.AnchorMoved, "Zu\u0308rich and Munchen", 0},
		{"moved paragraph with a typo fixed is followed by the diff",
			"Intro line.\n\nThe agency infiltrated servers in the headquarters of Huawei.\n\nOutro line.",
			"Intro line.\n\nOutro line.\n\nThe agency infiltratd servers in the headquarters of Huawei.",
			"The agency infiltrated servers in the headquarters of Huawei.", 0, annotation.AnchorMoved,
			"The agency infiltratd servers in the headquarters of Huawei.", 0},
		{"sentence moved within its paragraph, with a typo, is followed as a moved block",
			"Intro. The agency infiltrated servers in the headquarters. It was a big story. " + longSentence + " End.",
			longSentence + " Intro. The agency infiltratd servers in the headquarters. It was a big story. End.",
			"The agency infiltrated servers in the headquarters.", 0, annotation.AnchorMoved,
			"The agency infiltratd servers in the headquarters.", 0},
		{"sentence moved within its paragraph, verbatim, is exact where it went", "Intro. The agency infiltrated servers in the headquarters. " + longSentence + " End.",
			"Intro. " + longSentence + " The agency infiltrated servers in the headquarters. End.",
			"The agency infiltrated servers in the headquarters.", 0, annotation.AnchorExact,
			"The agency infiltrated servers in the headquarters.", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := selectAt(t, tt.old, tt.span, tt.spanAt)
			got := annotation.Reanchor(annotation.NewText(tt.old), annotation.NewText(tt.new), []annotation.Selector{sel})
			if len(got) != 1 {
				t.Fatalf("%d anchorings for one selector", len(got))
			}
			a := got[0]
			newText := annotation.NewText(tt.new)
			if a.State != tt.state {
				t.Errorf("state %s, want %s (%+v: %q)", a.State, tt.state, a, newText.Slice(a.Start, a.End))
			}
			if tt.want == "" {
				if a.Start != sel.Start || a.End != sel.End || a.Score != 0 {
					t.Errorf("orphan %+v, want the old offsets [%d,%d) and score 0", a, sel.Start, sel.End)
				}
				return
			}
			start := nthRuneOffset(t, tt.new, tt.want, tt.wantAt)
			end := start + utf8.RuneCountInString(tt.want)
			if a.Start != start || a.End != end {
				t.Errorf("anchored at [%d,%d) %q, want [%d,%d) %q", a.Start, a.End, newText.Slice(a.Start, a.End), start, end, tt.want)
			}
			verbatim := newText.Slice(a.Start, a.End) == tt.span
			if a.Score <= 0 || a.Score > 1 || !verbatim && a.Score >= 1 || a.State == annotation.AnchorExact && a.Score != 1 {
				t.Errorf("score %v for a %s anchoring (verbatim %v)", a.Score, a.State, verbatim)
			}
		})
	}
}

func TestReanchorManyAtOnce(t *testing.T) {
	// Identical texts: every selector exact, offsets unchanged; and the
	// result keeps the order of the input.
	art := annotation.Parse(readArticle(t, sampleArticle))
	text := annotation.NewText(art.Text)
	var sels []annotation.Selector
	for start := 0; start+20 < len(text); start += 37 {
		s, err := text.Select(start, start+20, "")
		if err != nil {
			t.Fatal(err)
		}
		sels = append(sels, s)
	}
	got := annotation.Reanchor(text, text, sels)
	for i, a := range got {
		if a.State != annotation.AnchorExact || a.Start != sels[i].Start || a.End != sels[i].End || a.Score != 1 {
			t.Fatalf("selector %d: %+v", i, a)
		}
	}
	// Empty new text: every one orphaned with its old offsets.
	for i, a := range annotation.Reanchor(text, nil, sels) {
		if a.State != annotation.AnchorOrphaned || a.Start != sels[i].Start || a.End != sels[i].End {
			t.Fatalf("selector %d: %+v", i, a)
		}
	}
	// Selectors that do not fit the old text are searched for, not mapped.
	odd := []annotation.Selector{
		{Start: -5, End: 900000, Exact: "Huawei North America"},
		{Start: 3, End: 3, Exact: ""},
	}
	got = annotation.Reanchor(text, text, odd)
	if got[0].State != annotation.AnchorExact || text.Slice(got[0].Start, got[0].End) != "Huawei North America" {
		t.Errorf("out-of-range selector: %+v", got[0])
	}
	if got[1].State != annotation.AnchorOrphaned {
		t.Errorf("empty selector: %+v", got[1])
	}
}

// A generated revision: the old and new texts, the annotations on the old
// one, and where each should be in the new one.
type revisionCase struct {
	old, new string
	sels     []annotation.Selector
	// want[i] is the expected new span of sels[i]; vanished[i] says that
	// its passage is gone; ambiguous[i] that the passage and its context
	// occur verbatim somewhere it does not belong, so no method can tell.
	want      [][2]int
	vanished  []bool
	ambiguous []bool
}

// genParagraph is a paragraph of the generator, with the annotations laid on
// it as offsets into its own text.
type genParagraph struct {
	text []rune
	anns []genAnn
}

type genAnn struct {
	id         int
	start, end int
	gone       bool
}

// Filler words for inserted text, absent from the sample article, so that an
// insertion never creates a new copy of an annotated passage.
var fillerWords = []string{"zephyr", "quixotic", "vellum", "obsidian", "marmalade", "gossamer", "turquoise", "xylophone"}

func filler(rng *rand.Rand) string {
	n := 1 + rng.IntN(4)
	w := make([]string, n)
	for i := range w {
		w[i] = fillerWords[rng.IntN(len(fillerWords))]
	}
	return strings.Join(w, " ")
}

// wordStarts lists the offsets in p where a word begins.
func wordStarts(p []rune) []int {
	var out []int
	for i := range p {
		if p[i] != ' ' && (i == 0 || p[i-1] == ' ') {
			out = append(out, i)
		}
	}
	return out
}

// generateRevision builds an article (the sample's paragraphs, repeated and
// varied up to size bytes), lays nAnn annotations on it (word-aligned spans
// of one to twelve words, within a paragraph, some overlapping), then
// revises it with a fixed seed: word and sentence edits away from spans,
// typo fixes inside spans, insertions at and near span boundaries,
// reordered paragraphs, deleted paragraphs, deleted sentences holding
// spans. It tracks exactly where each annotation should end up.
func generateRevision(seed uint64, size, nAnn int) revisionCase {
	rng := rand.New(rand.NewPCG(seed, 99))
	article := syntheticArticle(seed, size)
	if size == 0 {
		article = annotation.Parse(mustReadArticle(sampleArticle)).Text
	}
	var paras []*genParagraph
	for _, p := range strings.Split(article, annotation.BlockSeparator) {
		paras = append(paras, &genParagraph{text: []rune(p)})
	}
	// Annotations.
	for id := 0; id < nAnn; id++ {
		p := paras[rng.IntN(len(paras))]
		starts := wordStarts(p.text)
		if len(starts) < 2 {
			continue
		}
		i := rng.IntN(len(starts) - 1)
		j := min(len(starts), i+1+rng.IntN(12))
		end := len(p.text)
		if j < len(starts) {
			end = starts[j] - 1 // before the space
		}
		p.anns = append(p.anns, genAnn{id: id, start: starts[i], end: end})
	}
	oldText := joinParagraphs(paras)
	// Selectors on the old text, by id.
	sels := map[int]annotation.Selector{}
	{
		text := annotation.NewText(oldText)
		off := 0
		for _, p := range paras {
			for _, a := range p.anns {
				s, err := text.Select(off+a.start, off+a.end, "")
				if err != nil {
					panic(err)
				}
				sels[a.id] = s
			}
			off += len(p.text) + 2
		}
	}

	// Edits inside paragraphs.
	insert := func(p *genParagraph, at int, s string) {
		r := []rune(s)
		p.text = slices.Insert(p.text, at, r...)
		for k := range p.anns {
			a := &p.anns[k]
			// Text inserted at a start boundary stays out of the span;
			// at an end boundary too; strictly inside, it joins.
			if a.start >= at {
				a.start += len(r)
			}
			if a.end > at {
				a.end += len(r)
			}
		}
	}
	// remove deletes [from, to) in p; spans it overlaps vanish (the
	// generator only deletes whole spans or text outside them).
	remove := func(p *genParagraph, from, to int) {
		p.text = slices.Delete(p.text, from, to)
		for k := range p.anns {
			a := &p.anns[k]
			switch {
			case a.end <= from:
			case a.start >= to:
				a.start -= to - from
				a.end -= to - from
			default:
				a.gone = true
			}
		}
	}
	covered := func(p *genParagraph, from, to int) bool {
		for _, a := range p.anns {
			if !a.gone && a.start < to && from < a.end {
				return true
			}
		}
		return false
	}
	edits := len(paras) / 3
	for e := 0; e < edits; e++ {
		p := paras[rng.IntN(len(paras))]
		starts := wordStarts(p.text)
		if len(starts) < 3 {
			continue
		}
		switch kind := rng.IntN(6); kind {
		case 0: // replace a word outside any span
			w := rng.IntN(len(starts) - 1)
			from, to := starts[w], starts[w+1]-1
			if covered(p, from-1, to+1) {
				continue
			}
			remove(p, from, to)
			insert(p, from, filler(rng))
		case 1: // typo fix inside a span: change one letter, not at an edge
			if len(p.anns) == 0 {
				continue
			}
			a := p.anns[rng.IntN(len(p.anns))]
			if a.gone || a.end-a.start < 8 {
				continue
			}
			i := a.start + 1 + rng.IntN(a.end-a.start-2)
			if p.text[i] == ' ' {
				continue
			}
			p.text[i] = 'ø' // a substitution: offsets unchanged
		case 2: // insertion at or near a span boundary
			if len(p.anns) == 0 {
				continue
			}
			a := p.anns[rng.IntN(len(p.anns))]
			if a.gone {
				continue
			}
			at := a.start
			switch rng.IntN(4) {
			case 1:
				at = a.end
			case 2:
				at = max(0, a.start-1-rng.IntN(5))
			case 3:
				at = min(len(p.text), a.end+1+rng.IntN(5))
			}
			insert(p, at, filler(rng)+" ")
		case 3: // delete a sentence (spans inside it vanish; spans crossing it are left alone)
			text := string(p.text)
			sentences := strings.SplitAfter(text, ". ")
			if len(sentences) < 2 {
				continue
			}
			k := rng.IntN(len(sentences) - 1)
			from := utf8.RuneCountInString(strings.Join(sentences[:k], ""))
			to := from + utf8.RuneCountInString(sentences[k])
			crossing := false
			for _, a := range p.anns {
				if !a.gone && (a.start < from && a.end > from || a.start < to && a.end > to) {
					crossing = true
				}
			}
			if crossing {
				continue
			}
			remove(p, from, to)
		case 4: // insert a sentence between sentences, away from spans
			w := starts[rng.IntN(len(starts))]
			if covered(p, w-1, w+1) {
				continue
			}
			insert(p, w, strings.ToUpper(filler(rng)[:1])+filler(rng)[1:]+". ")
		case 5: // nothing inside; paragraphs move below
		}
	}
	// Reorder: move some paragraphs elsewhere.
	for k := 0; k < max(1, len(paras)/40); k++ {
		i := rng.IntN(len(paras))
		p := paras[i]
		paras = slices.Delete(paras, i, i+1)
		j := rng.IntN(len(paras) + 1)
		paras = slices.Insert(paras, j, p)
	}
	// Delete some paragraphs.
	for k := 0; k < max(1, len(paras)/40); k++ {
		i := rng.IntN(len(paras))
		for n := range paras[i].anns {
			paras[i].anns[n].gone = true
		}
		paras = slices.Delete(paras, i, i+1)
	}
	newText := joinParagraphs(paras)

	// Expected positions.
	c := revisionCase{old: oldText, new: newText}
	expected := map[int][2]int{}
	off := 0
	for _, p := range paras {
		for _, a := range p.anns {
			if !a.gone {
				expected[a.id] = [2]int{off + a.start, off + a.end}
			}
		}
		off += len(p.text) + 2
	}
	ids := make([]int, 0, len(sels))
	for id := range sels {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		s := sels[id]
		w, ok := expected[id]
		c.sels = append(c.sels, s)
		c.want = append(c.want, w)
		c.vanished = append(c.vanished, !ok)
		c.ambiguous = append(c.ambiguous, isAmbiguous(newText, s, w, ok))
	}
	return c
}

func joinParagraphs(paras []*genParagraph) string {
	parts := make([]string, len(paras))
	for i, p := range paras {
		parts[i] = string(p.text)
	}
	return strings.Join(parts, annotation.BlockSeparator)
}

// isAmbiguous reports whether the passage with its whole context occurs in
// the new text other than where it belongs: then even a perfect method
// cannot tell the two apart, and the case is left out of the counts.
func isAmbiguous(newText string, s annotation.Selector, want [2]int, survives bool) bool {
	needle := s.Prefix + s.Exact + s.Suffix
	from := 0
	for {
		i := strings.Index(newText[from:], needle)
		if i < 0 {
			return false
		}
		at := utf8.RuneCountInString(newText[:from+i]) + utf8.RuneCountInString(s.Prefix)
		if !survives || at != want[0] {
			return true
		}
		from += i + 1
	}
}

// accuracy scores anchorings against a generated case.
type accuracy struct {
	surviving, exactWhereExpected int
	vanished, orphaned            int
	falseOrphans, falseAnchors    int
	misplaced, ambiguous          int
}

func (a accuracy) String() string {
	return fmt.Sprintf("%.2f%% of %d surviving anchored where expected (%d misplaced, %d false orphans); %d of %d vanished orphaned (%d false anchors); %d ambiguous left out",
		100*float64(a.exactWhereExpected)/float64(max(1, a.surviving)), a.surviving, a.misplaced, a.falseOrphans,
		a.orphaned, a.vanished, a.falseAnchors, a.ambiguous)
}

func score(c revisionCase, got []annotation.Anchoring) accuracy {
	var acc accuracy
	for i, a := range got {
		if c.ambiguous[i] {
			acc.ambiguous++
			continue
		}
		if c.vanished[i] {
			acc.vanished++
			if a.State == annotation.AnchorOrphaned {
				acc.orphaned++
			} else {
				acc.falseAnchors++
			}
			continue
		}
		acc.surviving++
		switch {
		case a.State == annotation.AnchorOrphaned:
			acc.falseOrphans++
		case a.Start == c.want[i][0] && a.End == c.want[i][1]:
			acc.exactWhereExpected++
		default:
			acc.misplaced++
		}
	}
	return acc
}

// naiveReanchor is the baseline: FindQuote for every annotation, hinted
// with its old offset, without a diff.
func naiveReanchor(newText annotation.Text, sels []annotation.Selector) []annotation.Anchoring {
	out := make([]annotation.Anchoring, len(sels))
	for i, s := range sels {
		m, ok := annotation.FindQuote(newText, annotation.Quote{Exact: s.Exact, Prefix: s.Prefix, Suffix: s.Suffix, Start: s.Start})
		if !ok {
			out[i] = annotation.Anchoring{Start: s.Start, End: s.End, State: annotation.AnchorOrphaned}
			continue
		}
		state := annotation.AnchorFuzzy
		if m.Exact {
			state = annotation.AnchorMoved
		}
		out[i] = annotation.Anchoring{Start: m.Start, End: m.End, State: state, Score: m.Score}
	}
	return out
}

func TestReanchorAccuracy(t *testing.T) {
	cases := []struct {
		name       string
		seed       uint64
		size, anns int
	}{
		{"sample article", 1, 0, 60},
		{"sample article, another revision", 2, 0, 60},
		{"200 KB article", 3, 200_000, 2000},
		{"200 KB article, another revision", 4, 200_000, 2000},
	}
	var total, naiveTotal accuracy
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.size > 0 {
				t.Skip("large article in -short mode")
			}
			c := generateRevision(tc.seed, tc.size, tc.anns)
			oldText, newText := annotation.NewText(c.old), annotation.NewText(c.new)
			got := annotation.Reanchor(oldText, newText, c.sels)
			acc := score(c, got)
			naive := score(c, naiveReanchor(newText, c.sels))
			t.Logf("Reanchor:      %v", acc)
			t.Logf("naive search:  %v", naive)
			for i, a := range got {
				if c.ambiguous[i] {
					continue
				}
				if c.vanished[i] != (a.State == annotation.AnchorOrphaned) || !c.vanished[i] && (a.Start != c.want[i][0] || a.End != c.want[i][1]) {
					t.Logf("selector %d %q: got %+v %q, want %v (vanished %v)", i, c.sels[i].Exact, a,
						newText.Slice(a.Start, a.End), c.want[i], c.vanished[i])
				}
			}
			checkAccuracy(t, acc)
			add(&total, acc)
			add(&naiveTotal, naive)
		})
	}
	t.Logf("all cases, Reanchor:     %v", total)
	t.Logf("all cases, naive search: %v", naiveTotal)
}

func add(sum *accuracy, a accuracy) {
	sum.surviving += a.surviving
	sum.exactWhereExpected += a.exactWhereExpected
	sum.vanished += a.vanished
	sum.orphaned += a.orphaned
	sum.falseOrphans += a.falseOrphans
	sum.falseAnchors += a.falseAnchors
	sum.misplaced += a.misplaced
	sum.ambiguous += a.ambiguous
}

func checkAccuracy(t *testing.T, acc accuracy) {
	t.Helper()
	if acc.surviving == 0 || acc.vanished == 0 {
		t.Fatalf("the generator made %d surviving and %d vanished annotations; it must make both", acc.surviving, acc.vanished)
	}
	if rate := float64(acc.exactWhereExpected) / float64(acc.surviving); rate < 0.99 {
		t.Errorf("%.2f%% anchored where expected, want at least 99%%", 100*rate)
	}
	// The generator's synthetic text repeats its few words in near copies
	// of its paragraphs, where a passage can lose its own words to a copy:
	// at most one in five hundred may.
	if 500*acc.falseOrphans > acc.surviving {
		t.Errorf("%d false orphans among %d surviving, want at most 0.2%%", acc.falseOrphans, acc.surviving)
	}
	if acc.falseAnchors != 0 {
		t.Errorf("%d false anchors, want 0", acc.falseAnchors)
	}
}

// BenchmarkReanchor re-anchors annotations on a 200 KB article after a
// revision: 500 to 4,000 annotations, to show the cost grows linearly in
// their number (see ns/annotation), against the naive baseline that
// searches every quote without the diff.
func BenchmarkReanchor(b *testing.B) {
	for _, n := range []int{500, 1000, 2000, 4000} {
		c := generateRevision(11, 200_000, n)
		oldText, newText := annotation.NewText(c.old), annotation.NewText(c.new)
		b.Run(fmt.Sprintf("diff/%d", n), func(b *testing.B) {
			for b.Loop() {
				annotation.Reanchor(oldText, newText, c.sels)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(c.sels)), "ns/annotation")
		})
		b.Run(fmt.Sprintf("naive/%d", n), func(b *testing.B) {
			for b.Loop() {
				naiveReanchor(newText, c.sels)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(c.sels)), "ns/annotation")
		})
	}
}
