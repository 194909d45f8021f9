package store

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"galley/annotation"
)

func TestCreateAnnotation(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	first, err := db.CreateAnnotation(testAnnotation(doc, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	assertIndexes(t, db)
	if first.ID == "" || first.Version != 1 || first.Created.IsZero() || !first.Modified.Equal(first.Created) {
		t.Fatalf("CreateAnnotation did not assign ID, version and times: %+v", first)
	}
	got, err := db.Annotation(first.ID)
	if err != nil || !reflect.DeepEqual(got, first) {
		t.Fatalf("Annotation = %+v, %v; want %+v", got, err, first)
	}

	tests := []struct {
		name    string
		change  func(a *annotation.Annotation)
		want    error
		message string
	}{
		{"valid", func(a *annotation.Annotation) {}, nil, ""},
		{"missing document", func(a *annotation.Annotation) { a.Document = "01NOSUCHDOCUMENT" }, ErrNotFound, ""},
		{"no document", func(a *annotation.Annotation) { a.Document = "" }, ErrNotFound, ""},
		{"stale revision", func(a *annotation.Annotation) { a.Revision = doc.Revision - 1 }, ErrConflict, "revised since the selection was made"},
		{"future revision", func(a *annotation.Annotation) { a.Revision = doc.Revision + 1 }, ErrConflict, "reload and try again"},
		{"id already used", func(a *annotation.Annotation) { a.ID = first.ID }, ErrConflict, "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAnnotation(doc, 32, 37)
			tt.change(&a)
			_, err := db.CreateAnnotation(a)
			wantErr(t, err, tt.want)
			if tt.message != "" && !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not say %q", err, tt.message)
			}
			assertIndexes(t, db)
		})
	}
	list, err := db.Annotations(doc.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("Annotations = %d, %v; want 2", len(list), err)
	}
	if !reflect.DeepEqual(list[0], first) {
		t.Errorf("Annotations[0] = %+v, want %+v", list[0], first)
	}
	_, err = db.Annotation("01NOSUCHANNOTATION")
	wantErr(t, err, ErrNotFound)
}

func TestAnnotationsOfDocument(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	other := createTestDocument(t, db)
	tests := []struct {
		name  string
		docID string
		want  int
		err   error
	}{
		{"document without annotations", doc.ID, 0, nil},
		{"missing document", "01NOSUCHDOCUMENT", 0, ErrNotFound},
		{"empty id", "", 0, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := db.Annotations(tt.docID)
			wantErr(t, err, tt.err)
			if tt.err == nil && (list == nil || len(list) != tt.want) {
				t.Errorf("Annotations = %#v, want %d", list, tt.want)
			}
		})
	}
	// Spans chosen so that creation order differs from reading order.
	spans := [][2]int{{64, 80}, {0, 7}, {0, 30}, {32, 37}, {8, 13}, {0, 7}}
	for _, s := range spans {
		if _, err := db.CreateAnnotation(testAnnotation(doc, s[0], s[1])); err != nil {
			t.Fatal(err)
		}
		assertIndexes(t, db)
	}
	if _, err := db.CreateAnnotation(testAnnotation(other, 0, 7)); err != nil {
		t.Fatal(err)
	}
	assertIndexes(t, db)
	list, err := db.Annotations(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list {
		if a.Document != doc.ID {
			t.Errorf("annotation %s of document %s listed for %s", a.ID, a.Document, doc.ID)
		}
		got = append(got, fmt.Sprintf("%d-%d", a.Start, a.End))
	}
	want := []string{"0-30", "0-7", "0-7", "8-13", "32-37", "64-80"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reading order = %v, want %v", got, want)
	}
	if !slices.IsSortedFunc(list, annotation.Less) {
		t.Error("Annotations is not sorted with annotation.Less")
	}
}

func TestCreateAnnotationConcurrently(t *testing.T) {
	const writers = 64
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	text := annotation.NewText(testText)

	var wg sync.WaitGroup
	created := make([]annotation.Annotation, writers)
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			start := i % text.Len()
			end := min(start+1+i%5, text.Len())
			created[i], errs[i] = db.CreateAnnotation(testAnnotation(doc, start, end))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	assertIndexes(t, db)

	list, err := db.Annotations(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != writers {
		t.Fatalf("Annotations returned %d, want %d", len(list), writers)
	}
	if !slices.IsSortedFunc(list, annotation.Less) {
		t.Error("Annotations is not in reading order")
	}
	want := slices.Clone(created)
	slices.SortFunc(want, annotation.Less)
	if !reflect.DeepEqual(list, want) {
		t.Error("Annotations differs from what the writers created")
	}
	ids := make(map[string]bool, writers)
	for _, a := range list {
		ids[a.ID] = true
	}
	if len(ids) != writers {
		t.Errorf("%d distinct ids among %d annotations", len(ids), writers)
	}
}
