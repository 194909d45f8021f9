package annotation_test

import (
	"errors"
	"strings"
	"testing"

	"galley/annotation"
)

// annotated is an annotation on the first occurrence of quote in text.
func annotated(t *testing.T, text, quote string) annotation.Annotation {
	t.Helper()
	sel := selectAt(t, text, quote, 0)
	return annotation.Annotation{ID: "a1", Revision: 1, Start: sel.Start, End: sel.End, Exact: sel.Exact,
		Prefix: sel.Prefix, Suffix: sel.Suffix, Motivation: annotation.Commenting, Anchor: annotation.AnchorExact, Version: 1}
}

// TestReanchored carries annotations through revisions of a text with a
// Mapping and checks what each becomes: kept, moved, found by the fuzzy
// fallback (with its score and the original quote kept), or orphaned with
// its old anchor.
func TestReanchored(t *testing.T) {
	const old = "Beijing wants a clear explanation from Washington over a report.\n\n" +
		"China is seriously concerned about the spying allegations, Hong Lei said at a regular briefing.\n\n" +
		"Huawei Technologies condemned the alleged infiltration reported by The New York Times."
	tests := []struct {
		name      string
		new       string
		quote     string
		state     annotation.Anchor
		want      string // text at the new anchor; "" for an orphan
		original  string // OriginalExact afterwards
		scoreBand [2]float64
	}{
		{"unchanged", old, "seriously concerned", annotation.AnchorExact, "seriously concerned", "", [2]float64{0, 0}},
		{"text inserted before: shifted, not moved", "Breaking.\n\n" + old, "seriously concerned", annotation.AnchorExact, "seriously concerned", "", [2]float64{0, 0}},
		{"typo inside", strings.Replace(old, "seriously", "seriosly", 1), "China is seriously concerned", annotation.AnchorMoved,
			"China is seriosly concerned", "China is seriously concerned", [2]float64{0.9, 0.99}},
		{"paragraph deleted", strings.Replace(old, "China is seriously concerned about the spying allegations, Hong Lei said at a regular briefing.\n\n", "", 1),
			"spying allegations", annotation.AnchorOrphaned, "", "", [2]float64{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := annotated(t, old, tt.quote)
			newText := annotation.NewText(tt.new)
			an := annotation.NewMapping(annotation.NewText(old), newText).Reanchor(a.Selector())
			got := a.Reanchored(newText, 2, an)
			if got.Anchor != tt.state {
				t.Fatalf("anchor %s (%+v), want %s", got.Anchor, an, tt.state)
			}
			if tt.state == annotation.AnchorOrphaned {
				if got.Start != a.Start || got.End != a.End || got.Exact != a.Exact || got.Revision != 1 || got.AnchorScore != 0 {
					t.Errorf("orphan %+v should keep its old anchor and revision", got)
				}
				return
			}
			if got.Exact != tt.want || newText.Slice(got.Start, got.End) != got.Exact || got.Revision != 2 {
				t.Errorf("anchored %q at [%d,%d) revision %d, want %q", got.Exact, got.Start, got.End, got.Revision, tt.want)
			}
			sel, _ := newText.Select(got.Start, got.End, "")
			if got.Prefix != sel.Prefix || got.Suffix != sel.Suffix {
				t.Errorf("context %q / %q not taken from the new text", got.Prefix, got.Suffix)
			}
			if got.OriginalExact != tt.original {
				t.Errorf("original %q, want %q", got.OriginalExact, tt.original)
			}
			if got.AnchorScore < tt.scoreBand[0] || got.AnchorScore > tt.scoreBand[1] {
				t.Errorf("score %.3f outside [%.2f, %.2f]", got.AnchorScore, tt.scoreBand[0], tt.scoreBand[1])
			}
		})
	}
}

