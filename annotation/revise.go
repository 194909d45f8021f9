package annotation

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// RevisionCounts says where a revision left a document's annotations:
// Kept in place, Moved (verbatim or with small edits inside), found by
// Fuzzy search (awaiting a person's check), or Orphaned (no anchor in the
// new text; earlier orphans included). Together they count every
// annotation of the document.
type RevisionCounts struct {
	Kept     int `json:"kept"`
	Moved    int `json:"moved"`
	Fuzzy    int `json:"fuzzy"`
	Orphaned int `json:"orphaned"`
}

// Add counts one annotation in its anchor state.
func (c *RevisionCounts) Add(state Anchor) {
	switch state {
	case AnchorExact:
		c.Kept++
	case AnchorMoved:
		c.Moved++
	case AnchorFuzzy:
		c.Fuzzy++
	default:
		c.Orphaned++
	}
}

// Selector is the annotation's anchor as a selector.
func (a Annotation) Selector() Selector {
	return Selector{Start: a.Start, End: a.End, Exact: a.Exact, Prefix: a.Prefix, Suffix: a.Suffix}
}

// Reanchored returns the annotation carried into revision of a document
// whose text is now text, as an anchoring computed by Reanchor (or
// Mapping.Reanchor) says. An orphan keeps its old offsets, quote and
// revision, so that it still says where it was. An annotation found
// elsewhere takes the new offsets, the quote and context found there and
// the revision; when the quote changed, OriginalExact keeps the one it had.
// An annotation still awaiting a person's check (fuzzy) stays fuzzy
// however well it is carried on. The caller bumps the version and sets
// Modified.
func (a Annotation) Reanchored(text Text, revision int, an Anchoring) Annotation {
	if an.State == AnchorOrphaned || an.Start < 0 || an.End > text.Len() || an.Start >= an.End {
		a.Anchor, a.AnchorScore = AnchorOrphaned, 0
		return a
	}
	sel, err := text.Select(an.Start, an.End, "")
	if err != nil {
		a.Anchor, a.AnchorScore = AnchorOrphaned, 0
		return a
	}
	if sel.Exact != a.Exact && a.OriginalExact == "" {
		a.OriginalExact = a.Exact
	}
	if sel.Exact == a.OriginalExact {
		a.OriginalExact = ""
	}
	state, score := an.State, an.Score
	if a.Anchor == AnchorFuzzy && state != AnchorFuzzy {
		state, score = AnchorFuzzy, min(score, a.AnchorScore)
		if score <= 0 {
			score = an.Score
		}
	}
	if state == AnchorExact || score >= 1 {
		score = 0
	}
	a.Start, a.End, a.Exact, a.Prefix, a.Suffix = sel.Start, sel.End, sel.Exact, sel.Prefix, sel.Suffix
	a.Anchor, a.AnchorScore, a.Revision = state, score, revision
	return a
}

// ErrSuggestionStale is returned when a suggestion cannot be applied
// because the passage it replaces changed since it was made.
var ErrSuggestionStale = errors.New("the passage this suggestion replaces has changed since it was made")

// ErrNotSuggestion is returned when accepting or rejecting an annotation
// that is not a suggestion, or one already decided.
var ErrNotSuggestion = errors.New("not an open suggestion")

// CheckSuggestion reports whether a suggestion can still be decided, and,
// when it is to be applied, whether its passage reads in text exactly as
// when it was made.
func CheckSuggestion(text Text, a Annotation, apply bool) error {
	switch {
	case a.Motivation != Editing:
		return fmt.Errorf("%w: the annotation is a %s annotation, not a suggested change", ErrNotSuggestion, a.Motivation)
	case a.Decision != nil:
		return fmt.Errorf("%w: the suggestion was already %s", ErrNotSuggestion, a.Decision.Verdict)
	case a.Deleted:
		return fmt.Errorf("%w: the suggestion was deleted", ErrNotSuggestion)
	case !apply:
		return nil
	case a.Anchor == AnchorOrphaned:
		return fmt.Errorf("%w: its passage is no longer in the text", ErrSuggestionStale)
	case a.OriginalExact != "" && a.OriginalExact != a.Exact:
		return fmt.Errorf("%w: it read %q and now reads %q", ErrSuggestionStale, shorten(a.OriginalExact), shorten(a.Exact))
	case a.Start < 0 || a.End > text.Len() || a.Start >= a.End || text.Slice(a.Start, a.End) != a.Exact:
		return fmt.Errorf("%w: %q is no longer at its place in the text", ErrSuggestionStale, shorten(a.Exact))
	}
	return nil
}

// ApplySuggestion returns text with the suggestion's passage replaced by
// its replacement, and the code point span the replacement takes in it.
// It refuses (ErrSuggestionStale) when the passage changed since the
// suggestion was made, and (ErrNotSuggestion) when a is not an undecided
// suggestion.
func ApplySuggestion(text Text, a Annotation) (string, int, int, error) {
	if err := CheckSuggestion(text, a, true); err != nil {
		return "", 0, 0, err
	}
	out := make([]rune, 0, text.Len()-(a.End-a.Start)+utf8.RuneCountInString(a.Replacement))
	out = append(out, text[:a.Start]...)
	out = append(out, []rune(a.Replacement)...)
	end := len(out)
	out = append(out, text[a.End:]...)
	return string(out), a.Start, end, nil
}
