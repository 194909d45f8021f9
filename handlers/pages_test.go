package handlers_test

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"galley/annotation"
	"galley/handlers"
	"galley/store"

	"github.com/PuerkitoBio/goquery"
)

// sessionCookieName is the session cookie's name when the desk is not
// served over TLS, as in these tests.
const sessionCookieName = "galley_session"

// formContentType is the content type of a plain HTML form post.
const formContentType = "application/x-www-form-urlencoded"

// webSession is a signed-in browser: its session cookie and the CSRF token
// its pages carry.
type webSession struct {
	app    *testApp
	cookie string
	csrf   string
}

// signIn posts the sign-in form as user and reads the CSRF token from the
// document list page.
func signIn(t *testing.T, app *testApp, user string) *webSession {
	t.Helper()
	form := url.Values{"username": {user}, "password": {testPassword}}
	rec := app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType)
	wantStatus(t, rec, http.StatusSeeOther)
	ck := responseCookie(rec, sessionCookieName)
	if ck == nil || ck.Value == "" {
		t.Fatalf("sign-in set no %s cookie; Set-Cookie: %q", sessionCookieName, rec.Header().Values("Set-Cookie"))
	}
	s := &webSession{app: app, cookie: ck.Value}
	s.csrf = s.page(t, "/").Find(`meta[name="csrf-token"]`).AttrOr("content", "")
	if s.csrf == "" {
		t.Fatal("the page has no csrf-token meta element")
	}
	return s
}

// do sends a request with the session cookie and no Bearer token.
func (s *webSession) do(method, path string, body any, header ...string) *httptest.ResponseRecorder {
	return s.app.do(method, path, "", body, append([]string{"Cookie", sessionCookieName + "=" + s.cookie}, header...)...)
}

// page gets a page, fails unless it answers 200 with HTML, and parses it.
func (s *webSession) page(t *testing.T, path string) *goquery.Document {
	t.Helper()
	rec := s.do(http.MethodGet, path, nil)
	wantStatus(t, rec, http.StatusOK)
	return parseHTML(t, rec)
}

// postForm posts url-encoded form values with the session cookie.
func (s *webSession) postForm(path string, form url.Values, header ...string) *httptest.ResponseRecorder {
	return s.do(http.MethodPost, path, form.Encode(), append([]string{"Content-Type", formContentType}, header...)...)
}

