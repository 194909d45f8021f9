package annotation

import (
	"time"
	"unicode/utf8"
)

// DocStatus is where a document stands in the review workflow.
type DocStatus string

// Review statuses, in workflow order.
const (
	StatusDraft            DocStatus = "draft"
	StatusInReview         DocStatus = "in_review"
	StatusChangesRequested DocStatus = "changes_requested"
	StatusApproved         DocStatus = "approved"
)

// Document is an article under review at its current revision: metadata, the
// normalized text and the blocks laid over it.
type Document struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Byline   string    `json:"byline"`
	Dateline string    `json:"dateline"`
	Source   string    `json:"source,omitempty"`
	Status   DocStatus `json:"status"`
	Revision int       `json:"revision"`
	Text     string    `json:"text"`
	Blocks   []Block   `json:"blocks"`
	Author   Author    `json:"author"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	// Review records the last status change; nil while the document has
	// kept the status it was created with.
	Review *ReviewStep `json:"review,omitempty"`
	// Restricted documents are seen only by admins, their author and the
	// users listed in Members; everyone else is told they do not exist.
	Restricted bool `json:"restricted,omitempty"`
	// Members are the ids of the users who may read a restricted document.
	Members []string `json:"members,omitempty"`
}

// ReviewStep is one change of a document's review status.
type ReviewStep struct {
	Status DocStatus `json:"status"`
	By     Author    `json:"by"`
	Time   time.Time `json:"time"`
	// Note explains the change; an admin approving over open threads must
	// give one.
	Note string `json:"note,omitempty"`
	// Override is true when an admin approved while threads were open.
	Override bool `json:"override,omitempty"`
}

// Revision is one kept version of a document's text.
type Revision struct {
	Document string    `json:"document"`
	Number   int       `json:"revision"`
	Text     string    `json:"text"`
	Author   Author    `json:"author"`
	Created  time.Time `json:"created"`
	Note     string    `json:"note"`
}

// Limits on documents.
const (
	MaxTitleLength = 300     // code points
	MaxTextLength  = 2 << 20 // bytes of normalized text
)

// NewDocument parses raw text into a document at revision 1. An explicit
// title wins over the one found in the text. It refuses empty and oversized
// texts.
func NewDocument(raw, title string) (Document, error) {
	if !utf8.ValidString(raw) {
		return Document{}, invalid("the text is not valid UTF-8")
	}
	art := Parse(raw)
	if art.Text == "" {
		return Document{}, invalid("the text is empty")
	}
	if len(art.Text) > MaxTextLength {
		return Document{}, invalid("the text is %d bytes long; the limit is %d", len(art.Text), MaxTextLength)
	}
	t := Normalize(title)
	if t == "" {
		t = art.Title
		if utf8.RuneCountInString(t) > MaxTitleLength {
			// A title found in the text (a long Markdown heading) is
			// shortened, not held against the text.
			t = TitleFrom(t)
		}
	}
	if n := utf8.RuneCountInString(t); n > MaxTitleLength {
		return Document{}, invalid("the title is %d characters long; the limit is %d", n, MaxTitleLength)
	}
	return Document{
		Title:    t,
		Byline:   art.Byline,
		Dateline: art.Dateline,
		Status:   StatusDraft,
		Revision: 1,
		Text:     art.Text,
		Blocks:   art.Blocks,
	}, nil
}

// ParseDocStatus checks a status from a client.
func ParseDocStatus(s string) (DocStatus, error) {
	switch st := DocStatus(s); st {
	case StatusDraft, StatusInReview, StatusChangesRequested, StatusApproved:
		return st, nil
	}
	return "", invalid("status %q is not one of draft, in_review, changes_requested, approved", s)
}
