package handlers

import (
	"net/http"

	"galley/annotation"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// The reader's plain forms: they work without JavaScript, and answer with
// a 303 back to the page they came from (the "next" field, a same-site
// path), or with an error page that says what went wrong.

// replyForm handles POST /annotations/{id}/replies.
func (h *Handler) replyForm(c echo.Context) error {
	r, err := h.addReply(c, c.Param("id"), c.FormValue("comment"), "")
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.backTo(c, r.Document)+"#thread-"+r.Annotation)
}

// resolveForm handles POST /annotations/{id}/resolve.
func (h *Handler) resolveForm(c echo.Context) error {
	return h.threadStatusForm(c, annotation.StatusResolved)
}

// reopenForm handles POST /annotations/{id}/reopen.
func (h *Handler) reopenForm(c echo.Context) error {
	return h.threadStatusForm(c, annotation.StatusOpen)
}

func (h *Handler) threadStatusForm(c echo.Context, status annotation.Status) error {
	t, err := h.changeThreadStatus(c, c.Param("id"), 0, status)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.backTo(c, t.Annotation.Document)+"#thread-"+t.Annotation.ID)
}

// statusForm handles POST /documents/{id}/status. A refused change shows
// the reader again with the reason and the note typed (409 or 422).
func (h *Handler) statusForm(c echo.Context) error {
	docID := c.Param("id")
	req := statusRequest{Status: c.FormValue("status"), Note: c.FormValue("note")}
	if _, err := h.changeStatus(c, docID, req); err != nil {
		ae := classify(err)
		if ae == nil || ae.Status == http.StatusNotFound || ae.Status == http.StatusForbidden {
			return err
		}
		v, verr := h.readerView(c, docID)
		if verr != nil {
			return verr
		}
		v.Review.Error, v.Review.Draft = sentence(ae.Message), req.Note
		return h.render(c, ae.Status, views.ReaderPage(v))
	}
	return c.Redirect(http.StatusSeeOther, h.backTo(c, docID))
}

// backTo is where a form returns: its "next" field when that is a reader
// page of the same document, else the document's reader page.
func (h *Handler) backTo(c echo.Context, docID string) string {
	next := safeNext(c.FormValue("next"))
	base := "/documents/" + docID
	if next == base || len(next) > len(base) && next[:len(base)+1] == base+"?" {
		return next
	}
	return base
}