// responseCookie is the cookie a response sets under name, or nil.
func responseCookie(rec *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// parseHTML fails unless the response is HTML and parses it.
func parseHTML(t *testing.T, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type %q, want HTML; body: %s", ct, rec.Body.String())
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// wantRedirect fails unless the response is a 303 to location.
func wantRedirect(t *testing.T, rec *httptest.ResponseRecorder, location string) {
	t.Helper()
	wantStatus(t, rec, http.StatusSeeOther)
	if got := rec.Header().Get("Location"); got != location {
		t.Fatalf("Location %q, want %q", got, location)
	}
}

func TestPagesRedirectToSignIn(t *testing.T) {
	app := newTestApp(t)
	id := app.sample.ID
	for _, path := range []string{"/", "/documents/new", "/documents/" + id, "/documents/" + id + "/fragments", "/documents/" + id + "?x=1"} {
		t.Run(path, func(t *testing.T) {
			rec := app.do(http.MethodGet, path, "", nil)
			wantRedirect(t, rec, "/login?next="+url.QueryEscape(path))
		})
	}
	t.Run("sign-in page", func(t *testing.T) {
		rec := app.do(http.MethodGet, "/login", "", nil)
		wantStatus(t, rec, http.StatusOK)
		doc := parseHTML(t, rec)
		if doc.Find(`form[action="/login"][method="post"] input[name="username"]`).Length() != 1 {
			t.Error("no sign-in form")
		}
	})
	t.Run("sign in returns to the page", func(t *testing.T) {
		next := "/documents/" + id
		form := url.Values{"username": {"viewer"}, "password": {testPassword}, "next": {next}}
		rec := app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType)
		wantRedirect(t, rec, next)
	})
}

func TestLogin(t *testing.T) {
	app := newTestApp(t)
	tests := []struct {
		name         string
		username     string
		password     string
		next         string
		header       []string
		wantStatus   int
		wantLocation string
	}{
		{name: "editor", username: "editor", password: testPassword, wantStatus: 303, wantLocation: "/"},
		{name: "name ignores case and spaces", username: " Editor ", password: testPassword, wantStatus: 303, wantLocation: "/"},
		{name: "next path kept", username: "editor", password: testPassword, next: "/documents/x?y=1", wantStatus: 303, wantLocation: "/documents/x?y=1"},
		{name: "next protocol-relative", username: "editor", password: testPassword, next: "//evil.example", wantStatus: 303, wantLocation: "/"},
		{name: "next with backslash", username: "editor", password: testPassword, next: `/\evil.example`, wantStatus: 303, wantLocation: "/"},
		{name: "next absolute URL", username: "editor", password: testPassword, next: "https://evil.example/", wantStatus: 303, wantLocation: "/"},
		{name: "next javascript URL", username: "editor", password: testPassword, next: "javascript:alert(1)", wantStatus: 303, wantLocation: "/"},
		{name: "same-origin browser", username: "editor", password: testPassword, header: []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}, wantStatus: 303, wantLocation: "/"},
		{name: "wrong password", username: "editor", password: "wrong password!", wantStatus: 401},
		{name: "unknown user", username: "nobody", password: testPassword, wantStatus: 401},
		{name: "empty form", wantStatus: 401},
		{name: "cross-site fetch metadata", username: "editor", password: testPassword, header: []string{"Sec-Fetch-Site", "cross-site"}, wantStatus: 403},
		{name: "foreign origin", username: "editor", password: testPassword, header: []string{"Origin", "http://evil.example"}, wantStatus: 403},
		{name: "null origin", username: "editor", password: testPassword, header: []string{"Origin", "null"}, wantStatus: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"username": {tt.username}, "password": {tt.password}}
			if tt.next != "" {
				form.Set("next", tt.next)
			}
			header := append([]string{"Content-Type", formContentType}, tt.header...)
			rec := app.do(http.MethodPost, "/login", "", form.Encode(), header...)
			wantStatus(t, rec, tt.wantStatus)
			ck := responseCookie(rec, sessionCookieName)
			if tt.wantStatus != http.StatusSeeOther {
				if ck != nil {
					t.Errorf("a refused sign-in set a session cookie")
				}
				parseHTML(t, rec)
				return
			}
			if got := rec.Header().Get("Location"); got != tt.wantLocation {
				t.Errorf("Location %q, want %q", got, tt.wantLocation)
			}
			if ck == nil || ck.Value == "" {
				t.Fatal("no session cookie")
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q, want HttpOnly, Lax, /", ck.HttpOnly, ck.SameSite, ck.Path)
			}
			if rec := app.do(http.MethodGet, "/", "", nil, "Cookie", sessionCookieName+"="+ck.Value); rec.Code != http.StatusOK {
				t.Errorf("the new cookie opens / with %d, want 200", rec.Code)
			}
		})
	}
}

func TestLoginSecureCookie(t *testing.T) {
	app := newTestApp(t)
	e := handlers.New(app.db, handlers.Config{SecureCookies: true, LoginRate: 1000})
	form := url.Values{"username": {"editor"}, "password": {testPassword}}
	req := httptest.NewRequest(http.MethodPost, "https://example.com/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", formContentType)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	wantRedirect(t, rec, "/")
	ck := responseCookie(rec, "__Host-galley_session")
	if ck == nil || !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.Domain != "" || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %v, want __Host-galley_session, Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain", ck)
	}
}

func TestLoginFailuresLookTheSame(t *testing.T) {
	app := newTestApp(t)
	answer := func(username, password string) (alert, page string) {
		t.Helper()
		form := url.Values{"username": {username}, "password": {password}}
		rec := app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType)
		wantStatus(t, rec, http.StatusUnauthorized)
		doc := parseHTML(t, rec)
		alert = strings.TrimSpace(doc.Find(`[role="alert"]`).Text())
		// The form keeps the name typed; apart from it the pages must match.
		doc.Find(`input[name="username"]`).RemoveAttr("value")
		page, err := doc.Html()
		if err != nil {
			t.Fatal(err)
		}
		return alert, page
	}
	wrongAlert, wrongPage := answer("editor", "not the password")
	unknownAlert, unknownPage := answer("nosuchuser", "not the password")
	if wrongAlert == "" {
		t.Error("the failed sign-in page says nothing")
	}
	if wrongAlert != unknownAlert {
		t.Errorf("wrong password says %q, unknown user says %q", wrongAlert, unknownAlert)
	}
	if wrongPage != unknownPage {
		t.Errorf("the pages differ:\n%s\n----\n%s", wrongPage, unknownPage)
	}
}

