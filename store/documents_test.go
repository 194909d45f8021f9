package store

import (
	"reflect"
	"testing"
	"time"

	"galley/annotation"
)

func TestDocumentRoundTrip(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	if doc.ID == "" || doc.Revision != 1 || doc.Created.IsZero() || !doc.Modified.Equal(doc.Created) {
		t.Fatalf("CreateDocument did not assign ID, revision and times: %+v", doc)
	}
	got, err := db.Document(doc.ID)
	if err != nil || !reflect.DeepEqual(got, doc) {
		t.Fatalf("Document = %+v, %v; want %+v", got, err, doc)
	}
	revs, err := db.Revisions(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []annotation.Revision{{
		Document: doc.ID, Number: 1, Text: testText, Author: doc.Author, Created: doc.Created, Note: "Imported",
	}}
	if !reflect.DeepEqual(revs, want) {
		t.Errorf("Revisions = %+v, want %+v", revs, want)
	}
	for _, id := range []string{"", "missing", doc.ID + "/x"} {
		_, err := db.Document(id)
		wantErr(t, err, ErrNotFound)
		_, err = db.Revisions(id)
		wantErr(t, err, ErrNotFound)
	}
}

func TestCreateDocumentKeepsGivenFields(t *testing.T) {
	db := openTestDB(t)
	created := time.Date(2014, 3, 24, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	in := testDocument()
	in.ID = "imported-1"
	in.Revision = 3
	in.Created = created
	in.Modified = created.Add(time.Hour)
	tests := []struct {
		name string
		doc  annotation.Document
		want error
	}{
		{"given id, revision and times", in, nil},
		{"same id again", in, ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreateDocument(tt.doc)
			wantErr(t, err, tt.want)
		})
	}
	got, err := db.Document("imported-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 3 || !got.Created.Equal(created) || got.Created.Location() != time.UTC || !got.Modified.Equal(in.Modified) {
		t.Errorf("Document = revision %d, created %v, modified %v", got.Revision, got.Created, got.Modified)
	}
	revs, err := db.Revisions("imported-1")
	if err != nil || len(revs) != 1 || revs[0].Number != 3 || revs[0].Text != testText {
		t.Errorf("Revisions = %+v, %v; want one, number 3", revs, err)
	}
	for _, id := range []string{"a/b", "bad\nid"} {
		doc := testDocument()
		doc.ID = id
		if _, err := db.CreateDocument(doc); err == nil {
			t.Errorf("CreateDocument accepted id %q", id)
		}
	}
}

func TestDocumentsNewestFirstWithCounts(t *testing.T) {
	db := openTestDB(t)
	list, err := db.Documents()
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("Documents on an empty database = %#v, %v", list, err)
	}
	var docs []annotation.Document
	for i := range 3 {
		doc := testDocument()
		doc.Created = day.Add(time.Duration(i) * time.Hour)
		doc, err := db.CreateDocument(doc)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	// The middle document gets two open threads and a resolved one.
	for _, status := range []annotation.Status{annotation.StatusOpen, annotation.StatusResolved, annotation.StatusOpen} {
		a := testAnnotation(docs[1], 0, 7)
		a.Status = status
		if _, err := db.CreateAnnotation(a); err != nil {
			t.Fatal(err)
		}
	}
	list, err = db.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("Documents returned %d summaries, want 3", len(list))
	}
	for i, want := range []struct {
		doc         annotation.Document
		total, open int
	}{{docs[2], 0, 0}, {docs[1], 3, 2}, {docs[0], 0, 0}} {
		got := list[i]
		wantDoc := want.doc
		wantDoc.Text, wantDoc.Blocks = "", nil
		if !reflect.DeepEqual(got.Document, wantDoc) {
			t.Errorf("summary %d document = %+v, want %+v", i, got.Document, wantDoc)
		}
		if got.Annotations != want.total || got.Open != want.open {
			t.Errorf("summary %d counts = %d annotations, %d open; want %d, %d", i, got.Annotations, got.Open, want.total, want.open)
		}
	}
	assertIndexes(t, db)
}

func TestEnsureSample(t *testing.T) {
	db := openTestDB(t)
	tests := []struct {
		name    string
		created bool
	}{
		{"first call creates", true},
		{"second call does nothing", false},
		{"third call does nothing", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			created, err := db.EnsureSample(testDocument())
			if err != nil || created != tt.created {
				t.Fatalf("EnsureSample = %v, %v; want %v", created, err, tt.created)
			}
			list, err := db.Documents()
			if err != nil || len(list) != 1 {
				t.Fatalf("Documents = %d, %v; want 1", len(list), err)
			}
			if list[0].Document.Title != testDocument().Title {
				t.Errorf("sample title = %q", list[0].Document.Title)
			}
		})
	}
}
