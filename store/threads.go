package store

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

// Thread returns an annotation with its replies.
func (db *DB) Thread(annID string) (annotation.Thread, error) {
	var t annotation.Thread
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		a, err := getAnnotation(tx, annID)
		if err != nil {
			return err
		}
		t, err = loadThread(tx, a)
		return err
	})
	if err != nil {
		return annotation.Thread{}, fmt.Errorf("store: thread %s: %w", annID, err)
	}
	return t, nil
}

// Threads returns every thread of a document in reading order, or
// ErrNotFound when the document does not exist.
func (db *DB) Threads(docID string) ([]annotation.Thread, error) {
	var out []annotation.Thread
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		anns, err := documentAnnotations(tx, docID)
		if err != nil {
			return err
		}
		out = make([]annotation.Thread, 0, len(anns))
		for _, a := range anns {
			t, err := loadThread(tx, a)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: threads of document %s: %w", docID, err)
	}
	return out, nil
}

// DocumentThread is a thread with the title of its document, as the
// cross-document threads page lists it.
type DocumentThread struct {
	annotation.Thread
	DocumentTitle string
}

// FindThreads returns the threads of every document that pass f, newest
// activity first, skipping offset and returning at most limit of them, with
// the number that passed in all. A tag or author narrows the search through
// its index; the rest is checked thread by thread.
func (db *DB) FindThreads(f annotation.Filter, offset, limit int) ([]DocumentThread, int, error) {
	var found []DocumentThread
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		titles := map[string]string{}
		consider := func(id []byte) error {
			a, err := getAnnotation(tx, string(id))
			if err != nil {
				return err
			}
			// Cheap checks before the replies are read.
			if !(annotation.Filter{Tag: f.Tag, AuthorID: f.AuthorID, Status: f.Status, Hidden: f.Hidden}).Match(annotation.Thread{Annotation: a}) {
				return nil
			}
			t, err := loadThread(tx, a)
			if err != nil || !f.Match(t) {
				return err
			}
			title, ok := titles[a.Document]
			if !ok {
				doc, err := getDocument(tx, a.Document)
				if err != nil {
					return fmt.Errorf("document %s of annotation %s: %w", a.Document, a.ID, err)
				}
				title = doc.Title
				titles[a.Document] = title
			}
			found = append(found, DocumentThread{Thread: t, DocumentTitle: title})
			return nil
		}
		var index *bbolt.Bucket
		var prefix []byte
		switch {
		case f.Tag != "":
			index, prefix = tx.Bucket(bucketTagAnns), valuePrefix(annotation.TagKey(f.Tag))
		case f.AuthorID != "":
			index, prefix = tx.Bucket(bucketAuthorAnns), valuePrefix(f.AuthorID)
		default:
			return tx.Bucket(bucketAnnotations).ForEach(func(k, _ []byte) error { return consider(k) })
		}
		c := index.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if err := consider(k[len(prefix):]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: find threads: %w", err)
	}
	slices.SortFunc(found, func(a, b DocumentThread) int {
		if c := b.Activity().Compare(a.Activity()); c != 0 {
			return c
		}
		return strings.Compare(b.Annotation.ID, a.Annotation.ID)
	})
	total := len(found)
	offset = min(max(offset, 0), total)
	end := total
	if limit > 0 {
		end = min(offset+limit, total)
	}
	return found[offset:end], total, nil
}

// loadThread reads the replies of an annotation.
func loadThread(tx *bbolt.Tx, a annotation.Annotation) (annotation.Thread, error) {
	replies, err := threadReplies(tx, a.ID)
	if err != nil {
		return annotation.Thread{}, err
	}
	if replies == nil {
		replies = []annotation.Reply{}
	}
	return annotation.Thread{Annotation: a, Replies: replies}, nil
}