func TestLoginStartsNewSession(t *testing.T) {
	app := newTestApp(t)
	form := url.Values{"username": {"editor"}, "password": {testPassword}}
	t.Run("planted cookie", func(t *testing.T) {
		const planted = "planted-by-an-attacker"
		rec := app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType, "Cookie", sessionCookieName+"="+planted)
		wantStatus(t, rec, http.StatusSeeOther)
		if ck := responseCookie(rec, sessionCookieName); ck == nil || ck.Value == "" || ck.Value == planted {
			t.Fatalf("sign-in cookie %v, want a new token", ck)
		}
		wantRedirect(t, app.do(http.MethodGet, "/", "", nil, "Cookie", sessionCookieName+"="+planted), "/login?next=%2F")
	})
	t.Run("signed in already", func(t *testing.T) {
		old := signIn(t, app, "editor")
		rec := old.postForm("/login", form)
		wantStatus(t, rec, http.StatusSeeOther)
		if ck := responseCookie(rec, sessionCookieName); ck == nil || ck.Value == "" || ck.Value == old.cookie {
			t.Fatalf("signing in again kept the old cookie value")
		}
		// The session the browser came with is gone.
		wantRedirect(t, old.do(http.MethodGet, "/", nil), "/login?next=%2F")
	})
}

func TestSessionCSRF(t *testing.T) {
	app := newTestApp(t)
	b := signIn(t, app, "editor")
	other := signIn(t, app, "commenter")
	id := app.sample.ID

	t.Run("pages and API reads", func(t *testing.T) {
		for _, path := range []string{"/", "/documents/new", "/documents/" + id, "/documents/" + id + "/fragments", "/api/documents", "/api/documents/" + id} {
			if rec := b.do(http.MethodGet, path, nil); rec.Code != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", path, rec.Code)
			}
		}
	})

	text := app.sample.Text
	start, end := codePointSpan(t, text, "Huawei North America")
	path := "/api/documents/" + id + "/annotations"
	tests := []struct {
		name       string
		header     []string
		wantStatus int
		wantCode   string
	}{
		{name: "no token", wantStatus: 403, wantCode: "csrf_failed"},
		{name: "wrong token", header: []string{"X-CSRF-Token", "not-the-token"}, wantStatus: 403, wantCode: "csrf_failed"},
		{name: "token of another session", header: []string{"X-CSRF-Token", other.csrf}, wantStatus: 403, wantCode: "csrf_failed"},
		{name: "token, cross-site", header: []string{"X-CSRF-Token", b.csrf, "Sec-Fetch-Site", "cross-site"}, wantStatus: 403, wantCode: "cross_site"},
		{name: "token, foreign origin", header: []string{"X-CSRF-Token", b.csrf, "Origin", "http://evil.example"}, wantStatus: 403, wantCode: "cross_site"},
		{name: "token", header: []string{"X-CSRF-Token", b.csrf}, wantStatus: 201},
		{name: "token, same-origin browser", header: []string{"X-CSRF-Token", b.csrf, "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}, wantStatus: 201},
	}
	created := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := b.do(http.MethodPost, path, annotationRequest(text, start, end, tt.name), tt.header...)
			if tt.wantCode != "" {
				wantError(t, rec, tt.wantStatus, tt.wantCode)
				return
			}
			wantStatus(t, rec, tt.wantStatus)
			created++
			if a := decode[annotationBody](t, rec); a.Author.Name != "editor" {
				t.Errorf("author %q, want the signed-in editor", a.Author.Name)
			}
		})
	}
	if ids := annotationIDs(t, app, id, ""); len(ids) != created {
		t.Errorf("%d annotations stored, want the %d accepted", len(ids), created)
	}
}

func TestLogout(t *testing.T) {
	app := newTestApp(t)
	b := signIn(t, app, "editor")
	stillSignedIn := func(t *testing.T) {
		t.Helper()
		if rec := b.do(http.MethodGet, "/", nil); rec.Code != http.StatusOK {
			t.Fatalf("GET / with the cookie: %d, want 200 (still signed in)", rec.Code)
		}
	}

	t.Run("GET is not a way out", func(t *testing.T) {
		rec := b.do(http.MethodGet, "/logout", nil)
		if rec.Code != http.StatusMethodNotAllowed && rec.Code != http.StatusNotFound {
			t.Errorf("GET /logout: %d, want 405 or 404", rec.Code)
		}
		if ck := responseCookie(rec, sessionCookieName); ck != nil {
			t.Errorf("GET /logout touched the cookie: %v", ck)
		}
		stillSignedIn(t)
	})
	t.Run("POST without the token", func(t *testing.T) {
		rec := b.postForm("/logout", url.Values{})
		wantStatus(t, rec, http.StatusForbidden)
		stillSignedIn(t)
	})
	t.Run("POST cross-site", func(t *testing.T) {
		rec := b.postForm("/logout", url.Values{"_csrf": {b.csrf}}, "Sec-Fetch-Site", "cross-site")
		wantStatus(t, rec, http.StatusForbidden)
		stillSignedIn(t)
	})
	t.Run("POST with the token", func(t *testing.T) {
		rec := b.postForm("/logout", url.Values{"_csrf": {b.csrf}})
		wantRedirect(t, rec, "/login")
		if ck := responseCookie(rec, sessionCookieName); ck == nil || ck.MaxAge >= 0 || ck.Value != "" {
			t.Errorf("the cookie is not cleared: %v", ck)
		}
		_, err := app.db.Session(handlers.HashSecret(b.cookie), time.Now())
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the session is still stored: %v", err)
		}
		// A copy of the old cookie opens nothing.
		wantRedirect(t, b.do(http.MethodGet, "/", nil), "/login?next=%2F")
		wantError(t, b.do(http.MethodGet, "/api/documents", nil), http.StatusUnauthorized, "unauthenticated")
	})
}

