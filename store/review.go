package store

import (
	"fmt"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

// SetDocumentStatus moves a document to step.Status, records step as its
// latest review step and logs document.status, all in one transaction.
// Approving is refused with ErrOpenThreads while any thread of the document
// is open, unless step.Override is set (an admin's decision, with a note);
// Override is cleared when nothing was open. Setting the status the
// document has already changes and logs nothing.
func (db *DB) SetDocumentStatus(docID string, step annotation.ReviewStep) (annotation.Document, error) {
	var doc annotation.Document
	changed := false
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		var err error
		if doc, err = getDocument(tx, docID); err != nil {
			return err
		}
		if doc.Status == step.Status {
			return nil
		}
		if step.Status == annotation.StatusApproved {
			_, open, err := countAnnotations(tx, docID)
			if err != nil {
				return err
			}
			if open > 0 && !step.Override {
				return fmt.Errorf("%w: %d %s still open", ErrOpenThreads, open, plural(open, "thread is", "threads are"))
			}
			step.Override = open > 0
		} else {
			step.Override = false
		}
		step.Time = step.Time.UTC()
		changed = true
		doc.Status = step.Status
		doc.Review = &step
		if err := putDocument(tx, doc); err != nil {
			return err
		}
		return appendEvent(tx, &annotation.Event{Type: annotation.EventDocumentStatus, Document: docID,
			Actor: step.By, Time: step.Time, Status: step.Status, Note: step.Note})
	})
	if err != nil {
		return annotation.Document{}, fmt.Errorf("store: set status of document %s: %w", docID, err)
	}
	if changed {
		db.hub.notify(docID)
	}
	return doc, nil
}

// plural picks the singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
