package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"galley/annotation"
	"galley/store"

	"github.com/labstack/echo/v4"
)

// annotationJSON is an annotation as the API shows it, with its thread.
type annotationJSON struct {
	annotation.Annotation
	Replies []replyJSON `json:"replies"`
}

// replyJSON is one reply in a thread.
type replyJSON struct {
	ID         string            `json:"id"`
	Annotation string            `json:"annotation"`
	Author     annotation.Author `json:"author"`
	Comment    string            `json:"comment"`
	Created    time.Time         `json:"created"`
	Modified   time.Time         `json:"modified"`
	Edited     bool              `json:"edited"`
	Version    int               `json:"version"`
}

func toJSON(a annotation.Annotation) annotationJSON {
	return threadJSON(annotation.Thread{Annotation: a})
}

func threadJSON(t annotation.Thread) annotationJSON {
	a := t.Annotation
	if a.Tags == nil {
		a.Tags = []string{}
	}
	out := annotationJSON{Annotation: a, Replies: make([]replyJSON, 0, len(t.Replies))}
	for _, r := range t.Replies {
		out.Replies = append(out.Replies, toReplyJSON(r))
	}
	return out
}

func toReplyJSON(r annotation.Reply) replyJSON {
	return replyJSON{ID: r.ID, Annotation: r.Annotation, Author: r.Author, Comment: r.Comment,
		Created: r.Created, Modified: r.Modified, Edited: r.Edited, Version: r.Version}
}

// annotationETag names an annotation's current version.
func annotationETag(a annotation.Annotation) string { return versionETag(a.Version) }

// versionETag is the strong entity tag of a record version.
func versionETag(v int) string { return `"` + strconv.Itoa(v) + `"` }

func itoa(n int) string { return strconv.Itoa(n) }

// ifMatch reads the version a client saw from If-Match: 428 without the
// header, store.AnyVersion for "*". A tag that names no version of ours
// (weak, malformed, or a list) becomes -1, which matches nothing, so the
// store answers 412.
func ifMatch(c echo.Context) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	switch {
	case h == "":
		return 0, &apiError{Status: http.StatusPreconditionRequired, Code: "if_match_required",
			Message: statusCodes[http.StatusPreconditionRequired][1]}
	case h == "*":
		return store.AnyVersion, nil
	}
	v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(h, `"`), `"`))
	if err != nil || v <= 0 || !strings.HasPrefix(h, `"`) || !strings.HasSuffix(h, `"`) {
		return -1, nil
	}
	return v, nil
}

// optionalIfMatch is ifMatch for changes where If-Match may be left out:
// then any version will do.
func optionalIfMatch(c echo.Context) (int, error) {
	if c.Request().Header.Get("If-Match") == "" {
		return store.AnyVersion, nil
	}
	return ifMatch(c)
}

// staleError answers a change refused because the record moved on: 412,
// with the current ETag so the client can fetch and compare.
func staleError(c echo.Context, err error) error {
	var se *store.StaleError
	if errors.As(err, &se) {
		c.Response().Header().Set("ETag", versionETag(se.Current))
		return &apiError{Status: http.StatusPreconditionFailed, Code: "stale",
			Message: "This changed since you loaded it (it is now at version " + itoa(se.Current) + "). Fetch it, compare, and try again."}
	}
	return err
}

// listAnnotations answers GET /api/documents/{id}/annotations, in reading
// order, filtered by tag, author (name or id), status and free text, which
// searches comments, replies, quotes and tags.
func (h *Handler) listAnnotations(c echo.Context) error {
	f, _, err := h.parseFilter(c)
	if err != nil {
		return err
	}
	threads, err := h.store.Threads(c.Param("id"))
	if err != nil {
		return err
	}
	out := make([]annotationJSON, 0, len(threads))
	for _, t := range threads {
		if f.Match(t) {
			out = append(out, threadJSON(t))
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"annotations": out})
}

// filterParams is a filter as the query string spelled it, for forms and
// links.
type filterParams struct {
	Tag, Author, Status, Text string
}

