package annotation_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"galley/annotation"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "already normal", in: "a\n\nb", want: "a\n\nb"},
		{name: "CRLF", in: "one\r\ntwo\r\n\r\nthree\r\n", want: "one\ntwo\n\nthree"},
		{name: "lone CR", in: "one\rtwo\r\rthree", want: "one\ntwo\n\nthree"},
		{name: "CR CRLF mix", in: "one\r\r\ntwo\n\rthree", want: "one\n\ntwo\n\nthree"},
		{name: "BOM", in: "\uFEFFHello", want: "Hello"},
		{name: "BOM and CRLF", in: "\uFEFFHello\r\nworld\r\n", want: "Hello\nworld"},
		{name: "BOM after leading blank lines", in: "\r\n\r\n\uFEFFHello", want: "Hello"},
		{name: "two BOMs", in: "\uFEFF\uFEFFHello", want: "Hello"},
		{name: "BOM inside text", in: "a\uFEFFb\n\uFEFF\nc", want: "ab\n\nc"},
		{name: "trailing spaces", in: "one   \ntwo\t \nthree \u00a0", want: "one\ntwo\nthree"},
		{name: "trailing spaces before CRLF", in: "one  \r\ntwo \r\n", want: "one\ntwo"},
		{name: "leading spaces kept", in: "  indented\n\tcode", want: "  indented\n\tcode"},
		{name: "inner tabs kept", in: "a\tb\t\tc", want: "a\tb\t\tc"},
		{name: "inner non-breaking space kept", in: "10\u00a0000", want: "10\u00a0000"},
		{name: "control characters dropped", in: "a\x00b\x07c\x1bd\x7fe\u0085f\x0cg", want: "abcdefg"},
		{name: "control character makes a blank line", in: "a\n\x00\nb", want: "a\n\nb"},
		{name: "leading blank lines", in: "\n\n  \n\t\nText", want: "Text"},
		{name: "trailing blank lines", in: "Text\n\n \n\t\n", want: "Text"},
		{name: "multiple blank lines collapsed", in: "a\n\n\n\nb\n \n\t\n\nc", want: "a\n\nb\n\nc"},
		{name: "white space only", in: " \r\n\t\n\u00a0\r", want: ""},
		{name: "single newline kept", in: "line one\nline two", want: "line one\nline two"},
		{
			name: "non-ASCII untouched",
			in:   "Cafe\u0301 \U0001F389 \u5317\u4eac \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3",
			want: "Cafe\u0301 \U0001F389 \u5317\u4eac \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3",
		},
		{name: "zero width joiner alone is not blank", in: "a\n\u200d\nb", want: "a\n\u200d\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := annotation.Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := annotation.Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent: %q -> %q -> %q", tt.in, got, again)
			}
		})
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	inputs := map[string]string{
		"sample article":  readArticle(t, sampleArticle),
		"unicode article": readArticle(t, unicodeArticle),
		"BOM soup":        "\n\uFEFF\r\n\uFEFF \uFEFFx \uFEFF\r\n\r\n\r\n",
		"CR soup":         "\r\r\n\n\r \r\t\r\x00\r",
		"spaces":          " \t \u00a0 \u2028 \u3000 ",
		"invalid UTF-8":   "a\xffb\xc3\n\n\nc",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			once := annotation.Normalize(in)
			if twice := annotation.Normalize(once); twice != once {
				t.Errorf("Normalize(Normalize(x)) = %q, want %q", twice, once)
			}
			if strings.Contains(once, "\r") || strings.Contains(once, "\n\n\n") ||
				strings.HasPrefix(once, "\n") || strings.HasSuffix(once, "\n") {
				t.Errorf("Normalize left CRs or stray blank lines: %q", once)
			}
		})
	}
}

