package annotation_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"galley/annotation"
)

// selectText mixes one-unit, CJK, astral, combining, ZWJ and flag code
// points. Offsets, by code point:
//
//	H0 e1 l2 l3 o4 ,5 _6 世7 界8 !9 _10 🎉11 _12 C13 a14 f15 e16 ◌́17 _18
//	👩19 ZWJ20 🔬21 _22 🇨23 🇳24 _25 e26 n27 d28 (length 29)
const selectText = "Hello, \u4e16\u754c! \U0001F389 Cafe\u0301 \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 end"

func TestTextSelect(t *testing.T) {
	text := annotation.NewText(selectText)
	if text.Len() != 29 {
		t.Fatalf("Len() = %d, want 29 code points", text.Len())
	}
	tests := []struct {
		name       string
		start, end int
		exact      string
		want       annotation.Selector
		wantErr    error
	}{
		{
			name: "ASCII at the start", start: 0, end: 5, exact: "Hello",
			want: annotation.Selector{Start: 0, End: 5, Exact: "Hello", Prefix: "",
				Suffix: ", \u4e16\u754c! \U0001F389 Cafe\u0301 \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 end"},
		},
		{
			name: "CJK", start: 7, end: 9, exact: "\u4e16\u754c",
			want: annotation.Selector{Start: 7, End: 9, Exact: "\u4e16\u754c", Prefix: "Hello, ",
				Suffix: "! \U0001F389 Cafe\u0301 \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 end"},
		},
		{
			name: "emoji outside the BMP is one code point", start: 11, end: 12, exact: "\U0001F389",
			want: annotation.Selector{Start: 11, End: 12, Exact: "\U0001F389", Prefix: "Hello, \u4e16\u754c! ",
				Suffix: " Cafe\u0301 \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 end"},
		},
		{
			name: "combining mark counts on its own", start: 13, end: 18, exact: "Cafe\u0301",
			want: annotation.Selector{Start: 13, End: 18, Exact: "Cafe\u0301", Prefix: "Hello, \u4e16\u754c! \U0001F389 ",
				Suffix: " \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 end"},
		},
		{
			name: "base letter without its combining mark", start: 16, end: 17, exact: "e",
			want: annotation.Selector{Start: 16, End: 17, Exact: "e", Prefix: "Hello, \u4e16\u754c! \U0001F389 Caf",
				Suffix: "\u0301 \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 end"},
		},
		{
			name: "ZWJ sequence is three code points", start: 19, end: 22, exact: "\U0001F469\u200d\U0001F52C",
			want: annotation.Selector{Start: 19, End: 22, Exact: "\U0001F469\u200d\U0001F52C",
				Prefix: "Hello, \u4e16\u754c! \U0001F389 Cafe\u0301 ", Suffix: " \U0001F1E8\U0001F1F3 end"},
		},
		{
			name: "flag is two code points", start: 23, end: 25, exact: "\U0001F1E8\U0001F1F3",
			want: annotation.Selector{Start: 23, End: 25, Exact: "\U0001F1E8\U0001F1F3",
				Prefix: "Hello, \u4e16\u754c! \U0001F389 Cafe\u0301 \U0001F469\u200d\U0001F52C ", Suffix: " end"},
		},
		{
			name: "at the end", start: 26, end: 29, exact: "end",
			want: annotation.Selector{Start: 26, End: 29, Exact: "end",
				Prefix: "Hello, \u4e16\u754c! \U0001F389 Cafe\u0301 \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 ", Suffix: ""},
		},
		{
			name: "whole text", start: 0, end: 29, exact: selectText,
			want: annotation.Selector{Start: 0, End: 29, Exact: selectText},
		},
		{
			name: "no exact given: taken from the text", start: 7, end: 9, exact: "",
			want: annotation.Selector{Start: 7, End: 9, Exact: "\u4e16\u754c", Prefix: "Hello, ",
				Suffix: "! \U0001F389 Cafe\u0301 \U0001F469\u200d\U0001F52C \U0001F1E8\U0001F1F3 end"},
		},
		{name: "start past the end", start: 30, end: 31, wantErr: annotation.ErrOutOfRange},
		{name: "end past the end", start: 0, end: 30, wantErr: annotation.ErrOutOfRange},
		{name: "negative start", start: -1, end: 3, wantErr: annotation.ErrOutOfRange},
		{name: "negative end", start: 0, end: -1, wantErr: annotation.ErrOutOfRange},
		{name: "inverted and out of range", start: 40, end: 35, wantErr: annotation.ErrOutOfRange},
		{name: "inverted", start: 5, end: 3, wantErr: annotation.ErrInverted},
		{name: "empty", start: 4, end: 4, wantErr: annotation.ErrEmptySpan},
		{name: "empty at the start", start: 0, end: 0, wantErr: annotation.ErrEmptySpan},
		{name: "empty at the end", start: 29, end: 29, wantErr: annotation.ErrEmptySpan},
		{name: "quote differs in case", start: 0, end: 5, exact: "hello", wantErr: annotation.ErrQuoteMismatch},
		{name: "quote one code point short", start: 0, end: 5, exact: "Hell", wantErr: annotation.ErrQuoteMismatch},
		{
			name: "UTF-16 offsets for an emoji", start: 11, end: 13, exact: "\U0001F389",
			wantErr: annotation.ErrQuoteMismatch,
		},
		{
			name: "byte offsets for CJK", start: 7, end: 13, exact: "\u4e16\u754c",
			wantErr: annotation.ErrQuoteMismatch,
		},
		{
			name: "precomposed quote for decomposed text", start: 13, end: 17, exact: "Caf\u00e9",
			wantErr: annotation.ErrQuoteMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := text.Select(tt.start, tt.end, tt.exact)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Select(%d, %d) error = %v, want %v", tt.start, tt.end, err, tt.wantErr)
				}
				if got != (annotation.Selector{}) {
					t.Errorf("Select returned %+v with an error, want the zero selector", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Select(%d, %d): %v", tt.start, tt.end, err)
			}
			if got != tt.want {
				t.Errorf("Select(%d, %d) =\n %+v\nwant\n %+v", tt.start, tt.end, got, tt.want)
			}
		})
	}
}

