package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"galley/annotation"
	"galley/store"

	"github.com/labstack/echo/v4"
)

// maxNoteLength bounds the note of a status change, in code points.
const maxNoteLength = 2000

// statusRequest is the body of POST /api/documents/{id}/status.
type statusRequest struct {
	Status string `json:"status"`
	// Note explains the change; an admin approving over open threads must
	// give one.
	Note string `json:"note"`
}

// setStatus answers POST /api/documents/{id}/status.
func (h *Handler) setStatus(c echo.Context) error {
	var req statusRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	doc, err := h.changeStatus(c, c.Param("id"), req)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", documentETag(doc))
	return c.JSON(http.StatusOK, doc)
}

// changeStatus moves a document through the review workflow for the
// current user. Approving with threads open is refused (409 open_threads)
// unless an admin gives a note, which overrides.
func (h *Handler) changeStatus(c echo.Context, docID string, req statusRequest) (annotation.Document, error) {
	u, _ := currentUser(c)
	status, err := annotation.ParseDocStatus(req.Status)
	if err != nil {
		return annotation.Document{}, err
	}
	note := strings.TrimSpace(req.Note)
	if n := utf8.RuneCountInString(note); n > maxNoteLength {
		return annotation.Document{}, &annotation.InvalidError{Message: fmt.Sprintf("the note is %d characters long; the limit is %d", n, maxNoteLength)}
	}
	step := annotation.ReviewStep{
		Status: status, By: author(u), Time: h.now(), Note: note,
		Override: status == annotation.StatusApproved && note != "" && can(u.Role, actOverride),
	}
	if _, err := h.store.SetDocumentStatus(docID, step); err != nil {
		if errors.Is(err, store.ErrOpenThreads) {
			rest := "Resolve them before approving."
			if can(u.Role, actOverride) {
				rest = "Resolve them, or give a note to approve anyway."
			}
			msg := "Threads are still open. " + rest
			if _, open, cerr := h.openThreads(docID); cerr == nil && open > 0 {
				msg = fmt.Sprintf("%d %s still open. %s", open, pluralThreads(open), rest)
			}
			return annotation.Document{}, &apiError{Status: http.StatusConflict, Code: "open_threads", Message: msg}
		}
		return annotation.Document{}, err
	}
	return h.store.Document(docID)
}

// openThreads counts a document's threads and those still open.
func (h *Handler) openThreads(docID string) (total, open int, err error) {
	anns, err := h.store.Annotations(docID)
	if err != nil {
		return 0, 0, err
	}
	for _, a := range anns {
		if a.Status == annotation.StatusOpen {
			open++
		}
	}
	return len(anns), open, nil
}

// pluralThreads is "thread is" or "threads are".
func pluralThreads(n int) string {
	if n == 1 {
		return "thread is"
	}
	return "threads are"
}
