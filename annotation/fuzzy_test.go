package annotation_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"galley/annotation"
)

// quoteAt builds the quote an annotation on [start, end) of text would
// carry, with ContextLength code points of context and start as the hint.
func quoteAt(text annotation.Text, start, end int) annotation.Quote {
	return annotation.Quote{
		Exact:  text.Slice(start, end),
		Prefix: text.Slice(start-annotation.ContextLength, start),
		Suffix: text.Slice(end, end+annotation.ContextLength),
		Start:  start,
	}
}

func TestFindQuote(t *testing.T) {
	const para = "The ministry said on Monday that the report was false. "
	repeated := para + "Officials declined to comment. " + para + "A spokesman added nothing."
	tests := []struct {
		name      string
		text      string
		q         annotation.Quote
		wantOK    bool
		wantSpan  string // the text expected at the match, located by wantAt
		wantAt    int    // which occurrence of wantSpan (0 = first)
		wantExact bool
		wantScore float64 // checked when > 0: the score must be at least this
	}{
		{
			name:   "verbatim at the hint with context scores 1",
			text:   "alpha beta gamma delta epsilon",
			q:      annotation.Quote{Exact: "gamma", Prefix: "alpha beta ", Suffix: " delta epsilon", Start: 11},
			wantOK: true, wantSpan: "gamma", wantExact: true, wantScore: 1,
		},
		{
			name:   "verbatim without a hint",
			text:   "alpha beta gamma delta epsilon",
			q:      annotation.Quote{Exact: "delta", Start: -1},
			wantOK: true, wantSpan: "delta", wantExact: true,
		},
		{
			name: "repeated phrase: context picks the second occurrence though the hint is nearer the first",
			text: repeated,
			q: annotation.Quote{Exact: "the report was false",
				Prefix: "Officials declined to comment. The ministry said on Monday that ",
				Suffix: ". A spokesman", Start: 0},
			wantOK: true, wantSpan: "the report was false", wantAt: 1, wantExact: true,
		},
		{
			name:   "repeated phrase with equal context: the hint picks",
			text:   "ab cd ab cd ab cd ab",
			q:      annotation.Quote{Exact: "cd", Start: 14},
			wantOK: true, wantSpan: "cd", wantAt: 2, wantExact: true,
		},
		{
			name:   "a changed character still anchors",
			text:   "He said Huawei condemns initiatives to penetrate corporate networks.",
			q:      annotation.Quote{Exact: "Huawei condemms initiatives", Prefix: "He said ", Suffix: " to penetrate", Start: 8},
			wantOK: true, wantSpan: "Huawei condemns initiatives",
		},
		{
			name:   "a word changed in a long quote still anchors",
			text:   "Intro. Beijing wants a clear explanation from Washington over a report that the US National Security Agency infiltrated servers. Outro.",
			q:      annotation.Quote{Exact: "Beijing wants a full explanation from Washington over a report that the US National Security Agency infiltrated servers.", Start: -1},
			wantOK: true, wantSpan: "Beijing wants a clear explanation from Washington over a report that the US National Security Agency infiltrated servers.",
		},
		{
			name:   "nothing close enough",
			text:   "alpha beta gamma delta epsilon",
			q:      annotation.Quote{Exact: "zeta theta iota", Start: 3},
			wantOK: false,
		},
		{
			name:   "a short quote is only found verbatim",
			text:   "alpha beta gamma",
			q:      annotation.Quote{Exact: "bxt", Start: 6},
			wantOK: false,
		},
		{
			name:   "empty quote",
			text:   "alpha",
			q:      annotation.Quote{Exact: "", Start: 0},
			wantOK: false,
		},
		{
			name:   "quote longer than the text",
			text:   "abc",
			q:      annotation.Quote{Exact: "abcdefghijklmnop", Start: 0},
			wantOK: false,
		},
		{
			name:   "hint past the end of the text",
			text:   "one two three",
			q:      annotation.Quote{Exact: "two", Start: 999},
			wantOK: true, wantSpan: "two", wantExact: true,
		},
		{
			name:   "offsets count code points: emoji and CJK before the quote",
			text:   "😀👍🏽 中文字 café naïve 終わり",
			q:      annotation.Quote{Exact: "naïve", Start: -1},
			wantOK: true, wantSpan: "naïve", wantExact: true,
		},
		{
			name:   "combining marks: a missing mark is one edit",
			text:   "He visited Zu\u0308rich and Mu\u0308nchen last week.",
			q:      annotation.Quote{Exact: "Zurich and Mu\u0308nchen", Start: 11},
			wantOK: true, wantSpan: "Zu\u0308rich and Mu\u0308nchen",
		},
		{
			name: "an edited passage at the hint beats a verbatim copy far away with foreign context",
			text: "Report: the minister resigned on Tuesday after the vote. " + strings.Repeat("Filler text here. ", 60) +
				"Elsewhere: the minister resigned on Tuesday, aides said.",
			q: annotation.Quote{Exact: "the minister resigned on Tuesday", Prefix: "Report: ", Suffix: " after the vote.", Start: 8},
			// The text at the hint is verbatim, so this is the exact path choosing by context.
			wantOK: true, wantSpan: "the minister resigned on Tuesday", wantExact: true,
		},
		{
			name: "a typo near the hint beats a verbatim copy elsewhere with foreign context",
			text: "Report: the minister resignd on Tuesday after the vote. " + strings.Repeat("Filler text here. ", 60) +
				"Elsewhere: the minister resigned on Tuesday, aides said.",
			q:      annotation.Quote{Exact: "the minister resigned on Tuesday", Prefix: "Report: ", Suffix: " after the vote.", Start: 8},
			wantOK: true, wantSpan: "the minister resignd on Tuesday",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := annotation.NewText(tt.text)
			got, ok := annotation.FindQuote(text, tt.q)
			if ok != tt.wantOK {
				t.Fatalf("FindQuote ok = %v, want %v (match %+v)", ok, tt.wantOK, got)
			}
			if !ok {
				return
			}
			start := nthRuneOffset(t, tt.text, tt.wantSpan, tt.wantAt)
			end := start + utf8.RuneCountInString(tt.wantSpan)
			if got.Start != start || got.End != end {
				t.Errorf("match [%d,%d) %q, want [%d,%d) %q", got.Start, got.End, text.Slice(got.Start, got.End), start, end, tt.wantSpan)
			}
			if got.Exact != tt.wantExact {
				t.Errorf("Exact = %v, want %v", got.Exact, tt.wantExact)
			}
			if got.Exact != (got.Distance == 0) {
				t.Errorf("Exact = %v but Distance = %d", got.Exact, got.Distance)
			}
			if got.Score < 0 || got.Score > 1 {
				t.Errorf("score %v outside [0,1]", got.Score)
			}
			if tt.wantScore > 0 && got.Score < tt.wantScore-1e-9 {
				t.Errorf("score %v, want at least %v", got.Score, tt.wantScore)
			}
		})
	}
}