func TestDocumentListPage(t *testing.T) {
	app := newTestApp(t)
	doc := signIn(t, app, "viewer").page(t, "/")
	row := doc.Find(`[data-testid="document-row"][data-document-id="` + app.sample.ID + `"]`)
	if row.Length() != 1 {
		t.Fatalf("%d rows for the sample, want 1", row.Length())
	}
	link := row.Find(`a[href="/documents/` + app.sample.ID + `"]`)
	if got := strings.TrimSpace(link.Text()); got != app.sample.Title {
		t.Errorf("the row links %q, want the title %q", got, app.sample.Title)
	}
}

// articleBlocks checks the article element of a reader page and returns the
// text of each block: one element per document block, with its offsets,
// and no text outside the blocks.
func articleBlocks(t *testing.T, page *goquery.Document, doc annotation.Document) []string {
	t.Helper()
	article := page.Find(`[data-testid="article"]`)
	if article.Length() != 1 {
		t.Fatalf("%d article elements, want 1", article.Length())
	}
	blocks := article.Children()
	if blocks.Length() != len(doc.Blocks) {
		t.Fatalf("%d blocks rendered, the document has %d", blocks.Length(), len(doc.Blocks))
	}
	var texts []string
	blocks.Each(func(i int, s *goquery.Selection) {
		want := doc.Blocks[i]
		if s.AttrOr("data-start", "") != strconv.Itoa(want.Start) || s.AttrOr("data-end", "") != strconv.Itoa(want.End) {
			t.Errorf("block %d has data-start %q data-end %q, want %d %d", i, s.AttrOr("data-start", ""), s.AttrOr("data-end", ""), want.Start, want.End)
		}
		got := s.Text()
		if w := runeSlice(doc.Text, want.Start, want.End); got != w {
			t.Errorf("block %d reads %q, want %q", i, got, w)
		}
		texts = append(texts, got)
	})
	if got := article.Text(); got != strings.Join(texts, "") {
		t.Errorf("the article holds text outside its blocks: %q", got)
	}
	return texts
}

func TestReaderArticleText(t *testing.T) {
	app := newTestApp(t)
	b := signIn(t, app, "viewer")
	docs := []struct {
		name string
		doc  annotation.Document
	}{
		{name: "sample", doc: app.sample},
		{name: "unicode and CRLF", doc: app.addDocumentFile("unicode-crlf.txt")},
	}
	for _, tt := range docs {
		t.Run(tt.name, func(t *testing.T) {
			page := b.page(t, "/documents/"+tt.doc.ID)
			texts := articleBlocks(t, page, tt.doc)
			if got := strings.Join(texts, annotation.BlockSeparator); got != tt.doc.Text {
				t.Errorf("the blocks joined read\n%q\nwant the document text\n%q", got, tt.doc.Text)
			}
			if page.Find(`[data-testid="highlight"]`).Length() != 0 {
				t.Error("highlights on a document without annotations")
			}
		})
	}
}

// wantMark is one highlight expected in the reader: the annotations (by
// label) covering [start, end) of the text.
type wantMark struct {
	labels     []string
	start, end int
}

