package handlers

import (
	"bytes"
	"net/http"

	"galley/annotation"
	"galley/static"
	"galley/views"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// statusLabels names the review statuses for people.
var statusLabels = map[annotation.DocStatus]string{
	annotation.StatusDraft:            "Draft",
	annotation.StatusInReview:         "In review",
	annotation.StatusChangesRequested: "Changes requested",
	annotation.StatusApproved:         "Approved",
}

// timeLayout is how times read on the pages.
const timeLayout = "2 Jan 2006, 15:04 UTC"

// page fills the chrome every page shares.
func (h *Handler) page(c echo.Context, title string) views.Page {
	p := views.Page{Title: title, CSSURL: static.URL("app.css"), JSURL: static.URL("app.js")}
	if u, ok := currentUser(c); ok {
		p.UserName, p.UserRole = u.Name, u.Role
	}
	if s, ok := currentSession(c); ok {
		p.CSRF = s.CSRF
	}
	return p
}

// render writes a component into a buffer first, so a failed render is a
// clean 500 rather than half a page sent with 200.
func (h *Handler) render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// documentsPage lists every document with its thread counts.
func (h *Handler) documentsPage(c echo.Context) error {
	docs, err := h.store.Documents()
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	v := views.DocumentList{
		Page:       h.page(c, "Documents"),
		CanCreate:  can(u.Role, actCreateDocument),
		EmptyState: "No documents yet. Add one to start reviewing.",
	}
	v.Page.Nav = "documents"
	for _, d := range docs {
		v.Documents = append(v.Documents, views.DocumentRow{
			ID:          d.Document.ID,
			Title:       d.Document.Title,
			URL:         "/documents/" + d.Document.ID,
			Status:      string(d.Document.Status),
			StatusLabel: statusLabels[d.Document.Status],
			Revision:    d.Document.Revision,
			Annotations: d.Annotations,
			Open:        d.Open,
			Created:     d.Document.Created.Format(timeLayout),
			CreatedISO:  d.Document.Created.Format("2006-01-02T15:04:05Z07:00"),
		})
	}
	return h.render(c, http.StatusOK, views.DocumentsPage(v))
}

// newDocumentPage shows the paste-or-upload form.
func (h *Handler) newDocumentPage(c echo.Context) error {
	v := views.NewDocument{Page: h.page(c, "New document")}
	v.Page.Nav = "new"
	return h.render(c, http.StatusOK, views.NewDocumentPage(v))
}

// readerPage shows one article with its highlights and threads.
func (h *Handler) readerPage(c echo.Context) error {
	v, err := h.readerView(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, views.ReaderPage(v))
}

// readerFragments renders the article body and the thread list, which the
// browser swaps in after a change.
func (h *Handler) readerFragments(c echo.Context) error {
	v, err := h.readerView(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, views.ReaderFragments(v))
}

// readerView loads a document and its annotations and shapes them like the
// reader screen.
func (h *Handler) readerView(c echo.Context) (views.Reader, error) {
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return views.Reader{}, err
	}
	anns, err := h.store.Annotations(doc.ID)
	if err != nil {
		return views.Reader{}, err
	}
	u, _ := currentUser(c)
	v := views.Reader{
		Page:        h.page(c, doc.Title),
		DocumentID:  doc.ID,
		Title:       doc.Title,
		Byline:      doc.Byline,
		Dateline:    doc.Dateline,
		Status:      string(doc.Status),
		StatusLabel: statusLabels[doc.Status],
		Revision:    doc.Revision,
		CanAnnotate: can(u.Role, actAnnotate),
		Article:     ArticleView(doc, anns),
		Sidebar:     SidebarView(anns),
	}
	return v, nil
}

// ArticleView cuts a document's blocks into highlight segments. It costs
// time linear in blocks and annotations (plus sorting), whatever the overlap.
func ArticleView(doc annotation.Document, anns []annotation.Annotation) views.Article {
	text := annotation.NewText(doc.Text)
	spans := make([]annotation.Span, 0, len(anns))
	resolved := make(map[string]bool, len(anns))
	for _, a := range anns {
		if a.Anchor == annotation.AnchorOrphaned {
			continue
		}
		spans = append(spans, a.Span())
		resolved[a.ID] = a.Status == annotation.StatusResolved
	}
	segs := annotation.SegmentDocument(text, doc.Blocks, spans)
	out := views.Article{Blocks: make([]views.Block, len(doc.Blocks))}
	for i, b := range doc.Blocks {
		vb := views.Block{Kind: string(b.Kind), Start: b.Start, End: b.End, Segments: make([]views.Segment, len(segs[i]))}
		for j, s := range segs[i] {
			vs := views.Segment{Text: s.Text, IDs: s.IDs, Depth: s.Depth()}
			if len(s.IDs) > 0 {
				vs.Tone = "neutral"
				vs.Resolved = true
				for _, id := range s.IDs {
					if !resolved[id] {
						vs.Resolved = false
						break
					}
				}
			}
			vb.Segments[j] = vs
		}
		out.Blocks[i] = vb
	}
	return out
}

// SidebarView lists the threads in reading order.
func SidebarView(anns []annotation.Annotation) views.Sidebar {
	s := views.Sidebar{Total: len(anns), Cards: make([]views.Card, 0, len(anns))}
	for _, a := range anns {
		if a.Status == annotation.StatusOpen {
			s.Open++
		}
		s.Cards = append(s.Cards, views.Card{
			ID:          a.ID,
			Quote:       a.Exact,
			Comment:     a.Comment,
			Tags:        a.Tags,
			Author:      a.Author.Name,
			Created:     a.Created.Format(timeLayout),
			CreatedISO:  a.Created.Format("2006-01-02T15:04:05Z07:00"),
			Status:      string(a.Status),
			Motivation:  string(a.Motivation),
			Replacement: a.Replacement,
			Anchor:      string(a.Anchor),
		})
	}
	return s
}