func TestTextSelectErrorsAreDistinct(t *testing.T) {
	sentinels := []error{annotation.ErrOutOfRange, annotation.ErrInverted, annotation.ErrEmptySpan, annotation.ErrQuoteMismatch}
	text := annotation.NewText("abc")
	_, err := text.Select(0, 2, "xy")
	for _, s := range sentinels {
		if errors.Is(err, s) != (s == annotation.ErrQuoteMismatch) {
			t.Errorf("errors.Is(%v, %v) = %v", err, s, errors.Is(err, s))
		}
	}
	if !strings.Contains(err.Error(), `"xy"`) || !strings.Contains(err.Error(), `"ab"`) {
		t.Errorf("mismatch error %q should quote both the expected and the found text", err)
	}
}

func TestTextSelectContextLength(t *testing.T) {
	a := annotation.Parse(readArticle(t, sampleArticle))
	text := annotation.NewText(a.Text)
	tests := []struct {
		name                 string
		exact                string
		wantPrefix, wantSufx int
	}{
		{name: "middle of the text", exact: "condemned the alleged infiltration", wantPrefix: 32, wantSufx: 32},
		{name: "near the start", exact: "March 25", wantPrefix: 9, wantSufx: 32},
		{name: "first code point", exact: "Tuesday", wantPrefix: 0, wantSufx: 32},
		{name: "near the end", exact: "yuweizhang", wantPrefix: 32, wantSufx: len("@chinadailyusa.com")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := spanOf(t, a.Text, tt.exact)
			sel, err := text.Select(start, end, tt.exact)
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			if n := utf8.RuneCountInString(sel.Prefix); n != tt.wantPrefix || n > annotation.ContextLength {
				t.Errorf("prefix %q has %d code points, want %d", sel.Prefix, n, tt.wantPrefix)
			}
			if n := utf8.RuneCountInString(sel.Suffix); n != tt.wantSufx || n > annotation.ContextLength {
				t.Errorf("suffix %q has %d code points, want %d", sel.Suffix, n, tt.wantSufx)
			}
			if sel.Prefix != text.Slice(start-tt.wantPrefix, start) || sel.Suffix != text.Slice(end, end+tt.wantSufx) {
				t.Errorf("prefix %q / suffix %q are not the text around the span", sel.Prefix, sel.Suffix)
			}
		})
	}
}

