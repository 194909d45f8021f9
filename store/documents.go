package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
	"go.etcd.io/bbolt"

	"galley/annotation"
)

// importNote is the note on the first stored revision of a document.
const importNote = "Imported"

// DocumentSummary is a document as the document list shows it: its
// metadata without text, and how many annotations and open threads it has.
type DocumentSummary struct {
	Document    annotation.Document // Text and Blocks are cleared
	Annotations int                 // annotations on the document
	Open        int                 // those with status open
}

// CreateDocument stores a new document together with its first revision
// record (note "Imported") in one transaction. It assigns an ID (a ULID)
// when doc.ID is empty, Created and Modified (UTC) when zero, and revision 1
// when doc.Revision is 0. An ID already in use is an ErrConflict.
func (db *DB) CreateDocument(doc annotation.Document) (annotation.Document, error) {
	if err := prepareDocument(&doc); err != nil {
		return annotation.Document{}, fmt.Errorf("store: create document: %w", err)
	}
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return createDocument(tx, doc)
	})
	if err != nil {
		return annotation.Document{}, fmt.Errorf("store: create document: %w", err)
	}
	return doc, nil
}

// EnsureSample creates doc, as CreateDocument does, the first time it is
// called on a database, and reports whether it did. Later calls do nothing,
// even after the sample document has been deleted.
func (db *DB) EnsureSample(doc annotation.Document) (bool, error) {
	if err := prepareDocument(&doc); err != nil {
		return false, fmt.Errorf("store: ensure sample: %w", err)
	}
	created := false
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta.Get(metaSampleSeeded) != nil {
			return nil
		}
		if err := createDocument(tx, doc); err != nil {
			return err
		}
		created = true
		return putJSON(meta, metaSampleSeeded, doc.ID)
	})
	if err != nil {
		return false, fmt.Errorf("store: ensure sample: %w", err)
	}
	return created, nil
}

// Document returns a document at its current revision, text included.
func (db *DB) Document(id string) (annotation.Document, error) {
	var doc annotation.Document
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		doc, err = getDocument(tx, id)
		if err != nil {
			return err
		}
		var rev annotation.Revision
		if err := getJSON(tx.Bucket(bucketRevisions), revisionKey(id, doc.Revision), &rev); err != nil {
			if errors.Is(err, ErrNotFound) {
				return fmt.Errorf("the record of revision %d, which holds the text, is missing", doc.Revision)
			}
			return err
		}
		doc.Text = rev.Text
		return nil
	})
	if err != nil {
		return annotation.Document{}, fmt.Errorf("store: document %s: %w", id, err)
	}
	return doc, nil
}

// Revisions returns every stored revision of a document with its text,
// oldest first.
func (db *DB) Revisions(docID string) ([]annotation.Revision, error) {
	var revs []annotation.Revision
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		revs, err = revisionList(tx, docID, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: revisions of document %s: %w", docID, err)
	}
	return revs, nil
}

