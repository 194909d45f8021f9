package annotation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/):
// the JSON-LD forms Galley exports, a streaming writer for a collection of
// them, and a tolerant reader for what Galley, Hypothesis and Recogito
// export.

// W3CContext is the JSON-LD context of the Web Annotation vocabulary.
const W3CContext = "http://www.w3.org/ns/anno.jsonld"

// W3CMediaType is the media type of an export.
const W3CMediaType = `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`

// replying is the motivation of a reply, which Galley keeps as a Reply,
// not as an Annotation.
const replying Motivation = "replying"

// W3CAnnotation is one Web Annotation in JSON-LD.
type W3CAnnotation struct {
	Context    string     `json:"@context,omitempty"`
	ID         string     `json:"id"`
	Type       string     `json:"type"`
	Motivation Motivation `json:"motivation,omitempty"`
	Creator    *W3CAgent  `json:"creator,omitempty"`
	Created    string     `json:"created,omitempty"`
	Modified   string     `json:"modified,omitempty"`
	// Via is the IRI the annotation had where it came from (the protocol
	// shows it; exports leave it out, so that export, import, export is
	// lossless); Canonical the IRI its creator named as canonical.
	Via       string `json:"via,omitempty"`
	Canonical string `json:"canonical,omitempty"`
	// Body is nil, one W3CBody, or a []W3CBody when there are several.
	Body any `json:"body,omitempty"`
	// Target is a W3CTarget, or a string IRI for a reply.
	Target any `json:"target"`
}

