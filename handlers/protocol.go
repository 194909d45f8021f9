package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"galley/annotation"
	"galley/exchange"
	"galley/store"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// The W3C Web Annotation Protocol: every document is an Annotation
// Container at /documents/{id}/annotations/ (an LDP Basic Container that is
// also an AnnotationCollection), and every annotation and reply is at
// /documents/{id}/annotations/{item}, the IRI its W3C export gives it. The
// rules that are not HTTP (Prefer, the JSON, reading a posted annotation)
// are in exchange/protocol.go.

// Protocol headers.
const (
	containerAllow = "GET, HEAD, OPTIONS, POST"
	itemAllow      = "GET, HEAD, OPTIONS, PUT, DELETE"
	pageAllow      = "GET, HEAD, OPTIONS"
	// acceptPost lists what a container takes.
	acceptPost = annotation.W3CMediaType + ", application/ld+json, application/json"
)

var (
	containerLink = `<` + exchange.LDPBasicContainer + `>; rel="type", <` + exchange.ProtocolSpec + `>; rel="` + exchange.LDPConstrainedBy + `"`
	pageLink      = `<` + exchange.LDPResource + `>; rel="type", <` + exchange.ProtocolSpec + `>; rel="` + exchange.LDPConstrainedBy + `"`
	itemLink      = `<` + exchange.LDPResource + `>; rel="type", <` + exchange.OAAnnotation + `>; rel="type"`
)

// containerPathPattern matches a container's path: it ends with "/",
// which the trailing-slash redirect must leave alone.
var containerPathPattern = regexp.MustCompile(`^/documents/[^/]+/annotations/$`)

// protocolPathPattern matches the protocol's paths, containers and items.
var protocolPathPattern = regexp.MustCompile(`^/documents/[^/]+/annotations/[^/]*$`)

// isProtocolPath says whether a request path is a container or an item.
func isProtocolPath(p string) bool { return protocolPathPattern.MatchString(p) }

// cors lets the browser clients of the origins the operator listed use the
// protocol and the JSON API with a Bearer token: preflight included,
// credentials (cookies) never. Nil when no origin is listed.
func (h *Handler) cors() echo.MiddlewareFunc {
	if len(h.cfg.CORSOrigins) == 0 {
		return nil
	}
	return middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return !isProtocolPath(p) && !isAPI(c)
		},
		AllowOrigins: h.cfg.CORSOrigins,
		AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, "If-Match", "If-None-Match", "Prefer", "Slug", echo.HeaderAccept},
		ExposeHeaders: []string{"Allow", "ETag", "Link", "Vary", echo.HeaderLocation, "Content-Location",
			"Preference-Applied", "Accept-Post"},
		MaxAge: 600,
	})
}

// protocolIRIs are the IRIs of this request's desk.
func (h *Handler) protocolIRIs(c echo.Context) annotation.W3CIRIs {
	return annotation.W3CIRIs{Base: h.baseURL(c)}
}

// wantsHTML says whether the client prefers an HTML page to JSON-LD, as a
// browser following a link does. No Accept header means JSON-LD.
func wantsHTML(accept string) bool {
	var html, jsonQ float64 = -1, -1
	for _, part := range strings.Split(accept, ",") {
		t, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				q = f
			}
		}
		switch t {
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		case "application/ld+json", "application/json", "application/*", "*/*":
			jsonQ = max(jsonQ, q)
		}
	}
	return html > 0 && html > jsonQ
}

// protocolHTML sends a browser that asks for HTML to the reader: at the
// thread for an item (a reply's is its annotation's), at the top for a
// container. The reader applies its own checks; the thread of a reply is
// looked up only for a signed-in user who may read the document, so the
// redirect tells nobody else anything.
func (h *Handler) protocolHTML(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet || !wantsHTML(r.Header.Get(echo.HeaderAccept)) {
			return next(c)
		}
		docID := c.Param("id")
		target := "/documents/" + url.PathEscape(docID)
		if item := c.Param("item"); item != "" {
			target += "#thread-" + url.PathEscape(h.threadOf(c, docID, item))
		}
		c.Response().Header().Set(echo.HeaderVary, echo.HeaderAccept)
		return c.Redirect(http.StatusSeeOther, target)
	}
}

