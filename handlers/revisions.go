package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"galley/annotation"
	"galley/store"

	"github.com/labstack/echo/v4"
)

// revisionResult is the answer to a revision: the new revision number and
// where the document's annotations ended up. Unchanged is true when the
// text was the same and no revision was made.
type revisionResult struct {
	Revision int `json:"revision"`
	annotation.RevisionCounts
	Unchanged bool `json:"unchanged,omitempty"`
}

// reviseRequest is the body of PUT /api/documents/{id}/text.
type reviseRequest struct {
	Text *string `json:"text"`
	Note string  `json:"note"`
}

// reviseText answers PUT /api/documents/{id}/text: a new revision of the
// text, made from the revision named in If-Match ("r<revision>", the
// document's ETag). A document revised meanwhile answers 412 with its
// current ETag.
func (h *Handler) reviseText(c echo.Context) error {
	var req reviseRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	base, err := documentIfMatch(c)
	if err != nil {
		return err
	}
	if req.Text == nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "text, the new text of the article, is required."}
	}
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	if base == anyRevision {
		base = doc.Revision
	}
	res, err := h.revise(c, doc, base, *req.Text, req.Note)
	if err != nil {
		return h.revisionError(c, err)
	}
	c.Response().Header().Set("ETag", revisionETag(res.Revision))
	return c.JSON(http.StatusOK, res)
}

// revisionError answers a revision refused because the document moved on
// (412 with the current ETag); other errors pass.
func (h *Handler) revisionError(c echo.Context, err error) error {
	var re *store.RevisedError
	if errors.As(err, &re) {
		c.Response().Header().Set("ETag", revisionETag(re.Current))
		return &apiError{Status: http.StatusPreconditionFailed, Code: "stale",
			Message: fmt.Sprintf("The document was revised meanwhile (it is now at revision %d). Fetch it, compare, and try again.", re.Current)}
	}
	return err
}

// anyRevision is the base of a revision sent with If-Match: *.
const anyRevision = -1

// documentIfMatch reads the revision a client edited from, from If-Match:
// 428 without the header, anyRevision for "*". A tag that names no
// revision (weak, malformed, a list) becomes 0, which no document has, so
// the revision is refused as stale.
func documentIfMatch(c echo.Context) (int, error) {
	v := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	switch {
	case v == "":
		return 0, &apiError{Status: http.StatusPreconditionRequired, Code: "if_match_required",
			Message: "Send If-Match with the document's ETag (\"r<revision>\") you edited from, so that no one's revision is overwritten."}
	case v == "*":
		return anyRevision, nil
	}
	if !strings.HasPrefix(v, `"r`) || !strings.HasSuffix(v, `"`) || len(v) < 4 {
		return 0, nil
	}
	n, err := strconv.Atoi(v[2 : len(v)-1])
	if err != nil || n < 1 {
		return 0, nil
	}
	return n, nil
}

// revisionETag is the document ETag of a revision.
func revisionETag(n int) string { return `"r` + strconv.Itoa(n) + `"` }

// checkNote trims a revision note and checks its length.
func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if n := utf8.RuneCountInString(note); n > maxNoteLength {
		return "", &annotation.InvalidError{Message: fmt.Sprintf("the note is %d characters long; the limit is %d", n, maxNoteLength)}
	}
	if strings.ContainsAny(note, "\r\n") {
		note = strings.Join(strings.Fields(note), " ")
	}
	return note, nil
}

// parseRevisionText normalizes and checks a new text of an article.
func parseRevisionText(raw string) (annotation.Article, error) {
	if !utf8.ValidString(raw) {
		return annotation.Article{}, &annotation.InvalidError{Message: "the text is not valid UTF-8"}
	}
	art := annotation.Parse(raw)
	if art.Text == "" {
		return art, &annotation.InvalidError{Message: "the text is empty; a revision cannot remove the whole article"}
	}
	if len(art.Text) > annotation.MaxTextLength {
		return art, &annotation.InvalidError{Message: fmt.Sprintf("the text is %d bytes long; the limit is %d", len(art.Text), annotation.MaxTextLength)}
	}
	return art, nil
}

// revise makes a new revision of doc from raw text edited from revision
// base, for the current user. The annotations are carried through the diff
// outside the store's write transaction; the store checks the document is
// still at base when it writes. The same text makes no revision.
func (h *Handler) revise(c echo.Context, doc annotation.Document, base int, raw, note string) (revisionResult, error) {
	note, err := checkNote(note)
	if err != nil {
		return revisionResult{}, err
	}
	art, err := parseRevisionText(raw)
	if err != nil {
		return revisionResult{}, err
	}
	if base != doc.Revision {
		return revisionResult{}, &store.RevisedError{Current: doc.Revision}
	}
	anns, err := h.store.Annotations(doc.ID)
	if err != nil {
		return revisionResult{}, err
	}
	if art.Text == doc.Text {
		res := revisionResult{Revision: doc.Revision, Unchanged: true}
		for _, a := range anns {
			res.Add(a.Anchor)
		}
		return res, nil
	}
	u, _ := currentUser(c)
	plan := h.planRevision(doc, art, anns, "")
	plan.Base, plan.Note, plan.Author, plan.Time = base, note, author(u), h.now()
	updated, counts, err := h.store.ReviseDocument(doc.ID, plan)
	if err != nil {
		return revisionResult{}, err
	}
	return revisionResult{Revision: updated.Revision, RevisionCounts: counts}, nil
}

