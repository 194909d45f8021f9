package workload_test

import (
	"reflect"
	"testing"
	"time"

	"galley"
	"galley/annotation"
	"galley/internal/workload"
)

// TestDrafts checks that every draft quotes its passage exactly, would be
// accepted as a new annotation, and that a seed gives the same drafts.
func TestDrafts(t *testing.T) {
	doc, err := galley.SampleDocument(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	text := annotation.NewText(doc.Text)
	drafts, err := workload.Drafts(doc, 500, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 500 {
		t.Fatalf("%d drafts, want 500", len(drafts))
	}
	for i, d := range drafts {
		if d.End <= d.Start || d.End-d.Start > 120 || text.Slice(d.Start, d.End) != d.Exact {
			t.Fatalf("draft %d: [%d,%d) %q", i, d.Start, d.End, d.Exact)
		}
		if _, err := annotation.New(text, doc.ID, 1, annotation.Draft{Start: d.Start, End: d.End, Exact: d.Exact, Comment: d.Comment, Tags: d.Tags}); err != nil {
			t.Fatalf("draft %d is not a valid annotation: %v", i, err)
		}
	}
	again, _ := workload.Drafts(doc, 500, 7)
	other, _ := workload.Drafts(doc, 500, 8)
	if !reflect.DeepEqual(drafts, again) || reflect.DeepEqual(drafts, other) {
		t.Error("the same seed must give the same drafts, another seed others")
	}
	if _, err := workload.Drafts(annotation.Document{}, 1, 1); err == nil {
		t.Error("drafts on an empty document")
	}
}
