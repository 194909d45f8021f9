package handlers

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"

	"galley/annotation"
	"galley/exchange"

	"github.com/labstack/echo/v4"
)

// maxImportBody bounds an import's body: larger than other requests, since
// an export of thousands of annotations is imported whole.
const maxImportBody = 64 << 20

// exportOptions are the settings every export from this request shares.
func (h *Handler) exportOptions(c echo.Context) exchange.Options {
	return exchange.Options{BaseURL: h.baseURL(c), Now: h.cfg.Now}
}

// baseURL is the desk's public address: the configured one, or the address
// the request came to.
func (h *Handler) baseURL(c echo.Context) string {
	if h.cfg.BaseURL != "" {
		return strings.TrimRight(h.cfg.BaseURL, "/")
	}
	return c.Scheme() + "://" + c.Request().Host
}

// startDownload sets the headers of an export: its media type and an
// attachment with a safe file name, whatever the document's title.
func startDownload(c echo.Context, contentType, filename string) {
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, contentType)
	hd.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	c.Response().WriteHeader(http.StatusOK)
}

// exportDocument answers GET /api/documents/{id}/export?format=w3c|native.
//
// W3C: an AnnotationCollection in pages of bounded size (page 0, with the
// collection, unless page=N asks for another); all=1 gives every item on
// one page in one document, which is what the download button and the
// command line save. Native: the annotated article, whole. Both stream.
func (h *Handler) exportDocument(c echo.Context) error {
	format, err := exchange.ParseFormat(c.QueryParam("format"))
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "bad_format", Message: sentence(err.Error())}
	}
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	o := h.exportOptions(c)
	w := c.Response()
	name := exchange.FileName(doc.Title, format)
	switch {
	case format == exchange.FormatNative:
		startDownload(c, echo.MIMEApplicationJSON, name)
		_, err = exchange.Native(w, h.store, doc.ID, o)
	case c.QueryParam("all") == "1":
		startDownload(c, annotation.W3CMediaType, name)
		_, err = exchange.W3C(w, h.store, doc.ID, o)
	default:
		page, _, perr := exchange.ParsePage(c.QueryParam("page"))
		if perr != nil {
			return &apiError{Status: http.StatusBadRequest, Code: "bad_page", Message: sentence(perr.Error())}
		}
		// A page is bounded: render it first, so a bad page number is
		// a clean 404 rather than a broken download.
		var buf strings.Builder
		if err := exchange.W3CPage(&buf, h.store, doc.ID, page, o); err != nil {
			if errors.Is(err, exchange.ErrNoPage) {
				return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "The export has no such page."}
			}
			return err
		}
		startDownload(c, annotation.W3CMediaType, name)
		_, err = io.WriteString(w, buf.String())
	}
	return h.streamEnded(c, err)
}

// exportAll answers GET /api/export?format=w3c|native: every document at once.
func (h *Handler) exportAll(c echo.Context) error {
	format, err := exchange.ParseFormat(c.QueryParam("format"))
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "bad_format", Message: sentence(err.Error())}
	}
	o := h.exportOptions(c)
	hidden, err := h.hiddenDocuments(c)
	if err != nil {
		return err
	}
	src := visibleSource{Store: h.store, hidden: hidden}
	if format == exchange.FormatNative {
		startDownload(c, echo.MIMEApplicationJSON, "galley-all.galley.json")
		_, err = exchange.NativeAll(c.Response(), src, o)
	} else {
		startDownload(c, annotation.W3CMediaType, "galley-all.w3c.jsonld")
		_, err = exchange.W3CAll(c.Response(), src, o)
	}
	return h.streamEnded(c, err)
}

// streamEnded handles the end of a streamed answer: once bytes are out, an
// error can only cut the download short, so it is logged, not answered.
func (h *Handler) streamEnded(c echo.Context, err error) error {
	if err == nil || !c.Response().Committed {
		return err
	}
	h.log.Warn("export interrupted", "path", c.Request().URL.Path, "error", err)
	return nil
}

// importAnnotations answers POST /api/documents/{id}/import with W3C
// annotations (one, an array, a page or a collection): 200
// {imported, exact, fuzzy, orphaned, replies, duplicates, errors}. The body
// is read more than once (see exchange.ImportFrom), so it is first kept
// aside: in memory when small, else in a temporary file, never whole in
// memory.
func (h *Handler) importAnnotations(c echo.Context) error {
	body, err := spoolBody(http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBody), spoolInMemory)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
				Message: "The import is too large (the limit is 64 MiB); split it into several files."}
		}
		return err
	}
	defer body.Close()
	res, err := exchange.ImportFrom(h.store, c.Param("id"), body, h.now())
	if errors.Is(err, exchange.ErrNotW3C) {
		return &apiError{Status: http.StatusBadRequest, Code: "bad_import", Message: sentence(err.Error())}
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// spoolInMemory is the largest import body kept in memory.
const spoolInMemory = 1 << 20

// spooled is a request body kept aside to be read more than once.
type spooled interface {
	io.ReadSeeker
	io.Closer
}

// memoryBody is a small body kept in memory.
type memoryBody struct{ *bytes.Reader }

func (memoryBody) Close() error { return nil }

// fileBody is a body kept in a temporary file, removed on Close.
type fileBody struct{ *os.File }

func (f fileBody) Close() error {
	err := f.File.Close()
	if rerr := os.Remove(f.Name()); err == nil {
		err = rerr
	}
	return err
}

// spoolBody reads r to its end: into memory when it holds at most
// inMemory bytes, else into a temporary file (in the system's temporary
// directory, TMPDIR), which Close removes.
func spoolBody(r io.Reader, inMemory int64) (spooled, error) {
	head, err := io.ReadAll(io.LimitReader(r, inMemory+1))
	if err != nil {
		return nil, err
	}
	if int64(len(head)) <= inMemory {
		return memoryBody{bytes.NewReader(head)}, nil
	}
	f, err := os.CreateTemp("", "galley-import-*.json")
	if err != nil {
		return nil, err
	}
	body := fileBody{f}
	if _, err := f.Write(head); err != nil {
		body.Close()
		return nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		body.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		body.Close()
		return nil, err
	}
	return body, nil
}
