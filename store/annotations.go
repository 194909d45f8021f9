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

// AnyVersion, given as the expected version of a change, accepts whatever
// version is stored (a client's If-Match: *).
const AnyVersion = 0

// CreateAnnotation stores a new annotation on the revision of the document
// it was made on, and returns it with what the store assigned: an ID (a
// ULID) when empty, Created and Modified (UTC) when zero, version 1 when
// zero, and its tags spelled as the tag registry spells them. New tags enter
// the registry with a color of their own. It returns ErrNotFound when the
// document does not exist and ErrConflict when the document has been revised
// since a.Revision, or when a.ID is already in use. The annotation.created
// event is written in the same transaction.
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
	var stored annotation.Annotation
	err := db.bolt.Batch(func(tx *bbolt.Tx) error {
		stored = a
		return createAnnotation(tx, &stored)
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: create annotation: %w", err)
	}
	db.hub.notify(a.Document)
	return stored, nil
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
	var list []annotation.Annotation
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		list, err = documentAnnotations(tx, docID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: annotations of document %s: %w", docID, err)
	}
	return list, nil
}

// AnnotationEdit is a change of an annotation's text or tags. A nil field
// is left as it is.
type AnnotationEdit struct {
	Comment *string
	Tags    *[]string // already normalized (annotation.NormalizeTags)
	Actor   annotation.Author
	Time    time.Time
}

// EditAnnotation changes an annotation's comment and tags if its stored
// version is version (or version is AnyVersion), bumps the version, marks
// it edited and logs annotation.updated. An edit that changes nothing
// returns the annotation as stored and logs nothing. It returns ErrStale for
// another version, ErrNotFound for an unknown id and ErrConflict for a
// deleted annotation's placeholder.
func (db *DB) EditAnnotation(id string, version int, e AnnotationEdit) (annotation.Annotation, error) {
	a, err := db.changeAnnotation(id, version, e.Actor, e.Time, func(_ *bbolt.Tx, a *annotation.Annotation) (annotation.EventType, error) {
		if a.Deleted {
			return "", fmt.Errorf("%w: the annotation was deleted; only its replies remain", ErrConflict)
		}
		old := *a
		if e.Comment != nil {
			a.Comment = *e.Comment
		}
		if e.Tags != nil {
			a.Tags = *e.Tags
		}
		if a.Motivation == annotation.Tagging && len(a.Tags) == 0 {
			return "", &annotation.InvalidError{Message: "a tagging annotation needs at least one tag"}
		}
		if a.Comment == old.Comment && sameTags(a.Tags, old.Tags) {
			return "", nil
		}
		a.Edited = true
		return annotation.EventAnnotationUpdated, nil
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: edit annotation %s: %w", id, err)
	}
	return a, nil
}

// SetAnnotationStatus resolves or reopens a thread, if the stored version
// is version (or version is AnyVersion), bumping the version and logging
// annotation.resolved or annotation.reopened. Asking for the status the
// thread already has changes and logs nothing.
func (db *DB) SetAnnotationStatus(id string, version int, status annotation.Status, actor annotation.Author, at time.Time) (annotation.Annotation, error) {
	a, err := db.changeAnnotation(id, version, actor, at, func(_ *bbolt.Tx, a *annotation.Annotation) (annotation.EventType, error) {
		if a.Status == status {
			return "", nil
		}
		a.Status = status
		if status == annotation.StatusResolved {
			a.Resolution = &annotation.Resolution{By: actor, Time: at.UTC()}
			return annotation.EventAnnotationResolved, nil
		}
		a.Resolution = nil
		return annotation.EventAnnotationReopened, nil
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: set status of annotation %s: %w", id, err)
	}
	return a, nil
}

// changeAnnotation is the one way a versioned change reaches an
// annotation: in one transaction it reads the annotation (ErrStale unless
// its version is version or version is AnyVersion) and lets change edit a
// copy of it. change returns the event to log, or "" to leave the
// annotation as it was. A change bumps the version, sets Modified to at,
// writes the record with its indexes and logs the event; subscribers hear
// of it after the commit.
func (db *DB) changeAnnotation(id string, version int, actor annotation.Author, at time.Time,
	change func(tx *bbolt.Tx, a *annotation.Annotation) (annotation.EventType, error)) (annotation.Annotation, error) {
	var a annotation.Annotation
	changed := false
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		stored, err := getVersioned(tx, id, version)
		if err != nil {
			return err
		}
		next := stored
		ev, err := change(tx, &next)
		if err != nil {
			return err
		}
		if ev == "" {
			a, changed = stored, false
			return nil
		}
		next.Version++
		next.Modified = at.UTC()
		if err := putAnnotation(tx, &next); err != nil {
			return err
		}
		a, changed = next, true
		return appendEvent(tx, annotationEvent(ev, next, actor, at))
	})
	if err != nil {
		return annotation.Annotation{}, err
	}
	if changed {
		db.hub.notify(a.Document)
	}
	return a, nil
}