// parseFilter reads tag, author (a user's name or id), status and q from
// the query string. An unknown author matches nothing; a bad status is 400.
func (h *Handler) parseFilter(c echo.Context) (annotation.Filter, filterParams, error) {
	p := filterParams{
		Tag:    strings.TrimSpace(c.QueryParam("tag")),
		Author: strings.TrimSpace(c.QueryParam("author")),
		Status: strings.TrimSpace(c.QueryParam("status")),
		Text:   strings.TrimSpace(c.QueryParam("q")),
	}
	status, err := annotation.ParseStatus(p.Status)
	if err != nil {
		return annotation.Filter{}, p, &apiError{Status: http.StatusBadRequest, Code: "bad_filter", Message: "status must be open or resolved."}
	}
	f := annotation.Filter{Tag: p.Tag, Status: status, Text: p.Text}
	// Threads of documents the caller may not read never match, on any
	// list or search.
	if f.Hidden, err = h.hiddenDocuments(c); err != nil {
		return annotation.Filter{}, p, err
	}
	if p.Author != "" {
		f.AuthorID = p.Author
		if u, err := h.store.UserByName(p.Author); err == nil {
			f.AuthorID = u.ID
		} else if !errors.Is(err, store.ErrNotFound) {
			return annotation.Filter{}, p, err
		}
	}
	return f, p, nil
}

// createAnnotationRequest is the body of POST /api/documents/{id}/annotations.
type createAnnotationRequest struct {
	Start       *int     `json:"start"`
	End         *int     `json:"end"`
	Exact       string   `json:"exact"`
	Comment     string   `json:"comment"`
	Tags        []string `json:"tags"`
	Motivation  string   `json:"motivation"`
	Replacement string   `json:"replacement"`
}

// createAnnotation answers POST /api/documents/{id}/annotations. The quote
// must match the document's text at the offsets, or nothing is stored.
func (h *Handler) createAnnotation(c echo.Context) error {
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	var req createAnnotationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Start == nil || req.End == nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid",
			Message: "start and end, the code point offsets of the passage, are required."}
	}
	a, err := annotation.New(annotation.NewText(doc.Text), doc.ID, doc.Revision, annotation.Draft{
		Start: *req.Start, End: *req.End, Exact: req.Exact, Comment: req.Comment,
		Tags: req.Tags, Motivation: req.Motivation, Replacement: req.Replacement,
	})
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	a.Author = author(u)
	now := h.now()
	a.Created, a.Modified = now, now
	a, err = h.store.CreateAnnotation(a)
	if errors.Is(err, store.ErrConflict) {
		return &apiError{Status: http.StatusConflict, Code: "document_revised",
			Message: "The document was revised after the passage was selected. Reload it and select the passage again."}
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/annotations/"+a.ID)
	c.Response().Header().Set("ETag", annotationETag(a))
	return c.JSON(http.StatusCreated, toJSON(a))
}