// TestReanchoredFuzzy: a passage whose words were rewritten stays on the
// words that replaced it, fuzzy, scored low, with the quote it had kept for
// a person to compare.
func TestReanchoredFuzzy(t *testing.T) {
	const quote = "The agency infiltrated servers in the headquarters."
	old := "Intro. " + quote + " It was a big story. End."
	const rewritten = "Spies got into machines at head office."
	newText := annotation.NewText("Intro. " + rewritten + " It was a big story. End.")
	a := annotated(t, old, quote)
	got := a.Reanchored(newText, 2, annotation.NewMapping(annotation.NewText(old), newText).Reanchor(a.Selector()))
	if got.Anchor != annotation.AnchorFuzzy {
		t.Fatalf("anchor %s, want fuzzy", got.Anchor)
	}
	if got.Exact != rewritten || newText.Slice(got.Start, got.End) != got.Exact {
		t.Errorf("found %q at [%d,%d), want %q", got.Exact, got.Start, got.End, rewritten)
	}
	if got.OriginalExact != quote || got.AnchorScore <= 0 || got.AnchorScore >= 0.5 || got.Revision != 2 {
		t.Errorf("original %q score %.2f revision %d; want the old quote, a score in (0, 0.5), revision 2", got.OriginalExact, got.AnchorScore, got.Revision)
	}
}

// TestReanchoredStaysFuzzy: an anchor awaiting a person's check stays so
// through a later revision that carries it verbatim.
func TestReanchoredStaysFuzzy(t *testing.T) {
	const text = "One two three four five six."
	a := annotated(t, text, "three four")
	a.Anchor, a.AnchorScore, a.OriginalExact = annotation.AnchorFuzzy, 0.7, "three fours"
	newText := annotation.NewText("Zero. " + text)
	got := a.Reanchored(newText, 3, annotation.NewMapping(annotation.NewText(text), newText).Reanchor(a.Selector()))
	if got.Anchor != annotation.AnchorFuzzy || got.AnchorScore != 0.7 || got.OriginalExact != "three fours" || got.Exact != "three four" {
		t.Errorf("got %s %.2f original %q exact %q; want fuzzy 0.70, the original kept", got.Anchor, got.AnchorScore, got.OriginalExact, got.Exact)
	}
}

func TestApplySuggestion(t *testing.T) {
	const text = "Huawei condemned the alleged infiltration, a spokesman said."
	suggestion := func() annotation.Annotation {
		a := annotated(t, text, "alleged infiltration")
		a.Motivation, a.Replacement = annotation.Editing, "reported intrusion"
		return a
	}
	tests := []struct {
		name    string
		edit    func(*annotation.Annotation)
		text    string
		want    string
		wantErr error
	}{
		{"applies exactly", nil, text, "Huawei condemned the reported intrusion, a spokesman said.", nil},
		{"a deletion", func(a *annotation.Annotation) { a.Replacement = "" }, text, "Huawei condemned the , a spokesman said.", nil},
		{"passage edited since", func(a *annotation.Annotation) { a.OriginalExact = "alleged infiltrations" }, text, "", annotation.ErrSuggestionStale},
		{"text differs at the offsets", nil, strings.Replace(text, "alleged", "claimed", 1), "", annotation.ErrSuggestionStale},
		{"orphaned", func(a *annotation.Annotation) { a.Anchor = annotation.AnchorOrphaned }, text, "", annotation.ErrSuggestionStale},
		{"not a suggestion", func(a *annotation.Annotation) { a.Motivation = annotation.Commenting }, text, "", annotation.ErrNotSuggestion},
		{"already decided", func(a *annotation.Annotation) { a.Decision = &annotation.Decision{Verdict: annotation.Rejected} }, text, "", annotation.ErrNotSuggestion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := suggestion()
			if tt.edit != nil {
				tt.edit(&a)
			}
			got, start, end, err := annotation.ApplySuggestion(annotation.NewText(tt.text), a)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if err.Error() == "" {
					t.Error("empty message")
				}
				return
			}
			if got != tt.want {
				t.Errorf("text %q, want %q", got, tt.want)
			}
			if s := annotation.NewText(got).Slice(start, end); s != a.Replacement {
				t.Errorf("span [%d,%d) holds %q, want the replacement %q", start, end, s, a.Replacement)
			}
		})
	}
}