func TestParseSampleArticle(t *testing.T) {
	a := annotation.Parse(readArticle(t, sampleArticle))
	checkBlocks(t, a)

	if want := "Beijing slams spying on Huawei"; a.Title != want {
		t.Errorf("Title = %q, want %q", a.Title, want)
	}
	if want := "By Chen Weihua and Cai Chunying in Washington and Zhang Yuwei in New York"; a.Byline != want {
		t.Errorf("Byline = %q, want %q", a.Byline, want)
	}
	if want := "Tuesday, March 25, 2014, 09:47"; a.Dateline != want {
		t.Errorf("Dateline = %q, want %q", a.Dateline, want)
	}

	want := []annotation.BlockKind{
		annotation.BlockDateline,
		annotation.BlockHeadline,
		annotation.BlockByline,
		annotation.BlockSubhead,
		annotation.BlockCaption,
	}
	for range 23 {
		want = append(want, annotation.BlockParagraph)
	}
	want = append(want, annotation.BlockContact)
	if got := kinds(a.Blocks); !slices.Equal(got, want) {
		t.Errorf("block kinds:\n got %v\nwant %v", got, want)
	}

	text := annotation.NewText(a.Text)
	first := []struct {
		start, end int
		text       string
	}{
		{0, 30, "Tuesday, March 25, 2014, 09:47"},
		{32, 62, "Beijing slams spying on Huawei"},
		{64, 137, "By Chen Weihua and Cai Chunying in Washington and Zhang Yuwei in New York"},
		{139, 169, "Beijing slams spying on Huawei"},
	}
	for i, w := range first {
		b := a.Blocks[i]
		if b.Start != w.start || b.End != w.end || text.Slice(b.Start, b.End) != w.text {
			t.Errorf("block %d = [%d,%d) %q, want [%d,%d) %q", i, b.Start, b.End, text.Slice(b.Start, b.End), w.start, w.end, w.text)
		}
	}
	if got := text.Slice(a.Blocks[4].Start, a.Blocks[4].End); !strings.HasSuffix(got, "(Bloomberg)") {
		t.Errorf("caption = %q, want it to end with the credit", got)
	}
	last := a.Blocks[len(a.Blocks)-1]
	if got := text.Slice(last.Start, last.End); got != "Contact the writers at chenweihua@chinadailyusa.com and yuweizhang@chinadailyusa.com" {
		t.Errorf("contact block = %q", got)
	}
}

func TestParseUnicodeArticle(t *testing.T) {
	raw := readArticle(t, unicodeArticle)
	if !strings.Contains(raw, "\r\n") || len(raw) >= 1500 {
		t.Fatalf("%s should use CRLF line endings and stay under 1,500 bytes (has %d)", unicodeArticle, len(raw))
	}
	a := annotation.Parse(raw)
	checkBlocks(t, a)

	if want := "Cafe\u0301 culture \U0001F389 blooms in \u5317\u4eac"; a.Title != want {
		t.Errorf("Title = %q, want %q", a.Title, want)
	}
	if want := "By Li Wei and Zo\u00eb M\u00fcller in Beijing"; a.Byline != want {
		t.Errorf("Byline = %q (trailing spaces should be trimmed), want %q", a.Byline, want)
	}
	if want := "Saturday, May 3, 2025, 10:15"; a.Dateline != want {
		t.Errorf("Dateline = %q, want %q", a.Dateline, want)
	}
	want := []annotation.BlockKind{
		annotation.BlockDateline,
		annotation.BlockHeadline,
		annotation.BlockByline,
		annotation.BlockParagraph,
		annotation.BlockParagraph,
		annotation.BlockParagraph,
		annotation.BlockParagraph,
		annotation.BlockContact,
	}
	if got := kinds(a.Blocks); !slices.Equal(got, want) {
		t.Errorf("block kinds:\n got %v\nwant %v", got, want)
	}

	for _, bad := range []string{"\r", " \n", "\n\n\n"} {
		if strings.Contains(a.Text, bad) {
			t.Errorf("normalized text contains %q", bad)
		}
	}
	if !strings.Contains(a.Text, "10\u00a0000") {
		t.Errorf("the non-breaking space inside a line was lost")
	}
	if len(a.Text) == utf8.RuneCountInString(a.Text) {
		t.Fatalf("the unicode article should contain multi-byte code points")
	}

	// Offsets count code points: the headline holds a combining mark, an
	// emoji outside the BMP and two CJK characters, 28 code points in all
	// (37 bytes, 29 UTF-16 units).
	text := annotation.NewText(a.Text)
	blocks := []struct {
		start, end int
		text       string
	}{
		{0, 28, "Saturday, May 3, 2025, 10:15"},
		{30, 58, "Cafe\u0301 culture \U0001F389 blooms in \u5317\u4eac"},
		{60, 95, "By Li Wei and Zo\u00eb M\u00fcller in Beijing"},
		{97, 207, "\u5317\u4eac\u6b22\u8fce\u4f60! Visitors queued before dawn at the new Cafe\u0301 Lumi\u00e8re, where the menu mixes \U0001F1E8\U0001F1F3 tea with French pastry \U0001F950."},
		{209, 329, "\"We counted 10\u00a0000 guests in a week,\" said the owner, a former chemist \U0001F469\u200d\U0001F52C\nwho still weighs every croissant to the gram."},
	}
	for i, w := range blocks {
		b := a.Blocks[i]
		if got := text.Slice(b.Start, b.End); b.Start != w.start || b.End != w.end || got != w.text {
			t.Errorf("block %d = [%d,%d) %q, want [%d,%d) %q", i, b.Start, b.End, got, w.start, w.end, w.text)
		}
	}
}