// planRevision diffs doc's text with the new one and anchors every
// annotation but the orphans (and the one named skip) in the new text.
func (h *Handler) planRevision(doc annotation.Document, art annotation.Article, anns []annotation.Annotation, skip string) store.NewRevision {
	m := annotation.NewMapping(annotation.NewText(doc.Text), annotation.NewText(art.Text))
	anchors := make(map[string]store.PlannedAnchor, len(anns))
	for _, a := range anns {
		if a.Anchor == annotation.AnchorOrphaned || a.ID == skip {
			continue
		}
		sel := a.Selector()
		anchors[a.ID] = store.PlannedAnchor{From: sel, To: m.Reanchor(sel)}
	}
	return store.NewRevision{
		Text: art.Text, Blocks: art.Blocks, Byline: art.Byline, Dateline: art.Dateline,
		Mapping: m, Anchors: anchors,
	}
}

// revisionJSON is one entry of the revision list.
type revisionJSON struct {
	Revision int               `json:"revision"`
	Author   annotation.Author `json:"author"`
	Created  string            `json:"created"`
	Note     string            `json:"note"`
}

// listRevisions answers GET /api/documents/{id}/revisions, oldest first.
func (h *Handler) listRevisions(c echo.Context) error {
	revs, err := h.store.RevisionHistory(c.Param("id"))
	if err != nil {
		return err
	}
	out := make([]revisionJSON, 0, len(revs))
	for _, r := range revs {
		out = append(out, revisionJSON{Revision: r.Number, Author: r.Author, Created: isoTime(r.Created), Note: r.Note})
	}
	return c.JSON(http.StatusOK, map[string]any{"revisions": out})
}

// getRevision answers GET /api/documents/{id}/revisions/{n} with the
// revision's full text.
func (h *Handler) getRevision(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("rev"))
	if err != nil || n < 1 {
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "There is no such revision."}
	}
	rev, err := h.store.Revision(c.Param("id"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"revision": rev.Number, "author": rev.Author, "created": isoTime(rev.Created), "note": rev.Note, "text": rev.Text,
	})
}

// maxAcceptAttempts bounds how often accepting a suggestion is computed
// again when another revision lands while it is being computed.
const maxAcceptAttempts = 3

// acceptSuggestion applies a suggestion as a new revision, carrying every
// other annotation through it, and returns the suggestion as it now is. A
// suggestion whose passage changed since it was made is refused (409
// suggestion_stale).
func (h *Handler) acceptSuggestion(c echo.Context, id string, version int) (annotation.Annotation, error) {
	u, _ := currentUser(c)
	for attempt := 1; ; attempt++ {
		a, err := h.store.Annotation(id)
		if err != nil {
			return a, err
		}
		if version != store.AnyVersion && version != a.Version {
			return a, &store.StaleError{Current: a.Version}
		}
		doc, err := h.store.Document(a.Document)
		if err != nil {
			return a, err
		}
		text := annotation.NewText(doc.Text)
		spliced, start, end, err := annotation.ApplySuggestion(text, a)
		if err != nil {
			return a, suggestionError(err)
		}
		art, err := parseRevisionText(spliced)
		if err != nil {
			return a, err
		}
		if art.Text != spliced {
			// Normalizing moved things (the replacement ended a line
			// with spaces, or added blank lines): carry the span over.
			start, end = carrySpan(spliced, art.Text, start, end)
		}
		anns, err := h.store.Annotations(doc.ID)
		if err != nil {
			return a, err
		}
		plan := h.planRevision(doc, art, anns, a.ID)
		plan.Base, plan.Author, plan.Time = doc.Revision, author(u), h.now()
		plan.Note = "Accepted the suggestion on “" + annotation.QuoteExcerpt(a.Exact) + "”"
		plan.Accept = &store.AcceptedSuggestion{ID: a.ID, From: a.Selector(), Start: start, End: end}
		_, _, err = h.store.ReviseDocument(doc.ID, plan)
		if errors.Is(err, store.ErrConflict) && attempt < maxAcceptAttempts {
			continue // revised or changed meanwhile: check again on the new text
		}
		if err != nil {
			return a, err
		}
		return h.store.Annotation(id)
	}
}

// carrySpan maps a span of one text into a normalized form of it.
func carrySpan(from, to string, start, end int) (int, int) {
	n := annotation.NewText(to).Len()
	if start >= end {
		return min(start, n), min(start, n)
	}
	sel, err := annotation.NewText(from).Select(start, end, "")
	if err != nil {
		return min(start, n), min(start, n)
	}
	an := annotation.NewMapping(annotation.NewText(from), annotation.NewText(to)).Reanchor(sel)
	if an.State == annotation.AnchorOrphaned {
		return min(start, n), min(start, n)
	}
	return an.Start, an.End
}