func TestReaderHighlights(t *testing.T) {
	app := newTestApp(t)
	b := signIn(t, app, "viewer")
	p := app.sample.Blocks[5].Start // a long paragraph
	nextBlock := app.sample.Blocks[6]
	type span struct {
		label      string
		start, end int
	}
	tests := []struct {
		name  string
		spans []span
		want  []wantMark
	}{
		{
			name:  "nested and overlapping",
			spans: []span{{"C", p + 30, p + 50}, {"A", p, p + 40}, {"B", p + 10, p + 20}},
			want: []wantMark{
				{[]string{"A"}, p, p + 10},
				{[]string{"A", "B"}, p + 10, p + 20},
				{[]string{"A"}, p + 20, p + 30},
				{[]string{"A", "C"}, p + 30, p + 40},
				{[]string{"C"}, p + 40, p + 50},
			},
		},
		{
			name:  "same passage twice",
			spans: []span{{"A", p + 4, p + 12}, {"B", p + 4, p + 12}},
			want:  []wantMark{{[]string{"A", "B"}, p + 4, p + 12}},
		},
		{
			name:  "adjacent",
			spans: []span{{"A", p, p + 7}, {"B", p + 7, p + 15}},
			want:  []wantMark{{[]string{"A"}, p, p + 7}, {[]string{"B"}, p + 7, p + 15}},
		},
		{
			name:  "across two blocks",
			spans: []span{{"A", nextBlock.Start - 8, nextBlock.Start + 6}},
			want:  []wantMark{{[]string{"A"}, nextBlock.Start - 8, nextBlock.Start - 2}, {[]string{"A"}, nextBlock.Start, nextBlock.Start + 6}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := app.addDocumentFile("beijing-slams-spying-on-huawei.txt")
			ids := map[string]string{}
			for _, sp := range tt.spans {
				a := mustCreateAnnotation(t, app, "editor", doc.ID, annotationRequest(doc.Text, sp.start, sp.end, "note "+sp.label))
				ids[sp.label] = a.ID
			}
			page := b.page(t, "/documents/"+doc.ID)
			articleBlocks(t, page, doc)
			checkMarks(t, page.Find(`[data-testid="article"]`), doc, ids, tt.want)

			// One card per annotation, in reading order.
			wantCards := annotationIDs(t, app, doc.ID, "")
			var gotCards []string
			page.Find(`[data-testid="annotation-card"]`).Each(func(_ int, s *goquery.Selection) {
				gotCards = append(gotCards, s.AttrOr("data-annotation-id", ""))
			})
			if !slices.Equal(gotCards, wantCards) {
				t.Errorf("cards %v, want %v", gotCards, wantCards)
			}

			// The fragments hold the same article and cards, without the chrome.
			rec := b.do(http.MethodGet, "/documents/"+doc.ID+"/fragments", nil)
			wantStatus(t, rec, http.StatusOK)
			frag := parseHTML(t, rec)
			if frag.Find("#article").Length() != 1 || frag.Find("#cards").Length() != 1 {
				t.Fatalf("fragments hold %d #article and %d #cards, want one each", frag.Find("#article").Length(), frag.Find("#cards").Length())
			}
			// The chrome: the page header, the main navigation and the title
			// (the article's own overview strip is a nav too, and belongs).
			if frag.Find(`header, nav[aria-label="Main"], title`).Length() != 0 {
				t.Error("the fragments carry the page chrome")
			}
			checkMarks(t, frag.Find("#article"), doc, ids, tt.want)
			if n := frag.Find(`#cards [data-testid="annotation-card"]`).Length(); n != len(wantCards) {
				t.Errorf("fragments hold %d cards, want %d", n, len(wantCards))
			}
		})
	}
}