func TestParse(t *testing.T) {
	P, H, S, B, D, C, K := annotation.BlockParagraph, annotation.BlockHeadline, annotation.BlockSubhead,
		annotation.BlockByline, annotation.BlockDateline, annotation.BlockCaption, annotation.BlockContact
	tests := []struct {
		name     string
		in       string
		text     string
		kinds    []annotation.BlockKind
		title    string
		byline   string
		dateline string
	}{
		{name: "empty", in: "", text: "", kinds: nil},
		{name: "white space only", in: " \r\n\t\n\n", text: "", kinds: nil},
		{
			name:  "one line",
			in:    "Just one line.",
			text:  "Just one line.",
			kinds: []annotation.BlockKind{P},
			title: "Just one line.",
		},
		{
			name:  "plain paragraphs, title from the first line",
			in:    "First line of a note\nsecond line\n\n\n\nAnother paragraph.\n",
			text:  "First line of a note\nsecond line\n\nAnother paragraph.",
			kinds: []annotation.BlockKind{P, P},
			title: "First line of a note",
		},
		{
			name:  "first chunk of five lines is no header",
			in:    "By the river\nMarch 3, 2024\nthree\nfour\nfive\n\nBody.",
			text:  "By the river\nMarch 3, 2024\nthree\nfour\nfive\n\nBody.",
			kinds: []annotation.BlockKind{P, P},
			title: "By the river",
		},
		{
			name:  "two headline-like lines are no header",
			in:    "A title\nAnother line\n\nBody.",
			text:  "A title\nAnother line\n\nBody.",
			kinds: []annotation.BlockKind{P, P},
			title: "A title",
		},
		{
			name:   "headline and byline",
			in:     "Rates rise again\nBy Jane Doe\n\nThe bank raised rates.",
			text:   "Rates rise again\n\nBy Jane Doe\n\nThe bank raised rates.",
			kinds:  []annotation.BlockKind{H, B, P},
			title:  "Rates rise again",
			byline: "By Jane Doe",
		},
		{
			name:     "dateline after headline",
			in:       "Rates rise again\n2024-03-05\n\nThe bank raised rates.",
			text:     "Rates rise again\n\n2024-03-05\n\nThe bank raised rates.",
			kinds:    []annotation.BlockKind{H, D, P},
			title:    "Rates rise again",
			dateline: "2024-03-05",
		},
		{
			name:     "news header with CRLF, caption, repeated headline and contact",
			in:       "Monday, 5 March 2024\r\nRates rise again\r\nBY JANE DOE\r\n\r\nRates rise again\r\n\r\nThe governor speaks. (Photo: Jane Doe)\r\n\r\nThe bank raised rates.\r\n\r\nContact the writer at jane@example.com\r\n",
			text:     "Monday, 5 March 2024\n\nRates rise again\n\nBY JANE DOE\n\nRates rise again\n\nThe governor speaks. (Photo: Jane Doe)\n\nThe bank raised rates.\n\nContact the writer at jane@example.com",
			kinds:    []annotation.BlockKind{D, H, B, S, C, P, K},
			title:    "Rates rise again",
			byline:   "BY JANE DOE",
			dateline: "Monday, 5 March 2024",
		},
		{
			name:  "markdown headings",
			in:    "# The Title\n\nIntro paragraph.\n\n## Section ##\n\nBody text\nover two lines.\n\n# Second H1",
			text:  "The Title\n\nIntro paragraph.\n\nSection\n\nBody text\nover two lines.\n\nSecond H1",
			kinds: []annotation.BlockKind{H, P, S, P, S},
			title: "The Title",
		},
		{
			name:  "markdown subheading before any title",
			in:    "## Notes\n\nSome text.",
			text:  "Notes\n\nSome text.",
			kinds: []annotation.BlockKind{S, P},
			title: "Notes",
		},
		{
			name:   "markdown headline with byline",
			in:     "# The Title\nBy Jane Doe\n\nBody.",
			text:   "The Title\n\nBy Jane Doe\n\nBody.",
			kinds:  []annotation.BlockKind{H, B, P},
			title:  "The Title",
			byline: "By Jane Doe",
		},
		{
			name:  "heading marker inside a paragraph is text",
			in:    "# Not a heading\ncontinued here\n\nBody.",
			text:  "# Not a heading\ncontinued here\n\nBody.",
			kinds: []annotation.BlockKind{P, P},
			title: "# Not a heading",
		},
		{
			name:  "contact line needs an address",
			in:    "Body.\n\nContact us any time",
			text:  "Body.\n\nContact us any time",
			kinds: []annotation.BlockKind{P, P},
			title: "Body.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := annotation.Parse(tt.in)
			checkBlocks(t, a)
			if a.Text != tt.text {
				t.Errorf("Text = %q, want %q", a.Text, tt.text)
			}
			if got := kinds(a.Blocks); !slices.Equal(got, tt.kinds) {
				t.Errorf("kinds = %v, want %v", got, tt.kinds)
			}
			if a.Title != tt.title {
				t.Errorf("Title = %q, want %q", a.Title, tt.title)
			}
			if a.Byline != tt.byline {
				t.Errorf("Byline = %q, want %q", a.Byline, tt.byline)
			}
			if a.Dateline != tt.dateline {
				t.Errorf("Dateline = %q, want %q", a.Dateline, tt.dateline)
			}
			// The text Parse lays out is stable under a second Parse.
			if again := annotation.Parse(a.Text).Text; again != a.Text {
				t.Errorf("Parse(Parse(x).Text).Text = %q, want %q", again, a.Text)
			}
		})
	}
}