// suggestionError maps the domain's refusals of a suggestion to answers.
func suggestionError(err error) error {
	switch {
	case errors.Is(err, annotation.ErrSuggestionStale):
		return &apiError{Status: http.StatusConflict, Code: "suggestion_stale",
			Message: "This suggestion cannot be accepted: " + sentence(err.Error()) + " Reject it, or suggest the change again on the current text."}
	case errors.Is(err, annotation.ErrNotSuggestion):
		return &apiError{Status: http.StatusConflict, Code: "not_open_suggestion", Message: sentence(err.Error())}
	}
	return err
}

// acceptAnnotation answers POST /api/annotations/{id}/accept: the
// suggestion becomes a new revision. If-Match (the suggestion's version)
// is optional.
func (h *Handler) acceptAnnotation(c echo.Context) error {
	version, err := optionalIfMatch(c)
	if err != nil {
		return err
	}
	if _, err := h.store.Annotation(c.Param("id")); err != nil {
		return err
	}
	a, err := h.acceptSuggestion(c, c.Param("id"), version)
	if err != nil {
		return staleError(c, err)
	}
	return h.annotationAnswer(c, a.ID)
}

// rejectAnnotation answers POST /api/annotations/{id}/reject.
func (h *Handler) rejectAnnotation(c echo.Context) error {
	version, err := optionalIfMatch(c)
	if err != nil {
		return err
	}
	if _, err := h.rejectSuggestion(c, c.Param("id"), version); err != nil {
		return staleError(c, err)
	}
	return h.annotationAnswer(c, c.Param("id"))
}

// rejectSuggestion resolves a suggestion as rejected.
func (h *Handler) rejectSuggestion(c echo.Context, id string, version int) (annotation.Annotation, error) {
	u, _ := currentUser(c)
	a, err := h.store.RejectSuggestion(id, version, author(u), h.now())
	if err != nil {
		return a, suggestionError(err)
	}
	return a, nil
}

// annotationAnswer answers with an annotation's thread and ETag.
func (h *Handler) annotationAnswer(c echo.Context, id string) error {
	t, err := h.store.Thread(id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", annotationETag(t.Annotation))
	return c.JSON(http.StatusOK, threadJSON(t))
}

// canAnchor reports whether u may confirm or re-attach an annotation's
// anchor: its author, editors and admins.
func canAnchor(u store.User, a annotation.Annotation) bool {
	return owns(u, a.Author) || can(u.Role, actRevise)
}

// confirmAnnotation answers POST /api/annotations/{id}/confirm: a person
// checked where a revision put the annotation, and agrees.
func (h *Handler) confirmAnnotation(c echo.Context) error {
	version, err := optionalIfMatch(c)
	if err != nil {
		return err
	}
	if _, err := h.confirmAnchor(c, c.Param("id"), version); err != nil {
		return staleError(c, err)
	}
	return h.annotationAnswer(c, c.Param("id"))
}

// confirmAnchor checks the caller may, then confirms the anchor.
func (h *Handler) confirmAnchor(c echo.Context, id string, version int) (annotation.Annotation, error) {
	a, err := h.store.Annotation(id)
	if err != nil {
		return a, err
	}
	u, _ := currentUser(c)
	if !canAnchor(u, a) {
		return a, forbidden("Only the annotation's author, editors and admins can confirm where it is anchored.")
	}
	a, err = h.store.ConfirmAnchor(id, version, author(u), h.now())
	if errors.Is(err, store.ErrOrphaned) {
		return a, &apiError{Status: http.StatusConflict, Code: "orphaned",
			Message: "The annotation's passage is gone from the text; select the passage it belongs to and re-attach it instead."}
	}
	return a, err
}

// attachRequest is the body of POST /api/annotations/{id}/anchor.
type attachRequest struct {
	Start *int   `json:"start"`
	End   *int   `json:"end"`
	Exact string `json:"exact"`
}

// attachAnnotation answers POST /api/annotations/{id}/anchor: the
// annotation (an orphan, usually) is anchored exactly at a passage of the
// current text, checked as on creation. If-Match (the annotation's
// version) is required.
func (h *Handler) attachAnnotation(c echo.Context) error {
	var req attachRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	a, err := h.store.Annotation(c.Param("id"))
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if !canAnchor(u, a) {
		return forbidden("Only the annotation's author, editors and admins can re-attach it.")
	}
	if req.Start == nil || req.End == nil || req.Exact == "" {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid",
			Message: "start, end and exact, the passage to attach the annotation to, are required."}
	}
	doc, err := h.store.Document(a.Document)
	if err != nil {
		return err
	}
	sel, err := annotation.NewText(doc.Text).Select(*req.Start, *req.End, req.Exact)
	if err != nil {
		return err
	}
	_, err = h.store.AttachAnnotation(a.ID, version, doc.Revision, sel, author(u), h.now())
	if errors.Is(err, store.ErrConflict) {
		return &apiError{Status: http.StatusConflict, Code: "document_revised",
			Message: "The document was revised after the passage was selected. Reload it and select the passage again."}
	}
	if err != nil {
		return staleError(c, err)
	}
	return h.annotationAnswer(c, a.ID)
}
