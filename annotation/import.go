package annotation

import (
	"strings"
	"time"
)

// ImportedThread is an annotation read from an import, anchored on the
// document it is imported into, with the replies found for it in the same
// input. Its ID and its replies' IDs are left for the store to assign.
type ImportedThread struct {
	Annotation Annotation
	Replies    []Reply
}

// LooseReply is an imported reply whose annotation is not in the same
// input: the store attaches it to the annotation imported earlier from
// ReplyTo, or to this desk's annotation with that IRI.
type LooseReply struct {
	Index   int
	Reply   Reply
	ReplyTo string
}

// ImportPlan is what an import will store, and what it could not read.
type ImportPlan struct {
	Threads []ImportedThread
	Loose   []LooseReply
	Errors  []ItemError
	// Exact, Fuzzy and Orphaned count how the threads were anchored.
	Exact    int
	Fuzzy    int
	Orphaned int
}

// PlanImport anchors decoded W3C items on a document's current text. A
// TextPositionSelector whose text matches the quote is taken as it is;
// otherwise the quote is searched for (Locate, the search re-anchoring falls
// back on: verbatim, or within a few edits, scored on quote, context and
// position, and then fuzzy for a person to confirm); an annotation found
// nowhere is kept as an orphan, never dropped. Replies join their
// annotation's thread. Items that break a rule of the domain (a comment too
// long, a bad tag) become errors and are skipped. now stamps items that
// carry no time.
func PlanImport(doc Document, items []W3CItem, now time.Time) ImportPlan {
	text := NewText(doc.Text)
	var plan ImportPlan
	thread := map[string]int{} // item IRI -> index in plan.Threads
	var replies []W3CItem
	for _, it := range items {
		if it.Motivation == replying || it.ReplyTo != "" {
			replies = append(replies, it)
			continue
		}
		a, err := importAnnotation(text, doc, it, now)
		if err != nil {
			plan.Errors = append(plan.Errors, ItemError{Index: it.Index, ID: it.ID, Message: err.Error()})
			continue
		}
		switch a.Anchor {
		case AnchorExact:
			plan.Exact++
		case AnchorFuzzy:
			plan.Fuzzy++
		case AnchorOrphaned:
			plan.Orphaned++
		}
		if it.ID != "" {
			thread[it.ID] = len(plan.Threads)
		}
		plan.Threads = append(plan.Threads, ImportedThread{Annotation: a})
	}
	// A reply to a reply joins the thread of the reply it answers.
	for range 2 {
		for _, it := range replies {
			if t, ok := thread[it.ReplyTo]; ok && it.ID != "" {
				thread[it.ID] = t
			}
		}
	}
	for _, it := range replies {
		r, err := importReply(doc, it, now)
		if err != nil {
			plan.Errors = append(plan.Errors, ItemError{Index: it.Index, ID: it.ID, Message: err.Error()})
			continue
		}
		if t, ok := thread[it.ReplyTo]; ok {
			plan.Threads[t].Replies = append(plan.Threads[t].Replies, r)
			continue
		}
		if it.ReplyTo == "" {
			plan.Errors = append(plan.Errors, ItemError{Index: it.Index, ID: it.ID, Message: "a reply must target the annotation it answers"})
			continue
		}
		plan.Loose = append(plan.Loose, LooseReply{Index: it.Index, Reply: r, ReplyTo: it.ReplyTo})
	}
	return plan
}

// importAnnotation checks one item and anchors it on the text.
func importAnnotation(text Text, doc Document, it W3CItem, now time.Time) (Annotation, error) {
	a, err := importedFields(doc, it, now)
	if err != nil {
		return Annotation{}, err
	}
	quote := TextQuote{}
	if it.Quote != nil {
		quote = *it.Quote
	}
	hint := -1
	if p := it.Position; p != nil {
		hint = p.Start
		if p.Start >= 0 && p.End > p.Start && p.End <= text.Len() &&
			(quote.Exact == "" || text.Slice(p.Start, p.End) == quote.Exact) {
			return anchorAt(text, a, p.Start, p.End, AnchorExact), nil
		}
	}
	if quote.Exact != "" {
		if an, ok := Locate(text, Quote{Exact: quote.Exact, Prefix: quote.Prefix, Suffix: quote.Suffix, Start: hint}); ok {
			a = anchorAt(text, a, an.Start, an.End, an.State)
			if an.State == AnchorFuzzy {
				a.AnchorScore = an.Score
			}
			return a, nil
		}
	}
	return importedOrphan(a, it)
}

