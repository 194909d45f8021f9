package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"galley/annotation"
	"galley/store"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// apiError is an error with everything the client is told: the status, a
// stable snake_case code and a message for a person.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// statusCodes names the codes of plain HTTP errors raised by echo and its
// middleware, with messages a person understands.
var statusCodes = map[int][2]string{
	http.StatusBadRequest:            {"bad_request", "The request could not be understood."},
	http.StatusUnauthorized:          {"unauthenticated", "Sign in or send an API token to continue."},
	http.StatusForbidden:             {"forbidden", "You are not allowed to do that."},
	http.StatusNotFound:              {"not_found", "There is nothing here."},
	http.StatusMethodNotAllowed:      {"method_not_allowed", "That method is not allowed here."},
	http.StatusConflict:              {"conflict", "The request conflicts with a change made meanwhile; reload and try again."},
	http.StatusRequestEntityTooLarge: {"body_too_large", "The request body is too large (the limit is 4 MiB)."},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type", "Send the body as application/json (or application/ld+json)."},
	http.StatusUnprocessableEntity:   {"invalid", "The request is not valid."},
	http.StatusTooManyRequests:       {"too_many_requests", "Too many requests; wait a moment and try again."},
	http.StatusPreconditionFailed:    {"stale", "This changed since you loaded it. Reload, check the newer version, and try again."},
	http.StatusPreconditionRequired:  {"if_match_required", "Send If-Match with the ETag you last read, so that no one's change is overwritten."},
}

// classify maps any error a handler returns to what the client is told.
func classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if known, ok := statusCodes[he.Code]; ok {
			return &apiError{Status: he.Code, Code: known[0], Message: known[1]}
		}
		return &apiError{Status: he.Code, Code: strings.ReplaceAll(strings.ToLower(http.StatusText(he.Code)), " ", "_"), Message: http.StatusText(he.Code)}
	}
	var invalid *annotation.InvalidError
	switch {
	case store.IsStorageFailure(err):
		return &apiError{Status: http.StatusInsufficientStorage, Code: "storage_unavailable",
			Message: "The desk could not save this change: the server's disk is full or refuses writes. " +
				"Nothing already saved was lost. Tell an administrator, then try again."}
	case errors.Is(err, store.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: statusCodes[http.StatusNotFound][1]}
	case errors.Is(err, store.ErrStale):
		return &apiError{Status: http.StatusPreconditionFailed, Code: "stale", Message: statusCodes[http.StatusPreconditionFailed][1]}
	case errors.Is(err, store.ErrOpenThreads):
		return &apiError{Status: http.StatusConflict, Code: "open_threads", Message: "Threads are still open; resolve them before approving."}
	case errors.Is(err, store.ErrForbidden):
		return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: statusCodes[http.StatusForbidden][1]}
	case errors.Is(err, store.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: statusCodes[http.StatusConflict][1]}
	case errors.Is(err, annotation.ErrQuoteMismatch):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "quote_mismatch", Message: sentence(err.Error())}
	case errors.Is(err, annotation.ErrOutOfRange):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "offsets_out_of_range", Message: sentence(err.Error())}
	case errors.Is(err, annotation.ErrInverted):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "offsets_inverted", Message: sentence(err.Error())}
	case errors.Is(err, annotation.ErrEmptySpan):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "empty_selection", Message: sentence(err.Error())}
	case errors.As(err, &invalid):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: invalid.Message}
	}
	return nil
}

// handleError answers every failed request: JSON under /api/, an HTML page
// elsewhere. Internal errors are logged with the request id and never shown.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae := classify(err)
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	if ae == nil {
		h.log.Error("request failed", "request_id", reqID, "method", c.Request().Method,
			"path", c.Request().URL.Path, "error", err)
		ae = &apiError{Status: http.StatusInternalServerError, Code: "internal",
			Message: "Something went wrong on our side. It was logged as request " + reqID + "."}
	} else if ae.Status >= 500 {
		h.log.Error("request failed", "request_id", reqID, "method", c.Request().Method,
			"path", c.Request().URL.Path, "status", ae.Status, "error", err)
	}
	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(ae.Status)
	case isAPI(c):
		var body errorBody
		body.Error.Code, body.Error.Message = ae.Code, ae.Message
		werr = c.JSON(ae.Status, body)
	case ae.Status == http.StatusUnauthorized:
		werr = c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	default:
		werr = h.renderErrorPage(c, ae)
	}
	if werr != nil {
		h.log.Error("writing error response", "request_id", reqID, "error", werr)
	}
}

func (h *Handler) renderErrorPage(c echo.Context, ae *apiError) error {
	heading := http.StatusText(ae.Status)
	if ae.Status == http.StatusNotFound {
		heading = "Not found"
	}
	v := views.ErrorPage{Page: h.page(c, heading), Status: ae.Status, Heading: heading, Message: ae.Message}
	var buf bytes.Buffer
	if err := views.Error(v).Render(c.Request().Context(), &buf); err != nil {
		return c.String(ae.Status, ae.Message)
	}
	return c.HTMLBlob(ae.Status, buf.Bytes())
}

// isAPI says whether a request is for a machine: the JSON API or the Web
// Annotation Protocol, whose errors are JSON.
func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/api" || strings.HasPrefix(p, "/api/") || isProtocolPath(p)
}
