package exchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"galley/annotation"
)

// This file holds the rules of the W3C Web Annotation Protocol that are not
// HTTP: the Prefer header, the container and page representations, and
// reading a posted annotation. Each document is an Annotation Container
// (an LDP Basic Container that is also an AnnotationCollection) at
// W3CIRIs.Collection; its annotations and replies are at W3CIRIs.Item.

// Protocol IRIs the headers and representations name.
const (
	LDPResource          = "http://www.w3.org/ns/ldp#Resource"
	LDPBasicContainer    = "http://www.w3.org/ns/ldp#BasicContainer"
	LDPConstrainedBy     = "http://www.w3.org/ns/ldp#constrainedBy"
	OAAnnotation         = "http://www.w3.org/ns/oa#Annotation"
	ProtocolSpec         = "http://www.w3.org/TR/annotation-protocol/"
	PreferMinimalIRI     = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
	PreferIRIsIRI        = "http://www.w3.org/ns/oa#PreferContainedIRIs"
	PreferDescriptionIRI = "http://www.w3.org/ns/oa#PreferContainedDescriptions"
	ldpContext           = "http://www.w3.org/ns/ldp.jsonld"
)

// Preference is how much of a container a client asked for.
type Preference int

// The three preferences of the protocol. PreferDescriptions is the default
// when a client states none: pages hold whole annotations.
const (
	PreferDescriptions Preference = iota
	PreferIRIs
	PreferMinimal
)

// ParsePrefer reads the Prefer header values of a request to a container:
// return=representation with include="..." naming PreferMinimalContainer,
// PreferContainedIRIs or PreferContainedDescriptions. applied is true when
// a preference was recognized and honoured (the server then answers with
// Preference-Applied). Anything else, including the forbidden pair of IRIs
// and descriptions, falls back on the default, PreferDescriptions.
func ParsePrefer(values []string) (p Preference, applied bool) {
	var minimal, iris, descriptions bool
	for _, v := range values {
		for _, pref := range strings.Split(v, ",") {
			parts := strings.Split(pref, ";")
			if strings.TrimSpace(strings.ToLower(parts[0])) != "return=representation" {
				continue
			}
			for _, param := range parts[1:] {
				k, val, ok := strings.Cut(strings.TrimSpace(param), "=")
				if !ok || strings.ToLower(strings.TrimSpace(k)) != "include" {
					continue
				}
				for _, iri := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					switch iri {
					case PreferMinimalIRI:
						minimal = true
					case PreferIRIsIRI:
						iris = true
					case PreferDescriptionIRI:
						descriptions = true
					}
				}
			}
		}
	}
	switch {
	case minimal:
		return PreferMinimal, true
	case iris && descriptions:
		return PreferDescriptions, false
	case iris:
		return PreferIRIs, true
	case descriptions:
		return PreferDescriptions, true
	}
	return PreferDescriptions, false
}

// Container describes a document's Annotation Container before it is
// written: what the store knows about it, and how it is paged.
type Container struct {
	Document annotation.Document
	IRIs     annotation.W3CIRIs
	// Total is the number of items: annotations and replies.
	Total int
	// Modified is the time of the last change to the container's items
	// (zero when none is known).
	Modified time.Time
	// PageSize is how many items a page holds; PageSize (of exports) when
	// zero.
	PageSize int
}

func (c Container) id() string { return c.IRIs.Collection(c.Document.ID) }

func (c Container) pageSize() int {
	if c.PageSize <= 0 {
		return PageSize
	}
	return c.PageSize
}

// Pages is the number of pages (none when the container is empty).
func (c Container) Pages() int { return (c.Total + c.pageSize() - 1) / c.pageSize() }

// Location is the IRI of the representation served for a preference:
// the container with iris=0 or iris=1, or minimal=1.
func (c Container) Location(p Preference) string {
	switch p {
	case PreferMinimal:
		return c.id() + "?minimal=1"
	case PreferIRIs:
		return c.id() + "?iris=1"
	}
	return c.id() + "?iris=0"
}

// PageIRI is the IRI of page n (from 0): iris=1 pages hold annotation IRIs
// only, iris=0 pages whole annotations.
func (c Container) PageIRI(n int, iris bool) string {
	flag := "0"
	if iris {
		flag = "1"
	}
	return c.id() + "?page=" + strconv.Itoa(n) + "&iris=" + flag
}

