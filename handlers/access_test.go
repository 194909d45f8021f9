package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// secretWords are in the restricted document's title, comment, reply and
// tag: no answer to an outsider may hold any of them.
var secretWords = []string{"Clandestine", "SECRETCOMMENT", "SECRETREPLY", "secret-tag"}

// restrictedFixture is a document the editor wrote and restricted to the
// commenter, with an annotation and a reply on it: the viewer is an
// outsider, the admin sees everything.
type restrictedFixture struct {
	docID, annID, replyID string
}

func newRestrictedFixture(t *testing.T, app *testApp) restrictedFixture {
	t.Helper()
	text := "Clandestine plans\n\nThe minister met the supplier twice before the tender closed."
	rec := app.do(http.MethodPost, "/api/documents", "editor", map[string]any{"text": text, "title": "Clandestine plans"})
	wantStatus(t, rec, http.StatusCreated)
	doc := decode[documentBody](t, rec)
	start, end := codePointSpan(t, doc.Text, "met the supplier")
	ann := mustCreateAnnotation(t, app, "editor", doc.ID, annotationRequest(doc.Text, start, end, "SECRETCOMMENT here", "secret-tag"))
	rec = app.do(http.MethodPost, "/api/annotations/"+ann.ID+"/replies", "editor", map[string]any{"comment": "SECRETREPLY too"})
	wantStatus(t, rec, http.StatusCreated)
	reply := decode[struct{ ID string }](t, rec)
	rec = app.do(http.MethodPatch, "/api/documents/"+doc.ID, "editor", map[string]any{"restricted": true, "members": []string{"commenter"}})
	wantStatus(t, rec, http.StatusOK)
	return restrictedFixture{docID: doc.ID, annID: ann.ID, replyID: reply.ID}
}

// wantNoSecrets fails if an answer holds the restricted document's id or
// any of its words.
func wantNoSecrets(t *testing.T, what string, body string, f restrictedFixture) {
	t.Helper()
	for _, w := range append([]string{f.docID, f.annID, f.replyID}, secretWords...) {
		if strings.Contains(body, w) {
			t.Errorf("%s shows %q to an outsider", what, w)
		}
	}
}

// TestRestrictedDocumentHiddenOnEveryReadPath: every path that reads a
// document or what is on it answers an outsider 404 for a restricted
// document, like a document that does not exist, and the lists, searches,
// tag counts and exports leave it out; members, the author and admins see
// it.
func TestRestrictedDocumentHiddenOnEveryReadPath(t *testing.T) {
	app := newTestApp(t)
	f := newRestrictedFixture(t, app)
	outsider := signIn(t, app, "viewer")

	getOne := []string{
		"/api/documents/" + f.docID,
		"/api/documents/" + f.docID + "/annotations",
		"/api/documents/" + f.docID + "/annotations?q=SECRET",
		"/api/documents/" + f.docID + "/export?format=w3c",
		"/api/documents/" + f.docID + "/export?format=w3c&all=1",
		"/api/documents/" + f.docID + "/export?format=w3c&page=0",
		"/api/documents/" + f.docID + "/export?format=native",
		"/api/documents/" + f.docID + "/events",
		"/api/documents/" + f.docID + "/revisions",
		"/api/documents/" + f.docID + "/revisions/1",
		"/api/annotations/" + f.annID,
		"/api/replies/" + f.replyID,
	}
	for _, path := range getOne {
		t.Run("api "+path, func(t *testing.T) {
			rec := app.do(http.MethodGet, path, "viewer", nil)
			wantError(t, rec, http.StatusNotFound, "not_found")
			unknown := strings.NewReplacer(f.docID, "01HZZZZZZZZZZZZZZZZZZZZZZZ", f.annID, "01HZZZZZZZZZZZZZZZZZZZZZZZ",
				f.replyID, "01HZZZZZZZZZZZZZZZZZZZZZZZ").Replace(path)
			if other := app.do(http.MethodGet, unknown, "viewer", nil); other.Body.String() != rec.Body.String() {
				t.Errorf("hidden %s answers %s, an unknown id %s", path, rec.Body, other.Body)
			}
			if path != "/api/documents/"+f.docID+"/events" {
				wantStatus(t, app.do(http.MethodGet, path, "commenter", nil), http.StatusOK)
				wantStatus(t, app.do(http.MethodGet, path, "editor", nil), http.StatusOK)
				wantStatus(t, app.do(http.MethodGet, path, "admin", nil), http.StatusOK)
			}
		})
	}
	for _, path := range []string{"/documents/" + f.docID, "/documents/" + f.docID + "/fragments",
		"/documents/" + f.docID + "/history", "/documents/" + f.docID + "/revise"} {
		t.Run("page "+path, func(t *testing.T) {
			rec := outsider.do(http.MethodGet, path, nil)
			wantStatus(t, rec, http.StatusNotFound)
			wantNoSecrets(t, path, rec.Body.String(), f)
		})
	}

	lists := []string{"/api/documents", "/api/threads", "/api/threads?q=SECRET", "/api/threads?tag=secret-tag",
		"/api/threads?author=editor", "/api/tags", "/api/export?format=native", "/api/export?format=w3c"}
	for _, path := range lists {
		t.Run("list "+path, func(t *testing.T) {
			rec := app.do(http.MethodGet, path, "viewer", nil)
			wantStatus(t, rec, http.StatusOK)
			wantNoSecrets(t, path, rec.Body.String(), f)
			// A member sees it on the same list.
			if path != "/api/threads?author=editor" && path != "/api/export?format=w3c" {
				if body := app.do(http.MethodGet, path, "commenter", nil).Body.String(); !strings.Contains(body, f.docID) && !strings.Contains(body, "secret-tag") {
					t.Errorf("a member does not see the restricted document on %s: %s", path, body)
				}
			}
		})
	}
	for _, path := range []string{"/", "/threads", "/threads?q=SECRET", "/tags"} {
		t.Run("page "+path, func(t *testing.T) {
			rec := outsider.do(http.MethodGet, path, nil)
			wantStatus(t, rec, http.StatusOK)
			wantNoSecrets(t, path, rec.Body.String(), f)
		})
	}
	// The sample article's reader lists tags in its filter: not this one.
	t.Run("reader tag filter", func(t *testing.T) {
		rec := outsider.do(http.MethodGet, "/documents/"+app.sample.ID, nil)
		wantStatus(t, rec, http.StatusOK)
		wantNoSecrets(t, "the sample's reader", rec.Body.String(), f)
	})

	// Opened again, the outsider reads it.
	rec := app.do(http.MethodPatch, "/api/documents/"+f.docID, "admin", map[string]any{"restricted": false})
	wantStatus(t, rec, http.StatusOK)
	for _, path := range getOne[:4] {
		wantStatus(t, app.do(http.MethodGet, path, "viewer", nil), http.StatusOK)
	}
}