// checkMarks compares the highlights rendered in article with want.
func checkMarks(t *testing.T, article *goquery.Selection, doc annotation.Document, ids map[string]string, want []wantMark) {
	t.Helper()
	marks := article.Find(`[data-testid="highlight"]`)
	if marks.Length() != len(want) {
		var got []string
		marks.Each(func(_ int, m *goquery.Selection) { got = append(got, m.Text()) })
		t.Fatalf("%d highlights %q, want %d", marks.Length(), got, len(want))
	}
	var joined, covered strings.Builder
	lo, hi := want[0].start, want[len(want)-1].end
	for _, bl := range doc.Blocks {
		covered.WriteString(runeSlice(doc.Text, max(lo, bl.Start), min(hi, bl.End)))
	}
	marks.Each(func(i int, m *goquery.Selection) {
		w := want[i]
		var wantIDs []string
		for _, l := range w.labels {
			wantIDs = append(wantIDs, ids[l])
		}
		slices.Sort(wantIDs)
		gotIDs := strings.Fields(m.AttrOr("data-annotation-ids", ""))
		slices.Sort(gotIDs)
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("mark %d covers %v, want %v (%v)", i, gotIDs, wantIDs, w.labels)
		}
		depth := "d" + strconv.Itoa(len(w.labels))
		if !m.HasClass(depth) {
			t.Errorf("mark %d has class %q, want %s", i, m.AttrOr("class", ""), depth)
		}
		for _, other := range []string{"d1", "d2", "d3", "d4"} {
			if other != depth && m.HasClass(other) {
				t.Errorf("mark %d has class %q besides %s", i, other, depth)
			}
		}
		if got, wantText := m.Text(), runeSlice(doc.Text, w.start, w.end); got != wantText {
			t.Errorf("mark %d reads %q, want %q", i, got, wantText)
		}
		block := m.Closest("[data-start]")
		if mustAtoi(t, block.AttrOr("data-start", "")) > w.start || w.end > mustAtoi(t, block.AttrOr("data-end", "")) {
			t.Errorf("mark %d [%d,%d) sits in block [%s,%s)", i, w.start, w.end, block.AttrOr("data-start", ""), block.AttrOr("data-end", ""))
		}
		joined.WriteString(m.Text())
	})
	if joined.String() != covered.String() {
		t.Errorf("the marks read %q, want the covered text %q", joined.String(), covered.String())
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

func TestReaderEscapesUserText(t *testing.T) {
	app := newTestApp(t)
	const comment = `<script>alert("c")</script><img src=x onerror=alert(1)>`
	const tag = `<b onmouseover=alert(2)>t</b>`
	start, end := codePointSpan(t, app.sample.Text, "Huawei")
	ann := mustCreateAnnotation(t, app, "editor", app.sample.ID, annotationRequest(app.sample.Text, start, end, comment, tag))
	page := signIn(t, app, "viewer").page(t, "/documents/"+app.sample.ID)
	card := page.Find(`[data-testid="annotation-card"][data-annotation-id="` + ann.ID + `"]`)
	if card.Length() != 1 {
		t.Fatalf("%d cards for the annotation, want 1", card.Length())
	}
	if !strings.Contains(card.Text(), comment) || !strings.Contains(card.Text(), tag) {
		t.Errorf("the card does not show the comment and tag as text: %q", card.Text())
	}
	if card.Find("script, img, b").Length() != 0 {
		t.Error("user text became markup in the card")
	}
	checkNoInlineCode(t, page)
}

func TestPageNotFound(t *testing.T) {
	app := newTestApp(t)
	b := signIn(t, app, "editor")
	for _, path := range []string{"/documents/01HZZZZZZZZZZZZZZZZZZZZZZZ", "/documents/nope/fragments", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			rec := b.do(http.MethodGet, path, nil)
			wantStatus(t, rec, http.StatusNotFound)
			page := parseHTML(t, rec)
			if h := strings.TrimSpace(page.Find("h1").First().Text()); h == "" {
				t.Error("the page has no heading")
			}
			if strings.HasPrefix(strings.TrimSpace(rec.Body.String()), "{") {
				t.Error("a page answered JSON")
			}
		})
	}
}

// multipartForm encodes fields and, when fileName is not empty, a file in
// the field "file", as a browser submits the new-document form.
func multipartForm(t *testing.T, fields map[string]string, fileName, fileContent string) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(fileContent)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

