package exchange

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"time"

	"galley/annotation"
)

// The native format: "the annotated article", described by the JSON Schema
// in static/native-export.schema.json.
const (
	NativeFormat    = "galley.annotated-article"
	NativeAllFormat = "galley.annotated-articles"
	NativeVersion   = 1
	// SchemaPath is where the desk serves the native format's JSON Schema.
	SchemaPath = "/static/native-export.schema.json"
)

// Offsets states the unit of every start and end in a native export.
type Offsets struct {
	Unit string `json:"unit"`
	End  string `json:"end"`
}

var nativeOffsets = Offsets{Unit: "unicode code points", End: "exclusive"}

// NativeDocument is a document in a native export: metadata, the text at
// its current revision and the blocks laid over it.
type NativeDocument struct {
	ID       string               `json:"id"`
	Title    string               `json:"title"`
	Byline   string               `json:"byline"`
	Dateline string               `json:"dateline"`
	Source   string               `json:"source,omitempty"`
	Status   annotation.DocStatus `json:"status"`
	Revision int                  `json:"revision"`
	Text     string               `json:"text"`
	Blocks   []annotation.Block   `json:"blocks"`
	Created  time.Time            `json:"created"`
	Modified time.Time            `json:"modified"`
}

// NativeThread is an annotation in a native export with its whole thread.
type NativeThread struct {
	annotation.Annotation
	Replies []annotation.Reply `json:"replies"`
}

// NativeArticle is a native export of one document, as read back.
type NativeArticle struct {
	Format      string         `json:"format"`
	Version     int            `json:"version"`
	Offsets     Offsets        `json:"offsets"`
	Exported    time.Time      `json:"exported"`
	Document    NativeDocument `json:"document"`
	Annotations []NativeThread `json:"annotations"`
	Total       int            `json:"total"`
}

func nativeDocument(d annotation.Document) NativeDocument {
	blocks := d.Blocks
	if blocks == nil {
		blocks = []annotation.Block{}
	}
	return NativeDocument{
		ID: d.ID, Title: d.Title, Byline: d.Byline, Dateline: d.Dateline, Source: d.Source,
		Status: d.Status, Revision: d.Revision, Text: d.Text, Blocks: blocks,
		Created: d.Created.UTC(), Modified: d.Modified.UTC(),
	}
}

func nativeThread(th annotation.Thread) NativeThread {
	a := th.Annotation
	if a.Tags == nil {
		a.Tags = []string{}
	}
	replies := th.Replies
	if replies == nil {
		replies = []annotation.Reply{}
	}
	return NativeThread{Annotation: a, Replies: replies}
}

// jsonWriter writes JSON values and raw punctuation to a buffered writer,
// keeping the first error. Values are escaped HTML-safe (< as \u003c), so
// an export opened in a browser runs nothing.
type jsonWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func newJSONWriter(w io.Writer) *jsonWriter {
	jw := &jsonWriter{w: bufio.NewWriterSize(w, 32<<10)}
	jw.enc = json.NewEncoder(&jw.buf)
	return jw
}

func (jw *jsonWriter) raw(s string) {
	if jw.err == nil {
		_, jw.err = jw.w.WriteString(s)
	}
}

func (jw *jsonWriter) value(v any) {
	if jw.err != nil {
		return
	}
	jw.buf.Reset()
	if jw.err = jw.enc.Encode(v); jw.err != nil {
		return
	}
	_, jw.err = jw.w.Write(bytes.TrimRight(jw.buf.Bytes(), "\n"))
}

// field writes "name":value, with a comma before it unless first.
func (jw *jsonWriter) field(name string, v any, first bool) {
	if !first {
		jw.raw(",")
	}
	jw.value(name)
	jw.raw(":")
	jw.value(v)
}

func (jw *jsonWriter) flush() error {
	if jw.err == nil {
		jw.err = jw.w.Flush()
	}
	return jw.err
}

// writeArticle writes one annotated article's fields (document,
// annotations, total), streaming the annotations; first says whether they
// open their object.
func (jw *jsonWriter) writeArticle(src Source, doc annotation.Document, p *progress, first bool) error {
	jw.field("document", nativeDocument(doc), first)
	jw.raw(`,"annotations":[`)
	n := 0
	err := eachThread(src, doc.ID, func(th annotation.Thread) error {
		if n > 0 {
			jw.raw(",")
		}
		jw.value(nativeThread(th))
		n++
		p.add(1 + len(th.Replies))
		return jw.err
	})
	if err != nil {
		return err
	}
	jw.raw("]")
	jw.field("total", n, false)
	return jw.err
}

// writeHead writes the fields every native export starts with.
func (jw *jsonWriter) writeHead(o Options, format string) {
	jw.raw("{")
	jw.field("$schema", o.iris().Base+SchemaPath, true)
	jw.field("format", format, false)
	jw.field("version", NativeVersion, false)
	jw.field("offsets", nativeOffsets, false)
	jw.field("exported", o.now().Truncate(time.Second), false)
}

// Native writes a document as an annotated article: its metadata, text and
// blocks, then every annotation in creation order with its offsets, quote,
// tags, status, anchor state, author and whole thread, then the number of
// annotations. It returns the number of items (annotations and replies).
func Native(w io.Writer, src Source, docID string, o Options) (int, error) {
	doc, err := src.Document(docID)
	if err != nil {
		return 0, err
	}
	jw := newJSONWriter(w)
	p := progress{fn: o.Progress}
	jw.writeHead(o, NativeFormat)
	if err := jw.writeArticle(src, doc, &p, false); err != nil {
		return p.items, err
	}
	jw.raw("}\n")
	p.done()
	return p.items, jw.flush()
}

// NativeAll writes every document as an annotated article, in one file.
func NativeAll(w io.Writer, src Source, o Options) (int, error) {
	docs, err := src.Documents()
	if err != nil {
		return 0, err
	}
	jw := newJSONWriter(w)
	p := progress{fn: o.Progress}
	jw.writeHead(o, NativeAllFormat)
	jw.raw(`,"documents":[`)
	for i, d := range docs {
		doc, err := src.Document(d.Document.ID)
		if err != nil {
			return p.items, err
		}
		if i > 0 {
			jw.raw(",")
		}
		jw.raw("{")
		if err := jw.writeArticle(src, doc, &p, true); err != nil {
			return p.items, err
		}
		jw.raw("}")
	}
	jw.raw("]")
	jw.field("total", len(docs), false)
	jw.raw("}\n")
	p.done()
	return p.items, jw.flush()
}
