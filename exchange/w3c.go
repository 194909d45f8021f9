package exchange

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"galley/annotation"
)

// PageSize bounds the pages of a paged W3C export.
const PageSize = 500

// collectionID is the IRI of a document's W3C export, which serves its
// pages too (collectionID + "&page=N").
func collectionID(o Options, docID string) string {
	return o.iris().Base + "/api/documents/" + url.PathEscape(docID) + "/export?format=w3c"
}

func collectionLabel(doc annotation.Document) string {
	return fmt.Sprintf("Annotations on %q, revision %d", doc.Title, doc.Revision)
}

// w3cThread is a thread as the W3C encoder takes it.
func w3cThread(th annotation.Thread) annotation.W3CThread {
	out := annotation.W3CThread{Annotation: th.Annotation, Replies: make([]annotation.W3CReply, len(th.Replies))}
	for i, r := range th.Replies {
		out.Replies[i] = annotation.W3CReply{ID: r.ID, Author: r.Author, Comment: r.Comment, Created: r.Created, Modified: r.Modified}
	}
	return out
}

// W3C writes every annotation and reply of a document as one W3C
// AnnotationCollection whose single embedded page holds them all, in
// creation order, each reply after its annotation. The total is counted as
// the items are written, so annotations made during a long download never
// make the document inconsistent. It returns the number of items.
func W3C(w io.Writer, src Source, docID string, o Options) (int, error) {
	doc, err := src.Document(docID)
	if err != nil {
		return 0, err
	}
	cw, err := newCollection(w, o, collectionID(o, docID), collectionLabel(doc), src, []string{docID})
	if err != nil {
		return 0, err
	}
	p := progress{fn: o.Progress}
	err = eachThread(src, docID, func(th annotation.Thread) error {
		p.add(1 + len(th.Replies))
		return cw.Write(w3cThread(th))
	})
	if err != nil {
		return p.items, err
	}
	p.done()
	return p.items, cw.Close()
}

// W3CAll writes the annotations of every document as one collection.
func W3CAll(w io.Writer, src Source, o Options) (int, error) {
	docs, err := src.Documents()
	if err != nil {
		return 0, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.Document.ID
	}
	cw, err := newCollection(w, o, o.iris().Base+"/api/export?format=w3c", "Annotations on every document", src, ids)
	if err != nil {
		return 0, err
	}
	p := progress{fn: o.Progress}
	for _, id := range ids {
		err := eachThread(src, id, func(th annotation.Thread) error {
			p.add(1 + len(th.Replies))
			return cw.Write(w3cThread(th))
		})
		if err != nil {
			return p.items, err
		}
	}
	p.done()
	return p.items, cw.Close()
}

// newCollection starts a collection counted as it is written, or an empty
// one when the documents have no annotations (an empty page is not valid).
func newCollection(w io.Writer, o Options, id, label string, src Source, docIDs []string) (*annotation.CollectionWriter, error) {
	total := 0
	for _, d := range docIDs {
		n, _, err := src.CountThreads(d)
		if err != nil {
			return nil, err
		}
		total += n
	}
	h := annotation.CollectionHeader{ID: id, Label: label, Total: annotation.CountItems}
	if total == 0 {
		h.Total = 0
	}
	return annotation.NewCollectionWriter(w, o.iris(), h)
}

// ErrNoPage is returned by W3CPage for a page past the end.
var ErrNoPage = errors.New("exchange: no such page")

// W3CPage writes page n (from 0) of a document's collection in pages of
// PageSize items: page 0 is the AnnotationCollection with its first page
// embedded, the others AnnotationPage documents, linked by next and prev.
// A page is read in one go (it is bounded), then written.
func W3CPage(w io.Writer, src Source, docID string, n int, o Options) error {
	doc, err := src.Document(docID)
	if err != nil {
		return err
	}
	if n < 0 {
		return ErrNoPage
	}
	offset := n * PageSize
	iris := o.iris()
	items, total, err := pageItems(src, docID, offset, PageSize, iris, false)
	if err != nil {
		return err
	}
	if n > 0 && len(items) == 0 {
		return ErrNoPage
	}
	h := annotation.CollectionHeader{ID: collectionID(o, docID), Label: collectionLabel(doc), Total: total, PageSize: PageSize}
	var iw interface {
		WriteItem(annotation.W3CAnnotation) error
		Close() error
	}
	if n == 0 {
		iw, err = annotation.NewCollectionWriter(w, iris, h)
	} else {
		iw, err = annotation.NewPageWriter(w, iris, h, n)
	}
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := iw.WriteItem(it); err != nil {
			return err
		}
	}
	return iw.Close()
}

// ParsePage reads the page query parameter: "" is no page (the whole
// collection), otherwise a page number from 0.
func ParsePage(s string) (int, bool, error) {
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false, fmt.Errorf("page %q is not a page number (0, 1, 2, ...)", s)
	}
	return n, true, nil
}