// TestEveryIDRouteIsGuarded sends every route that names a document,
// annotation or reply by :id, with every method, as an outsider of the
// restricted document: each answers 404 and changes nothing. Routes are
// taken from the router, so a route added later is covered too.
func TestEveryIDRouteIsGuarded(t *testing.T) {
	app := newTestApp(t)
	f := newRestrictedFixture(t, app)
	seen := 0
	for _, r := range app.e.Routes() {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		if !strings.Contains(r.Path, ":id") {
			continue
		}
		path := strings.TrimPrefix(r.Path, "/api")
		var id string
		switch {
		case strings.HasPrefix(path, "/documents/:id"):
			id = f.docID
		case strings.HasPrefix(path, "/annotations/:id"):
			id = f.annID
		case strings.HasPrefix(path, "/replies/:id"):
			id = f.replyID
		default:
			t.Errorf("route %s %s has an :id of an unknown kind", r.Method, r.Path)
			continue
		}
		url := strings.NewReplacer(":id", id, ":rev", "1").Replace(r.Path)
		seen++
		for _, user := range []string{"viewer"} {
			rec := app.do(r.Method, url, user, "{}", "Content-Type", "application/json", "If-Match", "*")
			if rec.Code != http.StatusNotFound {
				t.Errorf("%s %s as an outsider: %d %s, want 404", r.Method, url, rec.Code, rec.Body)
			}
		}
	}
	if seen < 30 {
		t.Fatalf("only %d routes with :id; the router listing changed?", seen)
	}
	// Nothing changed: the thread is as it was.
	rec := app.do(http.MethodGet, "/api/annotations/"+f.annID, "admin", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[annotationBody](t, rec); got.Comment != "SECRETCOMMENT here" || got.Status != "open" {
		t.Fatalf("an outsider changed the annotation: %+v", got)
	}
}

// TestRestrictionEndsLiveStream: a member's live event stream ends once
// the member is taken off the document.
func TestRestrictionEndsLiveStream(t *testing.T) {
	app := newTestApp(t)
	f := newRestrictedFixture(t, app)
	srv := app.newServer()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events, res := openStream(t, ctx, srv.URL, app.tokens["commenter"], f.docID)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("member's stream: %d", res.StatusCode)
	}
	rec := app.do(http.MethodPatch, "/api/documents/"+f.docID, "editor", map[string]any{"members": []string{}})
	wantStatus(t, rec, http.StatusOK)
	for ev := range events {
		if ev.Type != "comment" {
			t.Fatalf("the stream sent %+v after the member was removed", ev)
		}
	}
	if ctx.Err() != nil {
		t.Fatal("the stream did not end after the member was removed")
	}
}

// TestAccessRoles: only editors and admins restrict documents; a bad
// member is 422; the reader shows the form to them and the notice to all
// who see the document.
func TestAccessRoles(t *testing.T) {
	app := newTestApp(t)
	f := newRestrictedFixture(t, app)
	for _, user := range []string{"commenter"} {
		rec := app.do(http.MethodPatch, "/api/documents/"+f.docID, user, map[string]any{"restricted": false})
		wantError(t, rec, http.StatusForbidden, "forbidden")
	}
	rec := app.do(http.MethodPatch, "/api/documents/"+f.docID, "editor", map[string]any{"members": []string{"nobody-by-this-name"}})
	wantError(t, rec, http.StatusUnprocessableEntity, "unknown_member")
	rec = app.do(http.MethodPatch, "/api/documents/"+f.docID, "editor", map[string]any{"restricted": true, "id": "x"})
	wantError(t, rec, http.StatusBadRequest, "bad_json")

	member := signIn(t, app, "commenter")
	page := member.page(t, "/documents/"+f.docID)
	if page.Find(`[data-testid="access-restricted"]`).Length() != 1 {
		t.Error("the reader does not say the document is restricted")
	}
	if page.Find(`[data-testid="access-submit"]`).Length() != 0 {
		t.Error("a commenter is offered the access form")
	}
	editor := signIn(t, app, "editor")
	page = editor.page(t, "/documents/"+f.docID)
	if v, _ := page.Find(`[data-testid="access-members"]`).Attr("value"); v != "commenter" {
		t.Errorf("members field %q, want commenter", v)
	}
	// The form opens it to everyone.
	rec = editor.postForm("/documents/"+f.docID+"/access", map[string][]string{"_csrf": {editor.csrf}, "members": {""}})
	wantRedirect(t, rec, "/documents/"+f.docID)
	wantStatus(t, app.do(http.MethodGet, "/api/documents/"+f.docID, "viewer", nil), http.StatusOK)
}
