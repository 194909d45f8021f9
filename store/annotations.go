package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"
	"go.etcd.io/bbolt"

	"galley/annotation"
)

// CreateAnnotation stores a new annotation on the revision of the document
// it was made on, and returns it with what the store assigned: an ID (a
// ULID) when empty, Created and Modified (UTC) when zero, and version 1 when
// zero. It returns ErrNotFound when the document does not exist and
// ErrConflict when the document has been revised since a.Revision, or when
// a.ID is already in use.
//
// Concurrent calls are committed together in one transaction (bbolt's
// Batch); CreateAnnotation returns only after the commit.
func (db *DB) CreateAnnotation(a annotation.Annotation) (annotation.Annotation, error) {
	// Everything the store assigns is decided here, outside the batch
	// function, which bbolt may run more than once.
	if a.ID == "" {
		a.ID = ulid.Make().String()
	} else if !validID(a.ID) {
		return annotation.Annotation{}, fmt.Errorf("store: create annotation: invalid id %q", a.ID)
	}
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	if a.Modified.IsZero() {
		a.Modified = a.Created
	}
	a.Created, a.Modified = a.Created.UTC(), a.Modified.UTC()
	if a.Version == 0 {
		a.Version = 1
	}
	err := db.bolt.Batch(func(tx *bbolt.Tx) error {
		return createAnnotation(tx, a)
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: create annotation: %w", err)
	}
	return a, nil
}

// Annotation returns the annotation with the given ID.
func (db *DB) Annotation(id string) (annotation.Annotation, error) {
	var a annotation.Annotation
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketAnnotations), []byte(id), &a)
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: annotation %s: %w", id, err)
	}
	return a, nil
}

// Annotations returns every annotation of a document in reading order
// (annotation.Less), or ErrNotFound when the document does not exist.
func (db *DB) Annotations(docID string) ([]annotation.Annotation, error) {
	list := []annotation.Annotation{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if !documentExists(tx, docID) {
			return ErrNotFound
		}
		records := tx.Bucket(bucketAnnotations)
		prefix := childPrefix(docID)
		c := tx.Bucket(bucketDocAnnotations).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var a annotation.Annotation
			if err := getJSON(records, k[len(prefix):], &a); err != nil {
				if errors.Is(err, ErrNotFound) {
					return fmt.Errorf("index entry %q has no annotation record", k)
				}
				return err
			}
			list = append(list, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: annotations of document %s: %w", docID, err)
	}
	slices.SortFunc(list, annotation.Less)
	return list, nil
}

// createAnnotation checks that a's document exists at a's revision and that
// a's id is free, then stores a. It changes nothing outside the
// transaction, so it is safe to run more than once.
func createAnnotation(tx *bbolt.Tx, a annotation.Annotation) error {
	rev, err := documentRevision(tx, a.Document)
	if err != nil {
		return fmt.Errorf("document %s: %w", a.Document, err)
	}
	if rev != a.Revision {
		return fmt.Errorf("%w: the document was revised since the selection was made; reload and try again", ErrConflict)
	}
	if tx.Bucket(bucketAnnotations).Get([]byte(a.ID)) != nil {
		return fmt.Errorf("%w: an annotation with id %s already exists", ErrConflict, a.ID)
	}
	return putAnnotation(tx, a)
}

// putAnnotation writes the annotation record and its doc_annotations entry,
// removing the entry of the stored version when it names another document.
func putAnnotation(tx *bbolt.Tx, a annotation.Annotation) error {
	records := tx.Bucket(bucketAnnotations)
	index := tx.Bucket(bucketDocAnnotations)
	var old struct {
		Document string `json:"document"`
	}
	switch err := getJSON(records, []byte(a.ID), &old); {
	case err == nil:
		if old.Document != a.Document {
			if err := index.Delete(docAnnotationKey(old.Document, a.ID)); err != nil {
				return err
			}
		}
	case !errors.Is(err, ErrNotFound):
		return err
	}
	if err := index.Put(docAnnotationKey(a.Document, a.ID), []byte{}); err != nil {
		return err
	}
	return putJSON(records, []byte(a.ID), a)
}

// countAnnotations counts the annotations of a document and those of them
// still open, decoding only their status.
func countAnnotations(tx *bbolt.Tx, docID string) (total, open int, err error) {
	records := tx.Bucket(bucketAnnotations)
	prefix := childPrefix(docID)
	c := tx.Bucket(bucketDocAnnotations).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var a struct {
			Status annotation.Status `json:"status"`
		}
		if err := getJSON(records, k[len(prefix):], &a); err != nil {
			return 0, 0, fmt.Errorf("index entry %q: %w", k, err)
		}
		total++
		if a.Status == annotation.StatusOpen {
			open++
		}
	}
	return total, open, nil
}