// Documents returns a summary of every document, newest first.
func (db *DB) Documents() ([]DocumentSummary, error) {
	list := []DocumentSummary{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDocuments).ForEach(func(k, v []byte) error {
			var doc annotation.Document
			if err := decodeJSON(k, v, &doc); err != nil {
				return err
			}
			doc.Text, doc.Blocks = "", nil
			total, open, err := countAnnotations(tx, doc.ID)
			if err != nil {
				return err
			}
			list = append(list, DocumentSummary{Document: doc, Annotations: total, Open: open})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	slices.SortFunc(list, func(a, b DocumentSummary) int {
		if c := b.Document.Created.Compare(a.Document.Created); c != 0 {
			return c
		}
		return strings.Compare(b.Document.ID, a.Document.ID)
	})
	return list, nil
}

// prepareDocument fills in what CreateDocument assigns, before any
// transaction, so the document returned is the one stored.
func prepareDocument(doc *annotation.Document) error {
	if doc.ID == "" {
		doc.ID = ulid.Make().String()
	} else if !validID(doc.ID) {
		return fmt.Errorf("invalid document id %q", doc.ID)
	}
	if doc.Revision == 0 {
		doc.Revision = 1
	}
	if doc.Revision < 0 {
		return fmt.Errorf("invalid revision %d", doc.Revision)
	}
	if doc.Created.IsZero() {
		doc.Created = time.Now()
	}
	if doc.Modified.IsZero() {
		doc.Modified = doc.Created
	}
	doc.Created, doc.Modified = doc.Created.UTC(), doc.Modified.UTC()
	return nil
}

// createDocument writes a new document record and the record of its
// current revision.
func createDocument(tx *bbolt.Tx, doc annotation.Document) error {
	if documentExists(tx, doc.ID) {
		return fmt.Errorf("%w: a document with id %s already exists", ErrConflict, doc.ID)
	}
	rev := annotation.Revision{
		Document: doc.ID,
		Number:   doc.Revision,
		Text:     doc.Text,
		Author:   doc.Author,
		Created:  doc.Created,
		Note:     importNote,
	}
	if err := putJSON(tx.Bucket(bucketRevisions), revisionKey(doc.ID, rev.Number), rev); err != nil {
		return err
	}
	return putDocument(tx, doc)
}

// putDocument writes the document record. The text is left out: it is
// stored once, in the record of the document's current revision.
func putDocument(tx *bbolt.Tx, doc annotation.Document) error {
	doc.Text = ""
	return putJSON(tx.Bucket(bucketDocuments), []byte(doc.ID), doc)
}

// getDocument reads a document record; its Text is empty.
func getDocument(tx *bbolt.Tx, id string) (annotation.Document, error) {
	var doc annotation.Document
	if err := getJSON(tx.Bucket(bucketDocuments), []byte(id), &doc); err != nil {
		return annotation.Document{}, err
	}
	return doc, nil
}

// documentExists reports whether a document record exists.
func documentExists(tx *bbolt.Tx, id string) bool {
	return id != "" && tx.Bucket(bucketDocuments).Get([]byte(id)) != nil
}

// documentRevision returns the current revision number of a document,
// decoding nothing else of the record.
func documentRevision(tx *bbolt.Tx, id string) (int, error) {
	var head struct {
		Revision int `json:"revision"`
	}
	if err := getJSON(tx.Bucket(bucketDocuments), []byte(id), &head); err != nil {
		return 0, err
	}
	return head.Revision, nil
}

// DocumentHead returns a document's record without its text: what a read
// check needs (author, restriction, members) at the cost of one small read.
func (db *DB) DocumentHead(id string) (annotation.Document, error) {
	var doc annotation.Document
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		doc, err = getDocument(tx, id)
		return err
	})
	if err != nil {
		return annotation.Document{}, fmt.Errorf("store: document %s: %w", id, err)
	}
	doc.Text = ""
	return doc, nil
}

// SetDocumentAccess restricts a document to its author, admins and the
// given members (user ids; unknown ids are an ErrNotFound), or opens it to
// every reader again when restricted is false, which also forgets the
// members. It returns the document record without its text.
func (db *DB) SetDocumentAccess(docID string, restricted bool, members []string) (annotation.Document, error) {
	var doc annotation.Document
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		var err error
		if doc, err = getDocument(tx, docID); err != nil {
			return err
		}
		kept := []string{}
		for _, id := range members {
			if slices.Contains(kept, id) {
				continue
			}
			if _, err := getUser(tx, id); err != nil {
				return fmt.Errorf("member %s: %w", id, err)
			}
			kept = append(kept, id)
		}
		slices.Sort(kept)
		doc.Restricted = restricted
		doc.Members = nil
		if restricted && len(kept) > 0 {
			doc.Members = kept
		}
		return putDocument(tx, doc)
	})
	if err != nil {
		return annotation.Document{}, fmt.Errorf("store: set access of document %s: %w", docID, err)
	}
	doc.Text = ""
	db.hub.notify(docID)
	return doc, nil
}

// DocumentHeads returns every document record without text, blocks or
// counts, in key order: what a read check over all documents needs.
func (db *DB) DocumentHeads() ([]annotation.Document, error) {
	docs := []annotation.Document{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDocuments).ForEach(func(k, v []byte) error {
			var doc annotation.Document
			if err := decodeJSON(k, v, &doc); err != nil {
				return err
			}
			doc.Text, doc.Blocks = "", nil
			docs = append(docs, doc)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: document heads: %w", err)
	}
	return docs, nil
}