// Label is the container's title for people.
func (c Container) Label() string {
	return fmt.Sprintf("Annotations on %q", c.Document.Title)
}

// partOf is the collection as a page names it.
type partOf struct {
	ID       string `json:"id"`
	Label    string `json:"label,omitempty"`
	Total    int    `json:"total"`
	Modified string `json:"modified,omitempty"`
}

// containerPage is an AnnotationPage of a container.
type containerPage struct {
	Context    any     `json:"@context,omitempty"`
	ID         string  `json:"id"`
	Type       string  `json:"type"`
	PartOf     *partOf `json:"partOf"`
	StartIndex int     `json:"startIndex"`
	Prev       string  `json:"prev,omitempty"`
	Next       string  `json:"next,omitempty"`
	Items      []any   `json:"items"`
}

// containerDoc is the container's own representation.
type containerDoc struct {
	Context  any      `json:"@context"`
	ID       string   `json:"id"`
	Type     []string `json:"type"`
	Label    string   `json:"label"`
	Total    int      `json:"total"`
	Modified string   `json:"modified,omitempty"`
	First    any      `json:"first,omitempty"`
	Last     string   `json:"last,omitempty"`
}

// containerContext is the JSON-LD context of a container: the Web
// Annotation vocabulary and LDP's.
var containerContext = []string{annotation.W3CContext, ldpContext}

func (c Container) modified() string {
	if c.Modified.IsZero() {
		return ""
	}
	return c.Modified.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}

func (c Container) page(n int, iris bool, items []annotation.W3CAnnotation) containerPage {
	p := containerPage{
		ID: c.PageIRI(n, iris), Type: "AnnotationPage",
		PartOf:     &partOf{ID: c.id(), Label: c.Label(), Total: c.Total, Modified: c.modified()},
		StartIndex: n * c.pageSize(),
		Items:      make([]any, len(items)),
	}
	if n > 0 {
		p.Prev = c.PageIRI(n-1, iris)
	}
	if n+1 < c.Pages() {
		p.Next = c.PageIRI(n+1, iris)
	}
	for i, it := range items {
		if iris {
			p.Items[i] = it.ID
		} else {
			p.Items[i] = it
		}
	}
	return p
}

// ContainerJSON is the container's representation for a preference; first
// holds the items of its first page (ignored when minimal). A container
// that is not empty embeds its first page, or links it when minimal; last
// names the last page.
func (c Container) ContainerJSON(p Preference, first []annotation.W3CAnnotation) ([]byte, error) {
	doc := containerDoc{
		Context: containerContext, ID: c.id(),
		Type:  []string{"BasicContainer", "AnnotationCollection"},
		Label: c.Label(), Total: c.Total, Modified: c.modified(),
	}
	if c.Total > 0 {
		iris := p == PreferIRIs
		doc.Last = c.PageIRI(c.Pages()-1, iris)
		if p == PreferMinimal {
			doc.First = c.PageIRI(0, false)
		} else {
			doc.First = c.page(0, iris, first)
		}
	}
	return json.Marshal(doc)
}

// PageJSON is page n of the container as a document of its own.
func (c Container) PageJSON(n int, iris bool, items []annotation.W3CAnnotation) ([]byte, error) {
	if n < 0 || n >= c.Pages() {
		return nil, ErrNoPage
	}
	p := c.page(n, iris, items)
	p.Context = annotation.W3CContext
	return json.Marshal(p)
}

// ContainerItems reads the items of page n of a document's container, in
// the order of the export (each annotation, then its replies), and the
// number of items in all. Items made or deleted meanwhile never break the
// page: the total is adjusted to what was read.
func ContainerItems(src Source, docID string, n, size int, iris annotation.W3CIRIs) ([]annotation.W3CAnnotation, int, error) {
	if size <= 0 {
		size = PageSize
	}
	return pageItems(src, docID, n*size, size, iris, true)
}

