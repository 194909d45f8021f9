package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"galley/annotation"
	"galley/store"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// ctxDocument holds the document record (without its text) that
// guardReads checked the caller may read.
const ctxDocument = "galley.document"

// errHidden is the answer for anything the caller may not see: the same
// 404 as for an id that does not exist.
var errHidden = fmt.Errorf("hidden from the caller: %w", store.ErrNotFound)

// guardedParents maps the first path segment of a route with an :id to
// what the id names. Every route with an :id must be under one of them;
// TestEveryIDRouteIsGuarded checks it.
var guardedParents = map[string]string{
	"documents":   "document",
	"annotations": "annotation",
	"replies":     "reply",
}

// guardReads applies the read check to every route that names a document,
// an annotation or a reply by :id, before the handler or any role check
// runs: what the caller may not read answers 404 on every method, so a
// write to it is refused without telling whether it exists. Routes are
// recognized by their pattern, so a route added later is guarded too.
func (h *Handler) guardReads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		kind := guardedKind(c.Path())
		if kind == "" {
			return next(c)
		}
		doc, err := h.readableParent(c, kind, c.Param("id"))
		if err != nil {
			return err
		}
		c.Set(ctxDocument, doc)
		return next(c)
	}
}

// guardedKind is what the :id of a route pattern names, or "" when the
// route has no :id.
func guardedKind(path string) string {
	p := strings.TrimPrefix(path, "/api")
	parent, rest, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if !ok || (rest != ":id" && !strings.HasPrefix(rest, ":id/")) {
		return ""
	}
	if kind, ok := guardedParents[parent]; ok {
		return kind
	}
	return "unknown"
}

// readableParent finds the document that a document, annotation or reply
// id belongs to and applies the read check to it.
func (h *Handler) readableParent(c echo.Context, kind, id string) (annotation.Document, error) {
	docID := id
	switch kind {
	case "document":
	case "annotation":
		a, err := h.store.Annotation(id)
		if err != nil {
			return annotation.Document{}, err
		}
		docID = a.Document
	case "reply":
		r, err := h.store.Reply(id)
		if err != nil {
			return annotation.Document{}, err
		}
		a, err := h.store.Annotation(r.Annotation)
		if err != nil {
			return annotation.Document{}, err
		}
		docID = a.Document
	default:
		// A route with an :id nobody taught the guard: refuse rather
		// than serve it unchecked.
		return annotation.Document{}, fmt.Errorf("route %s has an :id the read check does not know", c.Path())
	}
	return h.readableDocument(c, docID)
}

// readableDocument returns a document's record (without its text) when
// the caller may read it, and a 404 otherwise, the same as for a document
// that does not exist.
func (h *Handler) readableDocument(c echo.Context, docID string) (annotation.Document, error) {
	doc, err := h.store.DocumentHead(docID)
	if err != nil {
		return annotation.Document{}, err
	}
	u, _ := currentUser(c)
	if !canRead(u, doc) {
		return annotation.Document{}, errHidden
	}
	return doc, nil
}

// hiddenDocuments is the set of documents the caller may not read, for
// the paths that list across documents (document lists, threads, tags,
// the all-documents export). It is nil when the caller sees everything.
func (h *Handler) hiddenDocuments(c echo.Context) (map[string]bool, error) {
	docs, err := h.store.DocumentHeads()
	if err != nil {
		return nil, err
	}
	u, _ := currentUser(c)
	var hidden map[string]bool
	for _, d := range docs {
		if !canRead(u, d) {
			if hidden == nil {
				hidden = map[string]bool{}
			}
			hidden[d.ID] = true
		}
	}
	return hidden, nil
}

// readableDocuments is the document list as the caller may see it.
func (h *Handler) readableDocuments(c echo.Context) ([]store.DocumentSummary, error) {
	docs, err := h.store.Documents()
	if err != nil {
		return nil, err
	}
	u, _ := currentUser(c)
	out := docs[:0]
	for _, d := range docs {
		if canRead(u, d.Document) {
			out = append(out, d)
		}
	}
	return out, nil
}