// W3CAgent is the creator of an annotation.
type W3CAgent struct {
	ID   string `json:"id,omitempty"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// W3CBody is a TextualBody: a comment, a tag, a replacement or a reply.
type W3CBody struct {
	Type    string `json:"type"`
	Value   string `json:"value"`
	Format  string `json:"format"`
	Purpose string `json:"purpose"`
}

// W3CTarget is the passage an annotation is about: the document and its
// selectors.
type W3CTarget struct {
	Type     string        `json:"type"`
	Source   string        `json:"source"`
	Selector []W3CSelector `json:"selector"`
}

// W3CSelector is a TextQuoteSelector or a TextPositionSelector.
type W3CSelector struct {
	Type   string  `json:"type"`
	Exact  *string `json:"exact,omitempty"`
	Prefix *string `json:"prefix,omitempty"`
	Suffix *string `json:"suffix,omitempty"`
	Start  *int    `json:"start,omitempty"`
	End    *int    `json:"end,omitempty"`
}

// W3CPage is an AnnotationPage: one bounded run of a collection's items.
// PartOf is the collection's IRI, or an object describing it. The writers
// stream pages; this type is for reading them back whole.
type W3CPage struct {
	Context    string          `json:"@context,omitempty"`
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	PartOf     any             `json:"partOf"`
	StartIndex int             `json:"startIndex"`
	Prev       string          `json:"prev,omitempty"`
	Next       string          `json:"next,omitempty"`
	Items      []W3CAnnotation `json:"items"`
}

// W3CCollection is an AnnotationCollection: the header of an export, with
// its first page embedded. The writers stream collections; this type is for
// reading them back whole.
type W3CCollection struct {
	Context string   `json:"@context"`
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Label   string   `json:"label,omitempty"`
	Total   int      `json:"total"`
	First   *W3CPage `json:"first,omitempty"`
	Last    string   `json:"last,omitempty"`
}

// W3CReply is a reply in a thread, as the encoder needs it.
type W3CReply struct {
	ID       string
	Author   Author
	Comment  string
	Created  time.Time
	Modified time.Time
}

// W3CThread is what the encoder needs for one annotation: the annotation
// and its replies, oldest first.
type W3CThread struct {
	Annotation Annotation
	Replies    []W3CReply
}

// W3CIRIs builds the IRIs of an export from the server's public base URL,
// such as "https://galley.example.org".
type W3CIRIs struct {
	Base string
}

func (b W3CIRIs) iri(kind, id string) string {
	return strings.TrimRight(b.Base, "/") + "/" + kind + "/" + url.PathEscape(id)
}

// Item is the IRI of an annotation or a reply of a document: its
// container's IRI plus one path segment, the record's id, as the Web
// Annotation Protocol wants. It is where the item dereferences.
func (b W3CIRIs) Item(documentID, id string) string {
	return b.Collection(documentID) + url.PathEscape(id)
}

// Document is the IRI of a document, the source of every target.
func (b W3CIRIs) Document(id string) string { return b.iri("documents", id) }

// User is the IRI of a person.
func (b W3CIRIs) User(id string) string { return b.iri("users", id) }

// Collection is the IRI of a document's Annotation Container: an LDP
// Basic Container that is also an AnnotationCollection. It ends with "/"
// and has no query.
func (b W3CIRIs) Collection(documentID string) string {
	return b.Document(documentID) + "/annotations/"
}

// w3cTime formats a time as the model wants it: UTC, second precision, Z.
func w3cTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}

func (b W3CIRIs) agent(a Author) *W3CAgent {
	if a.ID == "" && a.Name == "" && a.IRI == "" {
		return nil
	}
	ag := &W3CAgent{Type: "Person", Name: a.Name}
	switch {
	case a.ID != "":
		ag.ID = b.User(a.ID)
	case a.IRI != "":
		ag.ID = a.IRI
	}
	return ag
}

// markdownBody is a TextualBody in Markdown with the given purpose.
func markdownBody(value, purpose string) W3CBody {
	return W3CBody{Type: "TextualBody", Value: value, Format: "text/markdown", Purpose: purpose}
}

func bodyValue(bodies []W3CBody) any {
	switch len(bodies) {
	case 0:
		return nil
	case 1:
		return bodies[0]
	}
	return bodies
}

// ToW3C is an annotation as a Web Annotation: its comment as a commenting
// TextualBody in Markdown, each tag as a tagging body, a suggestion's
// replacement as an editing body, and a target holding both selectors.
func (b W3CIRIs) ToW3C(a Annotation) W3CAnnotation {
	var bodies []W3CBody
	if a.Comment != "" {
		bodies = append(bodies, markdownBody(a.Comment, "commenting"))
	}
	for _, tag := range a.Tags {
		bodies = append(bodies, W3CBody{Type: "TextualBody", Value: tag, Format: "text/plain", Purpose: "tagging"})
	}
	if a.Motivation == Editing {
		bodies = append(bodies, W3CBody{Type: "TextualBody", Value: a.Replacement, Format: "text/plain", Purpose: "editing"})
	}
	exact, prefix, suffix := a.Exact, a.Prefix, a.Suffix
	start, end := a.Start, a.End
	return W3CAnnotation{
		ID:         b.Item(a.Document, a.ID),
		Type:       "Annotation",
		Motivation: a.Motivation,
		Creator:    b.agent(a.Author),
		Created:    w3cTime(a.Created),
		Modified:   w3cTime(a.Modified),
		Canonical:  a.Canonical,
		Body:       bodyValue(bodies),
		Target: W3CTarget{
			Type:   "SpecificResource",
			Source: b.Document(a.Document),
			Selector: []W3CSelector{
				{Type: "TextQuoteSelector", Exact: &exact, Prefix: &prefix, Suffix: &suffix},
				{Type: "TextPositionSelector", Start: &start, End: &end},
			},
		},
	}
}

// ReplyToW3C is a reply as a Web Annotation: motivation replying, its
// comment as a TextualBody, and the parent annotation's IRI as target.
func (b W3CIRIs) ReplyToW3C(r W3CReply, parent Annotation) W3CAnnotation {
	return W3CAnnotation{
		ID:         b.Item(parent.Document, r.ID),
		Type:       "Annotation",
		Motivation: replying,
		Creator:    b.agent(r.Author),
		Created:    w3cTime(r.Created),
		Modified:   w3cTime(r.Modified),
		Body:       markdownBody(r.Comment, "replying"),
		Target:     b.Item(parent.Document, parent.ID),
	}
}

// Items is a thread as the items of a collection: the annotation, then
// each of its replies.
func (b W3CIRIs) Items(t W3CThread) []W3CAnnotation {
	out := make([]W3CAnnotation, 0, 1+len(t.Replies))
	out = append(out, b.ToW3C(t.Annotation))
	for _, r := range t.Replies {
		out = append(out, b.ReplyToW3C(r, t.Annotation))
	}
	return out
}

// CollectionHeader describes an export before its items are written.
type CollectionHeader struct {
	// ID is the collection's IRI (see W3CIRIs.Collection); Label a title
	// for people.
	ID    string
	Label string
	// Total is the number of items in the collection: every annotation
	// and every reply. It is announced before the items, so the writers
	// check it. CountItems (-1) leaves it open: the collection writer then
	// puts every item on its first page and writes the total after them,
	// which suits an export read in bounded steps while others write.
	Total int
	// PageSize bounds the items of each page. Zero puts every item on the
	// first page, which suits a file export: the whole collection in one
	// document, still streamed item by item.
	PageSize int
}

// CountItems, as CollectionHeader.Total, has the collection writer count
// the items as they come.
const CountItems = -1

// Pages is how many pages the collection has (none when it is empty).
func (h CollectionHeader) Pages() int {
	switch {
	case h.Total <= 0:
		return 0
	case h.PageSize <= 0:
		return 1
	}
	return (h.Total + h.PageSize - 1) / h.PageSize
}

// PageID is the IRI of page n (from 0) of the collection.
func (h CollectionHeader) PageID(n int) string {
	sep := "?"
	if strings.Contains(h.ID, "?") {
		sep = "&"
	}
	return h.ID + sep + "page=" + strconv.Itoa(n)
}

// pageLen is how many items page n holds.
func (h CollectionHeader) pageLen(n int) int {
	if h.PageSize <= 0 {
		return h.Total
	}
	return max(0, min(h.PageSize, h.Total-n*h.PageSize))
}

// pageHead is the start of an AnnotationPage, before its items.
type pageHead struct {
	Context    string `json:"@context,omitempty"`
	ID         string `json:"id"`
	Type       string `json:"type"`
	PartOf     any    `json:"partOf"`
	StartIndex int    `json:"startIndex"`
	Prev       string `json:"prev,omitempty"`
	Next       string `json:"next,omitempty"`
}

func (h CollectionHeader) pageHead(n int) pageHead {
	p := pageHead{ID: h.PageID(n), Type: "AnnotationPage", PartOf: h.ID}
	if h.PageSize > 0 {
		p.StartIndex = n * h.PageSize
	}
	if n > 0 {
		p.Prev = h.PageID(n - 1)
	}
	if n+1 < h.Pages() {
		p.Next = h.PageID(n + 1)
	}
	return p
}

// itemWriter streams the items array of one page: each item is encoded
// (with encoding/json's HTML-safe escaping) and written at once.
type itemWriter struct {
	w       io.Writer
	iris    W3CIRIs
	want    int // items this page holds
	written int
	tail    string // written by Close after the items
	// finish, when set, makes the tail from the number of items written.
	finish func(written int) string
	buf    bytes.Buffer
	enc    *json.Encoder
	err    error
	closed bool
}

// writeOpen writes v as JSON without its closing brace, then more.
func (iw *itemWriter) writeOpen(v any, more string) error {
	iw.buf.Reset()
	if err := iw.enc.Encode(v); err != nil {
		return err
	}
	out := bytes.TrimRight(iw.buf.Bytes(), "\n")
	out = append(out[:len(out)-1], more...)
	_, err := iw.w.Write(out)
	return err
}

// WriteItem adds one item (an annotation or a reply) to the page.
func (iw *itemWriter) WriteItem(a W3CAnnotation) error {
	if iw.err != nil {
		return iw.err
	}
	if iw.closed {
		return errors.New("w3c: write after close")
	}
	if iw.want >= 0 && iw.written >= iw.want {
		iw.err = fmt.Errorf("w3c: more items than the %d announced for this page", iw.want)
		return iw.err
	}
	iw.buf.Reset()
	if iw.written > 0 {
		iw.buf.WriteByte(',')
	}
	if err := iw.enc.Encode(a); err != nil {
		iw.err = err
		return err
	}
	iw.buf.Truncate(iw.buf.Len() - 1) // the encoder's newline
	if _, err := iw.w.Write(iw.buf.Bytes()); err != nil {
		iw.err = err
		return err
	}
	iw.written++
	return nil
}

// Write adds a thread: the annotation, then each of its replies.
func (iw *itemWriter) Write(t W3CThread) error {
	for _, a := range iw.iris.Items(t) {
		if err := iw.WriteItem(a); err != nil {
			return err
		}
	}
	return nil
}

// Close ends the items and the document. It fails when fewer items were
// written than announced.
func (iw *itemWriter) Close() error {
	if iw.err != nil {
		return iw.err
	}
	if iw.closed {
		return nil
	}
	iw.closed = true
	if iw.want >= 0 && iw.written != iw.want {
		iw.err = fmt.Errorf("w3c: %d items written, %d announced", iw.written, iw.want)
		return iw.err
	}
	tail := iw.tail
	if iw.finish != nil {
		tail = iw.finish(iw.written)
	}
	_, err := io.WriteString(iw.w, tail)
	return err
}

// CollectionWriter streams an AnnotationCollection to an io.Writer: the
// header, then its first page embedded, item by item, without holding more
// than one item in memory. When the collection has more than one page, the
// first page links to the next by IRI (the W3C model wants next to be an
// IRI) and PageWriter serves the others. Call Write or WriteItem for the
// first page's items, in order, then Close.
type CollectionWriter struct{ itemWriter }

// NewCollectionWriter writes the collection's header and the start of its
// first page.
func NewCollectionWriter(w io.Writer, iris W3CIRIs, h CollectionHeader) (*CollectionWriter, error) {
	if h.Total < CountItems {
		return nil, errors.New("w3c: negative total")
	}
	if h.Total == CountItems {
		return newCountingCollectionWriter(w, iris, h)
	}
	cw := &CollectionWriter{itemWriter{w: w, iris: iris, want: h.pageLen(0)}}
	cw.enc = json.NewEncoder(&cw.buf)
	head := struct {
		Context string `json:"@context"`
		ID      string `json:"id"`
		Type    string `json:"type"`
		Label   string `json:"label,omitempty"`
		Total   int    `json:"total"`
		Last    string `json:"last,omitempty"`
	}{W3CContext, h.ID, "AnnotationCollection", h.Label, h.Total, ""}
	if h.Total == 0 {
		cw.tail = "}\n"
		return cw, cw.writeOpen(head, "")
	}
	head.Last = h.PageID(h.Pages() - 1)
	if err := cw.writeOpen(head, `,"first":`); err != nil {
		return nil, err
	}
	if err := cw.writeOpen(h.pageHead(0), `,"items":[`); err != nil {
		return nil, err
	}
	cw.tail = "]}}\n"
	return cw, nil
}

// newCountingCollectionWriter starts a collection whose items are counted
// as they are written: all on the first page, the total after them.
func newCountingCollectionWriter(w io.Writer, iris W3CIRIs, h CollectionHeader) (*CollectionWriter, error) {
	if h.PageSize > 0 {
		return nil, errors.New("w3c: a collection counted as it is written has one page")
	}
	cw := &CollectionWriter{itemWriter{w: w, iris: iris, want: -1}}
	cw.enc = json.NewEncoder(&cw.buf)
	head := struct {
		Context string `json:"@context"`
		ID      string `json:"id"`
		Type    string `json:"type"`
		Label   string `json:"label,omitempty"`
	}{W3CContext, h.ID, "AnnotationCollection", h.Label}
	if err := cw.writeOpen(head, `,"first":`); err != nil {
		return nil, err
	}
	if err := cw.writeOpen(h.pageHead(0), `,"items":[`); err != nil {
		return nil, err
	}
	last, err := json.Marshal(h.PageID(0))
	if err != nil {
		return nil, err
	}
	cw.finish = func(written int) string {
		return `]},"total":` + strconv.Itoa(written) + `,"last":` + string(last) + "}\n"
	}
	return cw, nil
}

// PageWriter streams page n of a collection as a document of its own, as
// served at CollectionHeader.PageID(n): the page's links (partOf, prev,
// next, startIndex), then its items.
type PageWriter struct{ itemWriter }

// NewPageWriter writes the start of page n (from 0) of the collection.
func NewPageWriter(w io.Writer, iris W3CIRIs, h CollectionHeader, n int) (*PageWriter, error) {
	if n < 0 || n >= max(1, h.Pages()) {
		return nil, fmt.Errorf("w3c: the collection has no page %d", n)
	}
	pw := &PageWriter{itemWriter{w: w, iris: iris, want: h.pageLen(n)}}
	pw.enc = json.NewEncoder(&pw.buf)
	head := h.pageHead(n)
	head.Context = W3CContext
	head.PartOf = struct {
		ID    string `json:"id"`
		Label string `json:"label,omitempty"`
		Total int    `json:"total"`
	}{h.ID, h.Label, h.Total}
	if err := pw.writeOpen(head, `,"items":[`); err != nil {
		return nil, err
	}
	pw.tail = "]}\n"
	return pw, nil
}

// W3CItem is one annotation read from a W3C export, reduced to what Galley
// can import. Strings are empty and pointers nil where the input had
// nothing.
type W3CItem struct {
	// Index counts the annotations of the input in document order, from 0.
	Index int
	// ID is the annotation's own IRI, kept as provenance ("via").
	ID          string
	Motivation  Motivation
	Creator     Author // ID holds the creator's IRI
	Created     time.Time
	Modified    time.Time
	Comment     string
	Tags        []string
	Replacement string
	// Source is the IRI of the target's document, when given.
	Source   string
	Position *TextPosition
	Quote    *TextQuote
	// ReplyTo is the IRI of the annotation a reply answers.
	ReplyTo string
	// Canonical is the annotation's canonical IRI, when given.
	Canonical string
}

// TextPosition is a TextPositionSelector: code point offsets, end
// exclusive.
type TextPosition struct {
	Start int
	End   int
}

// TextQuote is a TextQuoteSelector.
type TextQuote struct {
	Exact  string
	Prefix string
	Suffix string
}

// ItemError is an annotation of an import that could not be read. Index
// counts the annotations of the input in document order (as W3CItem.Index
// does); it is -1 for a problem with the document as a whole.
type ItemError struct {
	Index   int    `json:"index"`
	ID      string `json:"id,omitempty"`
	Message string `json:"message"`
}

func (e ItemError) Error() string {
	switch {
	case e.Index < 0:
		return e.Message
	case e.ID != "":
		return fmt.Sprintf("annotation %d (%s): %s", e.Index+1, e.ID, e.Message)
	}
	return fmt.Sprintf("annotation %d: %s", e.Index+1, e.Message)
}

// maxPages bounds how many embedded next pages DecodeW3C follows.
const maxPages = 1 << 20

// DecodeW3C reads a W3C export: one annotation, a JSON array of them, an
// AnnotationPage, or an AnnotationCollection with its first page and the
// next pages embedded. It is tolerant of the shapes Hypothesis and Recogito
// write: a target given as an array, a selector given alone or in an array
// beside selectors Galley ignores (RangeSelector, XPathSelector, ...), a
// body that is absent, an IRI, an object or an array, and bodyValue. Items
// that cannot be imported (no target, no usable selector, wrong types,
// negative positions) come back as ItemErrors and the rest are still read.
// It is ScanW3C over data, collecting what it passes on.
func DecodeW3C(data []byte) ([]W3CItem, []ItemError) {
	var items []W3CItem
	var errs []ItemError
	err := ScanW3C(bytes.NewReader(data),
		func(it W3CItem) error { items = append(items, it); return nil },
		func(e ItemError) { errs = append(errs, e) })
	if err != nil {
		return nil, []ItemError{{Index: -1, Message: err.Error()}}
	}
	return items, errs
}

// w3cDecoder turns decoded JSON values into items, passing each item and
// each problem on as it finds them.
type w3cDecoder struct {
	emit   func(W3CItem)
	report func(ItemError)
	n      int // annotations seen, read or not
	// allEmbedded is false once a page was given only by IRI, so that a
	// collection's total can no longer be checked.
	allEmbedded bool
	// pages counts the pages followed, up to maxPages.
	pages int
}

func (d *w3cDecoder) docError(format string, args ...any) {
	d.report(ItemError{Index: -1, Message: fmt.Sprintf(format, args...)})
}

// root reads a whole input already decoded into one value.
func (d *w3cDecoder) root(v any) {
	switch v := v.(type) {
	case []any:
		for _, el := range v {
			d.item(el)
		}
	case map[string]any:
		switch {
		case hasType(v, "AnnotationCollection"):
			d.collection(v)
		case hasType(v, "AnnotationPage"):
			d.page(v)
		default:
			d.item(v)
		}
	default:
		d.docError("the file holds %s, not an annotation, an array, a page or a collection", jsonKind(v))
	}
}

func (d *w3cDecoder) collection(c map[string]any) {
	want, checkTotal := d.collectionTotal(c)
	d.allEmbedded = true
	d.first(c["first"])
	if checkTotal {
		d.checkTotal(want)
	}
}

// collectionTotal reads a collection's total, if it has one.
func (d *w3cDecoder) collectionTotal(c map[string]any) (int, bool) {
	t, ok := c["total"]
	if !ok {
		return 0, false
	}
	n, ok := nonNegativeInt(t)
	if !ok {
		d.docError("the collection's total %s is not a non-negative integer", describe(t))
	}
	return n, ok
}

// checkTotal compares a collection's total with the annotations read, when
// every page was embedded.
func (d *w3cDecoder) checkTotal(want int) {
	if got := d.n; got != want && d.allEmbedded {
		d.docError("the collection announces %d annotations but holds %d", want, got)
	}
}

// first reads a collection's first page, given whole.
func (d *w3cDecoder) first(v any) {
	switch first := v.(type) {
	case nil:
	case map[string]any:
		d.page(first)
	default:
		d.notFirstPage(first)
	}
}

// notFirstPage reports a first page that is not an embedded page.
func (d *w3cDecoder) notFirstPage(v any) {
	if s, ok := v.(string); ok {
		d.allEmbedded = false
		d.docError("the first page (%s) is given only as an IRI; its annotations were not read", s)
		return
	}
	d.docError("the collection's first page is %s, not a page", jsonKind(v))
}

func (d *w3cDecoder) page(p map[string]any) {
	for ; p != nil && d.pages < maxPages; d.pages++ {
		d.pageItems(p["items"])
		next := p["next"]
		p = nil
		switch nx := next.(type) {
		case nil:
		case map[string]any:
			p = nx
		default:
			d.notNextPage(nx)
		}
	}
}

// pageItems reads a page's items, given whole.
func (d *w3cDecoder) pageItems(v any) {
	switch items := v.(type) {
	case nil:
	case []any:
		for _, el := range items {
			d.item(el)
		}
	default:
		d.docError("a page's items are %s, not an array", jsonKind(items))
	}
}

// notNextPage reports a next page that is not an embedded page.
func (d *w3cDecoder) notNextPage(v any) {
	if s, ok := v.(string); ok {
		d.allEmbedded = false
		d.docError("the next page (%s) is given only as an IRI; its annotations were not read", s)
		return
	}
	d.docError("a page's next is %s, not a page", jsonKind(v))
}

// item reads one annotation of the input.
func (d *w3cDecoder) item(v any) {
	index := d.n
	d.n++
	it, err := decodeItem(v)
	if err != nil {
		e := ItemError{Index: index, Message: err.Error()}
		if obj, ok := v.(map[string]any); ok {
			e.ID, _ = obj["id"].(string)
		}
		d.report(e)
		return
	}
	it.Index = index
	d.emit(it)
}

// iriPattern is an absolute IRI: a scheme, a colon, then no white space.
var iriPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$`)

func isIRI(s string) bool { return iriPattern.MatchString(s) }

func decodeItem(v any) (W3CItem, error) {
	var it W3CItem
	a, ok := v.(map[string]any)
	if !ok {
		if s, isString := v.(string); isString {
			return it, fmt.Errorf("given only as an IRI (%s), so there is nothing to read", s)
		}
		return it, fmt.Errorf("is %s, not an annotation object", jsonKind(v))
	}
	if t, ok := a["type"]; ok && !hasType(a, "Annotation") {
		return it, fmt.Errorf("type is %s, not \"Annotation\"", describe(t))
	}
	if id, ok := a["id"]; ok {
		s, isString := id.(string)
		if !isString {
			return it, fmt.Errorf("id is %s, not an IRI", describe(id))
		}
		it.ID = s
	}
	if c, ok := a["canonical"]; ok {
		s, isString := c.(string)
		if !isString || !isIRI(s) {
			return it, fmt.Errorf("canonical is %s, not an IRI", describe(c))
		}
		it.Canonical = s
	}
	var err error
	if it.Motivation, err = decodeMotivation(a["motivation"]); err != nil {
		return it, err
	}
	if c, ok := a["creator"]; ok {
		if it.Creator, err = decodeCreator(c); err != nil {
			return it, err
		}
	}
	if it.Created, err = decodeTime(a, "created"); err != nil {
		return it, err
	}
	if it.Modified, err = decodeTime(a, "modified"); err != nil {
		return it, err
	}
	_, hasBody := a["body"]
	if bv, ok := a["bodyValue"]; ok {
		if hasBody {
			return it, errors.New("has both body and bodyValue; the model allows one")
		}
		s, isString := bv.(string)
		if !isString {
			return it, fmt.Errorf("bodyValue is %s, not a string", describe(bv))
		}
		it.Comment = s
	}
	if hasBody {
		if err := decodeBodies(a["body"], &it); err != nil {
			return it, err
		}
	}
	target, ok := a["target"]
	if !ok || target == nil {
		return it, errors.New("has no target")
	}
	if it.Motivation == replying {
		iri, err := replyTarget(target)
		if err != nil {
			return it, err
		}
		it.ReplyTo = iri
		return it, nil
	}
	if err := decodeTargets(target, &it); err != nil {
		return it, err
	}
	if it.Motivation == "" {
		switch {
		case it.Replacement != "":
			it.Motivation = Editing
		case it.Comment != "":
			it.Motivation = Commenting
		case len(it.Tags) > 0:
			it.Motivation = Tagging
		default:
			it.Motivation = Highlighting
		}
	}
	return it, nil
}

// decodeMotivation takes the motivation, or the first of several.
func decodeMotivation(v any) (Motivation, error) {
	switch m := v.(type) {
	case nil:
		return "", nil
	case string:
		return Motivation(strings.TrimPrefix(m, "oa:")), nil
	case []any:
		for _, el := range m {
			if s, ok := el.(string); ok {
				return Motivation(strings.TrimPrefix(s, "oa:")), nil
			}
		}
	}
	return "", fmt.Errorf("motivation is %s, not a string", describe(v))
}

// decodeCreator reads a creator given as an IRI, an agent object, or an
// array of them (the first counts).
func decodeCreator(v any) (Author, error) {
	switch c := v.(type) {
	case string:
		return Author{ID: c}, nil
	case map[string]any:
		var a Author
		a.ID, _ = c["id"].(string)
		a.Name, _ = c["name"].(string)
		if a.Name == "" {
			a.Name, _ = c["nickname"].(string)
		}
		return a, nil
	case []any:
		if len(c) > 0 {
			return decodeCreator(c[0])
		}
		return Author{}, nil
	}
	return Author{}, fmt.Errorf("creator is %s, not an agent", describe(v))
}

// decodeTime reads an RFC 3339 date-time, keeping it in UTC.
func decodeTime(a map[string]any, key string) (time.Time, error) {
	v, ok := a[key]
	if !ok {
		return time.Time{}, nil
	}
	s, isString := v.(string)
	if !isString {
		return time.Time{}, fmt.Errorf("%s is %s, not a date-time", key, describe(v))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 date-time like 2024-05-14T09:25:40Z", key, s)
	}
	return t.UTC(), nil
}

// decodeBodies reads the bodies: TextualBodies give the comment (purpose
// commenting, replying, describing, or none), the tags (tagging) and the
// replacement (editing). Bodies given by IRI or of other types are skipped.
func decodeBodies(v any, it *W3CItem) error {
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	var comments []string
	for _, el := range list {
		b, ok := el.(map[string]any)
		if !ok {
			if _, isString := el.(string); isString {
				continue // an external body: nothing Galley can keep
			}
			return fmt.Errorf("a body is %s, not an object or an IRI", describe(el))
		}
		value, hasValue := b["value"]
		if !hasType(b, "TextualBody") && !(b["type"] == nil && hasValue) {
			continue
		}
		s, isString := value.(string)
		if !isString {
			return fmt.Errorf("a TextualBody's value is %s, not one string", describe(value))
		}
		purpose, err := decodeMotivation(b["purpose"])
		if err != nil {
			return fmt.Errorf("a body's purpose is %s, not a string", describe(b["purpose"]))
		}
		switch purpose {
		case Tagging:
			if t := strings.TrimSpace(s); t != "" {
				it.Tags = append(it.Tags, t)
			}
		case Editing:
			it.Replacement = s
		case "", Commenting, replying, "describing":
			if s != "" {
				comments = append(comments, s)
			}
		}
	}
	if len(comments) > 0 {
		if it.Comment != "" {
			comments = append([]string{it.Comment}, comments...)
		}
		it.Comment = strings.Join(comments, "\n\n")
	}
	return nil
}

// replyTarget is the IRI a reply answers: the target itself, or the id or
// source of a target object, or the first of an array.
func replyTarget(v any) (string, error) {
	var iri string
	switch t := v.(type) {
	case string:
		iri = t
	case map[string]any:
		if s, ok := t["source"].(string); ok {
			iri = s
		} else if s, ok := t["id"].(string); ok {
			iri = s
		}
	case []any:
		if len(t) > 0 {
			return replyTarget(t[0])
		}
	}
	if !isIRI(iri) {
		return "", fmt.Errorf("a reply's target %s is not the IRI of an annotation", describe(v))
	}
	return iri, nil
}

// decodeTargets reads the first target that carries a text selector.
func decodeTargets(v any, it *W3CItem) error {
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	if len(list) == 0 {
		return errors.New("has an empty target")
	}
	var firstErr error
	for _, el := range list {
		err := decodeTarget(el, it)
		if err == nil {
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func decodeTarget(v any, it *W3CItem) error {
	switch t := v.(type) {
	case string:
		if !isIRI(t) {
			return fmt.Errorf("target %q is not an IRI", t)
		}
		it.Source = t
		return errors.New("has no selector: its target is a whole resource, not a passage of text")
	case map[string]any:
		switch src := t["source"].(type) {
		case string:
			it.Source = src
		case map[string]any:
			it.Source, _ = src["id"].(string)
		}
		sel, ok := t["selector"]
		if !ok || sel == nil {
			return errors.New("has no selector: its target is a whole resource, not a passage of text")
		}
		return decodeSelectors(sel, it)
	}
	return fmt.Errorf("target is %s, not an object or an IRI", describe(v))
}

// decodeSelectors keeps the TextQuoteSelector and TextPositionSelector and
// skips the others (RangeSelector, XPathSelector, CssSelector, ...).
func decodeSelectors(v any, it *W3CItem) error {
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	for _, el := range list {
		s, ok := el.(map[string]any)
		if !ok {
			return fmt.Errorf("a selector is %s, not an object", describe(el))
		}
		switch {
		case hasType(s, "TextQuoteSelector"):
			q, err := decodeQuote(s)
			if err != nil {
				return err
			}
			it.Quote = q
		case hasType(s, "TextPositionSelector"):
			p, err := decodePosition(s)
			if err != nil {
				return err
			}
			it.Position = p
		}
	}
	if it.Quote == nil && it.Position == nil {
		return errors.New("has no TextQuoteSelector or TextPositionSelector")
	}
	return nil
}

func decodeQuote(s map[string]any) (*TextQuote, error) {
	var q TextQuote
	for key, dst := range map[string]*string{"exact": &q.Exact, "prefix": &q.Prefix, "suffix": &q.Suffix} {
		v, ok := s[key]
		if !ok {
			continue
		}
		str, isString := v.(string)
		if !isString {
			return nil, fmt.Errorf("the TextQuoteSelector's %s is %s, not a string", key, describe(v))
		}
		*dst = str
	}
	if q.Exact == "" {
		return nil, errors.New("the TextQuoteSelector has no exact text")
	}
	return &q, nil
}

func decodePosition(s map[string]any) (*TextPosition, error) {
	start, ok := nonNegativeInt(s["start"])
	if !ok {
		return nil, fmt.Errorf("the TextPositionSelector's start %s is not a non-negative integer", describe(s["start"]))
	}
	end, ok := nonNegativeInt(s["end"])
	if !ok {
		return nil, fmt.Errorf("the TextPositionSelector's end %s is not a non-negative integer", describe(s["end"]))
	}
	if end < start {
		return nil, fmt.Errorf("the TextPositionSelector ends (%d) before it starts (%d)", end, start)
	}
	return &TextPosition{Start: start, End: end}, nil
}

// nonNegativeInt reads a JSON number that is a whole, non-negative int.
func nonNegativeInt(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(string(n), 10, 0)
	if err != nil || i < 0 {
		return 0, false
	}
	return int(i), true
}

// hasType reports whether the object's type (a string or an array of
// strings, with or without the "oa:" prefix) includes want.
func hasType(o map[string]any, want string) bool {
	match := func(v any) bool {
		s, ok := v.(string)
		return ok && strings.TrimPrefix(s, "oa:") == want
	}
	switch t := o["type"].(type) {
	case []any:
		for _, el := range t {
			if match(el) {
				return true
			}
		}
		return false
	default:
		return match(t)
	}
}

// jsonKind names the kind of a JSON value for a message.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "something else"
}

// describe shows a JSON value briefly for a message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "missing"
	case string:
		return strconv.Quote(shorten(x))
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return jsonKind(v)
}
