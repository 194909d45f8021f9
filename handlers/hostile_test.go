package handlers_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"galley/handlers"
	"galley/store"

	"github.com/PuerkitoBio/goquery"
)

// xssPayloads are stored XSS attempts in the spellings that get past naive
// filters.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<svg onload=alert(1)><script>alert(1)</script></svg>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="  JaVaScRiPt:alert(1)">x</a>`,
	`[md link](javascript:alert(1))`,
	`[md link](JAVASCRIPT:alert(1))`,
	`[md link](java&#09;script:alert(1))`,
	`[md link](&#106;avascript:alert(1))`,
	`[md link](%6Aavascript:alert(1))`,
	`[md link](vbscript:msgbox(1))`,
	`[md link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![img](data:image/svg+xml,<svg onload=alert(1)>)`,
	`![img](javascript:alert(1))`,
	`<iframe src="https://evil.example/"></iframe>`,
	`<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">`,
	`<form action="https://evil.example/"><input name=x><button formaction="javascript:alert(1)">go</button></form>`,
	`<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
	`<base href="https://evil.example/">`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`{{ .Secret }} ${alert(1)} <!-- -->`,
}

// allowedScheme reports whether a URL attribute is inert: relative, a
// fragment, or http, https or mailto.
func allowedScheme(raw string) bool {
	v := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(raw))
	if v == "" || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "#") || strings.HasPrefix(v, "?") {
		return !strings.HasPrefix(v, "//")
	}
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https", "mailto":
		return true
	case "":
		return !strings.Contains(v, ":")
	}
	return false
}

// checkInert fails if a page could run script or leave the site on its
// own: scripts other than the desk's module, event handler attributes,
// javascript:/data: URLs, frames, plugins, foreign forms, refreshes and
// base elements, inline styles.
func checkInert(t *testing.T, where string, page *goquery.Document) {
	t.Helper()
	page.Find("*").Each(func(_ int, s *goquery.Selection) {
		node := s.Get(0)
		tag := goquery.NodeName(s)
		switch tag {
		case "script":
			if src, ok := s.Attr("src"); !ok || !strings.HasPrefix(src, "/static/") || strings.TrimSpace(s.Text()) != "" {
				t.Errorf("%s: a script element %q", where, s.Text())
			}
		case "iframe", "frame", "object", "embed", "base", "style", "applet":
			t.Errorf("%s: a <%s> element", where, tag)
		case "meta":
			if _, ok := s.Attr("http-equiv"); ok {
				t.Errorf("%s: a meta http-equiv element", where)
			}
		case "form":
			// No action posts to the page itself.
			if action, ok := s.Attr("action"); ok && (!strings.HasPrefix(action, "/") || strings.HasPrefix(action, "//")) {
				t.Errorf("%s: a form posting to %q", where, action)
			}
		}
		for _, a := range node.Attr {
			name := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(name, "on"):
				t.Errorf("%s: <%s %s=%q>", where, tag, a.Key, a.Val)
			case name == "style":
				t.Errorf("%s: an inline style on <%s>", where, tag)
			case name == "href" || name == "src" || name == "action" || name == "formaction" ||
				name == "xlink:href" || name == "srcset" || name == "poster" || name == "background":
				if tag == "link" && name == "href" && (a.Val == "data:," || strings.HasPrefix(a.Val, "/static/")) {
					continue // the favicon placeholder and the stylesheet
				}
				if !allowedScheme(a.Val) {
					t.Errorf("%s: <%s %s=%q>", where, tag, a.Key, a.Val)
				}
			}
		}
	})
}

// TestStoredXSSIsInert stores every payload in a document's title and
// text, a comment, a reply and a tag, then checks with an HTML parser that
// every page showing them holds nothing that runs, and that exports are
// downloads that a browser does not render.
func TestStoredXSSIsInert(t *testing.T) {
	app := newTestApp(t, func(c *handlers.Config) { c.WriteRate = -1 })
	s := signIn(t, app, "editor")
	var docIDs []string
	for i, p := range xssPayloads {
		text := "Headline " + fmt.Sprint(i) + "\n\nBefore " + p + " after.\n\nThe passage to annotate is here."
		rec := app.do(http.MethodPost, "/api/documents", "editor", map[string]any{"text": text, "title": p})
		wantStatus(t, rec, http.StatusCreated)
		doc := decode[documentBody](t, rec)
		docIDs = append(docIDs, doc.ID)
		start, end := codePointSpan(t, doc.Text, "passage to annotate")
		body := annotationRequest(doc.Text, start, end, p)
		tag := strings.Map(func(r rune) rune {
			if r == ',' {
				return -1
			}
			return r
		}, p)
		if len([]rune(tag)) > 40 {
			tag = string([]rune(tag)[:40])
		}
		body["tags"] = []string{tag}
		rec = app.do(http.MethodPost, "/api/documents/"+doc.ID+"/annotations", "editor", body)
		if rec.Code == http.StatusUnprocessableEntity {
			delete(body, "tags") // a tag the registry refuses (too long, control characters)
			rec = app.do(http.MethodPost, "/api/documents/"+doc.ID+"/annotations", "editor", body)
		}
		wantStatus(t, rec, http.StatusCreated)
		ann := decode[annotationBody](t, rec)
		wantStatus(t, app.do(http.MethodPost, "/api/annotations/"+ann.ID+"/replies", "editor", map[string]any{"comment": p}), http.StatusCreated)
	}
	pages := []string{"/", "/threads", "/threads?q=script", "/tags"}
	for _, id := range docIDs {
		pages = append(pages, "/documents/"+id, "/documents/"+id+"/fragments", "/documents/"+id+"/history")
	}
	for _, path := range pages {
		rec := s.do(http.MethodGet, path, nil)
		wantStatus(t, rec, http.StatusOK)
		checkInert(t, path, parseHTML(t, rec))
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	// Every payload is still there to read, as text.
	page := s.page(t, "/documents/"+docIDs[0])
	if !strings.Contains(page.Find("title").Text(), "<script>") || !strings.Contains(page.Find(`[data-testid="article"]`).Text(), "<script>alert(1)</script>") {
		t.Errorf("the payload is not shown as text: %q", page.Find("title").Text())
	}
	// Exports are downloads of JSON, never HTML a browser would run.
	for _, path := range []string{"/api/documents/" + docIDs[0] + "/export?format=w3c&all=1",
		"/api/documents/" + docIDs[0] + "/export?format=native", "/api/export?format=native", "/api/export?format=w3c"} {
		rec := s.do(http.MethodGet, path, nil)
		wantStatus(t, rec, http.StatusOK)
		h := rec.Header()
		if ct := h.Get("Content-Type"); !strings.Contains(ct, "json") {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: headers %v", path, h)
		}
		if bytes.Contains(rec.Body.Bytes(), []byte("<script")) {
			t.Errorf("%s: a raw <script in the JSON (want \\u003c)", path)
		}
	}
}

// TestCSRFAndMethods: cookie-authenticated changes need the session's
// token and must be same-site; Bearer requests need neither; no method
// override; GET changes nothing.
func TestCSRFAndMethods(t *testing.T) {
	app := newTestApp(t)
	s := signIn(t, app, "editor")
	start, end := codePointSpan(t, app.sample.Text, "Huawei")
	ann := mustCreateAnnotation(t, app, "editor", app.sample.ID, annotationRequest(app.sample.Text, start, end, "keep me"))
	body := `{"comment":"changed"}`
	patch := func(header ...string) int {
		return s.do(http.MethodPatch, "/api/annotations/"+ann.ID, body, append([]string{"Content-Type", "application/json", "If-Match", "*"}, header...)...).Code
	}
	form := func(vals url.Values, header ...string) int {
		return s.postForm("/annotations/"+ann.ID+"/replies", vals, header...).Code
	}
	for _, tc := range []struct {
		name string
		code int
		want int
	}{
		{"api: no token", patch(), http.StatusForbidden},
		{"api: wrong token", patch("X-CSRF-Token", wrongToken(s.csrf)), http.StatusForbidden},
		{"api: cross-site fetch", patch("X-CSRF-Token", s.csrf, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden},
		{"api: same-site subdomain", patch("X-CSRF-Token", s.csrf, "Sec-Fetch-Site", "same-site"), http.StatusForbidden},
		{"api: foreign origin", patch("X-CSRF-Token", s.csrf, "Origin", "https://evil.example"), http.StatusForbidden},
		{"api: null origin", patch("X-CSRF-Token", s.csrf, "Origin", "null"), http.StatusForbidden},
		{"form: no token", form(url.Values{"comment": {"x"}}), http.StatusForbidden},
		{"form: wrong token", form(url.Values{"comment": {"x"}, "_csrf": {"nope"}}), http.StatusForbidden},
		{"form: cross-site", form(url.Values{"comment": {"x"}, "_csrf": {s.csrf}}, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden},
		{"form: token in query only", s.do(http.MethodPost, "/annotations/"+ann.ID+"/replies?_csrf="+s.csrf, "comment=x", "Content-Type", formContentType).Code, http.StatusForbidden},
		{"logout by GET", s.do(http.MethodGet, "/logout", nil).Code, http.StatusNotFound},
		{"logout cross-site", s.do(http.MethodPost, "/logout", "_csrf="+s.csrf, "Content-Type", formContentType, "Sec-Fetch-Site", "cross-site").Code, http.StatusForbidden},
		{"method override header", s.do(http.MethodPost, "/api/annotations/"+ann.ID, "{}", "Content-Type", "application/json",
			"X-CSRF-Token", s.csrf, "X-HTTP-Method-Override", "DELETE", "If-Match", "*").Code, http.StatusNotFound},
		{"method override form", s.postForm("/api/annotations/"+ann.ID+"?_method=DELETE", url.Values{"_csrf": {s.csrf}, "_method": {"DELETE"}}).Code, http.StatusUnsupportedMediaType},
		{"api: not JSON", s.do(http.MethodPatch, "/api/annotations/"+ann.ID, "comment=x", "Content-Type", formContentType, "X-CSRF-Token", s.csrf, "If-Match", "*").Code, http.StatusUnsupportedMediaType},
		{"api: text/plain JSON", s.do(http.MethodPatch, "/api/annotations/"+ann.ID, body, "Content-Type", "text/plain", "X-CSRF-Token", s.csrf, "If-Match", "*").Code, http.StatusUnsupportedMediaType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code != tc.want {
				t.Errorf("status %d, want %d", tc.code, tc.want)
			}
		})
	}
	rec := app.do(http.MethodGet, "/api/annotations/"+ann.ID, "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[annotationBody](t, rec); got.Comment != "keep me" {
		t.Fatalf("a refused request changed the comment to %q", got.Comment)
	}
	s.page(t, "/") // still signed in after the GET /logout
	// The right token from this site works; so does a Bearer token alone.
	if code := patch("X-CSRF-Token", s.csrf, "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"); code != http.StatusOK {
		t.Fatalf("a same-site change with the token: %d", code)
	}
	rec = app.do(http.MethodPatch, "/api/annotations/"+ann.ID, "editor", map[string]any{"comment": "by script"}, "If-Match", "*", "Sec-Fetch-Site", "cross-site")
	wantStatus(t, rec, http.StatusOK)
	// CORS never grants anything to another origin.
	rec = app.do(http.MethodOptions, "/api/documents", "", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")
	if v := rec.Header().Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("CORS: Access-Control-Allow-Origin %q", v)
	}
	rec = app.do(http.MethodGet, "/api/documents", "editor", nil, "Origin", "https://evil.example")
	if v := rec.Header().Get("Access-Control-Allow-Credentials"); v != "" || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS headers on a cross-origin GET: %v", rec.Header())
	}
}

// TestRoleWriteMatrix sends every role against the write routes: the
// permission table decides, and the UI's hiding is not what protects.
func TestRoleWriteMatrix(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample
	start, end := codePointSpan(t, doc.Text, "Huawei")
	mine := mustCreateAnnotation(t, app, "commenter", doc.ID, annotationRequest(doc.Text, start, end, "the commenter's"))
	const ok, no = true, false
	type route struct {
		name, method, path string
		body               any
		allowed            map[string]bool // role -> may
	}
	all := func(a, e, c, v bool) map[string]bool {
		return map[string]bool{"admin": a, "editor": e, "commenter": c, "viewer": v}
	}
	routes := []route{
		{"create document", http.MethodPost, "/api/documents", map[string]any{"text": "A title\n\nA body."}, all(ok, ok, no, no)},
		{"annotate", http.MethodPost, "/api/documents/" + doc.ID + "/annotations", annotationRequest(doc.Text, start, end, "x"), all(ok, ok, ok, no)},
		{"set status", http.MethodPost, "/api/documents/" + doc.ID + "/status", map[string]any{"status": "in_review"}, all(ok, ok, no, no)},
		{"restrict", http.MethodPatch, "/api/documents/" + doc.ID, map[string]any{"restricted": false}, all(ok, ok, no, no)},
		{"import", http.MethodPost, "/api/documents/" + doc.ID + "/import", []any{}, all(ok, ok, no, no)},
		{"reply", http.MethodPost, "/api/annotations/" + mine.ID + "/replies", map[string]any{"comment": "x"}, all(ok, ok, ok, no)},
		{"resolve another's", http.MethodPost, "/api/annotations/" + mine.ID + "/resolve", nil, all(ok, ok, ok, no)},
		{"rename tag", http.MethodPatch, "/api/tags/none-such", map[string]any{"name": "other"}, all(ok, no, no, no)},
		{"backup", http.MethodGet, "/admin/backup", nil, all(ok, no, no, no)},
		{"users page", http.MethodGet, "/admin/users", nil, all(ok, no, no, no)},
	}
	for _, r := range routes {
		for _, role := range []string{"viewer", "commenter", "editor", "admin"} {
			t.Run(r.name+" as "+role, func(t *testing.T) {
				rec := app.do(r.method, r.path, role, r.body)
				if r.allowed[role] {
					if rec.Code == http.StatusForbidden || rec.Code == http.StatusUnauthorized {
						t.Errorf("refused: %d %s", rec.Code, rec.Body)
					}
				} else if rec.Code != http.StatusForbidden {
					t.Errorf("status %d, want 403; %s", rec.Code, rec.Body)
				}
			})
		}
	}
}

// TestAnotherUsersComment: where the thread can be seen, changing someone
// else's words is 403 (only the author edits text, admins delete); where
// it cannot, everything is 404 (TestEveryIDRouteIsGuarded).
func TestAnotherUsersComment(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample
	start, end := codePointSpan(t, doc.Text, "Huawei")
	a := mustCreateAnnotation(t, app, "commenter", doc.ID, annotationRequest(doc.Text, start, end, "mine"))
	rec := app.do(http.MethodPost, "/api/annotations/"+a.ID+"/replies", "commenter", map[string]any{"comment": "my reply"})
	wantStatus(t, rec, http.StatusCreated)
	reply := decode[struct{ ID string }](t, rec)
	for _, role := range []string{"viewer", "editor", "admin"} {
		wantError(t, app.do(http.MethodPatch, "/api/annotations/"+a.ID, role, map[string]any{"comment": "yours now"}, "If-Match", "*"), http.StatusForbidden, "forbidden")
		wantError(t, app.do(http.MethodPatch, "/api/replies/"+reply.ID, role, map[string]any{"comment": "yours now"}, "If-Match", "*"), http.StatusForbidden, "forbidden")
	}
	for _, role := range []string{"viewer", "editor"} {
		wantError(t, app.do(http.MethodDelete, "/api/replies/"+reply.ID, role, nil, "If-Match", "*"), http.StatusForbidden, "forbidden")
		wantError(t, app.do(http.MethodDelete, "/api/annotations/"+a.ID, role, nil, "If-Match", "*"), http.StatusForbidden, "forbidden")
	}
	wantStatus(t, app.do(http.MethodDelete, "/api/replies/"+reply.ID, "admin", nil, "If-Match", "*"), http.StatusNoContent)
	wantStatus(t, app.do(http.MethodDelete, "/api/annotations/"+a.ID, "admin", nil, "If-Match", "*"), http.StatusNoContent)
	// Unknown ids are 404 on every method.
	for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
		wantError(t, app.do(m, "/api/annotations/01HZZZZZZZZZZZZZZZZZZZZZZZ", "admin", map[string]any{"comment": "x"}, "If-Match", "*"), http.StatusNotFound, "not_found")
		wantError(t, app.do(m, "/api/replies/no-such-reply", "admin", map[string]any{"comment": "x"}, "If-Match", "*"), http.StatusNotFound, "not_found")
	}
}

// TestHostileJSON: bodies that try to set what the server owns, or that
// are malformed, oversized, deep or ambiguous, are refused without an
// internal word in the answer.
func TestHostileJSON(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample
	start, end := codePointSpan(t, doc.Text, "Huawei")
	exact := runeSlice(doc.Text, start, end)
	create := "/api/documents/" + doc.ID + "/annotations"
	valid := fmt.Sprintf(`"start":%d,"end":%d,"exact":%q`, start, end, exact)
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	for _, tc := range []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"set the author", create, `{` + valid + `,"author":{"id":"x","name":"admin"}}`, 400, "bad_json"},
		{"set the id", create, `{` + valid + `,"id":"01HAAAAAAAAAAAAAAAAAAAAAAA"}`, 400, "bad_json"},
		{"set the version", create, `{` + valid + `,"version":99}`, 400, "bad_json"},
		{"set the document", create, `{` + valid + `,"document":"other"}`, 400, "bad_json"},
		{"set created", create, `{` + valid + `,"created":"2000-01-01T00:00:00Z"}`, 400, "bad_json"},
		{"set status on create", create, `{` + valid + `,"status":"resolved"}`, 400, "bad_json"},
		{"duplicate key", create, `{` + valid + `,"comment":"a","comment":"b"}`, 400, "bad_json"},
		{"duplicate key in another case", create, `{` + valid + `,"comment":"a","Comment":"b"}`, 400, "bad_json"},
		{"duplicate offsets", create, `{` + valid + `,"start":0}`, 400, "bad_json"},
		{"truncated", create, `{"start": 1, "end"`, 400, "bad_json"},
		{"trailing data", create, `{` + valid + `} {}`, 400, "bad_json"},
		{"trailing garbage", create, `{` + valid + `}x`, 400, "bad_json"},
		{"array body", create, `[]`, 400, "bad_json"},
		{"null body", create, `null`, 422, "invalid"},
		{"empty body", create, ``, 400, "bad_json"},
		{"wrong type", create, `{"start":"1","end":2}`, 400, "bad_json"},
		{"float offset", create, `{"start":1.5,"end":2}`, 400, "bad_json"},
		{"huge offset", create, `{"start":1e30,"end":2}`, 400, "bad_json"},
		{"negative offset", create, fmt.Sprintf(`{"start":-1,"end":%d,"exact":%q}`, end, exact), 422, "offsets_out_of_range"},
		{"offset past the end", create, `{"start":0,"end":99999999,"exact":"x"}`, 422, "offsets_out_of_range"},
		{"inverted", create, fmt.Sprintf(`{"start":%d,"end":%d,"exact":""}`, end, start), 422, "offsets_inverted"},
		{"deep nesting", create, `{"tags":` + deep + `}`, 400, "bad_json"},
		{"lone high surrogate", create, `{` + valid + `,"comment":"\ud800"}`, 400, "bad_json"},
		{"lone low surrogate", create, `{` + valid + `,"comment":"x\udc00y"}`, 400, "bad_json"},
		{"reversed pair", create, `{` + valid + `,"comment":"\udc00\ud800"}`, 400, "bad_json"},
		{"invalid UTF-8", create, "{" + valid + ",\"comment\":\"\xff\xfe\"}", 400, "bad_json"},
		{"too many tags", create, `{` + valid + `,"tags":[` + manyTags(200) + `]}`, 422, "invalid"},
		{"long comment", create, `{` + valid + `,"comment":"` + strings.Repeat("x", 100_001) + `"}`, 422, "invalid"},
		{"long tag", create, `{` + valid + `,"tags":["` + strings.Repeat("t", 200) + `"]}`, 422, "invalid"},
		{"long title", "/api/documents", `{"text":"Body text.","title":"` + strings.Repeat("t", 400) + `"}`, 422, "invalid"},
		{"oversized", "/api/documents", `{"text":"` + strings.Repeat("x", 5<<20) + `"}`, 413, "body_too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := app.do(http.MethodPost, tc.path, "editor", []byte(tc.body), "Content-Type", "application/json")
			wantError(t, rec, tc.status, tc.code)
			msg := decode[apiErr](t, rec).Error.Message
			for _, leak := range []string{"json:", "Go ", "struct", "handlers.", "annotation.", "createAnnotationRequest", "int64", "float64", "/work/", ".go:"} {
				if strings.Contains(msg, leak) {
					t.Errorf("message %q leaks %q", msg, leak)
				}
			}
		})
	}
	// A good surrogate pair is a character, and is kept.
	rec := app.do(http.MethodPost, create, "editor", []byte(`{`+valid+`,"comment":"\ud83d\ude00"}`), "Content-Type", "application/json")
	wantStatus(t, rec, http.StatusCreated)
	if got := decode[annotationBody](t, rec).Comment; got != "😀" {
		t.Errorf("comment %q", got)
	}
}

// TestOpenRedirects: after sign-in, next goes only to a path on this site.
func TestOpenRedirects(t *testing.T) {
	app := newTestApp(t)
	for _, next := range []string{"//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
		"https://evil.example/", "http:evil.example", "javascript:alert(1)", "/\tevil", "/%0d%0aSet-Cookie:x=1",
		"data:text/html,x", " //evil.example", "evil.example"} {
		t.Run(next, func(t *testing.T) {
			form := url.Values{"username": {"viewer"}, "password": {testPassword}, "next": {next}}
			rec := app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType)
			wantStatus(t, rec, http.StatusSeeOther)
			loc := rec.Header().Get("Location")
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\r\n\t") {
				t.Fatalf("next %q redirects to %q", next, loc)
			}
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" || u.Scheme != "" {
				t.Fatalf("next %q redirects to %q", next, loc)
			}
		})
	}
}

// panickingStore panics where the document list is read.
type panickingStore struct{ *store.DB }

func (panickingStore) Documents() ([]store.DocumentSummary, error) {
	panic("secret internal state at /work/store/x.go:12")
}

// TestPanicIsAGeneric500: a panic becomes a 500 with the request id and
// nothing of the panic in the answer, for the API and for pages.
func TestPanicIsAGeneric500(t *testing.T) {
	app := newTestApp(t)
	app.e = handlers.New(panickingStore{app.db}, handlers.Config{LoginRate: 1000})
	rec := app.do(http.MethodGet, "/api/documents", "viewer", nil)
	wantError(t, rec, http.StatusInternalServerError, "internal")
	id := rec.Header().Get("X-Request-Id")
	if id == "" || !strings.Contains(rec.Body.String(), id) {
		t.Errorf("the answer does not name the request id %q: %s", id, rec.Body)
	}
	for _, body := range []string{rec.Body.String()} {
		for _, leak := range []string{"secret", "/work/", "panic", "goroutine", ".go:"} {
			if strings.Contains(body, leak) {
				t.Errorf("the 500 leaks %q: %s", leak, body)
			}
		}
	}
	for _, h := range []string{"Server", "X-Powered-By"} {
		if v := rec.Header().Get(h); v != "" {
			t.Errorf("a version banner: %s: %s", h, v)
		}
	}
}

// manyTags is a JSON list of n different tags.
func manyTags(n int) string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("%q", fmt.Sprint("t", i))
	}
	return strings.Join(tags, ",")
}

// wrongToken is a CSRF token one character off the right one. (Putting an
// "x" first was no change at all for the one token in 64 that starts with
// an x.)
func wrongToken(token string) string {
	if strings.HasPrefix(token, "x") {
		return "y" + token[1:]
	}
	return "x" + token[1:]
}