// pageItems reads up to size items from offset, and the total; via says
// whether annotations show the IRI they were imported from. Both the paged
// export and the containers read their pages with it.
func pageItems(src Source, docID string, offset, size int, iris annotation.W3CIRIs, via bool) ([]annotation.W3CAnnotation, int, error) {
	after, skip, total, err := src.SeekItem(docID, offset)
	if err != nil {
		return nil, 0, err
	}
	if offset > 0 && offset >= total {
		return nil, total, nil
	}
	items := make([]annotation.W3CAnnotation, 0, min(size, total))
	stop := errors.New("page full")
	err = eachThreadAfter(src, docID, after, func(th annotation.Thread) error {
		for i, it := range iris.Items(w3cThread(th)) {
			switch {
			case !via:
			case i == 0:
				it.Via = th.Annotation.Via
			default:
				it.Via = th.Replies[i-1].Via
			}
			if skip > 0 {
				skip--
				continue
			}
			if len(items) == size {
				return stop
			}
			items = append(items, it)
		}
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return nil, 0, err
	}
	if len(items) < size {
		total = offset + len(items)
	} else {
		total = max(total, offset+len(items))
	}
	return items, total, nil
}

// ErrNotProtocol is a posted body the protocol cannot take: not one W3C
// annotation, or one that targets something other than the container's
// document or one of its annotations.
var ErrNotProtocol = errors.New("exchange: not an annotation for this container")

// Posted is a W3C annotation sent to a container (POST) or to one of its
// items (PUT), read and anchored on the document.
type Posted struct {
	// Annotation is the anchored annotation, when the item is not a reply.
	// Its author, id and times are left for the caller to set; Via holds
	// the id the client gave, Canonical its canonical IRI.
	Annotation annotation.Annotation
	// Reply is true when the item replies (motivation replying, or a
	// target that is an item of the container); ReplyTo is then the id
	// (not the IRI) of the item it answers, and Comment its text.
	Reply   bool
	ReplyTo string
	Comment string
	// ID is the IRI the client gave as id, if any.
	ID string
}

// ReadPosted reads one W3C annotation posted to a document's container. Its
// target must be the document (the source the W3C export names) with a
// TextQuoteSelector and optionally a TextPositionSelector, anchored as
// imports are (a passage found nowhere is kept as an orphan, with what the
// client said); or, for a reply, an item of this container. Errors wrap
// ErrNotProtocol, or are annotation.InvalidError for a rule of the domain.
func ReadPosted(doc annotation.Document, data []byte, iris annotation.W3CIRIs, now time.Time) (Posted, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return Posted{}, fmt.Errorf("%w: the body is not JSON", ErrNotProtocol)
	}
	if _, ok := v.(map[string]any); !ok {
		return Posted{}, fmt.Errorf("%w: send one annotation, as a JSON object", ErrNotProtocol)
	}
	items, errs := annotation.DecodeW3C(data)
	if len(errs) > 0 {
		return Posted{}, fmt.Errorf("%w: %s", ErrNotProtocol, errs[0].Message)
	}
	if len(items) != 1 {
		return Posted{}, fmt.Errorf("%w: send one annotation", ErrNotProtocol)
	}
	it := items[0]
	out := Posted{ID: it.ID}
	container := iris.Collection(doc.ID)
	if it.ReplyTo != "" || it.Motivation == "replying" {
		id, ok := strings.CutPrefix(it.ReplyTo, container)
		if !ok || id == "" || strings.ContainsAny(id, "/?#") {
			return Posted{}, fmt.Errorf("%w: a reply's target must be the IRI of an annotation in %s", ErrNotProtocol, container)
		}
		if strings.TrimSpace(it.Comment) == "" {
			return Posted{}, annotation.Invalid("a reply needs some text")
		}
		out.Reply, out.ReplyTo, out.Comment = true, id, it.Comment
		return out, nil
	}
	if it.Source != iris.Document(doc.ID) {
		return Posted{}, fmt.Errorf("%w: the target's source must be %s, the document's IRI", ErrNotProtocol, iris.Document(doc.ID))
	}
	if it.Quote == nil || it.Quote.Exact == "" {
		return Posted{}, fmt.Errorf("%w: the target needs a TextQuoteSelector with the exact passage", ErrNotProtocol)
	}
	plan := annotation.PlanImport(doc, items, now)
	if len(plan.Errors) > 0 {
		return Posted{}, annotation.Invalid(plan.Errors[0].Message)
	}
	if len(plan.Threads) != 1 {
		return Posted{}, fmt.Errorf("%w: send one annotation", ErrNotProtocol)
	}
	a := plan.Threads[0].Annotation
	a.Canonical = it.Canonical
	out.Annotation = a
	return out, nil
}
