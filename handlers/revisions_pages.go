package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"galley/annotation"
	"galley/store"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// anchorLabels say, on a card, what a revision did to an annotation's
// words when it did something: a passage that only shifted has no label;
// orphans get theirs with the revision.
var anchorLabels = map[annotation.Anchor]string{
	annotation.AnchorMoved: "Its words were edited in a revision",
	annotation.AnchorFuzzy: "Its words were rewritten, or found again by search: check it is the right passage",
}

// revisionNotice says what a revision just saved did, on the reader the
// editor returns to (?revised=N).
func revisionNotice(c echo.Context, doc annotation.Document) string {
	n, err := strconv.Atoi(c.QueryParam("revised"))
	if err != nil || n != doc.Revision {
		return ""
	}
	return fmt.Sprintf("Revision %d saved. Cards say which annotations had their words edited, need a check, or lost their passage.", n)
}

// revisePage shows the revision editor with the current text.
func (h *Handler) revisePage(c echo.Context) error {
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, views.Revise(h.reviseView(c, doc, doc.Text, "")))
}

func (h *Handler) reviseView(c echo.Context, doc annotation.Document, text, note string) views.RevisePage {
	v := views.RevisePage{Page: h.page(c, "Revise "+doc.Title), DocumentID: doc.ID, Title: doc.Title,
		Base: doc.Revision, Text: text, Note: note, Action: "/documents/" + doc.ID + "/revise"}
	v.Page.Nav = "documents"
	return v
}

// reviseForm handles POST /documents/{id}/revise. A bad text comes back
// with its message (422); a form edited from an older revision than the
// current one comes back (409) with what others changed meanwhile and the
// draft kept, based on the current revision, so that saving again is a
// decision taken knowingly.
func (h *Handler) reviseForm(c echo.Context) error {
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	text, note := c.FormValue("text"), c.FormValue("note")
	base, err := strconv.Atoi(c.FormValue("revision"))
	if err != nil || base < 1 {
		return &apiError{Status: http.StatusBadRequest, Code: "bad_form", Message: "The form does not say which revision it was edited from; open the editor again."}
	}
	res, err := h.revise(c, doc, base, text, note)
	var revised *store.RevisedError
	switch {
	case errors.As(err, &revised):
		return h.reviseConflict(c, doc.ID, base, text, note)
	case err != nil:
		ae := classify(err)
		if ae == nil || ae.Status != http.StatusUnprocessableEntity {
			return err
		}
		v := h.reviseView(c, doc, text, note)
		v.Base = base
		v.Error = sentence(ae.Message)
		return h.render(c, ae.Status, views.Revise(v))
	case res.Unchanged:
		v := h.reviseView(c, doc, text, note)
		v.Error = "The text is unchanged, so no revision was made."
		return h.render(c, http.StatusUnprocessableEntity, views.Revise(v))
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%s?revised=%d", doc.ID, res.Revision))
}

// reviseConflict re-renders the editor for a draft made from revision
// base of a document revised since: the diff of what others changed, the
// draft as typed, and the current revision as the new base.
func (h *Handler) reviseConflict(c echo.Context, docID string, base int, text, note string) error {
	doc, err := h.store.Document(docID)
	if err != nil {
		return err
	}
	old, err := h.store.Revision(docID, base)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return &apiError{Status: http.StatusBadRequest, Code: "bad_form", Message: "The form names a revision this document does not have; open the editor again."}
		}
		return err
	}
	v := h.reviseView(c, doc, text, note)
	d := diffView(base, doc.Revision, old.Text, doc.Text)
	v.Conflict = &d
	return h.render(c, http.StatusConflict, views.Revise(v))
}

