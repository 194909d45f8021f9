package annotation

import "time"

// EventType names what happened, in the form the live stream sends.
type EventType string

// Event types. Each is an entry in a document's activity log and an event
// of its live stream.
const (
	EventAnnotationCreated  EventType = "annotation.created"
	EventAnnotationUpdated  EventType = "annotation.updated"
	EventAnnotationDeleted  EventType = "annotation.deleted"
	EventAnnotationResolved EventType = "annotation.resolved"
	EventAnnotationReopened EventType = "annotation.reopened"
	EventReplyCreated       EventType = "reply.created"
	EventReplyUpdated       EventType = "reply.updated"
	EventReplyDeleted       EventType = "reply.deleted"
	EventDocumentStatus     EventType = "document.status"
	EventDocumentRevised    EventType = "document.revised"
	EventTagRenamed         EventType = "tag.renamed"
	// EventAnnotationOrphaned is logged, with the document.revised event,
	// for each annotation whose passage the revision took away.
	EventAnnotationOrphaned EventType = "annotation.orphaned"
	EventSuggestionAccepted EventType = "suggestion.accepted"
	EventSuggestionRejected EventType = "suggestion.rejected"
)

// EventTypes lists every event type, as declared above. The reader page
// hands it to the browser, which listens to each type on the live stream.
var EventTypes = []EventType{
	EventAnnotationCreated, EventAnnotationUpdated, EventAnnotationDeleted, EventAnnotationResolved,
	EventAnnotationReopened, EventReplyCreated, EventReplyUpdated, EventReplyDeleted, EventDocumentStatus,
	EventDocumentRevised, EventTagRenamed, EventAnnotationOrphaned, EventSuggestionAccepted,
	EventSuggestionRejected,
}

// Event is one entry of a document's activity log: who did what, when, to
// which annotation or reply. IDs grow with every event written, across all
// documents, so a client resumes a stream after the last id it saw.
type Event struct {
	ID         uint64    `json:"id"`
	Type       EventType `json:"type"`
	Document   string    `json:"document"`
	Annotation string    `json:"annotation,omitempty"`
	Reply      string    `json:"reply,omitempty"`
	Actor      Author    `json:"actor"`
	Time       time.Time `json:"time"`
	// Quote is the start of the annotated passage, to name it in the log.
	Quote string `json:"quote,omitempty"`
	// Status is the new document status (document.status).
	Status DocStatus `json:"status,omitempty"`
	// Note is the note given with a status change.
	Note string `json:"note,omitempty"`
	// From and To are the old and new names of a renamed tag
	// (tag.renamed); Merged is true when To existed already.
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Merged bool   `json:"merged,omitempty"`
	// Whole is true when annotation.deleted removed the thread with its
	// replies rather than leaving a placeholder.
	Whole bool `json:"whole,omitempty"`
	// Revision is the revision a document.revised or suggestion.accepted
	// event made.
	Revision int `json:"revision,omitempty"`
	// Counts says what a revision did to the document's annotations
	// (document.revised).
	Counts *RevisionCounts `json:"counts,omitempty"`
}

// QuoteExcerpt shortens a quote for an activity log entry.
func QuoteExcerpt(exact string) string { return shorten(exact) }