// TestTextSelectUnicodeArticle anchors quotes in the unicode test article
// exactly, counting code points, the way the API and the browser must.
func TestTextSelectUnicodeArticle(t *testing.T) {
	a := annotation.Parse(readArticle(t, unicodeArticle))
	text := annotation.NewText(a.Text)
	tests := []struct {
		name       string
		exact      string
		codePoints int
	}{
		{name: "CJK", exact: "\u5317\u4eac\u6b22\u8fce\u4f60", codePoints: 5},
		{name: "decomposed accent", exact: "Cafe\u0301 Lumi\u00e8re", codePoints: 13},
		{name: "emoji in the headline", exact: "\U0001F389 blooms", codePoints: 8},
		{name: "ZWJ sequence", exact: "chemist \U0001F469\u200d\U0001F52C", codePoints: 11},
		{name: "flag", exact: "\U0001F1E8\U0001F1F3 tea", codePoints: 6},
		{name: "non-breaking space", exact: "10\u00a0000 guests", codePoints: 13},
		{name: "across a line break", exact: "\U0001F52C\nwho still", codePoints: 11},
		{name: "across blocks", exact: "gram.\n\nRegulars", codePoints: 15},
		{name: "two combining marks", exact: "re\u0301sume\u0301-style", codePoints: 14},
		{name: "last emoji", exact: "\U0001F389\U0001F389", codePoints: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := spanOf(t, a.Text, tt.exact)
			if end-start != tt.codePoints {
				t.Fatalf("%q spans %d code points, want %d", tt.exact, end-start, tt.codePoints)
			}
			sel, err := text.Select(start, end, tt.exact)
			if err != nil {
				t.Fatalf("Select(%d, %d, %q): %v", start, end, tt.exact, err)
			}
			if sel.Exact != tt.exact {
				t.Errorf("Exact = %q, want %q", sel.Exact, tt.exact)
			}
			if !strings.Contains(a.Text, sel.Prefix+sel.Exact+sel.Suffix) {
				t.Errorf("prefix+exact+suffix is not a run of the text")
			}
			// Byte offsets must not anchor: they land elsewhere.
			bstart := strings.Index(a.Text, tt.exact)
			if _, err := text.Select(bstart, bstart+len(tt.exact), tt.exact); err == nil {
				t.Errorf("byte offsets [%d,%d) anchored too", bstart, bstart+len(tt.exact))
			}
		})
	}
}

func TestTextTrimSpan(t *testing.T) {
	// _0 _1 H2 e3 l4 l5 o6 _7 w8 o9 r10 l11 d12 _13 \n14 \n15 \t16 N17 e18
	// x19 t20 nbsp21 l22 i23 n24 e25 _26 _27 (length 28)
	text := annotation.NewText("  Hello world \n\n\tNext\u00a0line  ")
	tests := []struct {
		name               string
		start, end         int
		wantStart, wantEnd int
	}{
		{name: "already trimmed", start: 2, end: 7, wantStart: 2, wantEnd: 7},
		{name: "leading spaces", start: 0, end: 7, wantStart: 2, wantEnd: 7},
		{name: "trailing space", start: 2, end: 14, wantStart: 2, wantEnd: 13},
		{name: "trailing space and newlines", start: 8, end: 17, wantStart: 8, wantEnd: 13},
		{name: "leading newlines and tab", start: 13, end: 20, wantStart: 17, wantEnd: 20},
		{name: "non-breaking space inside kept", start: 20, end: 23, wantStart: 20, wantEnd: 23},
		{name: "non-breaking space alone", start: 21, end: 22, wantStart: 22, wantEnd: 22},
		{name: "all white space", start: 13, end: 17, wantStart: 17, wantEnd: 17},
		{name: "whole text", start: 0, end: 28, wantStart: 2, wantEnd: 26},
		{name: "clamped to the text", start: -5, end: 100, wantStart: 2, wantEnd: 26},
		{name: "empty", start: 5, end: 5, wantStart: 5, wantEnd: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := text.TrimSpan(tt.start, tt.end)
			if s != tt.wantStart || e != tt.wantEnd {
				t.Errorf("TrimSpan(%d, %d) = (%d, %d) %q, want (%d, %d) %q", tt.start, tt.end,
					s, e, text.Slice(s, e), tt.wantStart, tt.wantEnd, text.Slice(tt.wantStart, tt.wantEnd))
			}
		})
	}
}

func TestTextSlice(t *testing.T) {
	text := annotation.NewText("a\u4e16\U0001F389b")
	tests := []struct {
		name       string
		start, end int
		want       string
	}{
		{name: "all", start: 0, end: 4, want: "a\u4e16\U0001F389b"},
		{name: "astral code point", start: 2, end: 3, want: "\U0001F389"},
		{name: "negative start clamped", start: -3, end: 2, want: "a\u4e16"},
		{name: "end clamped", start: 3, end: 100, want: "b"},
		{name: "inverted is empty", start: 3, end: 1, want: ""},
		{name: "past the end is empty", start: 10, end: 20, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := text.Slice(tt.start, tt.end); got != tt.want {
				t.Errorf("Slice(%d, %d) = %q, want %q", tt.start, tt.end, got, tt.want)
			}
		})
	}
}
