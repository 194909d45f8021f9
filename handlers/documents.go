package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode"

	"galley/annotation"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// documentSummaryJSON is one entry of the document list.
type documentSummaryJSON struct {
	ID          string               `json:"id"`
	Title       string               `json:"title"`
	Status      annotation.DocStatus `json:"status"`
	Revision    int                  `json:"revision"`
	Annotations int                  `json:"annotations"`
	Open        int                  `json:"open"`
}

// listDocuments answers GET /api/documents, filtered by ?status=.
func (h *Handler) listDocuments(c echo.Context) error {
	status, err := documentStatusFilter(c)
	if err != nil {
		return err
	}
	docs, err := h.readableDocuments(c)
	if err != nil {
		return err
	}
	out := make([]documentSummaryJSON, 0, len(docs))
	for _, d := range docs {
		if status != "" && d.Document.Status != status {
			continue
		}
		out = append(out, documentSummaryJSON{
			ID: d.Document.ID, Title: d.Document.Title, Status: d.Document.Status,
			Revision: d.Document.Revision, Annotations: d.Annotations, Open: d.Open,
		})
	}
	return c.JSON(http.StatusOK, map[string]any{"documents": out})
}

// getDocument answers GET /api/documents/{id} with the text and its blocks.
func (h *Handler) getDocument(c echo.Context) error {
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", documentETag(doc))
	return c.JSON(http.StatusOK, documentJSON{Document: doc, Container: h.protocolIRIs(c).Collection(doc.ID)})
}

// documentJSON is a document as GET /api/documents/{id} shows it, with the
// IRI of its W3C Annotation Container.
type documentJSON struct {
	annotation.Document
	Container string `json:"container"`
}

// createDocumentRequest is the body of POST /api/documents.
type createDocumentRequest struct {
	Text  string `json:"text"`
	Title string `json:"title"`
}

// createDocument answers POST /api/documents.
func (h *Handler) createDocument(c echo.Context) error {
	var req createDocumentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	doc, err := h.addDocument(c, req.Text, req.Title)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/documents/"+doc.ID)
	c.Response().Header().Set("ETag", documentETag(doc))
	return c.JSON(http.StatusCreated, doc)
}

// createDocumentForm handles the new-document form: pasted text or an
// uploaded .txt or .md file. A bad form comes back with its message (422).
func (h *Handler) createDocumentForm(c echo.Context) error {
	title := c.FormValue("title")
	text := c.FormValue("text")
	fail := func(msg string) error {
		v := views.NewDocument{Page: h.page(c, "New document"), Title: title, Text: text, Error: msg}
		v.Page.Nav = "new"
		return h.render(c, http.StatusUnprocessableEntity, views.NewDocumentPage(v))
	}
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, annotation.MaxTextLength+1))
		if err != nil {
			return err
		}
		if text != "" {
			return fail("Paste the text or upload a file, not both.")
		}
		text = string(b)
	} else if err != nil && !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		return &apiError{Status: http.StatusBadRequest, Code: "bad_form", Message: "The upload could not be read."}
	}
	doc, err := h.addDocument(c, text, title)
	if err != nil {
		var invalid *annotation.InvalidError
		if errors.As(err, &invalid) {
			return fail(sentence(invalid.Message))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/documents/"+doc.ID)
}

// addDocument parses and stores a new document written by the current user.
func (h *Handler) addDocument(c echo.Context, text, title string) (annotation.Document, error) {
	doc, err := annotation.NewDocument(text, title)
	if err != nil {
		return doc, err
	}
	u, _ := currentUser(c)
	doc.Author = annotation.Author{ID: u.ID, Name: u.Name}
	now := h.now()
	doc.Created, doc.Modified = now, now
	return h.store.CreateDocument(doc)
}

// documentETag names a document's current revision.
func documentETag(doc annotation.Document) string {
	return `"r` + itoa(doc.Revision) + `"`
}

// sentence capitalizes a message and ends it with a period, for a page.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	if !strings.HasSuffix(msg, ".") {
		r = append(r, '.')
	}
	return string(r)
}
