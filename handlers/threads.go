package handlers

import (
	"net/http"

	"galley/store"

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
	found, total, pageNo, _, err := h.findThreads(c)
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

// findThreads reads the filter and page of a request for threads across
// documents (the Threads page and GET /api/threads) and finds them. It
// returns the page's threads, how many pass the filter in all, the page
// number and the filter's query parameters.
func (h *Handler) findThreads(c echo.Context) ([]store.DocumentThread, int, int, filterParams, error) {
	f, params, err := h.parseFilter(c)
	if err != nil {
		return nil, 0, 0, filterParams{}, err
	}
	pageNo, err := pageParam(c)
	if err != nil {
		return nil, 0, 0, filterParams{}, err
	}
	found, total, err := h.store.FindThreads(f, (pageNo-1)*threadsPerPage, threadsPerPage)
	return found, total, pageNo, params, err
}
