package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

// NewRevision is a new revision of a document's text with what it does to
// the annotations. The caller diffs the texts and anchors the annotations
// before calling ReviseDocument, outside the write transaction, so that
// writers wait only for the records to be written.
type NewRevision struct {
	// Base is the revision the text was edited from. ReviseDocument
	// refuses (ErrConflict, as a *RevisedError) when the document is no
	// longer at it.
	Base int
	// Text is the new normalized text, and Blocks, Byline and Dateline what
	// annotation.Parse found in it. The title stays.
	Text     string
	Blocks   []annotation.Block
	Byline   string
	Dateline string
	Note     string
	Author   annotation.Author
	Time     time.Time
	// Mapping carries annotations from the Base text to Text. It anchors
	// the annotations that Anchors has no answer for: those made, or
	// re-attached, while the revision was being prepared.
	Mapping *annotation.Mapping
	// Anchors are the anchorings computed ahead, by annotation id, each
	// for the selector it was computed from; one whose annotation has
	// another selector by now is not used.
	Anchors map[string]PlannedAnchor
	// Accept, when set, is the suggestion the revision applies: it is
	// resolved and marked accepted, its span now the replacement's.
	Accept *AcceptedSuggestion
}

// PlannedAnchor is an anchoring computed ahead for an annotation's
// selector.
type PlannedAnchor struct {
	From annotation.Selector
	To   annotation.Anchoring
}

// AcceptedSuggestion is the suggestion a revision applies. From is the
// suggestion's selector the revision was computed from; Start and End are
// the replacement's span in the new text.
type AcceptedSuggestion struct {
	ID         string
	From       annotation.Selector
	Start, End int
}

// RevisedError is the ErrConflict of a change computed against a revision
// of a document that is no longer the current one.
type RevisedError struct{ Current int }

func (e *RevisedError) Error() string {
	return fmt.Sprintf("the document was revised meanwhile (it is now at revision %d)", e.Current)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *RevisedError) Is(target error) bool { return target == ErrConflict }

// ReviseDocument stores a new revision in one transaction: the revision
// record (full text, author, time, note), the document at the new revision
// number with its new blocks, every annotation carried into the new text
// (an orphan keeps its old anchor and revision; nothing is deleted), each
// changed annotation's version bumped, a document.revised event with the
// counts, an annotation.orphaned event for each annotation the revision
// orphaned, and, for an accepted suggestion, a suggestion.accepted event.
// It returns the document (without its text) and the counts.
func (db *DB) ReviseDocument(docID string, r NewRevision) (annotation.Document, annotation.RevisionCounts, error) {
	text := annotation.NewText(r.Text)
	at := r.Time.UTC()
	var doc annotation.Document
	var counts annotation.RevisionCounts
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		counts = annotation.RevisionCounts{}
		var err error
		if doc, err = getDocument(tx, docID); err != nil {
			return err
		}
		if doc.Revision != r.Base {
			return &RevisedError{Current: doc.Revision}
		}
		next := doc.Revision + 1
		rev := annotation.Revision{Document: docID, Number: next, Text: r.Text, Author: r.Author, Created: at, Note: r.Note}
		if err := putJSON(tx.Bucket(bucketRevisions), revisionKey(docID, next), rev); err != nil {
			return err
		}
		doc.Revision, doc.Blocks, doc.Byline, doc.Dateline, doc.Modified = next, r.Blocks, r.Byline, r.Dateline, at
		if err := putDocument(tx, doc); err != nil {
			return err
		}
		anns, err := documentAnnotations(tx, docID)
		if err != nil {
			return err
		}
		accepted := false
		for _, a := range anns {
			if r.Accept != nil && a.ID == r.Accept.ID {
				if err := acceptSuggestion(tx, a, r, text, next, at); err != nil {
					return err
				}
				accepted = true
				counts.Add(annotation.AnchorExact)
				continue
			}
			if a.Anchor == annotation.AnchorOrphaned {
				counts.Add(annotation.AnchorOrphaned)
				continue
			}
			if a.Start >= a.End {
				// An accepted deletion: no passage to carry.
				counts.Add(annotation.AnchorExact)
				continue
			}
			var an annotation.Anchoring
			if p, ok := r.Anchors[a.ID]; ok && p.From == a.Selector() {
				an = p.To
			} else if r.Mapping != nil {
				an = r.Mapping.Reanchor(a.Selector())
			} else {
				return fmt.Errorf("no anchoring for annotation %s", a.ID)
			}
			b := a.Reanchored(text, next, an)
			counts.Add(b.Anchor)
			b.Version++
			if err := putAnnotation(tx, &b); err != nil {
				return err
			}
			if b.Anchor == annotation.AnchorOrphaned {
				if err := appendEvent(tx, annotationEvent(annotation.EventAnnotationOrphaned, a, r.Author, at)); err != nil {
					return err
				}
			}
		}
		if r.Accept != nil && !accepted {
			return fmt.Errorf("%w: the suggestion %s is gone", ErrConflict, r.Accept.ID)
		}
		c := counts
		return appendEvent(tx, &annotation.Event{Type: annotation.EventDocumentRevised, Document: docID,
			Actor: r.Author, Time: at, Note: r.Note, Revision: next, Counts: &c})
	})
	if err != nil {
		return annotation.Document{}, annotation.RevisionCounts{}, fmt.Errorf("store: revise document %s: %w", docID, err)
	}
	db.hub.notify(docID)
	return doc, counts, nil
}