// Deletion describes the deletion of an annotation.
type Deletion struct {
	// Version is the version the client saw, or AnyVersion.
	Version int
	// WholeThread deletes the replies too. Without it, an annotation that
	// has replies leaves a placeholder that keeps the thread.
	WholeThread bool
	// OthersReplies allows WholeThread to delete replies by other people
	// (admins); without it such a deletion is ErrForbidden.
	OthersReplies bool
	Actor         annotation.Author
	Time          time.Time
}

// DeleteAnnotation deletes an annotation and logs annotation.deleted. An
// annotation without replies, or with d.WholeThread, goes with its replies
// and index entries; one with replies becomes a placeholder (Deleted, no
// comment, no tags, version bumped) and DeleteAnnotation returns it with
// kept true. It returns ErrStale when the stored version differs,
// ErrNotFound for an unknown id, ErrConflict when the annotation is already
// a placeholder and d.WholeThread is false, and ErrForbidden when the whole
// thread would take replies of other people without d.OthersReplies.
func (db *DB) DeleteAnnotation(id string, d Deletion) (a annotation.Annotation, kept bool, err error) {
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		kept = false
		var err error
		if a, err = getVersioned(tx, id, d.Version); err != nil {
			return err
		}
		replies, err := threadReplies(tx, id)
		if err != nil {
			return err
		}
		if len(replies) > 0 && !d.WholeThread {
			if a.Deleted {
				return fmt.Errorf("%w: the annotation is already deleted; delete the whole thread to remove its replies", ErrConflict)
			}
			kept = true
			a.Deleted = true
			a.Comment, a.Tags, a.Replacement = "", nil, ""
			a.Version++
			a.Modified = d.Time.UTC()
			if err := putAnnotation(tx, &a); err != nil {
				return err
			}
			return appendEvent(tx, annotationEvent(annotation.EventAnnotationDeleted, a, d.Actor, d.Time))
		}
		for _, r := range replies {
			if r.Author.ID != d.Actor.ID && !d.OthersReplies {
				return fmt.Errorf("%w: the thread has replies by other people", ErrForbidden)
			}
			if err := removeReply(tx, r); err != nil {
				return err
			}
		}
		if err := removeAnnotation(tx, a); err != nil {
			return err
		}
		ev := annotationEvent(annotation.EventAnnotationDeleted, a, d.Actor, d.Time)
		ev.Whole = len(replies) > 0
		return appendEvent(tx, ev)
	})
	if err != nil {
		return annotation.Annotation{}, false, fmt.Errorf("store: delete annotation %s: %w", id, err)
	}
	db.hub.notify(a.Document)
	return a, kept, nil
}

// getVersioned reads an annotation and checks its version against the one
// a client saw.
func getVersioned(tx *bbolt.Tx, id string, version int) (annotation.Annotation, error) {
	var a annotation.Annotation
	if err := getJSON(tx.Bucket(bucketAnnotations), []byte(id), &a); err != nil {
		return a, err
	}
	if version != AnyVersion && version != a.Version {
		return a, &StaleError{Current: a.Version}
	}
	return a, nil
}

