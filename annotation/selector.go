package annotation

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ContextLength is how many code points of prefix and suffix a quote keeps.
const ContextLength = 32

// Selector anchors an annotation in a document's text twice over: by
// position (Start, End in code points, end exclusive) and by quote (Exact,
// with Prefix and Suffix of up to ContextLength code points around it).
type Selector struct {
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Exact  string `json:"exact"`
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
}

// Errors returned when a selector does not fit a text. They are meant to be
// shown to a person, so each says what is wrong.
var (
	ErrOutOfRange    = errors.New("the offsets fall outside the document's text")
	ErrInverted      = errors.New("the start offset comes after the end offset")
	ErrEmptySpan     = errors.New("the selection is empty")
	ErrQuoteMismatch = errors.New("the quoted text does not match the document at those offsets")
)

// Text is a document's normalized text indexed by code point. Build it once
// per request with NewText and slice it as often as needed.
type Text []rune

// NewText indexes s by code point.
func NewText(s string) Text { return Text(s) }

// Len is the length of the text in code points.
func (t Text) Len() int { return len(t) }

// Slice returns the text in [start, end), clamped to the text's bounds.
func (t Text) Slice(start, end int) string {
	start = max(0, min(start, len(t)))
	end = max(start, min(end, len(t)))
	return string(t[start:end])
}

// Select checks that [start, end) is a non-empty span of the text and, when
// exact is not empty, that exact is the text found there. It returns the full
// selector with prefix and suffix taken from the text.
func (t Text) Select(start, end int, exact string) (Selector, error) {
	switch {
	case start < 0 || end < 0 || start > len(t) || end > len(t):
		return Selector{}, fmt.Errorf("%w (start %d, end %d, text length %d)", ErrOutOfRange, start, end, len(t))
	case start > end:
		return Selector{}, fmt.Errorf("%w (start %d, end %d)", ErrInverted, start, end)
	case start == end:
		return Selector{}, ErrEmptySpan
	}
	found := string(t[start:end])
	if exact != "" && exact != found {
		return Selector{}, fmt.Errorf("%w: expected %q, found %q", ErrQuoteMismatch, shorten(exact), shorten(found))
	}
	return Selector{
		Start:  start,
		End:    end,
		Exact:  found,
		Prefix: t.Slice(start-ContextLength, start),
		Suffix: t.Slice(end, end+ContextLength),
	}, nil
}

// TrimSpan narrows [start, end) so that it neither begins nor ends with
// white space. A span of white space only comes back empty.
func (t Text) TrimSpan(start, end int) (int, int) {
	start = max(0, start)
	end = min(len(t), end)
	for start < end && unicode.IsSpace(t[start]) {
		start++
	}
	for end > start && unicode.IsSpace(t[end-1]) {
		end--
	}
	return start, end
}

// shorten keeps error messages readable when a quote is long.
func shorten(s string) string {
	const max = 60
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max])) + "…"
}