// getAnnotation answers GET /api/annotations/{id} with its thread.
func (h *Handler) getAnnotation(c echo.Context) error {
	t, err := h.store.Thread(c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", annotationETag(t.Annotation))
	return c.JSON(http.StatusOK, threadJSON(t))
}

// editAnnotationRequest is the body of PATCH /api/annotations/{id}.
type editAnnotationRequest struct {
	Comment *string   `json:"comment"`
	Tags    *[]string `json:"tags"`
}

// editAnnotation answers PATCH /api/annotations/{id}: the comment (its
// author only) and the tags (its author, editors and admins), given the
// version the client saw in If-Match.
func (h *Handler) editAnnotation(c echo.Context) error {
	var req editAnnotationRequest
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
	if req.Comment == nil && req.Tags == nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Send comment, tags or both."}
	}
	edit := store.AnnotationEdit{Actor: author(u), Time: h.now()}
	if req.Comment != nil {
		if !canEditText(u, a.Author) {
			return forbidden("Only its author can change the text of a comment.")
		}
		if err := annotation.CheckComment(*req.Comment); err != nil {
			return err
		}
		edit.Comment = req.Comment
	}
	if req.Tags != nil {
		if !canRetag(u, a) {
			return forbidden("Only its author, editors and admins can change an annotation's tags.")
		}
		tags, err := annotation.NormalizeTags(*req.Tags)
		if err != nil {
			return err
		}
		edit.Tags = &tags
	}
	a, err = h.store.EditAnnotation(a.ID, version, edit)
	if err != nil {
		return staleError(c, err)
	}
	t, err := h.store.Thread(a.ID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", annotationETag(t.Annotation))
	return c.JSON(http.StatusOK, threadJSON(t))
}

// deleteAnnotation answers DELETE /api/annotations/{id}, with If-Match. An
// annotation with replies leaves a placeholder that keeps the thread,
// unless ?scope=thread asks for the whole thread to go.
func (h *Handler) deleteAnnotation(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	whole := false
	switch c.QueryParam("scope") {
	case "", "annotation":
	case "thread":
		whole = true
	default:
		return &apiError{Status: http.StatusBadRequest, Code: "bad_scope", Message: "scope must be annotation or thread."}
	}
	a, err := h.store.Annotation(c.Param("id"))
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if !canDelete(u, a.Author) {
		return forbidden("Only its author or an admin can delete this annotation.")
	}
	_, _, err = h.store.DeleteAnnotation(a.ID, store.Deletion{
		Version: version, WholeThread: whole, OthersReplies: can(u.Role, actDeleteAny),
		Actor: author(u), Time: h.now(),
	})
	if errors.Is(err, store.ErrForbidden) {
		return forbidden("The thread has replies by other people; only an admin can delete it whole.")
	}
	if errors.Is(err, store.ErrConflict) {
		return &apiError{Status: http.StatusConflict, Code: "already_deleted",
			Message: "The annotation is already deleted; delete the whole thread (scope=thread) to remove its replies."}
	}
	if err != nil {
		return staleError(c, err)
	}
	return c.NoContent(http.StatusNoContent)
}

// resolveAnnotation answers POST /api/annotations/{id}/resolve.
func (h *Handler) resolveAnnotation(c echo.Context) error {
	return h.setThreadStatus(c, annotation.StatusResolved)
}

// reopenAnnotation answers POST /api/annotations/{id}/reopen.
func (h *Handler) reopenAnnotation(c echo.Context) error {
	return h.setThreadStatus(c, annotation.StatusOpen)
}

// setThreadStatus resolves or reopens a thread: its author, editors and
// admins may. If-Match is optional here; when sent, it must be current.
func (h *Handler) setThreadStatus(c echo.Context, status annotation.Status) error {
	version, err := optionalIfMatch(c)
	if err != nil {
		return err
	}
	t, err := h.changeThreadStatus(c, c.Param("id"), version, status)
	if err != nil {
		return staleError(c, err)
	}
	c.Response().Header().Set("ETag", annotationETag(t.Annotation))
	return c.JSON(http.StatusOK, threadJSON(t))
}

// changeThreadStatus checks the caller may resolve or reopen the thread,
// then does it, and returns the thread as it now is.
func (h *Handler) changeThreadStatus(c echo.Context, id string, version int, status annotation.Status) (annotation.Thread, error) {
	a, err := h.store.Annotation(id)
	if err != nil {
		return annotation.Thread{}, err
	}
	u, _ := currentUser(c)
	if !canResolve(u, a) {
		return annotation.Thread{}, forbidden("Only the thread's author, editors and admins can resolve or reopen it.")
	}
	if _, err := h.store.SetAnnotationStatus(a.ID, version, status, author(u), h.now()); err != nil {
		return annotation.Thread{}, err
	}
	return h.store.Thread(a.ID)
}

// author is how a user signs what they write.
func author(u store.User) annotation.Author { return annotation.Author{ID: u.ID, Name: u.Name} }
