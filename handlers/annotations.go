package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

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
	ID       string            `json:"id"`
	Author   annotation.Author `json:"author"`
	Comment  string            `json:"comment"`
	Created  string            `json:"created"`
	Modified string            `json:"modified"`
}

func toJSON(a annotation.Annotation) annotationJSON {
	if a.Tags == nil {
		a.Tags = []string{}
	}
	return annotationJSON{Annotation: a, Replies: []replyJSON{}}
}

// annotationETag names an annotation's current version.
func annotationETag(a annotation.Annotation) string {
	return `"` + itoa(a.Version) + `"`
}

func itoa(n int) string { return strconv.Itoa(n) }

// listAnnotations answers GET /api/documents/{id}/annotations, in reading
// order, filtered by tag, author (name or id), status and free text.
func (h *Handler) listAnnotations(c echo.Context) error {
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	anns, err := h.store.Annotations(doc.ID)
	if err != nil {
		return err
	}
	f := annotationFilter{
		Tag:    strings.TrimSpace(c.QueryParam("tag")),
		Author: strings.TrimSpace(c.QueryParam("author")),
		Status: annotation.Status(c.QueryParam("status")),
		Text:   strings.ToLower(strings.TrimSpace(c.QueryParam("q"))),
	}
	switch f.Status {
	case "", annotation.StatusOpen, annotation.StatusResolved:
	default:
		return &apiError{Status: http.StatusBadRequest, Code: "bad_filter", Message: "status must be open or resolved."}
	}
	out := make([]annotationJSON, 0, len(anns))
	for _, a := range anns {
		if f.match(a) {
			out = append(out, toJSON(a))
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"annotations": out})
}

// annotationFilter selects annotations for a list; empty fields match all.
type annotationFilter struct {
	Tag    string
	Author string
	Status annotation.Status
	Text   string // lower case
}

func (f annotationFilter) match(a annotation.Annotation) bool {
	switch {
	case f.Tag != "" && !a.HasTag(f.Tag):
		return false
	case f.Author != "" && !strings.EqualFold(a.Author.Name, f.Author) && a.Author.ID != f.Author:
		return false
	case f.Status != "" && a.Status != f.Status:
		return false
	case f.Text != "" && !strings.Contains(strings.ToLower(a.Comment), f.Text) &&
		!strings.Contains(strings.ToLower(a.Exact), f.Text) &&
		!slices.ContainsFunc(a.Tags, func(t string) bool { return strings.Contains(strings.ToLower(t), f.Text) }):
		return false
	}
	return true
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
	a.Author = annotation.Author{ID: u.ID, Name: u.Name}
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
	a, err := h.store.Annotation(c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", annotationETag(a))
	return c.JSON(http.StatusOK, toJSON(a))
}