// acceptSuggestion marks a suggestion accepted by revision next: resolved,
// its span the replacement's, exactly anchored.
func acceptSuggestion(tx *bbolt.Tx, a annotation.Annotation, r NewRevision, text annotation.Text, next int, at time.Time) error {
	if a.Motivation != annotation.Editing || a.Decision != nil || a.Selector() != r.Accept.From {
		return fmt.Errorf("%w: the suggestion changed meanwhile", ErrConflict)
	}
	// The card goes on showing what was replaced.
	a.OriginalExact = a.Exact
	if r.Accept.Start < r.Accept.End {
		sel, err := text.Select(r.Accept.Start, r.Accept.End, "")
		if err != nil {
			return err
		}
		a.Start, a.End, a.Exact, a.Prefix, a.Suffix = sel.Start, sel.End, sel.Exact, sel.Prefix, sel.Suffix
	} else {
		// A deletion accepted: nothing is left to cover, so the
		// suggestion becomes an empty span at its place, not drawn, and
		// not carried by later revisions.
		a.Start, a.End, a.Exact = r.Accept.Start, r.Accept.Start, ""
		a.Prefix, a.Suffix = text.Slice(a.Start-annotation.ContextLength, a.Start), text.Slice(a.Start, a.Start+annotation.ContextLength)
	}
	a.Anchor, a.AnchorScore, a.Revision = annotation.AnchorExact, 0, next
	a.Status = annotation.StatusResolved
	a.Resolution = &annotation.Resolution{By: r.Author, Time: at}
	a.Decision = &annotation.Decision{Verdict: annotation.Accepted, By: r.Author, Time: at, Revision: next}
	a.Version++
	a.Modified = at
	if err := putAnnotation(tx, &a); err != nil {
		return err
	}
	ev := annotationEvent(annotation.EventSuggestionAccepted, a, r.Author, at)
	ev.Revision = next
	return appendEvent(tx, ev)
}

