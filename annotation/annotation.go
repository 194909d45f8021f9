package annotation

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Motivation is why an annotation was made, in the W3C vocabulary.
type Motivation string

// The motivations Galley uses.
const (
	Commenting   Motivation = "commenting"
	Highlighting Motivation = "highlighting"
	Tagging      Motivation = "tagging"
	Editing      Motivation = "editing"
)

// Status says whether a thread is still under discussion.
type Status string

// Thread statuses.
const (
	StatusOpen     Status = "open"
	StatusResolved Status = "resolved"
)

// Anchor says how well an annotation is attached to the current text.
type Anchor string

// Anchor states.
const (
	AnchorExact    Anchor = "exact"
	AnchorMoved    Anchor = "moved"
	AnchorFuzzy    Anchor = "fuzzy"
	AnchorOrphaned Anchor = "orphaned"
)

// Author names who wrote something.
type Author struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// IRI identifies an author from another tool, who has no account here
	// (ID is then empty): the creator of an imported annotation.
	IRI string `json:"iri,omitempty"`
	// Imported marks the creator of an imported annotation or reply: a
	// name (and IRI) from another tool, never an account here, whatever
	// the name. See IsImported.
	Imported bool `json:"imported,omitempty"`
}

// IsImported reports whether the author came with an import rather than
// being an account of this desk: marked so, or, for records stored before
// the mark existed, named but without an account id (every account
// writes with its id).
func (a Author) IsImported() bool {
	return a.Imported || (a.ID == "" && (a.Name != "" || a.IRI != ""))
}

// MarshalJSON writes the author with "imported": true when IsImported, so
// that every answer, event and export marks imported authors, those
// stored before the mark existed included.
func (a Author) MarshalJSON() ([]byte, error) {
	type plain Author
	p := plain(a)
	p.Imported = a.IsImported()
	return json.Marshal(p)
}

// Annotation is a comment, highlight, set of tags or suggested edit on a
// passage of a document, with the selectors that anchor it.
type Annotation struct {
	ID          string     `json:"id"`
	Document    string     `json:"document"`
	Revision    int        `json:"revision"`
	Start       int        `json:"start"`
	End         int        `json:"end"`
	Exact       string     `json:"exact"`
	Prefix      string     `json:"prefix"`
	Suffix      string     `json:"suffix"`
	Motivation  Motivation `json:"motivation"`
	Comment     string     `json:"comment"`
	Tags        []string   `json:"tags"`
	Replacement string     `json:"replacement,omitempty"`
	Status      Status     `json:"status"`
	Anchor      Anchor     `json:"anchor"`
	Author      Author     `json:"author"`
	Created     time.Time  `json:"created"`
	Modified    time.Time  `json:"modified"`
	Version     int        `json:"version"`
	// Edited is true once the comment or tags changed after creation.
	Edited bool `json:"edited,omitempty"`
	// Deleted marks a thread whose first comment was deleted while replies
	// remained: the thread stays, the comment and tags are gone.
	Deleted bool `json:"deleted,omitempty"`
	// Via is the IRI the annotation had in the tool it was imported from;
	// importing the same file again finds it and adds nothing.
	Via string `json:"via,omitempty"`
	// Canonical is the annotation's canonical IRI, as a client that
	// created it through the Web Annotation Protocol gave it; kept
	// unchanged.
	Canonical string `json:"canonical,omitempty"`
	// Resolution says who resolved the thread and when; nil while open.
	Resolution *Resolution `json:"resolution,omitempty"`
	// AnchorScore says how sure the last re-anchoring was, from 0 to 1,
	// for an anchor that moved with edits or was found by search; it is 0
	// (left out) for an exact anchor and an orphan.
	AnchorScore float64 `json:"anchor_score,omitempty"`
	// OriginalExact is the quote as it read when the annotation was made
	// (or last confirmed or re-attached), kept once a revision changed the
	// passage under it, so that a person can compare; empty while the
	// passage reads as it did.
	OriginalExact string `json:"original_exact,omitempty"`
	// Decision is the verdict on a suggestion (motivation editing); nil
	// while undecided.
	Decision *Decision `json:"decision,omitempty"`
}

// Resolution records who resolved a thread and when.
type Resolution struct {
	By   Author    `json:"by"`
	Time time.Time `json:"time"`
}

// Verdicts on a suggestion.
const (
	Accepted = "accepted"
	Rejected = "rejected"
)

// Decision records who accepted or rejected a suggestion, and when. An
// accepted suggestion names the revision that applied it.
type Decision struct {
	Verdict  string    `json:"verdict"`
	By       Author    `json:"by"`
	Time     time.Time `json:"time"`
	Revision int       `json:"revision,omitempty"`
}

// Span is the annotation as the segmenter sees it.
func (a Annotation) Span() Span { return Span{ID: a.ID, Start: a.Start, End: a.End} }