// importedFields checks one annotation item and fills in everything but
// its anchor.
func importedFields(doc Document, it W3CItem, now time.Time) (Annotation, error) {
	motivation := it.Motivation
	switch motivation {
	case Commenting, Highlighting, Tagging, Editing:
	case "":
		motivation, _ = ParseMotivation("", it.Comment)
	default:
		// Other W3C motivations (describing, questioning, assessing, ...)
		// are comments to Galley.
		motivation = Commenting
	}
	if err := CheckComment(it.Comment); err != nil {
		return Annotation{}, err
	}
	tags, err := NormalizeTags(it.Tags)
	if err != nil {
		return Annotation{}, err
	}
	if motivation == Tagging && len(tags) == 0 {
		motivation = Highlighting
	}
	a := Annotation{
		Document:    doc.ID,
		Revision:    doc.Revision,
		Motivation:  motivation,
		Comment:     it.Comment,
		Tags:        tags,
		Replacement: it.Replacement,
		Status:      StatusOpen,
		Author:      importedAuthor(it.Creator),
		Via:         it.ID,
		Version:     1,
	}
	if motivation != Editing {
		a.Replacement = ""
	}
	a.Created, a.Modified = importedTimes(it.Created, it.Modified, now)
	return a, nil
}

// importedOrphan keeps an annotation found nowhere in the text as an
// orphan, with what the input said.
func importedOrphan(a Annotation, it W3CItem) (Annotation, error) {
	a.Anchor = AnchorOrphaned
	if q := it.Quote; q != nil {
		a.Exact, a.Prefix, a.Suffix = q.Exact, q.Prefix, q.Suffix
	}
	if p := it.Position; p != nil && p.Start >= 0 && p.End >= p.Start {
		a.Start, a.End = p.Start, p.End
	}
	if a.Exact == "" && it.Position == nil {
		return Annotation{}, invalid("the annotation has no selector Galley can anchor (a TextQuoteSelector or TextPositionSelector)")
	}
	return a, nil
}

// anchorAt sets an annotation's selectors to [start, end) of the text.
func anchorAt(text Text, a Annotation, start, end int, state Anchor) Annotation {
	a.Start, a.End = start, end
	a.Exact = text.Slice(start, end)
	a.Prefix = text.Slice(start-ContextLength, start)
	a.Suffix = text.Slice(end, end+ContextLength)
	a.Anchor = state
	return a
}

// importReply checks one reply.
func importReply(doc Document, it W3CItem, now time.Time) (Reply, error) {
	if strings.TrimSpace(it.Comment) == "" {
		return Reply{}, invalid("a reply needs some text")
	}
	if err := CheckComment(it.Comment); err != nil {
		return Reply{}, err
	}
	r := Reply{Document: doc.ID, Author: importedAuthor(it.Creator), Comment: it.Comment, Via: it.ID, Version: 1}
	r.Created, r.Modified = importedTimes(it.Created, it.Modified, now)
	return r, nil
}

// importedAuthor is a creator from another tool: a name and an IRI,
// marked imported, never an account here, even when the name (or the IRI)
// is that of one of this desk's users.
func importedAuthor(c Author) Author {
	name := strings.TrimSpace(c.Name)
	if name == "" {
		name = "Imported"
	}
	iri := c.IRI
	if iri == "" {
		iri = c.ID
	}
	return Author{Name: name, IRI: iri, Imported: true}
}

// importedTimes keeps an item's times, filling what is missing.
func importedTimes(created, modified, now time.Time) (time.Time, time.Time) {
	if created.IsZero() {
		created = now
	}
	if modified.IsZero() || modified.Before(created) {
		modified = created
	}
	return created.UTC(), modified.UTC()
}