// nthRuneOffset is the code point offset of the n-th (from 0) occurrence
// of sub in s.
func nthRuneOffset(t testing.TB, s, sub string, n int) int {
	t.Helper()
	from := 0
	for ; ; n-- {
		i := strings.Index(s[from:], sub)
		if i < 0 {
			t.Fatalf("occurrence %d of %q not found", n, sub)
		}
		if n == 0 {
			return utf8.RuneCountInString(s[:from+i])
		}
		from += i + len(sub)
	}
}

func TestFindQuoteThreshold(t *testing.T) {
	// A 40-code-point quote tolerates 10 edits (MaxQuoteErrorRate), not 11.
	quote := strings.Repeat("abcdefghij", 4)
	for _, tt := range []struct {
		edits  int
		wantOK bool
	}{{0, true}, {1, true}, {9, true}, {10, true}, {11, false}, {13, false}} {
		r := []rune(quote)
		for i := 0; i < tt.edits; i++ {
			r[i*3+1] = 'X' // substitutions spread over the quote
		}
		text := "------ " + string(r) + " ------"
		got, ok := annotation.FindQuote(annotation.NewText(text), annotation.Quote{Exact: quote, Start: 7})
		if ok != tt.wantOK {
			t.Errorf("%d edits: ok = %v, want %v (%+v)", tt.edits, ok, tt.wantOK, got)
			continue
		}
		if ok && (got.Start != 7 || got.End != 47 || got.Distance != tt.edits) {
			t.Errorf("%d edits: got [%d,%d) distance %d, want [7,47) distance %d", tt.edits, got.Start, got.End, got.Distance, tt.edits)
		}
	}
}

func TestFindQuoteInsertionsAndDeletions(t *testing.T) {
	base := "Charles Ding, president of Huawei North America, said Huawei condemns initiatives to penetrate corporate networks."
	quote := "Huawei condemns initiatives to penetrate corporate networks"
	tests := []struct {
		name, text, want string
	}{
		{"deleted word", strings.Replace(base, "corporate ", "", 1), "Huawei condemns initiatives to penetrate networks"},
		{"inserted word", strings.Replace(base, "penetrate", "penetrate secure", 1), "Huawei condemns initiatives to penetrate secure corporate networks"},
		{"replaced word", strings.Replace(base, "condemns", "denounces", 1), "Huawei denounces initiatives to penetrate corporate networks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := annotation.NewText(tt.text)
			got, ok := annotation.FindQuote(text, annotation.Quote{Exact: quote, Prefix: "America, said ", Suffix: ".", Start: 55})
			if !ok {
				t.Fatalf("not found")
			}
			if s := text.Slice(got.Start, got.End); s != tt.want || got.Exact {
				t.Errorf("found %q (exact %v), want %q", s, got.Exact, tt.want)
			}
		})
	}
}

