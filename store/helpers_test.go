package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

// openTestDB opens a fresh database in a temporary directory and closes it
// when the test ends.
func openTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "galley.db"), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// testText is a small article: a headline and two paragraphs.
const testText = "Beijing slams spying on Huawei\n\nChina demanded an explanation.\n\nThe company said nothing. 漢字 and 🙂 too."

// testDocument is a document over testText, ready for CreateDocument.
func testDocument() annotation.Document {
	return annotation.Document{
		Title:    "Beijing slams spying on Huawei",
		Byline:   "By a reporter",
		Dateline: "BEIJING, March 24",
		Status:   annotation.StatusDraft,
		Text:     testText,
		Blocks: []annotation.Block{
			{Kind: annotation.BlockHeadline, Start: 0, End: 30},
			{Kind: annotation.BlockParagraph, Start: 32, End: 62},
			{Kind: annotation.BlockParagraph, Start: 64, End: 103},
		},
		Author: annotation.Author{ID: "u1", Name: "Ann"},
	}
}

// createTestDocument stores testDocument and returns it as stored.
func createTestDocument(t *testing.T, db *DB) annotation.Document {
	t.Helper()
	doc, err := db.CreateDocument(testDocument())
	if err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	return doc
}

// testAnnotation is an annotation on doc's current revision covering
// [start, end) of testText.
func testAnnotation(doc annotation.Document, start, end int) annotation.Annotation {
	text := annotation.NewText(testText)
	return annotation.Annotation{
		Document:   doc.ID,
		Revision:   doc.Revision,
		Start:      start,
		End:        end,
		Exact:      text.Slice(start, end),
		Motivation: annotation.Commenting,
		Comment:    "Check this.",
		Tags:       []string{"fact-check"},
		Status:     annotation.StatusOpen,
		Anchor:     annotation.AnchorExact,
		Author:     annotation.Author{ID: "u1", Name: "Ann"},
	}
}