// RejectSuggestion resolves a suggestion as rejected, if its stored version
// is version (or version is AnyVersion), bumping the version and logging
// suggestion.rejected. It returns annotation.ErrNotSuggestion (wrapped)
// for an annotation that is not an undecided suggestion.
func (db *DB) RejectSuggestion(id string, version int, actor annotation.Author, at time.Time) (annotation.Annotation, error) {
	a, err := db.changeAnnotation(id, version, actor, at, func(_ *bbolt.Tx, a *annotation.Annotation) (annotation.EventType, error) {
		if err := annotation.CheckSuggestion(nil, *a, false); err != nil {
			return "", err
		}
		at := at.UTC()
		a.Status = annotation.StatusResolved
		a.Resolution = &annotation.Resolution{By: actor, Time: at}
		a.Decision = &annotation.Decision{Verdict: annotation.Rejected, By: actor, Time: at}
		return annotation.EventSuggestionRejected, nil
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: reject suggestion %s: %w", id, err)
	}
	return a, nil
}

// ErrOrphaned is returned when confirming the anchor of an annotation that
// has none: an orphan must be re-attached to a passage instead.
var ErrOrphaned = errors.New("store: the annotation is orphaned")

// ConfirmAnchor records that a person checked where a revision put an
// annotation (found by search, or moved with edits) and agrees: the anchor
// becomes exact, its score and the original quote are dropped (a
// suggestion keeps its original quote, against which its replacement was
// written), the version is bumped and annotation.updated logged. An
// annotation anchored exactly already is returned unchanged; an orphan is
// ErrOrphaned.
func (db *DB) ConfirmAnchor(id string, version int, actor annotation.Author, at time.Time) (annotation.Annotation, error) {
	a, err := db.changeAnnotation(id, version, actor, at, func(_ *bbolt.Tx, a *annotation.Annotation) (annotation.EventType, error) {
		switch a.Anchor {
		case annotation.AnchorOrphaned:
			return "", ErrOrphaned
		case annotation.AnchorExact:
			if a.OriginalExact == "" || a.Motivation == annotation.Editing {
				return "", nil
			}
		}
		a.Anchor, a.AnchorScore = annotation.AnchorExact, 0
		if a.Motivation != annotation.Editing {
			a.OriginalExact = ""
		}
		return annotation.EventAnnotationUpdated, nil
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: confirm anchor of annotation %s: %w", id, err)
	}
	return a, nil
}

// AttachAnnotation anchors an annotation anew, exactly, at sel in revision
// of its document (an orphan re-attached by a person, or any annotation
// moved to the passage it is about), if its stored version is version (or
// AnyVersion), bumping the version and logging annotation.updated. It
// refuses with a *RevisedError when the document is no longer at revision.
func (db *DB) AttachAnnotation(id string, version int, revision int, sel annotation.Selector, actor annotation.Author, at time.Time) (annotation.Annotation, error) {
	a, err := db.changeAnnotation(id, version, actor, at, func(tx *bbolt.Tx, a *annotation.Annotation) (annotation.EventType, error) {
		current, err := documentRevision(tx, a.Document)
		if err != nil {
			return "", err
		}
		if current != revision {
			return "", &RevisedError{Current: current}
		}
		a.Start, a.End, a.Exact, a.Prefix, a.Suffix = sel.Start, sel.End, sel.Exact, sel.Prefix, sel.Suffix
		a.Anchor, a.AnchorScore, a.OriginalExact, a.Revision = annotation.AnchorExact, 0, "", revision
		return annotation.EventAnnotationUpdated, nil
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("store: attach annotation %s: %w", id, err)
	}
	return a, nil
}

// Revision returns revision n of a document, text included.
func (db *DB) Revision(docID string, n int) (annotation.Revision, error) {
	var rev annotation.Revision
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if !documentExists(tx, docID) {
			return ErrNotFound
		}
		if n < 1 {
			return ErrNotFound
		}
		return getJSON(tx.Bucket(bucketRevisions), revisionKey(docID, n), &rev)
	})
	if err != nil {
		return annotation.Revision{}, fmt.Errorf("store: revision %d of document %s: %w", n, docID, err)
	}
	return rev, nil
}

// RevisionHistory returns every revision of a document, oldest first,
// without their texts.
func (db *DB) RevisionHistory(docID string) ([]annotation.Revision, error) {
	var revs []annotation.Revision
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		revs, err = revisionList(tx, docID, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: revision history of document %s: %w", docID, err)
	}
	return revs, nil
}

// revisionList reads a document's revisions in order, with their texts or
// without (a list does not need them, and they are most of the bytes).
func revisionList(tx *bbolt.Tx, docID string, withText bool) ([]annotation.Revision, error) {
	if !documentExists(tx, docID) {
		return nil, ErrNotFound
	}
	revs := []annotation.Revision{}
	prefix := childPrefix(docID)
	c := tx.Bucket(bucketRevisions).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != len(prefix)+8 {
			continue
		}
		var rev annotation.Revision
		if withText {
			if err := decodeJSON(k, v, &rev); err != nil {
				return nil, err
			}
		} else {
			var head struct {
				Document string            `json:"document"`
				Number   int               `json:"revision"`
				Author   annotation.Author `json:"author"`
				Created  time.Time         `json:"created"`
				Note     string            `json:"note"`
			}
			if err := decodeJSON(k, v, &head); err != nil {
				return nil, err
			}
			rev = annotation.Revision{Document: head.Document, Number: head.Number,
				Author: head.Author, Created: head.Created, Note: head.Note}
		}
		revs = append(revs, rev)
	}
	return revs, nil
}
