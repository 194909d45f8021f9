// Package exchange moves annotations in and out of Galley: it streams a
// document's threads as W3C Web Annotation JSON-LD or as Galley's native
// "annotated article" JSON, and imports W3C annotations back. The HTTP
// handlers and the command line both use it, so a download and `galley
// export` write the same bytes.
//
// Exports read the store in bounded steps (a read transaction per chunk of
// threads, never one held while a slow client downloads), and write as they
// read, so memory stays flat whatever the number of annotations.
package exchange

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"galley/annotation"
	"galley/store"
)

// Source is what exports read: the documents and their threads.
type Source interface {
	Document(id string) (annotation.Document, error)
	Documents() ([]store.DocumentSummary, error)
	ThreadsAfter(docID, after string, limit int) ([]annotation.Thread, error)
	CountThreads(docID string) (threads, replies int, err error)
	SeekItem(docID string, offset int) (after string, skip, total int, err error)
}

// Options tune an export.
type Options struct {
	// BaseURL is the desk's public address, the base of every IRI in a
	// W3C export (annotations, documents, users, pages).
	BaseURL string
	// Now stamps the export; time.Now when nil.
	Now func() time.Time
	// Progress, when set, is told how many items have been written so far,
	// every few hundred items and at the end.
	Progress func(items int)
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now().UTC()
	}
	return o.Now().UTC()
}

func (o Options) iris() annotation.W3CIRIs {
	return annotation.W3CIRIs{Base: strings.TrimRight(o.BaseURL, "/")}
}

// chunk is how many threads one read transaction of an export takes.
const chunk = 256

// progressEvery is how often (in items) Progress is called.
const progressEvery = 500

// eachThread calls fn for every thread of a document in creation order,
// reading chunk threads per read transaction.
func eachThread(src Source, docID string, fn func(annotation.Thread) error) error {
	return eachThreadAfter(src, docID, "", fn)
}

// eachThreadAfter is eachThread starting after the thread with id after.
func eachThreadAfter(src Source, docID, after string, fn func(annotation.Thread) error) error {
	for {
		threads, err := src.ThreadsAfter(docID, after, chunk)
		if err != nil {
			return err
		}
		for _, th := range threads {
			if err := fn(th); err != nil {
				return err
			}
		}
		if len(threads) < chunk {
			return nil
		}
		after = threads[len(threads)-1].Annotation.ID
	}
}

// progress counts written items and reports them now and then.
type progress struct {
	fn    func(int)
	items int
}

func (p *progress) add(n int) {
	before := p.items
	p.items += n
	if p.fn != nil && p.items/progressEvery != before/progressEvery {
		p.fn(p.items)
	}
}

func (p *progress) done() {
	if p.fn != nil {
		p.fn(p.items)
	}
}

var unsafeFileChars = regexp.MustCompile(`[^a-z0-9]+`)

// FileName is a safe download name for a document's export: the title
// reduced to lowercase ASCII letters, digits and dashes (at most 60), then
// the format's suffix. A title with nothing usable gives "document".
func FileName(title, format string) string {
	slug := strings.Trim(unsafeFileChars.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if len(slug) > 60 {
		slug = strings.Trim(slug[:60], "-")
	}
	if slug == "" {
		slug = "document"
	}
	switch format {
	case FormatW3C:
		return slug + ".w3c.jsonld"
	default:
		return slug + ".galley.json"
	}
}

// Export formats.
const (
	FormatW3C    = "w3c"
	FormatNative = "native"
)

// ParseFormat checks an export format named by a client.
func ParseFormat(s string) (string, error) {
	switch s {
	case FormatW3C, FormatNative:
		return s, nil
	case "":
		return FormatW3C, nil
	}
	return "", fmt.Errorf("format %q is not one of w3c, native", s)
}
