package exchange

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
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

// ImportBatch is how many items (annotations and replies) an import
// stores per transaction: enough that a large import is not slowed by
// commits, few enough that other writers wait for one batch at most (tens
// of milliseconds), never for the whole import.
const ImportBatch = 500

// Import is ImportFrom over an input held in memory.
func Import(dst Importer, docID string, data []byte, now time.Time) (ImportResult, error) {
	return ImportFrom(dst, docID, bytes.NewReader(data), now)
}

// ImportFrom reads W3C annotations (one annotation, an array, an
// AnnotationPage or an AnnotationCollection) from in, anchors them on the
// document's current text and stores them, holding a few words per item
// rather than the input or its annotations, so memory stays flat whatever
// the size of the input.
//
// It reads in twice (three times when a reply comes before its
// annotation). The first pass reads, checks and anchors every item and
// stores nothing, so a malformed input (not JSON, cut short, not
// annotations) stores nothing at all. The second reads it again and
// stores it ImportBatch items per transaction, so that other writers
// never wait for the whole import. Items that cannot be imported are
// skipped and reported without stopping the rest, as before. If storing
// fails halfway (the disk is full, the document was revised meanwhile:
// ErrConflict), the batches already stored stay; importing the same input
// again stores the rest, since items already imported (by their IRI) are
// skipped.
func ImportFrom(dst Importer, docID string, in io.ReadSeeker, now time.Time) (ImportResult, error) {
	doc, err := dst.Document(docID)
	if err != nil {
		return ImportResult{}, err
	}
	// First pass: check and anchor everything, store nothing.
	plan := annotation.NewStreamPlan(doc, now)
	var problems []annotation.ItemError
	read := 0
	err = annotation.ScanW3C(in,
		func(it annotation.W3CItem) error { read++; plan.Check(it); return nil },
		func(e annotation.ItemError) { problems = append(problems, e) })
	if err != nil {
		return ImportResult{}, &NotW3CError{Message: err.Error()}
	}
	if read == 0 {
		for _, e := range problems {
			if e.Index < 0 {
				return ImportResult{}, &NotW3CError{Message: e.Message}
			}
		}
	}
	plan.Finish()

	// Second pass: store in batches. A reply whose annotation comes later
	// in the input waits for a third pass, and so do the replies after it
	// in the same thread, which keeps the replies of a thread in input
	// order.
	w := &batchWriter{dst: dst, doc: doc}
	deferred, deferredThreads := map[int]bool{}, map[string]bool{}
	if err := rescan(in, func(it annotation.W3CItem) error {
		item, ok, err := plan.Build(it)
		if err != nil || !ok {
			return err
		}
		if r := item.Reply; r != nil && item.Ordinal >= 0 &&
			(item.Ordinal >= w.annotations || deferredThreads[r.ReplyTo]) {
			deferred[it.Index], deferredThreads[r.ReplyTo] = true, true
			return nil
		}
		return w.add(item)
	}); err != nil {
		return ImportResult{}, err
	}
	if err := w.flush(); err != nil {
		return ImportResult{}, err
	}
	if len(deferred) > 0 {
		if err := rescan(in, func(it annotation.W3CItem) error {
			if !deferred[it.Index] {
				return nil
			}
			item, ok, err := plan.Build(it)
			if err != nil || !ok {
				return err
			}
			return w.add(item)
		}); err != nil {
			return ImportResult{}, err
		}
		if err := w.flush(); err != nil {
			return ImportResult{}, err
		}
	}

	out := w.res
	out.Errors = slices.Concat([]annotation.ItemError{}, problems, plan.Errors, w.res.Errors)
	slices.SortStableFunc(out.Errors, func(a, b annotation.ItemError) int { return cmp.Compare(a.Index, b.Index) })
	return out, nil
}

// rescan reads the input again from its start, giving each item to item
// and stopping at its first error, which it returns. Problems of the input
// were reported by the first pass; an input that no longer reads is one
// that changed since (ErrInputChanged).
func rescan(in io.ReadSeeker, item func(annotation.W3CItem) error) error {
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return err
	}
	err := annotation.ScanW3C(in, func(it annotation.W3CItem) error {
		if err := item(it); err != nil {
			return &stopped{err}
		}
		return nil
	}, func(annotation.ItemError) {})
	var s *stopped
	switch {
	case errors.As(err, &s):
		return s.err
	case err != nil:
		return fmt.Errorf("%w (%v)", annotation.ErrInputChanged, err)
	}
	return nil
}

// stopped carries the error that stopped a rescan.
type stopped struct{ err error }

func (s *stopped) Error() string { return s.err.Error() }

// batchWriter stores planned items ImportBatch at a time.
type batchWriter struct {
	dst   Importer
	doc   annotation.Document
	batch annotation.ImportPlan
	// annotations counts the annotations passed to add so far.
	annotations int
	res         ImportResult
}

func (w *batchWriter) add(item annotation.PlannedItem) error {
	if item.Thread != nil {
		w.batch.Threads = append(w.batch.Threads, *item.Thread)
		w.annotations++
	} else {
		w.batch.Loose = append(w.batch.Loose, *item.Reply)
	}
	if len(w.batch.Threads)+len(w.batch.Loose) >= ImportBatch {
		return w.flush()
	}
	return nil
}

// flush stores the batch in one transaction.
func (w *batchWriter) flush() error {
	if len(w.batch.Threads)+len(w.batch.Loose) == 0 {
		return nil
	}
	res, err := w.dst.ImportThreads(w.doc.ID, w.doc.Revision, w.batch)
	if err != nil {
		return err
	}
	w.res.Imported += res.Imported
	w.res.Replies += res.Replies
	w.res.Duplicates += res.Duplicates
	w.res.Errors = append(w.res.Errors, res.Errors...)
	for i, id := range res.IDs {
		if id == "" {
			continue
		}
		switch w.batch.Threads[i].Annotation.Anchor {
		case annotation.AnchorExact:
			w.res.Exact++
		case annotation.AnchorFuzzy:
			w.res.Fuzzy++
		case annotation.AnchorOrphaned:
			w.res.Orphaned++
		}
	}
	w.batch = annotation.ImportPlan{Threads: w.batch.Threads[:0], Loose: w.batch.Loose[:0]}
	return nil
}

// NotW3CError says why an input is not W3C annotations at all.
type NotW3CError struct{ Message string }

func (e *NotW3CError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrNotW3C) true.
func (e *NotW3CError) Is(target error) bool { return target == ErrNotW3C }
