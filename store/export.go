package store

import (
	"bytes"
	"fmt"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

// ThreadsAfter returns up to limit threads of a document in creation order
// (the order of their ids), starting after the thread with id after ("" to
// start at the first). Exports call it page after page: each call is one
// short read transaction, so a slow download never holds one open while
// writers wait for the file to grow. It returns ErrNotFound when the
// document does not exist.
func (db *DB) ThreadsAfter(docID, after string, limit int) ([]annotation.Thread, error) {
	var out []annotation.Thread
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if !documentExists(tx, docID) {
			return ErrNotFound
		}
		records := tx.Bucket(bucketAnnotations)
		prefix := childPrefix(docID)
		c := tx.Bucket(bucketDocAnnotations).Cursor()
		k, _ := c.Seek(append(bytes.Clone(prefix), after...))
		if after != "" && k != nil && string(k[len(prefix):]) == after {
			k, _ = c.Next()
		}
		// An export reads every page of the file once: let the kernel
		// drop them from this process's resident memory now and then.
		if db.threadReads.Add(1)%releaseEvery == 0 {
			releaseMapped(db.bolt, tx)
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Next() {
			var a annotation.Annotation
			if err := getJSON(records, k[len(prefix):], &a); err != nil {
				return fmt.Errorf("doc_annotations entry %q: %w", k, err)
			}
			th, err := loadThread(tx, a)
			if err != nil {
				return err
			}
			out = append(out, th)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: threads of document %s: %w", docID, err)
	}
	return out, nil
}

// releaseEvery is how many ThreadsAfter calls (each up to a few hundred
// threads) go by between two releases of the mapped file's pages.
const releaseEvery = 16

// CountThreads counts a document's threads and their replies, reading only
// index keys.
func (db *DB) CountThreads(docID string) (threads, replies int, err error) {
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		if !documentExists(tx, docID) {
			return ErrNotFound
		}
		prefix := childPrefix(docID)
		c := tx.Bucket(bucketDocAnnotations).Cursor()
		rc := tx.Bucket(bucketAnnReplies).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			threads++
			rp := childPrefix(string(k[len(prefix):]))
			for rk, _ := rc.Seek(rp); rk != nil && bytes.HasPrefix(rk, rp); rk, _ = rc.Next() {
				replies++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: count threads of document %s: %w", docID, err)
	}
	return threads, replies, nil
}

// SeekItem finds where item offset (from 0) of a document's export lies,
// counting each thread as its annotation then its replies, in creation
// order. It returns the id of the thread before the one holding that item
// ("" for the first), how many items of that thread come before it, and the
// number of items in all. It reads index keys only, so a page deep into a
// large export costs a key walk, not a decode of every earlier thread.
func (db *DB) SeekItem(docID string, offset int) (after string, skip, total int, err error) {
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		if !documentExists(tx, docID) {
			return ErrNotFound
		}
		prefix := childPrefix(docID)
		c := tx.Bucket(bucketDocAnnotations).Cursor()
		rc := tx.Bucket(bucketAnnReplies).Cursor()
		found := false
		prev := ""
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := string(k[len(prefix):])
			items := 1
			rp := childPrefix(id)
			for rk, _ := rc.Seek(rp); rk != nil && bytes.HasPrefix(rk, rp); rk, _ = rc.Next() {
				items++
			}
			if !found && offset < total+items {
				after, skip, found = prev, offset-total, true
			}
			total += items
			prev = id
		}
		if !found {
			after, skip = prev, 0
		}
		return nil
	})
	if err != nil {
		return "", 0, 0, fmt.Errorf("store: seek in the threads of document %s: %w", docID, err)
	}
	return after, skip, total, nil
}