func TestParseTextIsNormalized(t *testing.T) {
	for _, name := range []string{sampleArticle, unicodeArticle} {
		t.Run(name, func(t *testing.T) {
			a := annotation.Parse(readArticle(t, name))
			if n := annotation.Normalize(a.Text); n != a.Text {
				t.Errorf("Parse's text is not normalized")
			}
			if again := annotation.Parse(a.Text).Text; again != a.Text {
				t.Errorf("Parse's text changes under a second Parse")
			}
		})
	}
}

func TestTitleFrom(t *testing.T) {
	long := strings.Repeat("word ", 40) // 200 code points
	cjk := strings.Repeat("\u5317\u4eac\u6b22\u8fce\u4f60", 40)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "short", in: "A title", want: "A title"},
		{name: "first line only", in: "\n  First line  \nsecond line", want: "First line"},
		{name: "exactly 120", in: strings.Repeat("x", 120), want: strings.Repeat("x", 120)},
		{name: "cut at a word boundary", in: long, want: strings.TrimSpace(long[:119]) + "…"},
		{name: "cut inside a long word", in: strings.Repeat("x", 130), want: strings.Repeat("x", 120) + "…"},
		{name: "cut by code points", in: cjk, want: string([]rune(cjk)[:120]) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := annotation.TitleFrom(tt.in)
			if got != tt.want {
				t.Errorf("TitleFrom = %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 121 {
				t.Errorf("TitleFrom = %q: invalid or longer than 120 code points plus an ellipsis", got)
			}
		})
	}
}

// TestParseStoredTextAgain checks that parsing a normalized text again (as
// a revision of the article does) finds the same header, title and blocks.
func TestParseStoredTextAgain(t *testing.T) {
	for _, name := range []string{sampleArticle, unicodeArticle} {
		t.Run(name, func(t *testing.T) {
			first := annotation.Parse(readArticle(t, name))
			again := annotation.Parse(first.Text)
			if again.Text != first.Text || again.Title != first.Title ||
				again.Byline != first.Byline || again.Dateline != first.Dateline {
				t.Fatalf("second parse differs:\n first %q %q %q\n again %q %q %q",
					first.Title, first.Byline, first.Dateline, again.Title, again.Byline, again.Dateline)
			}
			if !slices.Equal(again.Blocks, first.Blocks) {
				t.Fatalf("blocks differ:\n first %v\n again %v", first.Blocks, again.Blocks)
			}
		})
	}
}