// threadOf is the annotation whose thread holds item: the reply's
// annotation when item is a reply the caller may read, else item itself.
func (h *Handler) threadOf(c echo.Context, docID, item string) string {
	if _, ok := currentUser(c); !ok {
		return item
	}
	if _, err := h.readableDocument(c, docID); err != nil {
		return item
	}
	if rep, err := h.store.Reply(item); err == nil && rep.Document == docID {
		return rep.Annotation
	}
	return item
}

// writeLD answers with a JSON-LD body (none for HEAD) in the profiled
// media type, and Vary: Accept, since HTML is negotiated; 304 when the
// client's If-None-Match names the ETag already set.
func writeLD(c echo.Context, status int, body []byte) error {
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, annotation.W3CMediaType)
	hd.Add(echo.HeaderVary, echo.HeaderAccept)
	if m := c.Request().Method; (m == http.MethodGet || m == http.MethodHead) && notModified(c.Request().Header.Get("If-None-Match"), hd.Get("ETag")) {
		return c.NoContent(http.StatusNotModified)
	}
	if c.Request().Method == http.MethodHead {
		hd.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
		c.Response().WriteHeader(status)
		return nil
	}
	return c.Blob(status, annotation.W3CMediaType, body)
}

// notModified says whether an If-None-Match header names the current ETag.
func notModified(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" || etag == "" {
		return false
	}
	for _, tag := range strings.Split(ifNoneMatch, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}

// protocolDocument is the document guardReads checked the caller may read.
func protocolDocument(c echo.Context) annotation.Document {
	doc, _ := c.Get(ctxDocument).(annotation.Document)
	return doc
}

// container reads what a container's representation needs.
func (h *Handler) container(c echo.Context, doc annotation.Document) (exchange.Container, uint64, error) {
	ct := exchange.Container{Document: doc, IRIs: h.protocolIRIs(c), PageSize: h.cfg.ProtocolPageSize}
	recent, last, err := h.store.RecentEvents(doc.ID, 1)
	if err != nil {
		return ct, 0, err
	}
	if len(recent) > 0 {
		ct.Modified = recent[0].Time
	}
	return ct, last, nil
}

// containerETag names a container's state: the document's revision and its
// latest event (every change to an annotation or reply logs one), and how
// it was asked for.
func containerETag(doc annotation.Document, lastEvent uint64, variant string) string {
	return `"` + strconv.Itoa(doc.Revision) + "-" + strconv.FormatUint(lastEvent, 10) + "-" + variant + `"`
}

// containerPreference is what the query string or the Prefer header asks
// for: iris=1, iris=0 and minimal=1 name the representations
// Content-Location points at.
func containerPreference(c echo.Context) (exchange.Preference, bool) {
	switch {
	case c.QueryParam("minimal") == "1":
		return exchange.PreferMinimal, false
	case c.QueryParam("iris") == "1":
		return exchange.PreferIRIs, false
	case c.QueryParam("iris") == "0":
		return exchange.PreferDescriptions, false
	}
	return exchange.ParsePrefer(c.Request().Header.Values("Prefer"))
}

// getContainer answers GET and HEAD on a container, or on one of its pages
// (?page=N, with iris=1 for IRIs only).
func (h *Handler) getContainer(c echo.Context) error {
	doc := protocolDocument(c)
	ct, last, err := h.container(c, doc)
	if err != nil {
		return err
	}
	if c.QueryParam("page") != "" {
		return h.getContainerPage(c, ct, last)
	}
	pref, applied := containerPreference(c)
	first, total, err := exchange.ContainerItems(h.store, doc.ID, 0, ct.PageSize, ct.IRIs)
	if err != nil {
		return err
	}
	ct.Total = total
	body, err := ct.ContainerJSON(pref, first)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Link", containerLink)
	hd.Set("Allow", containerAllow)
	hd.Set("Accept-Post", acceptPost)
	hd.Set("ETag", containerETag(doc, last, strconv.Itoa(int(pref))))
	hd.Set("Content-Location", ct.Location(pref))
	hd.Add(echo.HeaderVary, "Prefer")
	if applied {
		hd.Set("Preference-Applied", "return=representation")
	}
	return writeLD(c, http.StatusOK, body)
}

