package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// threadJSONWithDocument is a thread on the cross-document list.
type threadJSONWithDocument struct {
	annotationJSON
	DocumentTitle string `json:"document_title"`
	Activity      string `json:"activity"`
}

// listThreads answers GET /api/threads: the threads of every document
// that pass the filter (tag, author, status, q, as for a document's
// annotations), newest activity first, threadsPerPage at a time (?page=N).
func (h *Handler) listThreads(c echo.Context) error {
	f, _, err := h.parseFilter(c)
	if err != nil {
		return err
	}
	pageNo, err := pageParam(c)
	if err != nil {
		return err
	}
	found, total, err := h.store.FindThreads(f, (pageNo-1)*threadsPerPage, threadsPerPage)
	if err != nil {
		return err
	}
	out := make([]threadJSONWithDocument, 0, len(found))
	for _, t := range found {
		out = append(out, threadJSONWithDocument{annotationJSON: threadJSON(t.Thread), DocumentTitle: t.DocumentTitle,
			Activity: isoTime(t.Activity())})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"threads": out, "total": total, "page": pageNo, "pages": max(1, (total+threadsPerPage-1)/threadsPerPage),
	})
}
