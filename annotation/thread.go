package annotation

import (
	"slices"
	"strings"
	"time"
)

// Reply is one message in an annotation's thread, after the annotation's
// own comment.
type Reply struct {
	ID         string    `json:"id"`
	Annotation string    `json:"annotation"`
	Document   string    `json:"document"`
	Author     Author    `json:"author"`
	Comment    string    `json:"comment"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
	Version    int       `json:"version"`
	Edited     bool      `json:"edited,omitempty"`
	// Via is the reply's IRI in the tool it was imported from.
	Via string `json:"via,omitempty"`
}

// Thread is an annotation with its replies, oldest reply first.
type Thread struct {
	Annotation Annotation
	Replies    []Reply
}

// Activity is the time of the thread's latest change: the annotation's own
// or that of its newest reply.
func (t Thread) Activity() time.Time {
	last := t.Annotation.Modified
	if r := t.Annotation.Resolution; r != nil && r.Time.After(last) {
		last = r.Time
	}
	for _, r := range t.Replies {
		if r.Modified.After(last) {
			last = r.Modified
		}
	}
	return last
}

// NewReply checks a reply's text. The caller sets ID, Author and times.
func NewReply(annotation Annotation, comment string) (Reply, error) {
	if strings.TrimSpace(comment) == "" {
		return Reply{}, invalid("a reply needs some text")
	}
	if err := CheckComment(comment); err != nil {
		return Reply{}, err
	}
	return Reply{Annotation: annotation.ID, Document: annotation.Document, Comment: comment, Version: 1}, nil
}

// Filter selects threads, in the reader's sidebar, on the threads page and
// in the API. Empty fields match every thread.
type Filter struct {
	// Tag matches a thread whose annotation carries it, ignoring case.
	Tag string
	// AuthorID matches a thread started by this user.
	AuthorID string
	// Status is open, resolved or empty.
	Status Status
	// Text matches, ignoring case, the comment, a reply, the quoted text or
	// a tag.
	Text string
	// Hidden holds the documents whose threads the caller may not see:
	// they never match. It is not a choice of the caller's, so IsZero
	// ignores it.
	Hidden map[string]bool
}

// ParseStatus checks a thread status from a client; "" means any.
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case "", StatusOpen, StatusResolved:
		return st, nil
	}
	return "", invalid("status %q is not one of open, resolved", s)
}

// IsZero reports whether the filter matches everything.
func (f Filter) IsZero() bool {
	return f.Tag == "" && f.AuthorID == "" && f.Status == "" && f.Text == ""
}

// Match reports whether a thread passes the filter.
func (f Filter) Match(t Thread) bool {
	a := t.Annotation
	switch {
	case f.Hidden[a.Document]:
		return false
	case f.Tag != "" && !a.HasTag(f.Tag):
		return false
	case f.AuthorID != "" && a.Author.ID != f.AuthorID:
		return false
	case f.Status != "" && a.Status != f.Status:
		return false
	case f.Text != "" && !t.contains(strings.ToLower(f.Text)):
		return false
	}
	return true
}

// contains reports whether any text of the thread holds q (lower case).
func (t Thread) contains(q string) bool {
	a := t.Annotation
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q) }
	if has(a.Comment) || has(a.Exact) || has(a.Replacement) || slices.ContainsFunc(a.Tags, has) {
		return true
	}
	return slices.ContainsFunc(t.Replies, func(r Reply) bool { return has(r.Comment) })
}