func TestFindQuoteRandomEdits(t *testing.T) {
	// Quotes taken from a large article, edited by a few code points inside,
	// must come back at their own place, never at a look-alike elsewhere.
	article := syntheticArticle(7, 60_000)
	text := annotation.NewText(article)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200; i++ {
		n := 20 + rng.IntN(150)
		start := rng.IntN(len(text) - n)
		q := quoteAt(text, start, start+n)
		edited := []rune(q.Exact)
		edits := 1 + rng.IntN(max(1, n/10))
		for e := 0; e < edits; e++ {
			edited[1+rng.IntN(len(edited)-2)] = 'ж'
		}
		q.Exact = string(edited)
		got, ok := annotation.FindQuote(text, q)
		if !ok {
			t.Fatalf("quote %d (%d edits) at [%d,%d) not found", i, edits, start, start+n)
		}
		if got.Start != start || got.End != start+n {
			t.Errorf("quote %d (%d edits): found [%d,%d), want [%d,%d)", i, edits, got.Start, got.End, start, start+n)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"😀a", "a😀", 2},
		{"naïve", "naive", 1},
		{strings.Repeat("a", 100), strings.Repeat("a", 99) + "b", 1},
		{strings.Repeat("ab", 70), strings.Repeat("ba", 70), 2},
	}
	for _, tt := range tests {
		if got := annotation.EditDistance([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	// Against the textbook dynamic programme, across block boundaries.
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcé😀")
	for i := 0; i < 300; i++ {
		a := randomRunes(rng, alphabet, rng.IntN(200))
		b := randomRunes(rng, alphabet, rng.IntN(200))
		if got, want := annotation.EditDistance(a, b), naiveDistance(a, b); got != want {
			t.Fatalf("EditDistance(%q, %q) = %d, want %d", string(a), string(b), got, want)
		}
	}
}

func randomRunes(rng *rand.Rand, alphabet []rune, n int) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return out
}

func naiveDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// BenchmarkFindQuote finds a 100-code-point quote in a 200 KB article:
// verbatim (with and without a hint), and with a few edits, near the hint
// (window search) and without a hint (whole text).
func BenchmarkFindQuote(b *testing.B) {
	article := syntheticArticle(42, 200_000)
	text := annotation.NewText(article)
	start := len(text) * 3 / 5
	q := quoteAt(text, start, start+100)
	edited := []rune(q.Exact)
	for _, i := range []int{10, 40, 41, 75, 90} {
		edited[i] = 'ж'
	}
	fuzzy := q
	fuzzy.Exact = string(edited)
	long := quoteAt(text, start, start+600)
	longEdited := []rune(long.Exact)
	for i := 5; i < len(longEdited); i += 50 {
		longEdited[i] = 'ж'
	}
	long.Exact = string(longEdited)
	cases := []struct {
		name string
		q    annotation.Quote
	}{
		{"exact/hint", q},
		{"exact/nohint", withHint(q, -1)},
		{"fuzzy/hint", fuzzy},
		{"fuzzy/nohint", withHint(fuzzy, -1)},
		{"fuzzy600/hint", long},
		{"fuzzy600/nohint", withHint(long, -1)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if m, ok := annotation.FindQuote(text, c.q); !ok || m.Start != start {
				b.Fatalf("found %+v %v, want start %d", m, ok, start)
			}
			b.SetBytes(int64(len(article)))
			for b.Loop() {
				annotation.FindQuote(text, c.q)
			}
		})
	}
}

func withHint(q annotation.Quote, hint int) annotation.Quote {
	q.Start = hint
	return q
}

// Words swapped into the sample's paragraphs to make a large article in
// which phrases repeat with small variations, as in a long report.
var variants = []string{
	"officials", "engineers", "regulators", "analysts", "Tuesday", "Friday",
	"networks", "servers", "systems", "Europe", "Africa", "Shenzhen",
	"strongly", "briefly", "reported", "claimed", "suppliers", "partners",
	"security", "privacy", "trust", "industry", "market", "global",
}

// syntheticArticle builds an article of about size bytes from the sample
// article's paragraphs, drawn in a random order (fixed by seed) with about
// one word in five swapped for another, so that sentences recur across
// the article with small differences.
func syntheticArticle(seed uint64, size int) string {
	paras := sampleParagraphs()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var b strings.Builder
	for b.Len() < size {
		words := strings.Split(paras[rng.IntN(len(paras))], " ")
		for i, w := range words {
			if rng.IntN(5) == 0 {
				words[i] = variants[rng.IntN(len(variants))]
			}
			_ = w
		}
		if b.Len() > 0 {
			b.WriteString(annotation.BlockSeparator)
		}
		b.WriteString(strings.Join(words, " "))
	}
	return b.String()
}

// sampleParagraphs are the body paragraphs of the sample article.
func sampleParagraphs() []string {
	raw := mustReadArticle(sampleArticle)
	art := annotation.Parse(raw)
	text := annotation.NewText(art.Text)
	var out []string
	for _, bl := range art.Blocks {
		if bl.Kind == annotation.BlockParagraph {
			out = append(out, text.Slice(bl.Start, bl.End))
		}
	}
	return out
}

// mustReadArticle reads a test article outside a test (for generators).
func mustReadArticle(name string) string {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		panic(err)
	}
	return string(raw)
}