func TestNewDocumentForm(t *testing.T) {
	const pasted = "Monday, June 2, 2025\nCouncil approves the budget\nBy A. Reporter\n\nThe council voted 7 to 2."
	app := newTestApp(t)
	b := signIn(t, app, "editor")

	form := b.page(t, "/documents/new")
	if got := form.Find(`form[action="/documents"] input[name="_csrf"]`).AttrOr("value", ""); got != b.csrf {
		t.Errorf("the form's _csrf is %q, want the session's token", got)
	}

	readerPath := regexp.MustCompile(`^/documents/([0-9A-Za-z]+)$`)
	tests := []struct {
		name       string
		fields     map[string]string
		fileName   string
		file       string
		noCSRF     bool
		wantStatus int
		wantTitle  string // of the created document
		wantText   string // left in the re-rendered form
	}{
		{name: "pasted text", fields: map[string]string{"text": pasted}, wantStatus: 303, wantTitle: "Council approves the budget"},
		{name: "pasted text with a title", fields: map[string]string{"text": pasted, "title": "Budget"}, wantStatus: 303, wantTitle: "Budget"},
		{name: "uploaded markdown", fileName: "notes.md", file: "# Notes from the desk\n\nFirst paragraph.\n\n## Later\n\nMore.\n", wantStatus: 303, wantTitle: "Notes from the desk"},
		{name: "uploaded CRLF text", fileName: "story.txt", file: "Storm hits coast\r\n\r\nWaves rose.\r\n", wantStatus: 303, wantTitle: "Storm hits coast"},
		{name: "empty", fields: map[string]string{"title": "Kept title", "text": ""}, wantStatus: 422},
		{name: "blank", fields: map[string]string{"text": " \n\n\t"}, wantStatus: 422},
		{name: "empty file", fileName: "empty.md", file: "", wantStatus: 422},
		{name: "text and file", fields: map[string]string{"text": "Pasted\n\nText"}, fileName: "x.md", file: "# X\n\nY", wantStatus: 422, wantText: "Pasted\n\nText"},
		{name: "no CSRF token", fields: map[string]string{"text": pasted}, noCSRF: true, wantStatus: 403},
	}
	created := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := map[string]string{}
			for k, v := range tt.fields {
				fields[k] = v
			}
			if !tt.noCSRF {
				fields["_csrf"] = b.csrf
			}
			body, ct := multipartForm(t, fields, tt.fileName, tt.file)
			rec := b.do(http.MethodPost, "/documents", body, "Content-Type", ct)
			wantStatus(t, rec, tt.wantStatus)
			switch tt.wantStatus {
			case http.StatusSeeOther:
				created++
				m := readerPath.FindStringSubmatch(rec.Header().Get("Location"))
				if m == nil {
					t.Fatalf("Location %q is not a reader page", rec.Header().Get("Location"))
				}
				b.page(t, m[0])
				api := app.do(http.MethodGet, "/api/documents/"+m[1], "viewer", nil)
				wantStatus(t, api, http.StatusOK)
				if got := decode[documentBody](t, api); got.Title != tt.wantTitle {
					t.Errorf("title %q, want %q", got.Title, tt.wantTitle)
				}
			case http.StatusUnprocessableEntity:
				page := parseHTML(t, rec)
				if page.Find(`form[action="/documents"]`).Length() != 1 {
					t.Error("the form is not shown again")
				}
				if msg := strings.TrimSpace(page.Find(`[role="alert"]`).Text()); msg == "" {
					t.Error("no message says what is wrong")
				}
				if got := page.Find(`input[name="title"]`).AttrOr("value", ""); got != tt.fields["title"] {
					t.Errorf("title field %q, want %q kept", got, tt.fields["title"])
				}
				if tt.wantText != "" && page.Find(`textarea[name="text"]`).Text() != tt.wantText {
					t.Errorf("text field %q, want %q kept", page.Find(`textarea[name="text"]`).Text(), tt.wantText)
				}
				checkNoInlineCode(t, page)
			}
		})
	}
	t.Run("url-encoded form", func(t *testing.T) {
		rec := b.postForm("/documents", url.Values{"_csrf": {b.csrf}, "text": {pasted}})
		wantStatus(t, rec, http.StatusSeeOther)
		created++
	})
	t.Run("viewer may not", func(t *testing.T) {
		v := signIn(t, app, "viewer")
		body, ct := multipartForm(t, map[string]string{"_csrf": v.csrf, "text": pasted}, "", "")
		wantStatus(t, v.do(http.MethodPost, "/documents", body, "Content-Type", ct), http.StatusForbidden)
	})
	docs, err := app.db.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1+created {
		t.Errorf("%d documents stored, want the sample and the %d created", len(docs), created)
	}
}

// checkNoInlineCode fails on script the Content-Security-Policy would block:
// inline script elements, event handler attributes, javascript: URLs, and
// inline style.
func checkNoInlineCode(t *testing.T, page *goquery.Document) {
	t.Helper()
	page.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, ok := s.Attr("src"); !ok || src == "" {
			t.Errorf("inline script: %q", s.Text())
		}
	})
	if n := page.Find("style, [style]").Length(); n != 0 {
		t.Errorf("%d inline styles", n)
	}
	page.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("event handler attribute %s=%q on <%s>", a.Key, a.Val, goquery.NodeName(s))
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("javascript: URL in %s", a.Key)
			}
		}
	})
}

func TestPagesContentSecurityPolicy(t *testing.T) {
	app := newTestApp(t)
	b := signIn(t, app, "editor")
	start, end := codePointSpan(t, app.sample.Text, "Huawei")
	mustCreateAnnotation(t, app, "editor", app.sample.ID, annotationRequest(app.sample.Text, start, end, "note", "tag"))
	id := app.sample.ID
	badLogin := url.Values{"username": {"editor"}, "password": {"wrong password"}}.Encode()
	emptyDoc, emptyDocType := multipartForm(t, map[string]string{"_csrf": b.csrf, "text": ""}, "", "")

	tests := []struct {
		name       string
		send       func() *httptest.ResponseRecorder
		wantStatus int
	}{
		{name: "sign-in page", send: func() *httptest.ResponseRecorder { return app.do(http.MethodGet, "/login", "", nil) }, wantStatus: 200},
		{name: "failed sign-in", send: func() *httptest.ResponseRecorder {
			return app.do(http.MethodPost, "/login", "", badLogin, "Content-Type", formContentType)
		}, wantStatus: 401},
		{name: "document list", send: func() *httptest.ResponseRecorder { return b.do(http.MethodGet, "/", nil) }, wantStatus: 200},
		{name: "new document form", send: func() *httptest.ResponseRecorder { return b.do(http.MethodGet, "/documents/new", nil) }, wantStatus: 200},
		{name: "refused new document", send: func() *httptest.ResponseRecorder {
			return b.do(http.MethodPost, "/documents", emptyDoc, "Content-Type", emptyDocType)
		}, wantStatus: 422},
		{name: "reader", send: func() *httptest.ResponseRecorder { return b.do(http.MethodGet, "/documents/"+id, nil) }, wantStatus: 200},
		{name: "fragments", send: func() *httptest.ResponseRecorder { return b.do(http.MethodGet, "/documents/"+id+"/fragments", nil) }, wantStatus: 200},
		{name: "not found", send: func() *httptest.ResponseRecorder { return b.do(http.MethodGet, "/documents/nope", nil) }, wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.send()
			wantStatus(t, rec, tt.wantStatus)
			csp := rec.Header().Get("Content-Security-Policy")
			var scriptSrc string
			for _, d := range strings.Split(csp, ";") {
				if f := strings.Fields(d); len(f) > 0 && f[0] == "script-src" {
					scriptSrc = strings.Join(f[1:], " ")
				}
			}
			if scriptSrc != "'self'" {
				t.Errorf("script-src %q, want 'self' (CSP %q)", scriptSrc, csp)
			}
			checkNoInlineCode(t, parseHTML(t, rec))
		})
	}
}