// assertIndexes checks that every secondary index matches its records one
// to one: annotations against doc_annotations, users against users_by_name.
func assertIndexes(t *testing.T, db *DB) {
	t.Helper()
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		records := tx.Bucket(bucketAnnotations)
		index := tx.Bucket(bucketDocAnnotations)
		nRecords := 0
		err := records.ForEach(func(k, v []byte) error {
			nRecords++
			var a annotation.Annotation
			if err := decodeJSON(k, v, &a); err != nil {
				return err
			}
			if a.ID != string(k) {
				t.Errorf("annotation stored under %q has id %q", k, a.ID)
			}
			if index.Get(docAnnotationKey(a.Document, a.ID)) == nil {
				t.Errorf("annotation %s of document %s has no doc_annotations entry", a.ID, a.Document)
			}
			if tx.Bucket(bucketDocuments).Get([]byte(a.Document)) == nil {
				t.Errorf("annotation %s names missing document %s", a.ID, a.Document)
			}
			return nil
		})
		if err != nil {
			return err
		}
		nIndex := 0
		err = index.ForEach(func(k, _ []byte) error {
			nIndex++
			docID, annID, ok := bytes.Cut(k, []byte(keySeparator))
			if !ok {
				t.Errorf("doc_annotations key %q has no separator", k)
				return nil
			}
			var a annotation.Annotation
			if err := getJSON(records, annID, &a); err != nil {
				t.Errorf("doc_annotations entry %q: %v", k, err)
				return nil
			}
			if a.Document != string(docID) {
				t.Errorf("doc_annotations entry %q points at an annotation of document %s", k, a.Document)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if nRecords != nIndex {
			t.Errorf("%d annotations but %d doc_annotations entries", nRecords, nIndex)
		}

		checkThreadIndexes(t, tx)

		users := tx.Bucket(bucketUsers)
		byName := tx.Bucket(bucketUsersByName)
		if u, n := users.Stats().KeyN, byName.Stats().KeyN; u != n {
			t.Errorf("%d users but %d users_by_name entries", u, n)
		}
		err = users.ForEach(func(k, v []byte) error {
			var u User
			if err := decodeJSON(k, v, &u); err != nil {
				return err
			}
			if got := byName.Get(userNameKey(u.Name)); string(got) != u.ID {
				t.Errorf("users_by_name[%q] = %q, want %q", userNameKey(u.Name), got, u.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return byName.ForEach(func(k, v []byte) error {
			var u User
			if err := getJSON(users, v, &u); err != nil {
				t.Errorf("users_by_name entry %q: %v", k, err)
			} else if !bytes.Equal(userNameKey(u.Name), k) {
				t.Errorf("users_by_name entry %q points at user named %q", k, u.Name)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatalf("assertIndexes: %v", err)
	}
}

// wantErr fails the test unless err matches want (nil meaning no error).
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("error = %v, want %v", err, want)
	}
}

// day is a fixed instant tests measure expiry from.
var day = time.Date(2026, 3, 24, 12, 0, 0, 0, time.UTC)

// checkThreadIndexes checks the indexes this file's older half does not:
// author_annotations, tag_annotations and the registry's counts,
// annotation_replies, and the events' keys.
func checkThreadIndexes(t *testing.T, tx *bbolt.Tx) {
	t.Helper()
	wantAuthor := map[string]bool{}
	wantTag := map[string]bool{}
	counts := map[string]int{}
	err := tx.Bucket(bucketAnnotations).ForEach(func(k, v []byte) error {
		var a annotation.Annotation
		if err := decodeJSON(k, v, &a); err != nil {
			return err
		}
		if a.Author.ID != "" {
			wantAuthor[string(valueKey(a.Author.ID, a.ID))] = true
		}
		for _, tag := range a.Tags {
			key := annotation.TagKey(tag)
			wantTag[string(valueKey(key, a.ID))] = true
			counts[key]++
			var reg annotation.Tag
			if err := getJSON(tx.Bucket(bucketTags), []byte(key), &reg); err != nil {
				t.Errorf("tag %q of annotation %s is not in the registry: %v", tag, a.ID, err)
			} else if reg.Name != tag {
				t.Errorf("annotation %s spells tag %q, the registry %q", a.ID, tag, reg.Name)
			}
		}
		if a.Deleted && (a.Comment != "" || len(a.Tags) > 0) {
			t.Errorf("deleted annotation %s kept its comment or tags", a.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sameKeys := func(name string, b *bbolt.Bucket, want map[string]bool) {
		t.Helper()
		got := map[string]bool{}
		_ = b.ForEach(func(k, _ []byte) error { got[string(k)] = true; return nil })
		for k := range want {
			if !got[k] {
				t.Errorf("%s lacks entry %q", name, k)
			}
		}
		for k := range got {
			if !want[k] {
				t.Errorf("%s has stale entry %q", name, k)
			}
		}
	}
	sameKeys("author_annotations", tx.Bucket(bucketAuthorAnns), wantAuthor)
	sameKeys("tag_annotations", tx.Bucket(bucketTagAnns), wantTag)
	_ = tx.Bucket(bucketTags).ForEach(func(k, v []byte) error {
		var reg annotation.Tag
		if err := decodeJSON(k, v, &reg); err != nil {
			t.Error(err)
			return nil
		}
		if reg.Count != counts[string(k)] {
			t.Errorf("tag %q counts %d annotations, %d carry it", k, reg.Count, counts[string(k)])
		}
		if !annotation.ValidColor(reg.Color) {
			t.Errorf("tag %q has color %q, not a palette color", k, reg.Color)
		}
		return nil
	})

	wantReplies := map[string]bool{}
	_ = tx.Bucket(bucketReplies).ForEach(func(k, v []byte) error {
		var r annotation.Reply
		if err := decodeJSON(k, v, &r); err != nil {
			t.Error(err)
			return nil
		}
		wantReplies[string(childKey(r.Annotation, r.ID))] = true
		var a annotation.Annotation
		if err := getJSON(tx.Bucket(bucketAnnotations), []byte(r.Annotation), &a); err != nil {
			t.Errorf("reply %s belongs to missing annotation %s", r.ID, r.Annotation)
		} else if a.Document != r.Document {
			t.Errorf("reply %s names document %s, its annotation %s", r.ID, r.Document, a.Document)
		}
		return nil
	})
	sameKeys("annotation_replies", tx.Bucket(bucketAnnReplies), wantReplies)

	_ = tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
		var ev annotation.Event
		if err := decodeJSON(k, v, &ev); err != nil {
			t.Error(err)
			return nil
		}
		if !bytes.Equal(k, eventKey(ev.Document, ev.ID)) {
			t.Errorf("event %d of document %s is stored under %q", ev.ID, ev.Document, k)
		}
		return nil
	})
}