// Less orders annotations in reading order: by start, then longer spans
// first, then by creation (ids sort by creation time).
func Less(a, b Annotation) int {
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	if a.End != b.End {
		return b.End - a.End
	}
	return strings.Compare(a.ID, b.ID)
}

// Limits on what a person may write.
const (
	MaxCommentLength     = 20000 // code points
	MaxTagLength         = 64    // code points
	MaxTags              = 20
	MaxReplacementLength = 20000 // code points
)

// ErrInvalid matches (with errors.Is) every InvalidError.
var ErrInvalid = errors.New("invalid input")

// InvalidError is input that breaks a rule of the domain. Its message says
// which rule, for a person, and is safe to show.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// invalid builds an InvalidError.
// Invalid is an InvalidError with msg as its message, for rules checked
// outside this package.
func Invalid(msg string) error { return &InvalidError{Message: msg} }

func invalid(format string, args ...any) error {
	return &InvalidError{Message: fmt.Sprintf(format, args...)}
}

// ParseMotivation checks a motivation from a client; empty means
// commenting, or highlighting when there is no comment.
func ParseMotivation(s string, comment string) (Motivation, error) {
	switch m := Motivation(s); m {
	case "":
		if strings.TrimSpace(comment) == "" {
			return Highlighting, nil
		}
		return Commenting, nil
	case Commenting, Highlighting, Tagging, Editing:
		return m, nil
	}
	return "", invalid("motivation %q is not one of commenting, highlighting, tagging, editing", s)
}

// NormalizeTags trims, lowercases-free dedups (case-insensitively, keeping
// the first spelling) and checks tags. A tag may not be empty after
// trimming, may not contain commas or line breaks, and has a bounded length.
func NormalizeTags(tags []string) ([]string, error) {
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		if strings.ContainsAny(t, ",") || strings.IndexFunc(t, unicode.IsControl) >= 0 {
			return nil, invalid("tag %q may not contain commas or control characters", shorten(t))
		}
		if utf8.RuneCountInString(t) > MaxTagLength {
			return nil, invalid("tag %q is longer than %d characters", shorten(t), MaxTagLength)
		}
		key := strings.ToLower(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, invalid("an annotation may carry at most %d tags, not %d", MaxTags, len(out))
	}
	return out, nil
}

// CheckComment checks the length of a comment or reply.
func CheckComment(comment string) error {
	if n := utf8.RuneCountInString(comment); n > MaxCommentLength {
		return invalid("the comment is %d characters long; the limit is %d", n, MaxCommentLength)
	}
	if !utf8.ValidString(comment) {
		return invalid("the comment is not valid UTF-8")
	}
	return nil
}

// Draft is what a person asks for when creating an annotation.
type Draft struct {
	Start       int
	End         int
	Exact       string
	Comment     string
	Tags        []string
	Motivation  string
	Replacement string
}

// New checks a draft against a document's text and builds the annotation
// it describes, anchored exactly at the document's current revision. The
// caller sets ID, Author and times.
func New(doc Text, document string, revision int, d Draft) (Annotation, error) {
	sel, err := doc.Select(d.Start, d.End, d.Exact)
	if err != nil {
		return Annotation{}, err
	}
	if d.Exact == "" {
		return Annotation{}, invalid("exact, the quoted text, is required")
	}
	motivation, err := ParseMotivation(d.Motivation, d.Comment)
	if err != nil {
		return Annotation{}, err
	}
	if err := CheckComment(d.Comment); err != nil {
		return Annotation{}, err
	}
	tags, err := NormalizeTags(d.Tags)
	if err != nil {
		return Annotation{}, err
	}
	if motivation == Editing {
		if n := utf8.RuneCountInString(d.Replacement); n > MaxReplacementLength {
			return Annotation{}, invalid("the replacement is %d characters long; the limit is %d", n, MaxReplacementLength)
		}
	} else if d.Replacement != "" {
		return Annotation{}, invalid("replacement is only allowed on suggestions (motivation editing)")
	}
	if motivation == Tagging && len(tags) == 0 {
		return Annotation{}, invalid("a tagging annotation needs at least one tag")
	}
	return Annotation{
		Document:    document,
		Revision:    revision,
		Start:       sel.Start,
		End:         sel.End,
		Exact:       sel.Exact,
		Prefix:      sel.Prefix,
		Suffix:      sel.Suffix,
		Motivation:  motivation,
		Comment:     d.Comment,
		Tags:        tags,
		Replacement: d.Replacement,
		Status:      StatusOpen,
		Anchor:      AnchorExact,
		Version:     1,
	}, nil
}

// HasTag reports whether the annotation carries tag, ignoring case.
func (a Annotation) HasTag(tag string) bool {
	return slices.ContainsFunc(a.Tags, func(t string) bool { return strings.EqualFold(t, tag) })
}
