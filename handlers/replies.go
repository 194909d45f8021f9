package handlers

import (
	"errors"
	"net/http"

	"galley/annotation"
	"galley/store"

	"github.com/labstack/echo/v4"
)

// replyRequest is the body of POST /api/annotations/{id}/replies and of
// PATCH /api/replies/{id}.
type replyRequest struct {
	Comment *string `json:"comment"`
}

// createReply answers POST /api/annotations/{id}/replies.
func (h *Handler) createReply(c echo.Context) error {
	var req replyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Comment == nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "comment, the reply's text, is required."}
	}
	r, err := h.addReply(c, c.Param("id"), *req.Comment, "")
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/replies/"+r.ID)
	c.Response().Header().Set("ETag", versionETag(r.Version))
	return c.JSON(http.StatusCreated, toReplyJSON(r))
}

// addReply checks and stores a reply by the current user; via is the IRI a
// protocol client gave it, if any.
func (h *Handler) addReply(c echo.Context, annID, comment, via string) (annotation.Reply, error) {
	a, err := h.store.Annotation(annID)
	if err != nil {
		return annotation.Reply{}, err
	}
	r, err := annotation.NewReply(a, comment)
	if err != nil {
		return annotation.Reply{}, err
	}
	u, _ := currentUser(c)
	r.Author = author(u)
	r.Created = h.now()
	r.Via = via
	return h.store.CreateReply(r)
}

// getReply answers GET /api/replies/{id}.
func (h *Handler) getReply(c echo.Context) error {
	r, err := h.store.Reply(c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", versionETag(r.Version))
	return c.JSON(http.StatusOK, toReplyJSON(r))
}

// editReply answers PATCH /api/replies/{id}: its author only, with If-Match.
func (h *Handler) editReply(c echo.Context) error {
	var req replyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	r, err := h.store.Reply(c.Param("id"))
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if !canEditText(u, r.Author) {
		return forbidden("Only its author can change the text of a reply.")
	}
	if req.Comment == nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "comment, the reply's text, is required."}
	}
	checked, err := annotation.NewReply(annotation.Annotation{ID: r.Annotation}, *req.Comment)
	if err != nil {
		return err
	}
	r, err = h.store.EditReply(r.ID, version, checked.Comment, author(u), h.now())
	if err != nil {
		return staleError(c, err)
	}
	c.Response().Header().Set("ETag", versionETag(r.Version))
	return c.JSON(http.StatusOK, toReplyJSON(r))
}

// deleteReply answers DELETE /api/replies/{id}: its author or an admin,
// with If-Match.
func (h *Handler) deleteReply(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	r, err := h.store.Reply(c.Param("id"))
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if !canDelete(u, r.Author) {
		return forbidden("Only its author or an admin can delete this reply.")
	}
	if _, _, err := h.store.DeleteReply(r.ID, version, author(u), h.now()); err != nil {
		if errors.Is(err, store.ErrStale) {
			return staleError(c, err)
		}
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