// documentAnnotations reads every annotation of a document in reading order.
func documentAnnotations(tx *bbolt.Tx, docID string) ([]annotation.Annotation, error) {
	if !documentExists(tx, docID) {
		return nil, ErrNotFound
	}
	list := []annotation.Annotation{}
	records := tx.Bucket(bucketAnnotations)
	prefix := childPrefix(docID)
	c := tx.Bucket(bucketDocAnnotations).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var a annotation.Annotation
		if err := getJSON(records, k[len(prefix):], &a); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, fmt.Errorf("index entry %q has no annotation record", k)
			}
			return nil, err
		}
		list = append(list, a)
	}
	slices.SortFunc(list, annotation.Less)
	return list, nil
}

// createAnnotation checks that a's document exists at a's revision and that
// a's id is free, then stores a and logs its creation. It changes nothing
// outside the transaction but *a, so it is safe to run more than once.
func createAnnotation(tx *bbolt.Tx, a *annotation.Annotation) error {
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
	if err := putAnnotation(tx, a); err != nil {
		return err
	}
	return appendEvent(tx, annotationEvent(annotation.EventAnnotationCreated, *a, a.Author, a.Created))
}

// putAnnotation writes the annotation record and its index entries
// (doc_annotations, author_annotations, tag_annotations), removing those of
// the stored version that no longer apply, and keeps the tag registry's
// counts. It spells a's tags as the registry does, adding new tags to it.
func putAnnotation(tx *bbolt.Tx, a *annotation.Annotation) error {
	records := tx.Bucket(bucketAnnotations)
	docIndex := tx.Bucket(bucketDocAnnotations)
	authorIndex := tx.Bucket(bucketAuthorAnns)
	var old annotation.Annotation
	switch err := getJSON(records, []byte(a.ID), &old); {
	case err == nil:
		if old.Document != a.Document {
			if err := docIndex.Delete(docAnnotationKey(old.Document, a.ID)); err != nil {
				return err
			}
		}
		if old.Author.ID != a.Author.ID && old.Author.ID != "" {
			if err := authorIndex.Delete(valueKey(old.Author.ID, a.ID)); err != nil {
				return err
			}
		}
	case !errors.Is(err, ErrNotFound):
		return err
	}
	tags, err := retag(tx, a.ID, old.Tags, a.Tags, a.Modified)
	if err != nil {
		return err
	}
	a.Tags = tags
	if err := docIndex.Put(docAnnotationKey(a.Document, a.ID), []byte{}); err != nil {
		return err
	}
	if a.Author.ID != "" {
		if err := authorIndex.Put(valueKey(a.Author.ID, a.ID), []byte{}); err != nil {
			return err
		}
	}
	return putJSON(records, []byte(a.ID), a)
}

// removeAnnotation deletes an annotation record with its index entries
// and its share of the tag counts.
func removeAnnotation(tx *bbolt.Tx, a annotation.Annotation) error {
	if _, err := retag(tx, a.ID, a.Tags, nil, time.Time{}); err != nil {
		return err
	}
	if err := tx.Bucket(bucketDocAnnotations).Delete(docAnnotationKey(a.Document, a.ID)); err != nil {
		return err
	}
	if a.Author.ID != "" {
		if err := tx.Bucket(bucketAuthorAnns).Delete(valueKey(a.Author.ID, a.ID)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketAnnotations).Delete([]byte(a.ID))
}

// annotationEvent is the log entry of a change to an annotation.
func annotationEvent(t annotation.EventType, a annotation.Annotation, actor annotation.Author, at time.Time) *annotation.Event {
	return &annotation.Event{
		Type: t, Document: a.Document, Annotation: a.ID, Actor: actor, Time: at.UTC(),
		Quote: annotation.QuoteExcerpt(a.Exact),
	}
}

// sameTags reports whether two tag lists are equal, spelling included.
func sameTags(a, b []string) bool { return slices.Equal(a, b) }

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
