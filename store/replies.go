package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"
	"go.etcd.io/bbolt"

	"galley/annotation"
)

// CreateReply adds a reply to the end of an annotation's thread and logs
// reply.created. It assigns an ID (a ULID), Created and Modified (UTC) when
// zero, and version 1, and takes the document from the annotation. It
// returns ErrNotFound when the annotation does not exist. Concurrent calls
// are committed together (bbolt's Batch).
func (db *DB) CreateReply(r annotation.Reply) (annotation.Reply, error) {
	r.ID = ulid.Make().String()
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	r.Created = r.Created.UTC()
	r.Modified = r.Created
	r.Version = 1
	r.Edited = false
	var stored annotation.Reply
	err := db.bolt.Batch(func(tx *bbolt.Tx) error {
		stored = r
		var a annotation.Annotation
		if err := getJSON(tx.Bucket(bucketAnnotations), []byte(r.Annotation), &a); err != nil {
			return fmt.Errorf("annotation %s: %w", r.Annotation, err)
		}
		stored.Document = a.Document
		if err := putReply(tx, stored); err != nil {
			return err
		}
		return appendEvent(tx, replyEvent(annotation.EventReplyCreated, a, stored, stored.Author, stored.Created))
	})
	if err != nil {
		return annotation.Reply{}, fmt.Errorf("store: create reply: %w", err)
	}
	db.hub.notify(stored.Document)
	return stored, nil
}

// Reply returns the reply with the given ID.
func (db *DB) Reply(id string) (annotation.Reply, error) {
	var r annotation.Reply
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketReplies), []byte(id), &r)
	})
	if err != nil {
		return annotation.Reply{}, fmt.Errorf("store: reply %s: %w", id, err)
	}
	return r, nil
}

// EditReply changes a reply's text if its stored version is version (or
// version is AnyVersion), bumps the version, marks it edited and logs
// reply.updated; the same text changes and logs nothing. It returns ErrStale
// for another version and ErrNotFound for an unknown id.
func (db *DB) EditReply(id string, version int, comment string, actor annotation.Author, at time.Time) (annotation.Reply, error) {
	var r annotation.Reply
	changed := false
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		var err error
		if r, err = getReplyVersioned(tx, id, version); err != nil {
			return err
		}
		if r.Comment == comment {
			return nil
		}
		changed = true
		r.Comment = comment
		r.Version++
		r.Modified = at.UTC()
		r.Edited = true
		if err := putReply(tx, r); err != nil {
			return err
		}
		a, err := getAnnotation(tx, r.Annotation)
		if err != nil {
			return err
		}
		return appendEvent(tx, replyEvent(annotation.EventReplyUpdated, a, r, actor, at))
	})
	if err != nil {
		return annotation.Reply{}, fmt.Errorf("store: edit reply %s: %w", id, err)
	}
	if changed {
		db.hub.notify(r.Document)
	}
	return r, nil
}

// DeleteReply deletes a reply, if its stored version is version (or version
// is AnyVersion), and logs reply.deleted. When it was the last reply of a
// deleted annotation's placeholder, the placeholder goes too, and
// threadGone is true. It returns ErrStale for another version and
// ErrNotFound for an unknown id.
func (db *DB) DeleteReply(id string, version int, actor annotation.Author, at time.Time) (r annotation.Reply, threadGone bool, err error) {
	err = db.bolt.Update(func(tx *bbolt.Tx) error {
		threadGone = false
		var err error
		if r, err = getReplyVersioned(tx, id, version); err != nil {
			return err
		}
		if err := removeReply(tx, r); err != nil {
			return err
		}
		a, err := getAnnotation(tx, r.Annotation)
		if err != nil {
			return err
		}
		if err := appendEvent(tx, replyEvent(annotation.EventReplyDeleted, a, r, actor, at)); err != nil {
			return err
		}
		if !a.Deleted {
			return nil
		}
		left, err := threadReplies(tx, a.ID)
		if err != nil || len(left) > 0 {
			return err
		}
		threadGone = true
		if err := removeAnnotation(tx, a); err != nil {
			return err
		}
		return appendEvent(tx, annotationEvent(annotation.EventAnnotationDeleted, a, actor, at))
	})
	if err != nil {
		return annotation.Reply{}, false, fmt.Errorf("store: delete reply %s: %w", id, err)
	}
	db.hub.notify(r.Document)
	return r, threadGone, nil
}

// getReplyVersioned reads a reply and checks its version against the one
// a client saw.
func getReplyVersioned(tx *bbolt.Tx, id string, version int) (annotation.Reply, error) {
	var r annotation.Reply
	if err := getJSON(tx.Bucket(bucketReplies), []byte(id), &r); err != nil {
		return r, err
	}
	if version != AnyVersion && version != r.Version {
		return r, &StaleError{Current: r.Version}
	}
	return r, nil
}

// getAnnotation reads an annotation record.
func getAnnotation(tx *bbolt.Tx, id string) (annotation.Annotation, error) {
	var a annotation.Annotation
	if err := getJSON(tx.Bucket(bucketAnnotations), []byte(id), &a); err != nil {
		if errors.Is(err, ErrNotFound) {
			return a, fmt.Errorf("annotation %s: %w", id, err)
		}
		return a, err
	}
	return a, nil
}

// putReply writes a reply record and its annotation_replies entry.
func putReply(tx *bbolt.Tx, r annotation.Reply) error {
	if err := tx.Bucket(bucketAnnReplies).Put(childKey(r.Annotation, r.ID), []byte{}); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketReplies), []byte(r.ID), r)
}

// removeReply deletes a reply record and its index entry.
func removeReply(tx *bbolt.Tx, r annotation.Reply) error {
	if err := tx.Bucket(bucketAnnReplies).Delete(childKey(r.Annotation, r.ID)); err != nil {
		return err
	}
	return tx.Bucket(bucketReplies).Delete([]byte(r.ID))
}

// threadReplies reads the replies of an annotation, oldest first.
func threadReplies(tx *bbolt.Tx, annID string) ([]annotation.Reply, error) {
	var out []annotation.Reply
	records := tx.Bucket(bucketReplies)
	prefix := childPrefix(annID)
	c := tx.Bucket(bucketAnnReplies).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var r annotation.Reply
		if err := getJSON(records, k[len(prefix):], &r); err != nil {
			return nil, fmt.Errorf("annotation_replies entry %q: %w", k, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// replyEvent is the log entry of a change to a reply.
func replyEvent(t annotation.EventType, a annotation.Annotation, r annotation.Reply, actor annotation.Author, at time.Time) *annotation.Event {
	ev := annotationEvent(t, a, actor, at)
	ev.Reply = r.ID
	return ev
}
