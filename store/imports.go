package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
	"go.etcd.io/bbolt"

	"galley/annotation"
)

// ImportResult says what ImportThreads stored.
type ImportResult struct {
	// Imported counts the annotations stored; Replies the replies.
	Imported int
	Replies  int
	// Duplicates counts annotations and replies skipped because an
	// earlier import of the same IRI (their Via) is already stored.
	Duplicates int
	// IDs holds, for each thread of the plan in order, the id of the
	// annotation stored for it, or "" when it was a duplicate.
	IDs []string
	// Errors are the loose replies whose annotation was not found.
	Errors []annotation.ItemError
}

// importValue tags what an imports entry points at.
const (
	importedAnnotation = "a:"
	importedReply      = "r:"
)

// ImportThreads stores an import plan on a document in one transaction:
// all of it or nothing. The plan must have been anchored on the document's
// current revision (ErrConflict otherwise). Items whose Via an earlier
// import already stored are skipped, so importing a file twice adds
// nothing. Loose replies join the annotation imported earlier from their
// ReplyTo, or this desk's annotation whose IRI ends in /annotations/ID; the
// others are reported. Every stored annotation and reply logs its event.
func (db *DB) ImportThreads(docID string, revision int, plan annotation.ImportPlan) (ImportResult, error) {
	var res ImportResult
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		res = ImportResult{}
		rev, err := documentRevision(tx, docID)
		if err != nil {
			return fmt.Errorf("document %s: %w", docID, err)
		}
		if rev != revision {
			return fmt.Errorf("%w: the document was revised during the import; import again", ErrConflict)
		}
		imports := tx.Bucket(bucketImports)
		for _, th := range plan.Threads {
			a := th.Annotation
			annID := ""
			if kind, id := importedAs(tx, docID, a.Via); kind == importedAnnotation {
				res.Duplicates++
				res.IDs = append(res.IDs, "")
				annID = id
			} else {
				a.ID = ulid.Make().String()
				a.Document, a.Revision = docID, revision
				fillImported(&a)
				if err := createAnnotation(tx, &a); err != nil {
					return fmt.Errorf("annotation %q: %w", a.Via, err)
				}
				if err := recordImport(imports, docID, a.Via, importedAnnotation+a.ID); err != nil {
					return err
				}
				res.Imported++
				res.IDs = append(res.IDs, a.ID)
				annID = a.ID
			}
			for _, r := range th.Replies {
				if err := importReply(tx, &res, docID, annID, r); err != nil {
					return err
				}
			}
		}
		for _, lr := range plan.Loose {
			annID := importParent(tx, docID, lr.ReplyTo)
			if annID == "" {
				res.Errors = append(res.Errors, annotation.ItemError{Index: lr.Index, ID: lr.Reply.Via,
					Message: "the annotation it replies to (" + lr.ReplyTo + ") is not on this document"})
				continue
			}
			if err := importReply(tx, &res, docID, annID, lr.Reply); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: import: %w", err)
	}
	db.hub.notify(docID)
	return res, nil
}

// importReply stores one imported reply on annID, unless its Via was
// imported before.
func importReply(tx *bbolt.Tx, res *ImportResult, docID, annID string, r annotation.Reply) error {
	if kind, _ := importedAs(tx, docID, r.Via); kind == importedReply {
		res.Duplicates++
		return nil
	}
	a, err := getAnnotation(tx, annID)
	if err != nil {
		return fmt.Errorf("annotation %s: %w", annID, err)
	}
	r.ID = ulid.Make().String()
	r.Annotation, r.Document = annID, docID
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	r.Created = r.Created.UTC()
	if r.Modified.Before(r.Created) {
		r.Modified = r.Created
	}
	r.Modified = r.Modified.UTC()
	r.Version = max(r.Version, 1)
	if err := putReply(tx, r); err != nil {
		return err
	}
	if err := recordImport(tx.Bucket(bucketImports), docID, r.Via, importedReply+r.ID); err != nil {
		return err
	}
	res.Replies++
	return appendEvent(tx, replyEvent(annotation.EventReplyCreated, a, r, r.Author, r.Created))
}

// importedAs finds what an earlier import made of the item with IRI via on
// a document: its kind and id, or "" when nothing (or when what it made was
// deleted since).
func importedAs(tx *bbolt.Tx, docID, via string) (kind, id string) {
	if via == "" {
		return "", ""
	}
	v := tx.Bucket(bucketImports).Get(importKey(docID, via))
	if len(v) < 2 {
		return "", ""
	}
	kind, id = string(v[:2]), string(v[2:])
	bucket := bucketAnnotations
	if kind == importedReply {
		bucket = bucketReplies
	}
	if tx.Bucket(bucket).Get([]byte(id)) == nil {
		return "", ""
	}
	return kind, id
}

// importParent finds the annotation a loose reply answers: one imported
// from that IRI, or this desk's own annotation named by it.
func importParent(tx *bbolt.Tx, docID, iri string) string {
	if kind, id := importedAs(tx, docID, iri); kind == importedAnnotation {
		return id
	}
	i := strings.LastIndex(iri, "/annotations/")
	if i < 0 {
		return ""
	}
	id := iri[i+len("/annotations/"):]
	a, err := getAnnotation(tx, id)
	if err != nil || a.Document != docID {
		return ""
	}
	return id
}

// fillImported gives an imported annotation what a stored one always has.
func fillImported(a *annotation.Annotation) {
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	a.Created = a.Created.UTC()
	if a.Modified.Before(a.Created) {
		a.Modified = a.Created
	}
	a.Modified = a.Modified.UTC()
	a.Version = max(a.Version, 1)
	if a.Status == "" {
		a.Status = annotation.StatusOpen
	}
	if a.Anchor == "" {
		a.Anchor = annotation.AnchorExact
	}
}

func recordImport(b *bbolt.Bucket, docID, via, value string) error {
	if via == "" {
		return nil
	}
	return b.Put(importKey(docID, via), []byte(value))
}

func importKey(docID, via string) []byte { return []byte(docID + "\x00" + via) }