func TestStaticAssets(t *testing.T) {
	app := newTestApp(t)
	page := signIn(t, app, "viewer").page(t, "/")
	assets := []struct {
		name        string
		url         string
		contentType string
	}{
		{name: "script", url: page.Find("script[src]").AttrOr("src", ""), contentType: "text/javascript"},
		{name: "style sheet", url: page.Find(`link[rel="stylesheet"]`).AttrOr("href", ""), contentType: "text/css"},
	}
	for _, a := range assets {
		t.Run(a.name, func(t *testing.T) {
			hash, name, ok := strings.Cut(strings.TrimPrefix(a.url, "/static/"), "/")
			if !strings.HasPrefix(a.url, "/static/") || !ok || hash == "" || name == "" || strings.ContainsAny(name, "/?") {
				t.Fatalf("asset URL %q is not /static/HASH/NAME", a.url)
			}
			// Without a session: the sign-in page needs them too.
			rec := app.do(http.MethodGet, a.url, "", nil)
			wantStatus(t, rec, http.StatusOK)
			if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=") {
				t.Errorf("Cache-Control %q, want a long immutable cache", cc)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, a.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, a.contentType)
			}
			if rec.Body.Len() == 0 {
				t.Error("empty body")
			}

			stale := app.do(http.MethodGet, "/static/0000/"+name, "", nil)
			wantStatus(t, stale, http.StatusOK)
			if cc := stale.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") {
				t.Errorf("a stale hash is cached as immutable: %q", cc)
			}
			etag := stale.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag without the hash")
			}
			wantStatus(t, app.do(http.MethodGet, "/static/"+name, "", nil, "If-None-Match", etag), http.StatusNotModified)
		})
	}
	t.Run("script modules", func(t *testing.T) {
		checkScriptModules(t, app, page.Find(`script[type="module"][src]`).AttrOr("src", ""))
	})
	for _, path := range []string{"/static/nope.js", "/static/static.go", "/static/app.js.map", "/static/..%2Fgo.mod", "/static/0000/static.go", "/static/0000/..%2Fgo.mod"} {
		t.Run(path, func(t *testing.T) {
			wantStatus(t, app.do(http.MethodGet, path, "", nil), http.StatusNotFound)
		})
	}
}

// moduleImport matches the relative imports of a script module.
var moduleImport = regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^"';]*?["'](\./[^"']+)["']`)

// checkScriptModules follows the imports of the page's entry module: each
// module must be served, as JavaScript, from the same cache-busted folder
// (relative imports keep the version) with a long immutable cache.
func checkScriptModules(t *testing.T, app *testApp, entry string) {
	t.Helper()
	if !strings.HasPrefix(entry, "/static/") {
		t.Fatalf("entry module %q", entry)
	}
	dir := path.Dir(entry) + "/"
	seen := map[string]bool{entry: true}
	queue := []string{entry}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		rec := app.do(http.MethodGet, p, "", nil)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", p, rec.Code)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("%s: Content-Type %q", p, ct)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable", p, cc)
		}
		for _, m := range moduleImport.FindAllStringSubmatch(rec.Body.String(), -1) {
			next := path.Join(path.Dir(p), m[1])
			if !strings.HasPrefix(next, dir) {
				t.Errorf("%s imports %s, outside %s", p, m[1], dir)
			}
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	if len(seen) < 2 {
		t.Errorf("the entry module imports nothing: %v", seen)
	}
}