// getContainerPage answers a page of a container.
func (h *Handler) getContainerPage(c echo.Context, ct exchange.Container, last uint64) error {
	n, _, err := exchange.ParsePage(c.QueryParam("page"))
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "bad_page", Message: sentence(err.Error())}
	}
	iris := c.QueryParam("iris") == "1"
	items, total, err := exchange.ContainerItems(h.store, ct.Document.ID, n, ct.PageSize, ct.IRIs)
	if err != nil {
		return err
	}
	ct.Total = total
	body, err := ct.PageJSON(n, iris, items)
	if errors.Is(err, exchange.ErrNoPage) {
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "The container has no such page."}
	}
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Link", pageLink)
	hd.Set("Allow", pageAllow)
	hd.Set("ETag", containerETag(ct.Document, last, "p"+strconv.Itoa(n)+"-"+strconv.FormatBool(iris)))
	hd.Set("Content-Location", ct.PageIRI(n, iris))
	return writeLD(c, http.StatusOK, body)
}

// optionsContainer answers OPTIONS on a container: 200 with no body, as
// protocol clients and testers expect (a CORS preflight is answered before
// routing, with 204).
func (h *Handler) optionsContainer(c echo.Context) error {
	hd := c.Response().Header()
	hd.Set("Allow", containerAllow)
	hd.Set("Accept-Post", acceptPost)
	hd.Set("Link", containerLink)
	return c.NoContent(http.StatusOK)
}

// optionsItem answers OPTIONS on an annotation or a reply.
func (h *Handler) optionsItem(c echo.Context) error {
	if _, err := h.protocolItem(c); err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Allow", itemAllow)
	hd.Set("Link", itemLink)
	return c.NoContent(http.StatusOK)
}

// protocolItemRecord is the annotation or reply an item IRI names.
type protocolItemRecord struct {
	annotation annotation.Annotation // the annotation, or the reply's parent
	reply      *annotation.Reply
}

func (p protocolItemRecord) version() int {
	if p.reply != nil {
		return p.reply.Version
	}
	return p.annotation.Version
}

func (p protocolItemRecord) w3c(iris annotation.W3CIRIs) annotation.W3CAnnotation {
	var out annotation.W3CAnnotation
	if r := p.reply; r != nil {
		out = iris.ReplyToW3C(annotation.W3CReply{ID: r.ID, Author: r.Author, Comment: r.Comment,
			Created: r.Created, Modified: r.Modified}, p.annotation)
		out.Via = r.Via
	} else {
		out = iris.ToW3C(p.annotation)
		out.Via = p.annotation.Via
	}
	out.Context = annotation.W3CContext
	return out
}

// protocolItem finds the annotation or reply the request's item names; it
// must belong to the container's document (404 otherwise).
func (h *Handler) protocolItem(c echo.Context) (protocolItemRecord, error) {
	docID, id := c.Param("id"), c.Param("item")
	a, err := h.store.Annotation(id)
	if err == nil {
		if a.Document != docID {
			return protocolItemRecord{}, store.ErrNotFound
		}
		return protocolItemRecord{annotation: a}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return protocolItemRecord{}, err
	}
	r, err := h.store.Reply(id)
	if err != nil {
		return protocolItemRecord{}, err
	}
	if r.Document != docID {
		return protocolItemRecord{}, store.ErrNotFound
	}
	if a, err = h.store.Annotation(r.Annotation); err != nil {
		return protocolItemRecord{}, err
	}
	return protocolItemRecord{annotation: a, reply: &r}, nil
}

// writeItem answers with an item's JSON-LD and its headers.
func (h *Handler) writeItem(c echo.Context, status int, p protocolItemRecord) error {
	body, err := json.Marshal(p.w3c(h.protocolIRIs(c)))
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Link", itemLink+`, <`+h.protocolIRIs(c).Collection(p.annotation.Document)+`>; rel="http://www.w3.org/ns/oa#annotationService"`)
	hd.Set("Allow", itemAllow)
	hd.Set("ETag", versionETag(p.version()))
	return writeLD(c, status, body)
}

// getItem answers GET and HEAD on an annotation or a reply.
func (h *Handler) getItem(c echo.Context) error {
	p, err := h.protocolItem(c)
	if err != nil {
		return err
	}
	return h.writeItem(c, http.StatusOK, p)
}

