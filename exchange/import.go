package exchange

import (
	"errors"
	"time"

	"galley/annotation"
	"galley/store"
)

// Importer is where imports go: the document to anchor on and the store
// that keeps the result.
type Importer interface {
	Document(id string) (annotation.Document, error)
	ImportThreads(docID string, revision int, plan annotation.ImportPlan) (store.ImportResult, error)
}

// ImportResult says what an import did. Exact, Fuzzy and Orphaned count
// how the imported annotations were anchored; Duplicates the items an
// earlier import of the same file already brought in; Errors the items
// skipped, each with its reason.
type ImportResult struct {
	Imported   int                    `json:"imported"`
	Exact      int                    `json:"exact"`
	Fuzzy      int                    `json:"fuzzy"`
	Orphaned   int                    `json:"orphaned"`
	Replies    int                    `json:"replies"`
	Duplicates int                    `json:"duplicates"`
	Errors     []annotation.ItemError `json:"errors"`
}

// ErrNotW3C is returned when the input as a whole cannot be read as W3C
// annotations (not JSON, or not an annotation, array, page or collection).
var ErrNotW3C = errors.New("exchange: not W3C Web Annotations")

// Import reads W3C annotations (one annotation, an array, an
// AnnotationPage or an AnnotationCollection), anchors them on the
// document's current text and stores them in one transaction. Invalid items
// are skipped and reported without stopping the rest.
func Import(dst Importer, docID string, data []byte, now time.Time) (ImportResult, error) {
	doc, err := dst.Document(docID)
	if err != nil {
		return ImportResult{}, err
	}
	items, errs := annotation.DecodeW3C(data)
	if len(items) == 0 {
		for _, e := range errs {
			if e.Index < 0 {
				return ImportResult{}, &NotW3CError{Message: e.Message}
			}
		}
	}
	plan := annotation.PlanImport(doc, items, now)
	res, err := dst.ImportThreads(doc.ID, doc.Revision, plan)
	if err != nil {
		return ImportResult{}, err
	}
	out := ImportResult{Imported: res.Imported, Replies: res.Replies, Duplicates: res.Duplicates, Errors: []annotation.ItemError{}}
	for i, id := range res.IDs {
		if id == "" {
			continue
		}
		switch plan.Threads[i].Annotation.Anchor {
		case annotation.AnchorExact:
			out.Exact++
		case annotation.AnchorFuzzy:
			out.Fuzzy++
		case annotation.AnchorOrphaned:
			out.Orphaned++
		}
	}
	out.Errors = append(out.Errors, errs...)
	out.Errors = append(out.Errors, plan.Errors...)
	out.Errors = append(out.Errors, res.Errors...)
	return out, nil
}

// NotW3CError says why an input is not W3C annotations at all.
type NotW3CError struct{ Message string }

func (e *NotW3CError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrNotW3C) true.
func (e *NotW3CError) Is(target error) bool { return target == ErrNotW3C }