// visibleTags is the tag registry as the caller may see it: counts leave
// out the annotations of documents hidden from them, and a tag used only
// there is left out, so neither names nor counts leak.
func (h *Handler) visibleTags(c echo.Context) ([]annotation.Tag, error) {
	tags, err := h.store.Tags()
	if err != nil {
		return nil, err
	}
	less, err := h.hiddenTagUses(c)
	if err != nil || len(less) == 0 {
		return tags, err
	}
	out := tags[:0]
	for _, t := range tags {
		if n := less[annotation.TagKey(t.Name)]; n > 0 {
			t.Count = max(0, t.Count-n)
			if t.Count == 0 {
				continue
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// hiddenTagUses counts, per tag key, the uses of each tag on documents
// hidden from the caller; it is empty when the caller sees everything.
func (h *Handler) hiddenTagUses(c echo.Context) (map[string]int, error) {
	hidden, err := h.hiddenDocuments(c)
	if err != nil || len(hidden) == 0 {
		return nil, err
	}
	less := map[string]int{}
	for docID := range hidden {
		anns, err := h.store.Annotations(docID)
		if err != nil {
			return nil, err
		}
		for _, a := range anns {
			if a.Deleted {
				continue
			}
			for _, t := range a.Tags {
				less[annotation.TagKey(t)]++
			}
		}
	}
	return less, nil
}

// visibleTag is one tag of the registry as the caller may see it (as
// visibleTags shows it): its count leaves out the annotations of documents
// hidden from them, and a tag used only there is not found (ErrNotFound),
// exactly like a tag that does not exist, so no name, count, date or
// color leaks through a read or a change.
func (h *Handler) visibleTag(c echo.Context, name string) (annotation.Tag, error) {
	t, err := h.store.Tag(name)
	if err != nil || t.Count == 0 {
		return t, err
	}
	less, err := h.hiddenTagUses(c)
	if err != nil {
		return annotation.Tag{}, err
	}
	n := less[annotation.TagKey(t.Name)]
	if n >= t.Count {
		return annotation.Tag{}, fmt.Errorf("tag %q: %w", name, errHidden)
	}
	t.Count -= n
	return t, nil
}

// visibleSource is the store as an all-documents export may read it: only
// the documents the caller may read.
type visibleSource struct {
	Store
	hidden map[string]bool
}

// Documents lists the documents the caller may read.
func (s visibleSource) Documents() ([]store.DocumentSummary, error) {
	docs, err := s.Store.Documents()
	if err != nil {
		return nil, err
	}
	out := docs[:0]
	for _, d := range docs {
		if !s.hidden[d.Document.ID] {
			out = append(out, d)
		}
	}
	return out, nil
}

// accessRequest is the body of PATCH /api/documents/{id}: who may read it.
type accessRequest struct {
	Restricted *bool     `json:"restricted"`
	Members    *[]string `json:"members"` // user names or ids
}

// accessJSON is a document's access as the API shows it.
type accessJSON struct {
	ID         string              `json:"id"`
	Restricted bool                `json:"restricted"`
	Members    []annotation.Author `json:"members"`
}

// updateDocument answers PATCH /api/documents/{id} {restricted, members}:
// editors and admins restrict a document to its author, admins and the
// named members, or open it to every reader again.
func (h *Handler) updateDocument(c echo.Context) error {
	var req accessRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Restricted == nil && req.Members == nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Send restricted, members or both."}
	}
	doc, err := h.readableDocument(c, c.Param("id"))
	if err != nil {
		return err
	}
	restricted, members := doc.Restricted, doc.Members
	if req.Restricted != nil {
		restricted = *req.Restricted
	}
	if req.Members != nil {
		if members, err = h.memberIDs(*req.Members); err != nil {
			return err
		}
	}
	doc, err = h.store.SetDocumentAccess(doc.ID, restricted, members)
	if err != nil {
		return err
	}
	out, err := h.accessView(doc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// memberIDs turns user names or ids into ids; an unknown one is 422.
func (h *Handler) memberIDs(names []string) ([]string, error) {
	if len(names) > 1000 {
		return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "A document may have at most 1000 members."}
	}
	ids := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		u, err := h.store.UserByName(n)
		if errors.Is(err, store.ErrNotFound) {
			u, err = h.store.User(n)
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "unknown_member",
				Message: "There is no user named " + fmt.Sprintf("%q", truncate(n, 64)) + "."}
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// accessView names a document's members.
func (h *Handler) accessView(doc annotation.Document) (accessJSON, error) {
	out := accessJSON{ID: doc.ID, Restricted: doc.Restricted, Members: []annotation.Author{}}
	for _, id := range doc.Members {
		u, err := h.store.User(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return out, err
		}
		out.Members = append(out.Members, author(u))
	}
	return out, nil
}

// accessForm handles the reader's access form: restricted (a checkbox)
// and members (names separated by commas).
func (h *Handler) accessForm(c echo.Context) error {
	doc, err := h.readableDocument(c, c.Param("id"))
	if err != nil {
		return err
	}
	members, err := h.memberIDs(strings.Split(c.FormValue("members"), ","))
	if err != nil {
		return err
	}
	if _, err := h.store.SetDocumentAccess(doc.ID, c.FormValue("restricted") != "", members); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/documents/"+doc.ID)
}

// truncate shortens s to at most n code points, for messages.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// accessPanel shapes the reader's "who may read" panel.
func (h *Handler) accessPanel(doc annotation.Document, u store.User, csrf string) (views.Access, error) {
	a := views.Access{Restricted: doc.Restricted, CanChange: can(u.Role, actRestrict),
		Action: "/documents/" + doc.ID + "/access", CSRF: csrf}
	if !doc.Restricted {
		return a, nil
	}
	out, err := h.accessView(doc)
	if err != nil {
		return a, err
	}
	names := make([]string, 0, len(out.Members))
	for _, m := range out.Members {
		names = append(names, m.Name)
	}
	a.Members = strings.Join(names, ", ")
	return a, nil
}
