package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// replyBody is a reply as the API answers it.
type replyBody struct {
	ID         string `json:"id"`
	Annotation string `json:"annotation"`
	Author     struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"author"`
	Comment string `json:"comment"`
	Edited  bool   `json:"edited"`
	Version int    `json:"version"`
}

// threadBody is an annotation with its replies decoded.
type threadBody struct {
	annotationBody
	Edited     bool        `json:"edited"`
	Deleted    bool        `json:"deleted"`
	Replies    []replyBody `json:"replies"`
	Resolution *struct {
		By struct {
			Name string `json:"name"`
		} `json:"by"`
	} `json:"resolution"`
}

// annotate creates an annotation by user on the sample article's passage.
func annotate(t *testing.T, app *testApp, user, passage, comment string, tags ...string) annotationBody {
	t.Helper()
	s, e := codePointSpan(t, app.sample.Text, passage)
	return mustCreateAnnotation(t, app, user, app.sample.ID, annotationRequest(app.sample.Text, s, e, comment, tags...))
}

// thread gets an annotation with its replies through the API.
func thread(t *testing.T, app *testApp, id string) (threadBody, string) {
	t.Helper()
	rec := app.do(http.MethodGet, "/api/annotations/"+id, "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	return decode[threadBody](t, rec), wantETag(t, rec)
}

// reply posts a reply and fails unless it is created.
func reply(t *testing.T, app *testApp, user, annID, comment string) replyBody {
	t.Helper()
	rec := app.do(http.MethodPost, "/api/annotations/"+annID+"/replies", user, map[string]any{"comment": comment})
	wantStatus(t, rec, http.StatusCreated)
	if loc := rec.Header().Get("Location"); loc == "" {
		t.Error("a new reply has no Location")
	}
	wantETag(t, rec)
	return decode[replyBody](t, rec)
}

func TestEditAnnotationNeedsCurrentETag(t *testing.T) {
	app := newTestApp(t)
	a := annotate(t, app, "commenter", "Hong Lei", "First take", "names")
	path := "/api/annotations/" + a.ID
	edit := map[string]any{"comment": "Second take"}

	rec := app.do(http.MethodPatch, path, "commenter", edit)
	wantError(t, rec, http.StatusPreconditionRequired, "if_match_required")
	for _, stale := range []string{`"2"`, `W/"1"`, `"x"`, `1`} {
		rec = app.do(http.MethodPatch, path, "commenter", edit, "If-Match", stale)
		wantError(t, rec, http.StatusPreconditionFailed, "stale")
		if got := rec.Header().Get("ETag"); got != `"1"` {
			t.Errorf("If-Match %s: the 412 names the current ETag %q, want \"1\"", stale, got)
		}
	}
	if th, _ := thread(t, app, a.ID); th.Comment != "First take" || th.Version != 1 {
		t.Fatalf("refused edits changed the annotation: %+v", th)
	}

	rec = app.do(http.MethodPatch, path, "commenter", edit, "If-Match", `"1"`)
	wantStatus(t, rec, http.StatusOK)
	got := decode[threadBody](t, rec)
	if got.Comment != "Second take" || got.Version != 2 || !got.Edited || wantETag(t, rec) != `"2"` {
		t.Errorf("after the edit: %+v, ETag %s", got, rec.Header().Get("ETag"))
	}
	// The page that still holds version 1 cannot overwrite it.
	rec = app.do(http.MethodPatch, path, "commenter", map[string]any{"comment": "Lost update"}, "If-Match", `"1"`)
	wantError(t, rec, http.StatusPreconditionFailed, "stale")
	rec = app.do(http.MethodPatch, path, "commenter", map[string]any{"tags": []string{"names", "Style"}}, "If-Match", "*")
	wantStatus(t, rec, http.StatusOK)
	if got := decode[threadBody](t, rec); !slices.Equal(got.Tags, []string{"names", "Style"}) || got.Comment != "Second take" {
		t.Errorf("a tags-only edit gave %+v", got)
	}

	rec = app.do(http.MethodPatch, path, "commenter", map[string]any{}, "If-Match", "*")
	wantError(t, rec, http.StatusUnprocessableEntity, "invalid")
	rec = app.do(http.MethodPatch, path, "commenter", map[string]any{"tags": []string{"a,b"}}, "If-Match", "*")
	wantError(t, rec, http.StatusUnprocessableEntity, "invalid")
	rec = app.do(http.MethodPatch, path, "commenter", map[string]any{"comment": strings.Repeat("x", 20001)}, "If-Match", "*")
	wantError(t, rec, http.StatusUnprocessableEntity, "invalid")
	rec = app.do(http.MethodPatch, "/api/annotations/01NOSUCHANNOTATION", "commenter", edit, "If-Match", "*")
	wantError(t, rec, http.StatusNotFound, "not_found")
}

func TestEditPermissions(t *testing.T) {
	app := newTestApp(t)
	a := annotate(t, app, "commenter", "Hong Lei", "Commenter's words", "names")
	path := "/api/annotations/" + a.ID
	tests := []struct {
		name string
		user string
		body map[string]any
		want int
	}{
		{"the author edits the text", "commenter", map[string]any{"comment": "mine"}, http.StatusOK},
		{"an editor may not edit another's text", "editor", map[string]any{"comment": "words in her mouth"}, http.StatusForbidden},
		{"nor may an admin", "admin", map[string]any{"comment": "words in her mouth"}, http.StatusForbidden},
		{"an editor retags another's annotation", "editor", map[string]any{"tags": []string{"fact-check"}}, http.StatusOK},
		{"a viewer changes nothing", "viewer", map[string]any{"tags": []string{"x"}}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := app.do(http.MethodPatch, path, tt.user, tt.body, "If-Match", "*")
			wantStatus(t, rec, tt.want)
		})
	}
	other := annotate(t, app, "editor", "Der Spiegel", "Editor's", "sourcing")
	rec := app.do(http.MethodPatch, "/api/annotations/"+other.ID, "commenter", map[string]any{"tags": []string{"mine"}}, "If-Match", "*")
	wantError(t, rec, http.StatusForbidden, "forbidden")
	if th, _ := thread(t, app, a.ID); th.Comment != "mine" || !slices.Equal(th.Tags, []string{"fact-check"}) {
		t.Errorf("after the table: %+v", th)
	}
}

func TestReplies(t *testing.T) {
	app := newTestApp(t)
	a := annotate(t, app, "editor", "Hong Lei", "Check the spelling")
	r1 := reply(t, app, "commenter", a.ID, "It is **Hong Lei**.")
	r2 := reply(t, app, "editor", a.ID, "Thanks")
	if r1.Author.Name != "commenter" || r1.Version != 1 || r1.Annotation != a.ID {
		t.Errorf("reply %+v", r1)
	}
	th, etag := thread(t, app, a.ID)
	if len(th.Replies) != 2 || th.Replies[0].ID != r1.ID || th.Replies[1].ID != r2.ID || th.Replies[0].Comment != "It is **Hong Lei**." {
		t.Fatalf("thread replies %+v, want r1 then r2", th.Replies)
	}
	if etag != `"1"` {
		t.Errorf("a reply changed the annotation's ETag to %s", etag)
	}

	post := func(user, annID string, body any) int {
		return app.do(http.MethodPost, "/api/annotations/"+annID+"/replies", user, body).Code
	}
	if code := post("viewer", a.ID, map[string]any{"comment": "hi"}); code != http.StatusForbidden {
		t.Errorf("a viewer's reply: %d, want 403", code)
	}
	if code := post("editor", a.ID, map[string]any{"comment": "  "}); code != http.StatusUnprocessableEntity {
		t.Errorf("an empty reply: %d, want 422", code)
	}
	if code := post("editor", a.ID, map[string]any{}); code != http.StatusUnprocessableEntity {
		t.Errorf("a reply without comment: %d, want 422", code)
	}
	if code := post("editor", "01NOSUCHANNOTATION", map[string]any{"comment": "hi"}); code != http.StatusNotFound {
		t.Errorf("a reply to nothing: %d, want 404", code)
	}

	path := "/api/replies/" + r1.ID
	rec := app.do(http.MethodPatch, path, "commenter", map[string]any{"comment": "Hong Lei, yes"})
	wantError(t, rec, http.StatusPreconditionRequired, "if_match_required")
	rec = app.do(http.MethodPatch, path, "commenter", map[string]any{"comment": "Hong Lei, yes"}, "If-Match", `"7"`)
	wantError(t, rec, http.StatusPreconditionFailed, "stale")
	for _, user := range []string{"editor", "admin"} {
		rec = app.do(http.MethodPatch, path, user, map[string]any{"comment": "not theirs"}, "If-Match", `"1"`)
		wantError(t, rec, http.StatusForbidden, "forbidden")
	}
	rec = app.do(http.MethodPatch, path, "commenter", map[string]any{"comment": "Hong Lei, yes"}, "If-Match", `"1"`)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[replyBody](t, rec); got.Comment != "Hong Lei, yes" || !got.Edited || got.Version != 2 || wantETag(t, rec) != `"2"` {
		t.Errorf("edited reply %+v", got)
	}

	// Deleting: one's own, or anyone's as an admin; never without If-Match.
	rec = app.do(http.MethodDelete, path, "commenter", nil)
	wantError(t, rec, http.StatusPreconditionRequired, "if_match_required")
	rec = app.do(http.MethodDelete, path, "commenter", nil, "If-Match", `"1"`)
	wantError(t, rec, http.StatusPreconditionFailed, "stale")
	rec = app.do(http.MethodDelete, "/api/replies/"+r2.ID, "commenter", nil, "If-Match", `"1"`)
	wantError(t, rec, http.StatusForbidden, "forbidden")
	rec = app.do(http.MethodDelete, path, "commenter", nil, "If-Match", `"2"`)
	wantStatus(t, rec, http.StatusNoContent)
	rec = app.do(http.MethodDelete, "/api/replies/"+r2.ID, "admin", nil, "If-Match", `"1"`)
	wantStatus(t, rec, http.StatusNoContent)
	if th, _ := thread(t, app, a.ID); len(th.Replies) != 0 {
		t.Errorf("replies left: %+v", th.Replies)
	}
	rec = app.do(http.MethodGet, path, "editor", nil)
	wantError(t, rec, http.StatusNotFound, "not_found")
}

func TestDeleteAnnotationKeepsThread(t *testing.T) {
	app := newTestApp(t)

	t.Run("alone, it goes", func(t *testing.T) {
		a := annotate(t, app, "commenter", "Hong Lei", "Gone soon", "temp")
		rec := app.do(http.MethodDelete, "/api/annotations/"+a.ID, "commenter", nil)
		wantError(t, rec, http.StatusPreconditionRequired, "if_match_required")
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID, "editor", nil, "If-Match", `"1"`)
		wantError(t, rec, http.StatusForbidden, "forbidden")
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID, "commenter", nil, "If-Match", `"3"`)
		wantError(t, rec, http.StatusPreconditionFailed, "stale")
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID, "commenter", nil, "If-Match", `"1"`)
		wantStatus(t, rec, http.StatusNoContent)
		wantStatus(t, app.do(http.MethodGet, "/api/annotations/"+a.ID, "editor", nil), http.StatusNotFound)
	})

	t.Run("with replies, a placeholder keeps the thread", func(t *testing.T) {
		a := annotate(t, app, "commenter", "Der Spiegel", "Secret source", "sourcing")
		reply(t, app, "editor", a.ID, "Which reporter?")
		rec := app.do(http.MethodDelete, "/api/annotations/"+a.ID, "commenter", nil, "If-Match", `"1"`)
		wantStatus(t, rec, http.StatusNoContent)
		th, etag := thread(t, app, a.ID)
		if !th.Deleted || th.Comment != "" || len(th.Tags) != 0 || len(th.Replies) != 1 || etag != `"2"` {
			t.Fatalf("placeholder %+v (ETag %s)", th, etag)
		}
		page := signIn(t, app, "viewer").page(t, "/documents/"+app.sample.ID)
		card := page.Find(`[data-annotation-id="` + a.ID + `"]`)
		if card.Find(`[data-testid="deleted-placeholder"]`).Length() != 1 || card.Find(`[data-testid="reply"]`).Length() != 1 ||
			strings.Contains(card.Text(), "Secret source") {
			t.Errorf("the card of a deleted annotation: %q", card.Text())
		}
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID, "commenter", nil, "If-Match", "*")
		wantError(t, rec, http.StatusConflict, "already_deleted")
		// The whole thread, on purpose: not over someone else's reply,
		// unless an admin does it.
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID+"?scope=thread", "commenter", nil, "If-Match", "*")
		wantError(t, rec, http.StatusForbidden, "forbidden")
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID+"?scope=everything", "admin", nil, "If-Match", "*")
		wantError(t, rec, http.StatusBadRequest, "bad_scope")
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID+"?scope=thread", "admin", nil, "If-Match", "*")
		wantStatus(t, rec, http.StatusNoContent)
		wantStatus(t, app.do(http.MethodGet, "/api/annotations/"+a.ID, "editor", nil), http.StatusNotFound)
	})

	t.Run("an admin deletes anyone's", func(t *testing.T) {
		a := annotate(t, app, "editor", "Huawei Technologies", "Editor's note")
		rec := app.do(http.MethodDelete, "/api/annotations/"+a.ID, "viewer", nil, "If-Match", "*")
		wantError(t, rec, http.StatusForbidden, "forbidden")
		rec = app.do(http.MethodDelete, "/api/annotations/"+a.ID, "admin", nil, "If-Match", `"1"`)
		wantStatus(t, rec, http.StatusNoContent)
	})
}

func TestResolveAndReopen(t *testing.T) {
	app := newTestApp(t)
	own := annotate(t, app, "commenter", "Hong Lei", "mine")
	theirs := annotate(t, app, "editor", "Der Spiegel", "editor's")
	post := func(user, id, verb string, header ...string) int {
		t.Helper()
		return app.do(http.MethodPost, "/api/annotations/"+id+"/"+verb, user, nil, header...).Code
	}
	if code := post("commenter", theirs.ID, "resolve"); code != http.StatusForbidden {
		t.Errorf("a commenter resolving another's thread: %d, want 403", code)
	}
	if code := post("viewer", own.ID, "resolve"); code != http.StatusForbidden {
		t.Errorf("a viewer resolving: %d, want 403", code)
	}
	if code := post("commenter", own.ID, "resolve", "If-Match", `"9"`); code != http.StatusPreconditionFailed {
		t.Errorf("resolving with a stale If-Match: %d, want 412", code)
	}
	rec := app.do(http.MethodPost, "/api/annotations/"+own.ID+"/resolve", "commenter", nil, "If-Match", `"1"`)
	wantStatus(t, rec, http.StatusOK)
	got := decode[threadBody](t, rec)
	if got.Status != "resolved" || got.Resolution == nil || got.Resolution.By.Name != "commenter" || got.Version != 2 {
		t.Errorf("resolved %+v", got)
	}
	if code := post("editor", theirs.ID, "resolve"); code != http.StatusOK {
		t.Errorf("an editor resolving: %d", code)
	}
	if code := post("editor", own.ID, "reopen"); code != http.StatusOK {
		t.Errorf("an editor reopening another's thread: %d", code)
	}
	if th, _ := thread(t, app, own.ID); th.Status != "open" || th.Resolution != nil {
		t.Errorf("reopened %+v", th)
	}
	if code := post("editor", "01NOSUCHANNOTATION", "resolve"); code != http.StatusNotFound {
		t.Errorf("resolving nothing: %d, want 404", code)
	}

	// Without JavaScript: a plain form that returns to the page.
	s := signIn(t, app, "editor")
	next := "/documents/" + app.sample.ID + "?status=open"
	rec = s.postForm("/annotations/"+own.ID+"/resolve", url.Values{"_csrf": {s.csrf}, "next": {next}})
	wantRedirect(t, rec, next+"#thread-"+own.ID)
	rec = s.postForm("/annotations/"+own.ID+"/reopen", url.Values{"_csrf": {s.csrf}, "next": {"https://evil.example/"}})
	wantRedirect(t, rec, "/documents/"+app.sample.ID+"#thread-"+own.ID)
	rec = s.postForm("/annotations/"+own.ID+"/resolve", url.Values{"next": {next}})
	wantStatus(t, rec, http.StatusForbidden)
}

func TestReplyForm(t *testing.T) {
	app := newTestApp(t)
	a := annotate(t, app, "editor", "Hong Lei", "Spelling?")
	s := signIn(t, app, "commenter")
	rec := s.postForm("/annotations/"+a.ID+"/replies", url.Values{"_csrf": {s.csrf}, "comment": {"Checked: *Hong Lei*."},
		"next": {"/documents/" + app.sample.ID}})
	wantRedirect(t, rec, "/documents/"+app.sample.ID+"#thread-"+a.ID)
	page := s.page(t, "/documents/"+app.sample.ID)
	r := page.Find(`[data-annotation-id="` + a.ID + `"] [data-testid="reply"]`)
	if r.Length() != 1 || r.Find(".author").Text() != "commenter" || r.Find(`[data-testid="reply-body"] em`).Text() != "Hong Lei" {
		t.Errorf("the reply on the page: %q", r.Text())
	}
	rec = s.postForm("/annotations/"+a.ID+"/replies", url.Values{"_csrf": {s.csrf}, "comment": {""}})
	wantStatus(t, rec, http.StatusUnprocessableEntity)
	v := signIn(t, app, "viewer")
	rec = v.postForm("/annotations/"+a.ID+"/replies", url.Values{"_csrf": {v.csrf}, "comment": {"hi"}})
	wantStatus(t, rec, http.StatusForbidden)
}

func TestMarkdownIsSanitized(t *testing.T) {
	app := newTestApp(t)
	const comment = "See [the story](https://example.com/story) and **this**.\n\n" +
		"[bad](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)> <TK>"
	a := annotate(t, app, "editor", "Hong Lei", comment)
	reply(t, app, "commenter", a.ID, "<a href=\"javascript:alert(4)\">x</a> [ok](http://example.org)")
	page := signIn(t, app, "viewer").page(t, "/documents/"+app.sample.ID)
	card := page.Find(`[data-annotation-id="` + a.ID + `"]`)
	body := card.Find(`[data-testid="comment-body"]`)
	if body.Find("strong").Text() != "this" {
		t.Errorf("bold did not render: %q", body.Text())
	}
	links := card.Find("a")
	if links.Length() != 2 {
		h, _ := card.Html()
		t.Fatalf("%d links in the card, want the two safe ones: %s", links.Length(), h)
	}
	links.Each(func(_ int, l *goquery.Selection) {
		href, _ := l.Attr("href")
		rel, _ := l.Attr("rel")
		if !strings.HasPrefix(href, "http") || rel != "nofollow noopener" {
			t.Errorf("link href %q rel %q, want http(s) with rel nofollow noopener", href, rel)
		}
	})
	if card.Find("script, img, [onerror]").Length() != 0 {
		t.Error("raw HTML became markup")
	}
	if !strings.Contains(body.Text(), "<TK>") || !strings.Contains(body.Text(), "<script>alert(2)</script>") {
		t.Errorf("raw HTML is not shown as the text it is: %q", body.Text())
	}
	if strings.Contains(card.Text(), "javascript") && card.Find(`a[href^="javascript"]`).Length() > 0 {
		t.Error("a javascript: link survived")
	}
	checkNoInlineCode(t, page)
}
