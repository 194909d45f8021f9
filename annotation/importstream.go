package annotation

import (
	"errors"
	"time"
)

// StreamPlan plans an import that is read more than once instead of being
// held: a first pass gives every item to Check, which checks it and
// anchors it on the document (as PlanImport does) but keeps only a few
// words per item; Finish then joins replies to their threads; a second
// pass over the same input gives every item to Build, which makes it again
// for the store from what Check kept, without searching the text again.
// Nothing is stored in the first pass, so an input that turns out to be
// malformed halfway stores nothing.
type StreamPlan struct {
	doc  Document
	text Text
	now  time.Time
	// items holds what Check kept, by W3CItem.Index.
	items []checkedItem
	// annotations counts the annotations Check accepted; firstOrdinal
	// maps the IRI of each to the ordinal of the first with that IRI.
	annotations  int
	firstOrdinal map[string]int
	// links are the replies read, in input order, and joined their
	// threads in Finish: a reply's IRI to the IRI of the annotation
	// whose thread it joins.
	links  []replyLink
	joined map[string]string
	// Errors are the items Check refused, each with its reason.
	Errors []ItemError
	// Exact, Fuzzy and Orphaned count how the annotations were anchored.
	Exact, Fuzzy, Orphaned int
}

type itemKind uint8

const (
	refused itemKind = iota
	checkedAnnotation
	checkedReply
)

// checkedItem is what Check keeps of an item.
type checkedItem struct {
	kind       itemKind
	ordinal    int // an annotation's place among the annotations
	start, end int
	anchor     Anchor
}

type replyLink struct{ id, replyTo string }

// ErrInputChanged is returned by Build when the second pass does not read
// what the first read.
var ErrInputChanged = errors.New("the import changed while it was read; import it again")

// NewStreamPlan starts planning an import onto doc's current text; now
// stamps items that carry no time.
func NewStreamPlan(doc Document, now time.Time) *StreamPlan {
	return &StreamPlan{doc: doc, text: NewText(doc.Text), now: now,
		firstOrdinal: map[string]int{}, joined: map[string]string{}}
}

// isReply reports whether an item is a reply rather than an annotation.
func isReply(it W3CItem) bool { return it.Motivation == replying || it.ReplyTo != "" }

// Check reads one item in the first pass: it checks it and, for an
// annotation, anchors it, keeping the anchor.
func (p *StreamPlan) Check(it W3CItem) {
	for len(p.items) <= it.Index {
		p.items = append(p.items, checkedItem{})
	}
	fail := func(err error) {
		p.Errors = append(p.Errors, ItemError{Index: it.Index, ID: it.ID, Message: err.Error()})
	}
	if isReply(it) {
		p.links = append(p.links, replyLink{id: it.ID, replyTo: it.ReplyTo})
		if _, err := importReply(p.doc, it, p.now); err != nil {
			fail(err)
			return
		}
		if it.ReplyTo == "" {
			fail(errors.New("a reply must target the annotation it answers"))
			return
		}
		p.items[it.Index] = checkedItem{kind: checkedReply}
		return
	}
	a, err := importAnnotation(p.text, p.doc, it, p.now)
	if err != nil {
		fail(err)
		return
	}
	switch a.Anchor {
	case AnchorExact:
		p.Exact++
	case AnchorFuzzy:
		p.Fuzzy++
	case AnchorOrphaned:
		p.Orphaned++
	}
	if _, seen := p.firstOrdinal[it.ID]; it.ID != "" && !seen {
		p.firstOrdinal[it.ID] = p.annotations
	}
	p.items[it.Index] = checkedItem{kind: checkedAnnotation, ordinal: p.annotations, start: a.Start, end: a.End, anchor: a.Anchor}
	p.annotations++
}

// Finish ends the first pass: a reply to a reply joins the thread of the
// reply it answers, as in PlanImport.
func (p *StreamPlan) Finish() {
	for range 2 {
		for _, l := range p.links {
			if root, ok := p.threadOf(l.replyTo); ok && l.id != "" {
				p.joined[l.id] = root
			}
		}
	}
	p.links = nil
}

// threadOf is the IRI of the annotation in the input whose thread the item
// with this IRI belongs to.
func (p *StreamPlan) threadOf(iri string) (string, bool) {
	if _, ok := p.firstOrdinal[iri]; ok {
		return iri, true
	}
	root, ok := p.joined[iri]
	return root, ok
}

// Annotations is how many annotations Check accepted.
func (p *StreamPlan) Annotations() int { return p.annotations }

// PlannedItem is one item of a streamed import as the store takes it:
// an annotation (a thread without its replies), or a reply to attach to
// the annotation imported from its ReplyTo (one of this input, or one
// imported before, or this desk's own).
type PlannedItem struct {
	Thread *ImportedThread
	Reply  *LooseReply
	// Ordinal numbers the annotations in input order. A reply whose
	// annotation is in the input has that annotation's ordinal (the first
	// with its IRI), and must be stored after it; other replies have -1.
	Ordinal int
}

// Build makes one item again in the second pass, from what Check kept.
// An item Check refused gives nothing (ok is false).
func (p *StreamPlan) Build(it W3CItem) (item PlannedItem, ok bool, err error) {
	if it.Index >= len(p.items) {
		return PlannedItem{}, false, ErrInputChanged
	}
	c := p.items[it.Index]
	switch {
	case c.kind == refused:
		return PlannedItem{}, false, nil
	case (c.kind == checkedReply) != isReply(it):
		return PlannedItem{}, false, ErrInputChanged
	case c.kind == checkedReply:
		r, err := importReply(p.doc, it, p.now)
		if err != nil {
			return PlannedItem{}, false, ErrInputChanged
		}
		item = PlannedItem{Reply: &LooseReply{Index: it.Index, Reply: r, ReplyTo: it.ReplyTo}, Ordinal: -1}
		if root, ok := p.threadOf(it.ReplyTo); ok {
			item.Reply.ReplyTo, item.Ordinal = root, p.firstOrdinal[root]
		}
		return item, true, nil
	}
	a, err := importedFields(p.doc, it, p.now)
	if err != nil {
		return PlannedItem{}, false, ErrInputChanged
	}
	if c.anchor == AnchorOrphaned {
		if a, err = importedOrphan(a, it); err != nil {
			return PlannedItem{}, false, ErrInputChanged
		}
	} else {
		a = anchorAt(p.text, a, c.start, c.end, c.anchor)
	}
	return PlannedItem{Thread: &ImportedThread{Annotation: a}, Ordinal: c.ordinal}, true, nil
}