// historyPage lists a document's revisions and shows the word diff
// between two of them (?from=N&to=M; by default the last change).
func (h *Handler) historyPage(c echo.Context) error {
	doc, err := h.store.Document(c.Param("id"))
	if err != nil {
		return err
	}
	revs, err := h.store.RevisionHistory(doc.ID)
	if err != nil {
		return err
	}
	from, to := max(1, doc.Revision-1), doc.Revision
	for _, p := range []struct {
		name string
		v    *int
	}{{"from", &from}, {"to", &to}} {
		raw := c.QueryParam(p.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > doc.Revision {
			return &apiError{Status: http.StatusBadRequest, Code: "bad_revision",
				Message: fmt.Sprintf("%s must be a revision number from 1 to %d.", p.name, doc.Revision)}
		}
		*p.v = n
	}
	u, _ := currentUser(c)
	v := views.HistoryPage{Page: h.page(c, "History of "+doc.Title), DocumentID: doc.ID, Title: doc.Title,
		ReaderURL: "/documents/" + doc.ID, From: from, To: to}
	v.Page.Nav = "documents"
	if can(u.Role, actRevise) {
		v.ReviseURL = "/documents/" + doc.ID + "/revise"
	}
	for i := len(revs) - 1; i >= 0; i-- {
		r := revs[i]
		author := r.Author.Name
		if author == "" {
			// The sample article and command-line imports have no author.
			author = "imported"
		}
		row := views.RevisionRow{Number: r.Number, Author: author, Created: r.Created.Format(timeLayout),
			CreatedISO: isoTime(r.Created), Note: r.Note, Current: r.Number == doc.Revision,
			FromSelected: r.Number == from, ToSelected: r.Number == to}
		if r.Number > 1 {
			row.DiffURL = fmt.Sprintf("/documents/%s/history?from=%d&to=%d", doc.ID, r.Number-1, r.Number)
		}
		v.Revisions = append(v.Revisions, row)
	}
	a, err := h.revisionText(doc, from)
	if err != nil {
		return err
	}
	b, err := h.revisionText(doc, to)
	if err != nil {
		return err
	}
	v.Diff = diffView(from, to, a, b)
	return h.render(c, http.StatusOK, views.History(v))
}

// revisionText is the text of revision n of doc.
func (h *Handler) revisionText(doc annotation.Document, n int) (string, error) {
	if n == doc.Revision {
		return doc.Text, nil
	}
	rev, err := h.store.Revision(doc.ID, n)
	return rev.Text, err
}

// Unchanged stretches of a diff longer than elideOver code points show
// only elideKeep code points at each end.
const (
	elideOver = 600
	elideKeep = 200
)

// wordEnd moves a cut at i forward to the end of the word it falls in, so
// an elided stretch never cuts a word ("provided b … ybersecurity").
func wordEnd(r []rune, i int) int {
	for i < len(r) && i > 0 && !unicode.IsSpace(r[i]) && !unicode.IsSpace(r[i-1]) {
		i++
	}
	return i
}

// wordStart moves a cut at i back to the start of the word it falls in.
func wordStart(r []rune, i int) int {
	for i > 0 && i < len(r) && !unicode.IsSpace(r[i-1]) && !unicode.IsSpace(r[i]) {
		i--
	}
	return i
}

// diffView shapes the word diff of two texts.
func diffView(from, to int, a, b string) views.Diff {
	pieces := annotation.WordDiff(a, b)
	d := views.Diff{From: from, To: to, Pieces: make([]views.DiffPiece, 0, len(pieces))}
	for i, p := range pieces {
		vp := views.DiffPiece{Kind: string(p.Kind), Text: p.Text}
		switch p.Kind {
		case annotation.DiffInsert:
			d.Inserted += len(strings.Fields(p.Text))
		case annotation.DiffDelete:
			d.Deleted += len(strings.Fields(p.Text))
		case annotation.DiffEqual:
			if n := utf8.RuneCountInString(p.Text); n > elideOver {
				r := []rune(p.Text)
				head, tail := wordEnd(r, elideKeep), wordStart(r, n-elideKeep)
				switch {
				case i == 0:
					vp.Text, vp.Tail, vp.Elided = "", string(r[tail:]), true
				case i == len(pieces)-1:
					vp.Text, vp.Tail, vp.Elided = string(r[:head]), "", true
				default:
					vp.Text, vp.Tail, vp.Elided = string(r[:head]), string(r[tail:]), true
				}
			}
		}
		d.Pieces = append(d.Pieces, vp)
	}
	d.Same = len(pieces) == 0 || len(pieces) == 1 && pieces[0].Kind == annotation.DiffEqual
	return d
}

// acceptForm handles POST /annotations/{id}/accept.
func (h *Handler) acceptForm(c echo.Context) error {
	a, err := h.acceptSuggestion(c, c.Param("id"), store.AnyVersion)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.backTo(c, a.Document)+"#thread-"+a.ID)
}

// rejectForm handles POST /annotations/{id}/reject.
func (h *Handler) rejectForm(c echo.Context) error {
	a, err := h.rejectSuggestion(c, c.Param("id"), store.AnyVersion)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.backTo(c, a.Document)+"#thread-"+a.ID)
}

// confirmForm handles POST /annotations/{id}/confirm.
func (h *Handler) confirmForm(c echo.Context) error {
	a, err := h.confirmAnchor(c, c.Param("id"), store.AnyVersion)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.backTo(c, a.Document)+"#thread-"+a.ID)
}