// readPosted reads the body of a POST or PUT as one W3C annotation for the
// document.
func (h *Handler) readPosted(c echo.Context, docID string) (exchange.Posted, error) {
	doc, err := h.store.Document(docID)
	if err != nil {
		return exchange.Posted{}, err
	}
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return exchange.Posted{}, err
	}
	p, err := exchange.ReadPosted(doc, data, h.protocolIRIs(c), h.now())
	if errors.Is(err, exchange.ErrNotProtocol) {
		msg := strings.TrimPrefix(err.Error(), exchange.ErrNotProtocol.Error()+": ")
		return p, &apiError{Status: http.StatusBadRequest, Code: "bad_annotation", Message: sentence(msg)}
	}
	return p, err
}

// postContainer answers POST on a container: a new annotation, or a reply
// when the posted annotation replies to one of the container's items. The
// server names it; a client's id is kept as via.
func (h *Handler) postContainer(c echo.Context) error {
	if c.QueryParam("page") != "" {
		return echo.ErrMethodNotAllowed
	}
	docID := c.Param("id")
	posted, err := h.readPosted(c, docID)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	var p protocolItemRecord
	if posted.Reply {
		parent, err := h.replyParent(docID, posted.ReplyTo)
		if err != nil {
			return err
		}
		r, err := h.addReply(c, parent, posted.Comment, posted.ID)
		if err != nil {
			return err
		}
		a, err := h.store.Annotation(parent)
		if err != nil {
			return err
		}
		p = protocolItemRecord{annotation: a, reply: &r}
	} else {
		a := posted.Annotation
		a.Author = author(u)
		now := h.now()
		a.Created, a.Modified = now, now
		a, err = h.store.CreateAnnotation(a)
		if errors.Is(err, store.ErrConflict) {
			return &apiError{Status: http.StatusConflict, Code: "document_revised",
				Message: "The document was revised while the annotation was anchored. Try again."}
		}
		if err != nil {
			return err
		}
		p = protocolItemRecord{annotation: a}
	}
	id := p.annotation.ID
	if p.reply != nil {
		id = p.reply.ID
	}
	c.Response().Header().Set(echo.HeaderLocation, h.protocolIRIs(c).Item(docID, id))
	return h.writeItem(c, http.StatusCreated, p)
}

// replyParent is the annotation a reply to item joins: the item itself, or
// the annotation of the reply it names. It must be on the document.
func (h *Handler) replyParent(docID, item string) (string, error) {
	notHere := &apiError{Status: http.StatusBadRequest, Code: "bad_annotation",
		Message: "A reply's target must be an annotation or a reply in this container."}
	a, err := h.store.Annotation(item)
	if err == nil {
		if a.Document != docID {
			return "", notHere
		}
		return a.ID, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	r, err := h.store.Reply(item)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Document != docID) {
		return "", notHere
	}
	if err != nil {
		return "", err
	}
	return r.Annotation, nil
}

