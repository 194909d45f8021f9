package store

import (
	"errors"
	"strings"
	"testing"

	"galley/annotation"
)

// planRevision prepares a revision of doc to newText as the handlers do:
// anchors computed ahead for every annotation but the orphans.
func planRevision(t *testing.T, db *DB, doc annotation.Document, newText string) NewRevision {
	t.Helper()
	cur, err := db.Document(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	anns, err := db.Annotations(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	art := annotation.Parse(newText)
	m := annotation.NewMapping(annotation.NewText(cur.Text), annotation.NewText(art.Text))
	anchors := map[string]PlannedAnchor{}
	for _, a := range anns {
		if a.Anchor != annotation.AnchorOrphaned {
			anchors[a.ID] = PlannedAnchor{From: a.Selector(), To: m.Reanchor(a.Selector())}
		}
	}
	return NewRevision{Base: cur.Revision, Text: art.Text, Blocks: art.Blocks, Byline: art.Byline, Dateline: art.Dateline,
		Note: "edit", Author: annotation.Author{ID: "u2", Name: "Ed"}, Time: day, Mapping: m, Anchors: anchors}
}

// annotate stores an annotation on the first occurrence of quote.
func annotate(t *testing.T, db *DB, doc annotation.Document, quote string) annotation.Annotation {
	t.Helper()
	cur, err := db.Document(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(cur.Text, quote)
	if i < 0 {
		t.Fatalf("%q not in the text", quote)
	}
	start := len([]rune(cur.Text[:i]))
	a := testAnnotation(cur, start, start+len([]rune(quote)))
	a.Exact = quote
	a.Revision = cur.Revision
	a, err = db.CreateAnnotation(a)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReviseDocument(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	kept := annotate(t, db, doc, "Beijing slams")
	moved := annotate(t, db, doc, "The company said nothing.")
	gone := annotate(t, db, doc, "demanded an explanation")
	before, err := db.Events(doc.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}

	newText := "Beijing slams spying on Huawei\n\nA new first paragraph.\n\nThe company said nothing. 漢字 and 🙂 too."
	plan := planRevision(t, db, doc, newText)
	got, counts, err := db.ReviseDocument(doc.ID, plan)
	if err != nil {
		t.Fatalf("ReviseDocument: %v", err)
	}
	if got.Revision != 2 {
		t.Errorf("revision %d, want 2", got.Revision)
	}
	// A passage that only shifted is kept exact, as one that stayed put.
	if want := (annotation.RevisionCounts{Kept: 2, Orphaned: 1}); counts != want {
		t.Errorf("counts %+v, want %+v", counts, want)
	}
	cur, err := db.Document(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Text != newText || cur.Revision != 2 || cur.Title != doc.Title {
		t.Errorf("document after the revision: revision %d, title %q, text %q", cur.Revision, cur.Title, cur.Text)
	}
	if len(cur.Blocks) != 3 || cur.Blocks[1].End != cur.Blocks[1].Start+len([]rune("A new first paragraph.")) {
		t.Errorf("blocks %+v do not lie over the new text", cur.Blocks)
	}
	revs, err := db.Revisions(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Text != testText || revs[1].Text != newText || revs[1].Note != "edit" || revs[1].Author.Name != "Ed" {
		t.Errorf("revisions %+v: want the first kept and the second with its text, note and author", revs)
	}

	text := annotation.NewText(newText)
	for _, tc := range []struct {
		a       annotation.Annotation
		anchor  annotation.Anchor
		rev     int
		version int
	}{
		{kept, annotation.AnchorExact, 2, 2},
		{moved, annotation.AnchorExact, 2, 2},
		{gone, annotation.AnchorOrphaned, 1, 2},
	} {
		a, err := db.Annotation(tc.a.ID)
		if err != nil {
			t.Fatalf("annotation %s is gone: %v", tc.a.Exact, err)
		}
		if a.Anchor != tc.anchor || a.Revision != tc.rev || a.Version != tc.version {
			t.Errorf("%q: anchor %s at revision %d version %d, want %s at %d version %d", tc.a.Exact, a.Anchor, a.Revision, a.Version, tc.anchor, tc.rev, tc.version)
		}
		if a.Exact != tc.a.Exact || a.Comment != tc.a.Comment {
			t.Errorf("%q: exact %q comment %q changed", tc.a.Exact, a.Exact, a.Comment)
		}
		if tc.anchor != annotation.AnchorOrphaned && text.Slice(a.Start, a.End) != a.Exact {
			t.Errorf("%q: the new text at [%d,%d) is %q", tc.a.Exact, a.Start, a.End, text.Slice(a.Start, a.End))
		}
		if tc.anchor == annotation.AnchorOrphaned && (a.Start != tc.a.Start || a.End != tc.a.End) {
			t.Errorf("the orphan moved to [%d,%d); it keeps its old offsets [%d,%d)", a.Start, a.End, tc.a.Start, tc.a.End)
		}
	}
	after, err := db.Events(doc.ID, before[len(before)-1].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range after {
		types = append(types, string(ev.Type))
	}
	if strings.Join(types, " ") != "annotation.orphaned document.revised" {
		t.Fatalf("events %v, want annotation.orphaned then document.revised", types)
	}
	if ev := after[1]; ev.Revision != 2 || ev.Note != "edit" || ev.Counts == nil || *ev.Counts != counts {
		t.Errorf("document.revised event %+v", ev)
	}
	assertIndexes(t, db)

	// A second revision leaves the orphan as it is, and it is counted.
	plan = planRevision(t, db, doc, newText+"\n\nOne more.")
	if _, counts, err = db.ReviseDocument(doc.ID, plan); err != nil {
		t.Fatal(err)
	}
	if want := (annotation.RevisionCounts{Kept: 2, Orphaned: 1}); counts != want {
		t.Errorf("second revision counts %+v, want %+v", counts, want)
	}
	if a, _ := db.Annotation(gone.ID); a.Version != 2 || a.Revision != 1 {
		t.Errorf("the orphan was rewritten by a later revision: version %d, revision %d", a.Version, a.Revision)
	}
}

func TestReviseDocumentStale(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	a := annotate(t, db, doc, "Beijing slams")
	plan := planRevision(t, db, doc, testText+"\n\nFirst.")
	stale := planRevision(t, db, doc, testText+"\n\nSecond.")
	if _, _, err := db.ReviseDocument(doc.ID, plan); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.ReviseDocument(doc.ID, stale)
	var re *RevisedError
	if !errors.As(err, &re) || re.Current != 2 || !errors.Is(err, ErrConflict) {
		t.Fatalf("a revision from revision 1 of a document at 2: %v, want a RevisedError at 2", err)
	}
	cur, _ := db.Document(doc.ID)
	if cur.Revision != 2 || !strings.HasSuffix(cur.Text, "First.") {
		t.Errorf("the refused revision changed the document: revision %d, text %q", cur.Revision, cur.Text)
	}
	revs, _ := db.RevisionHistory(doc.ID)
	if len(revs) != 2 {
		t.Errorf("%d revisions stored, want 2", len(revs))
	}
	if got, _ := db.Annotation(a.ID); got.Version != 2 {
		t.Errorf("annotation version %d after one revision, want 2", got.Version)
	}
	_, _, err = db.ReviseDocument("nope", plan)
	wantErr(t, err, ErrNotFound)
}

// TestReviseDocumentLateAnnotation: an annotation made while the revision
// was being computed is carried by the mapping inside the transaction.
func TestReviseDocumentLateAnnotation(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	plan := planRevision(t, db, doc, "Preface.\n\n"+testText)
	late := annotate(t, db, doc, "demanded an explanation")
	if _, ok := plan.Anchors[late.ID]; ok {
		t.Fatal("the late annotation is in the plan")
	}
	if _, _, err := db.ReviseDocument(doc.ID, plan); err != nil {
		t.Fatal(err)
	}
	a, err := db.Annotation(late.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Anchor != annotation.AnchorExact || a.Start == late.Start || annotation.NewText("Preface.\n\n"+testText).Slice(a.Start, a.End) != late.Exact {
		t.Errorf("late annotation: %s at [%d,%d)", a.Anchor, a.Start, a.End)
	}
}

func TestSuggestionDecisions(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	s := annotate(t, db, doc, "demanded")
	s.Motivation, s.Replacement = annotation.Editing, "asked for"
	// Stored as a suggestion: rewrite through the edit path is not
	// offered, so store it afresh.
	if _, _, err := db.DeleteAnnotation(s.ID, Deletion{Version: AnyVersion, Actor: s.Author, Time: day}); err != nil {
		t.Fatal(err)
	}
	s.ID, s.Version = "", 0
	s, err := db.CreateAnnotation(s)
	if err != nil {
		t.Fatal(err)
	}
	other := annotate(t, db, doc, "The company said nothing.")

	// Accept: one revision applies the replacement, marks the suggestion.
	cur, _ := db.Document(doc.ID)
	newText, start, end, err := annotation.ApplySuggestion(annotation.NewText(cur.Text), s)
	if err != nil {
		t.Fatal(err)
	}
	plan := planRevision(t, db, doc, newText)
	delete(plan.Anchors, s.ID)
	plan.Accept = &AcceptedSuggestion{ID: s.ID, From: s.Selector(), Start: start, End: end}
	if _, _, err := db.ReviseDocument(doc.ID, plan); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Annotation(s.ID)
	if got.Decision == nil || got.Decision.Verdict != annotation.Accepted || got.Decision.Revision != 2 ||
		got.Status != annotation.StatusResolved || got.Exact != "asked for" || got.OriginalExact != "demanded" {
		t.Errorf("accepted suggestion: %+v", got)
	}
	if o, _ := db.Annotation(other.ID); o.Anchor != annotation.AnchorExact || annotation.NewText(newText).Slice(o.Start, o.End) != other.Exact {
		t.Errorf("the other annotation: %s at [%d,%d)", o.Anchor, o.Start, o.End)
	}
	// Accepting or rejecting it again is refused.
	if _, err := db.RejectSuggestion(s.ID, AnyVersion, s.Author, day); !errors.Is(err, annotation.ErrNotSuggestion) {
		t.Errorf("rejecting an accepted suggestion: %v", err)
	}
	// Reject: resolved, logged, the text unchanged.
	if _, err := db.RejectSuggestion(other.ID, AnyVersion, s.Author, day); !errors.Is(err, annotation.ErrNotSuggestion) {
		t.Errorf("rejecting a comment: %v", err)
	}
	evs, _ := db.Events(doc.ID, 0, 0)
	var accepted bool
	for _, ev := range evs {
		accepted = accepted || ev.Type == annotation.EventSuggestionAccepted && ev.Annotation == s.ID
	}
	if !accepted {
		t.Error("no suggestion.accepted event")
	}
	assertIndexes(t, db)
}

func TestConfirmAndAttach(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	a := annotate(t, db, doc, "demanded an explanation")
	plan := planRevision(t, db, doc, strings.Replace(testText, "China demanded an explanation.", "Something else entirely.", 1))
	if _, _, err := db.ReviseDocument(doc.ID, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmAnchor(a.ID, AnyVersion, a.Author, day); !errors.Is(err, ErrOrphaned) {
		t.Fatalf("confirming an orphan: %v, want ErrOrphaned", err)
	}
	cur, _ := db.Document(doc.ID)
	start := strings.Index(cur.Text, "Something else")
	sel, err := annotation.NewText(cur.Text).Select(start, start+len("Something else"), "Something else")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AttachAnnotation(a.ID, AnyVersion, 1, sel, a.Author, day); !errors.Is(err, ErrConflict) {
		t.Errorf("attaching at an old revision: %v, want ErrConflict", err)
	}
	if _, err := db.AttachAnnotation(a.ID, 1, 2, sel, a.Author, day); !errors.Is(err, ErrStale) {
		t.Errorf("attaching with an old version: %v, want ErrStale", err)
	}
	got, err := db.AttachAnnotation(a.ID, 2, 2, sel, a.Author, day)
	if err != nil {
		t.Fatal(err)
	}
	if got.Anchor != annotation.AnchorExact || got.Exact != "Something else" || got.Revision != 2 || got.Version != 3 {
		t.Errorf("attached: %+v", got)
	}
	assertIndexes(t, db)
}