// putItem answers PUT on an item, with If-Match (428 without, 412 when
// stale): the annotation's passage, comment and tags (or the reply's text)
// become those of the body; a new passage is attached as a re-attachment
// is (it must be in the current text: 422 otherwise). Its motivation and
// canonical IRI cannot change: 409.
func (h *Handler) putItem(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := h.protocolItem(c)
	if err != nil {
		return err
	}
	posted, err := h.readPosted(c, c.Param("id"))
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	conflict := func(msg string) error {
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: msg}
	}
	now := h.now()
	if r := p.reply; r != nil {
		if !posted.Reply {
			return conflict("This is a reply; send it with motivation replying and its annotation as target.")
		}
		parent, err := h.replyParent(c.Param("id"), posted.ReplyTo)
		if err != nil {
			return err
		}
		if parent != r.Annotation {
			return conflict("A reply cannot move to another thread.")
		}
		if posted.Comment != r.Comment {
			if !canEditText(u, r.Author) {
				return forbidden("Only its author can change the text of a reply.")
			}
			nr, err := h.store.EditReply(r.ID, version, posted.Comment, author(u), now)
			if err != nil {
				return staleError(c, err)
			}
			p.reply = &nr
		} else if err := checkVersion(c, version, r.Version); err != nil {
			return err
		}
		return h.writeItem(c, http.StatusOK, p)
	}
	a, na := p.annotation, posted.Annotation
	switch {
	case posted.Reply:
		return conflict("An annotation cannot become a reply.")
	case na.Motivation != a.Motivation:
		return conflict("The annotation's motivation cannot change: delete it and create a new one.")
	case a.Canonical != "" && na.Canonical != a.Canonical:
		return conflict("The annotation's canonical IRI cannot change.")
	}
	// Every permission is checked before anything is written, so a refused
	// PUT changes nothing.
	edit := store.AnnotationEdit{Actor: author(u), Time: now}
	if na.Comment != a.Comment {
		if !canEditText(u, a.Author) {
			return forbidden("Only its author can change the text of a comment.")
		}
		edit.Comment = &na.Comment
	}
	if strings.Join(na.Tags, "\x00") != strings.Join(a.Tags, "\x00") {
		if !canRetag(u, a) {
			return forbidden("Only its author, editors and admins can change an annotation's tags.")
		}
		tags := na.Tags
		if tags == nil {
			tags = []string{}
		}
		edit.Tags = &tags
	}
	if na.Start != a.Start || na.End != a.End || na.Anchor == annotation.AnchorOrphaned && a.Anchor != annotation.AnchorOrphaned {
		if na.Anchor == annotation.AnchorOrphaned {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid",
				Message: "The new passage is nowhere in the document's current text."}
		}
		if !canAnchor(u, a) {
			return forbidden("Only the annotation's author, editors and admins can move it to another passage.")
		}
		doc, err := h.store.Document(a.Document)
		if err != nil {
			return err
		}
		sel, err := annotation.NewText(doc.Text).Select(na.Start, na.End, na.Exact)
		if err != nil {
			return err
		}
		if a, err = h.store.AttachAnnotation(a.ID, version, na.Revision, sel, author(u), now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return &apiError{Status: http.StatusConflict, Code: "document_revised",
					Message: "The document was revised while the annotation was anchored. Try again."}
			}
			return staleError(c, err)
		}
		p.annotation, version = a, a.Version
	}
	if edit.Comment == nil && edit.Tags == nil {
		if err := checkVersion(c, version, a.Version); err != nil {
			return err
		}
		return h.writeItem(c, http.StatusOK, p)
	}
	if p.annotation, err = h.store.EditAnnotation(a.ID, version, edit); err != nil {
		return staleError(c, err)
	}
	return h.writeItem(c, http.StatusOK, p)
}

// checkVersion is the If-Match check of a change that changes nothing.
func checkVersion(c echo.Context, sent, current int) error {
	if sent == store.AnyVersion || sent == current {
		return nil
	}
	return staleError(c, &store.StaleError{Current: current})
}

// deleteItem answers DELETE on an item, with If-Match when sent: an
// annotation goes with its whole thread (the IRIs leave the container),
// a reply alone. Afterwards the IRI answers 404.
func (h *Handler) deleteItem(c echo.Context) error {
	version, err := optionalIfMatch(c)
	if err != nil {
		return err
	}
	p, err := h.protocolItem(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	now := h.now()
	if r := p.reply; r != nil {
		if !canDelete(u, r.Author) {
			return forbidden("Only its author or an admin can delete this reply.")
		}
		if _, _, err := h.store.DeleteReply(r.ID, version, author(u), now); err != nil {
			return staleError(c, err)
		}
		return c.NoContent(http.StatusNoContent)
	}
	if !canDelete(u, p.annotation.Author) {
		return forbidden("Only its author or an admin can delete this annotation.")
	}
	_, _, err = h.store.DeleteAnnotation(p.annotation.ID, store.Deletion{
		Version: version, WholeThread: true, OthersReplies: can(u.Role, actDeleteAny),
		Actor: author(u), Time: now,
	})
	if errors.Is(err, store.ErrForbidden) {
		return forbidden("The thread has replies by other people; only an admin can delete it.")
	}
	if err != nil {
		return staleError(c, err)
	}
	return c.NoContent(http.StatusNoContent)
}

// toContainer sends a request for a container without its closing slash
// to the container.
func (h *Handler) toContainer(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, "/documents/"+url.PathEscape(c.Param("id"))+"/annotations/")
}

// toItem sends a request for an annotation or reply at the IRI exports
// gave before items lived in their document's container
// ({base}/annotations/{id}, {base}/replies/{id}) to where it is now.
func (h *Handler) toItem(c echo.Context) error {
	doc := protocolDocument(c)
	return c.Redirect(http.StatusMovedPermanently, "/documents/"+url.PathEscape(doc.ID)+"/annotations/"+url.PathEscape(c.Param("id")))
}
