package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"galley/annotation"
	"galley/handlers"

	"github.com/PuerkitoBio/goquery"
)

func TestTagRegistryAPI(t *testing.T) {
	app := newTestApp(t)
	a := annotate(t, app, "editor", "Hong Lei", "", "factcheck", "names")
	b := annotate(t, app, "commenter", "Der Spiegel", "", "fact-check", "factcheck")
	annotate(t, app, "commenter", "Huawei Technologies", "", "Fact-Check")

	rec := app.do(http.MethodGet, "/api/tags", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	list := decode[struct {
		Tags []struct {
			Name  string `json:"name"`
			Color string `json:"color"`
			Count int    `json:"count"`
		} `json:"tags"`
		Palette []string `json:"palette"`
	}](t, rec)
	var names []string
	for _, tg := range list.Tags {
		names = append(names, fmt.Sprintf("%s:%d", tg.Name, tg.Count))
		if !slices.Contains(list.Palette, tg.Color) {
			t.Errorf("tag %s has color %q outside the palette", tg.Name, tg.Color)
		}
	}
	if want := []string{"fact-check:2", "factcheck:2", "names:1"}; !slices.Equal(names, want) {
		t.Errorf("tags %v, want most used first: %v", names, want)
	}

	patch := func(user, name string, body any) *httptest.ResponseRecorder {
		return app.do(http.MethodPatch, "/api/tags/"+url.PathEscape(name), user, body)
	}
	wantError(t, patch("editor", "factcheck", map[string]any{"name": "fact-check", "merge": true}), http.StatusForbidden, "forbidden")
	wantError(t, patch("commenter", "factcheck", map[string]any{"color": "blue"}), http.StatusForbidden, "forbidden")
	wantError(t, patch("admin", "factcheck", map[string]any{"name": "fact-check"}), http.StatusConflict, "tag_exists")
	wantError(t, patch("admin", "nope", map[string]any{"name": "x"}), http.StatusNotFound, "not_found")
	wantError(t, patch("editor", "names", map[string]any{"color": "chartreuse"}), http.StatusUnprocessableEntity, "invalid")
	rec = patch("editor", "names", map[string]any{"color": "purple"})
	wantStatus(t, rec, http.StatusOK)

	rec = patch("admin", "factcheck", map[string]any{"name": "fact-check", "merge": true})
	wantStatus(t, rec, http.StatusOK)
	if got := decode[struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}](t, rec); got.Name != "fact-check" || got.Count != 3 {
		t.Errorf("merged tag %+v, want fact-check counting 3", got)
	}
	if th, _ := thread(t, app, a.ID); !slices.Equal(th.Tags, []string{"fact-check", "names"}) || th.Version != 2 {
		t.Errorf("a: %v v%d", th.Tags, th.Version)
	}
	if th, _ := thread(t, app, b.ID); !slices.Equal(th.Tags, []string{"fact-check"}) {
		t.Errorf("b: %v", th.Tags)
	}
	if ids := annotationIDs(t, app, app.sample.ID, "?tag=factcheck"); len(ids) != 0 {
		t.Errorf("annotations still tagged factcheck: %v", ids)
	}

	// The reader colors highlights by their first tag; untagged is neutral.
	plain := annotate(t, app, "editor", "Beijing wants", "no tags")
	page := signIn(t, app, "viewer").page(t, "/documents/"+app.sample.ID)
	if !page.Find(`mark[data-annotation-ids="` + a.ID + `"]`).HasClass("tone-" + tagColor(t, app, "fact-check")) {
		t.Error("a's highlight does not take its first tag's color")
	}
	if !page.Find(`mark[data-annotation-ids="` + plain.ID + `"]`).HasClass("tone-neutral") {
		t.Error("an untagged highlight is not neutral")
	}
	// An activity entry tells the document's readers about the merge.
	if page.Find(`[data-testid="activity-entry"][data-type="tag.renamed"]`).Length() != 1 {
		t.Error("the merge is not in the activity log")
	}

	// The tags page, and its forms for admins.
	s := signIn(t, app, "admin")
	tp := s.page(t, "/tags")
	if tp.Find(`[data-testid="tag-row"]`).Length() != 2 {
		t.Errorf("tags page rows: %d", tp.Find(`[data-testid="tag-row"]`).Length())
	}
	rec = s.postForm("/tags/names", url.Values{"_csrf": {s.csrf}, "name": {"people"}})
	wantRedirect(t, rec, "/tags")
	rec = s.postForm("/tags/people", url.Values{"_csrf": {s.csrf}, "name": {"fact-check"}})
	wantStatus(t, rec, http.StatusConflict)
	if !strings.Contains(parseHTML(t, rec).Find(`[data-testid="tags-error"]`).Text(), "Merge") {
		t.Error("the tags page does not explain the refused rename")
	}
}

// tagColor is a tag's color from the API.
func tagColor(t *testing.T, app *testApp, name string) string {
	t.Helper()
	tg, err := app.db.Tag(name)
	if err != nil {
		t.Fatal(err)
	}
	return tg.Color
}

func TestFiltersOnAPIReaderAndThreadsPage(t *testing.T) {
	app := newTestApp(t)
	other := app.addDocumentFile("unicode-crlf.txt")
	a := annotate(t, app, "editor", "Hong Lei", "Spelling", "fact-check")
	b := annotate(t, app, "commenter", "Der Spiegel", "Which edition?", "fact-check")
	c := annotate(t, app, "commenter", "Huawei Technologies", "Style", "style")
	reply(t, app, "editor", c.ID, "Ask the Spiegel desk")
	wantStatus(t, app.do(http.MethodPost, "/api/annotations/"+b.ID+"/resolve", "editor", nil), http.StatusOK)
	s, e := codePointSpan(t, storedText(app, other.ID), "北京欢迎你")
	d := mustCreateAnnotation(t, app, "editor", other.ID, annotationRequest(storedText(app, other.ID), s, e, "CJK", "fact-check"))

	if got := annotationIDs(t, app, app.sample.ID, "?q=spiegel+desk"); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("q in a reply: %v, want [%s]", got, c.ID)
	}
	if got := annotationIDs(t, app, app.sample.ID, "?tag=fact-check&status=open"); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("open fact-check: %v", got)
	}
	if got := annotationIDs(t, app, app.sample.ID, "?author=nobody"); len(got) != 0 {
		t.Errorf("an unknown author matched %v", got)
	}

	// The reader: matching cards only, others' highlights dimmed, the
	// filter kept in the form.
	sess := signIn(t, app, "viewer")
	page := sess.page(t, "/documents/"+app.sample.ID+"?tag=fact-check&status=open")
	var cards []string
	page.Find(`[data-testid="annotation-card"]`).Each(func(_ int, s *goquery.Selection) { cards = append(cards, s.AttrOr("data-annotation-id", "")) })
	if !slices.Equal(cards, []string{a.ID}) {
		t.Errorf("cards %v, want only %s", cards, a.ID)
	}
	if page.Find(`mark[data-annotation-ids="`+a.ID+`"]`).HasClass("dim") || !page.Find(`mark[data-annotation-ids="`+c.ID+`"]`).HasClass("dim") {
		t.Error("a match is dimmed or a non-match is not")
	}
	if page.Find(`[data-testid="filter-tag"] option[selected]`).AttrOr("value", "") != "fact-check" ||
		page.Find(`[data-testid="filter-status"] option[selected]`).AttrOr("value", "") != "open" {
		t.Error("the filter form does not show the filter from the address")
	}
	// Resolved threads fold away when no status is asked for.
	page = sess.page(t, "/documents/"+app.sample.ID)
	if page.Find(`#resolved-threads [data-annotation-id="`+b.ID+`"]`).Length() != 1 {
		t.Error("the resolved thread is not in the fold")
	}
	if !page.Find(`mark[data-annotation-ids="` + b.ID + `"]`).HasClass("resolved") {
		t.Error("a resolved thread's highlight does not fade")
	}
	wantStatus(t, sess.do(http.MethodGet, "/documents/"+app.sample.ID+"?status=maybe", nil), http.StatusBadRequest)

	// Across documents: every open fact-check thread, newest first.
	tp := sess.page(t, "/threads?tag=fact-check&status=open")
	var rows []string
	tp.Find(`[data-testid="thread-row"]`).Each(func(_ int, s *goquery.Selection) { rows = append(rows, s.AttrOr("data-annotation-id", "")) })
	if !slices.Equal(rows, []string{d.ID, a.ID}) {
		t.Errorf("threads page rows %v, want %v", rows, []string{d.ID, a.ID})
	}
	rec := app.do(http.MethodGet, "/api/threads?tag=fact-check", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	list := decode[struct {
		Threads []struct {
			ID            string `json:"id"`
			DocumentTitle string `json:"document_title"`
		} `json:"threads"`
		Total int `json:"total"`
	}](t, rec)
	if list.Total != 3 || len(list.Threads) != 3 || list.Threads[0].ID != d.ID || list.Threads[0].DocumentTitle != other.Title {
		t.Errorf("API threads %+v", list)
	}
	wantError(t, app.do(http.MethodGet, "/api/threads?page=0", "viewer", nil), http.StatusBadRequest, "bad_page")
}

func TestThreadsPagination(t *testing.T) {
	app := newTestApp(t)
	var ids []string
	for i := range 27 {
		ids = append(ids, annotate(t, app, "editor", "Hong Lei", fmt.Sprintf("note %d", i)).ID)
	}
	slices.Reverse(ids) // newest first
	sess := signIn(t, app, "viewer")
	p1 := sess.page(t, "/threads")
	p2 := sess.page(t, "/threads?page=2")
	var got []string
	for _, p := range []*goquery.Document{p1, p2} {
		p.Find(`[data-testid="thread-row"]`).Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("data-annotation-id", "")) })
	}
	if !slices.Equal(got, ids) {
		t.Errorf("two pages hold %d threads, want all %d newest first", len(got), len(ids))
	}
	if href := p1.Find(`[data-testid="next-page"]`).AttrOr("href", ""); href != "/threads?page=2" {
		t.Errorf("next link %q", href)
	}
	if p2.Find(`[data-testid="next-page"]`).Length() != 0 || p2.Find(`[data-testid="prev-page"]`).Length() != 1 {
		t.Error("the last page's links are wrong")
	}
}

func TestDocumentStatusWorkflow(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	path := "/api/documents/" + doc + "/status"
	a := annotate(t, app, "commenter", "Hong Lei", "open point")

	wantError(t, app.do(http.MethodPost, path, "commenter", map[string]any{"status": "in_review"}), http.StatusForbidden, "forbidden")
	wantError(t, app.do(http.MethodPost, path, "editor", map[string]any{"status": "published"}), http.StatusUnprocessableEntity, "invalid")
	rec := app.do(http.MethodPost, path, "editor", map[string]any{"status": "in_review"})
	wantStatus(t, rec, http.StatusOK)
	got := decode[struct {
		Status string `json:"status"`
		Review struct {
			By struct {
				Name string `json:"name"`
			} `json:"by"`
			Time string `json:"time"`
		} `json:"review"`
	}](t, rec)
	if got.Status != "in_review" || got.Review.By.Name != "editor" || got.Review.Time == "" {
		t.Errorf("in review: %+v", got)
	}

	// Approving with a thread open: refused, for editors even with a note,
	// and for admins without one.
	for _, tc := range []struct{ user, note string }{{"editor", ""}, {"editor", "please"}, {"admin", ""}} {
		rec = app.do(http.MethodPost, path, tc.user, map[string]any{"status": "approved", "note": tc.note})
		wantError(t, rec, http.StatusConflict, "open_threads")
		if msg := decode[apiErr](t, rec).Error.Message; !strings.Contains(msg, "1 thread is still open") {
			t.Errorf("%s: message %q does not count the open threads", tc.user, msg)
		}
	}
	if d := storedStatus(t, app, doc); d != "in_review" {
		t.Fatalf("a refused approval left status %s", d)
	}

	// Without JavaScript the reader shows why.
	sess := signIn(t, app, "editor")
	rec = sess.postForm("/documents/"+doc+"/status", url.Values{"_csrf": {sess.csrf}, "status": {"approved"}, "note": {"typed note"}})
	wantStatus(t, rec, http.StatusConflict)
	page := parseHTML(t, rec)
	if msg := page.Find(`[data-testid="status-error"]`).Text(); !strings.Contains(msg, "still open") {
		t.Errorf("the page's message: %q", msg)
	}
	if v := page.Find(`[data-testid="status-note"]`).AttrOr("value", ""); v != "typed note" {
		t.Errorf("the note typed was lost: %q", v)
	}

	// An admin overrides with a note.
	rec = app.do(http.MethodPost, path, "admin", map[string]any{"status": "approved", "note": "Minor point; ship it."})
	wantStatus(t, rec, http.StatusOK)
	rec = app.do(http.MethodPost, path, "editor", map[string]any{"status": "changes_requested"})
	wantStatus(t, rec, http.StatusOK)
	wantStatus(t, app.do(http.MethodPost, "/api/annotations/"+a.ID+"/resolve", "commenter", nil), http.StatusOK)
	rec = sess.postForm("/documents/"+doc+"/status", url.Values{"_csrf": {sess.csrf}, "status": {"approved"}, "next": {"/documents/" + doc}})
	wantRedirect(t, rec, "/documents/"+doc)

	page = sess.page(t, "/documents/"+doc)
	if s := page.Find(`[data-testid="doc-status"]`).AttrOr("data-status", ""); s != "approved" {
		t.Errorf("the reader shows status %q", s)
	}
	var statuses []string
	page.Find(`[data-testid="activity-entry"][data-type="document.status"]`).Each(func(_ int, s *goquery.Selection) {
		statuses = append(statuses, strings.Join(strings.Fields(s.Text()), " "))
	})
	if len(statuses) != 4 || !strings.Contains(statuses[1], "admin set the status to Approved: Minor point; ship it.") {
		t.Errorf("status entries %q", statuses)
	}

	// The list shows and filters by status.
	other := app.addDocumentFile("unicode-crlf.txt")
	rec = app.do(http.MethodGet, "/api/documents?status=approved", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	docs := decode[struct {
		Documents []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Open   int    `json:"open"`
		} `json:"documents"`
	}](t, rec).Documents
	if len(docs) != 1 || docs[0].ID != doc || docs[0].Open != 0 {
		t.Errorf("approved documents %+v", docs)
	}
	wantError(t, app.do(http.MethodGet, "/api/documents?status=done", "viewer", nil), http.StatusBadRequest, "bad_filter")
	list := sess.page(t, "/?status=draft")
	if rows := list.Find(`[data-testid="document-row"]`); rows.Length() != 1 || rows.AttrOr("data-document-id", "") != other.ID {
		t.Errorf("draft rows: %d", rows.Length())
	}
}

// storedStatus is a document's status from the API.
func storedStatus(t *testing.T, app *testApp, docID string) string {
	t.Helper()
	rec := app.do(http.MethodGet, "/api/documents/"+docID, "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	return decode[documentBody](t, rec).Status
}

// sseEvent is one event read from a stream.
type sseEvent struct{ ID, Type, Data string }

// openStream opens a document's event stream over real HTTP and returns
// a channel of its events (comments dropped) that closes when it ends.
func openStream(t *testing.T, ctx context.Context, base, token, docID string, header ...string) (<-chan sseEvent, *http.Response) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/documents/"+docID+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan sseEvent, 100)
	go func() {
		defer close(out)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Type != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				out <- sseEvent{Type: "comment"}
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Type = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data = line[6:]
			}
		}
	}()
	return out, res
}

// nextEvent waits for the next event that is not a comment.
func nextEvent(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.Type != "comment" {
				return ev
			}
		case <-timeout:
			t.Fatal("no event came")
		}
	}
}

func TestEventStream(t *testing.T) {
	app := newTestApp(t)
	streams, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	app.e = handlers.New(app.db, handlers.Config{LoginRate: 1000, Streams: streams, Heartbeat: 50 * time.Millisecond})
	// The server's own timeouts are short: a stream must outlive them.
	srv := httptest.NewUnstartedServer(app.e)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Config.WriteTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	events, res := openStream(t, ctx, srv.URL, app.tokens["viewer"], app.sample.ID)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	// Past both server timeouts, with heartbeats flowing.
	comments := 0
	for comments < 3 {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended while idle")
			}
			if ev.Type == "comment" {
				comments++
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no heartbeat")
		}
	}
	time.Sleep(400 * time.Millisecond)

	a := annotate(t, app, "editor", "Hong Lei", "live")
	ev := nextEvent(t, events)
	if ev.Type != "annotation.created" || !strings.Contains(ev.Data, a.ID) || ev.ID == "" {
		t.Fatalf("first event %+v", ev)
	}
	first := ev.ID
	r := reply(t, app, "commenter", a.ID, "seen")
	if ev = nextEvent(t, events); ev.Type != "reply.created" || !strings.Contains(ev.Data, r.ID) {
		t.Fatalf("second event %+v", ev)
	}
	wantStatus(t, app.do(http.MethodPost, "/api/annotations/"+a.ID+"/resolve", "editor", nil), http.StatusOK)
	if ev = nextEvent(t, events); ev.Type != "annotation.resolved" {
		t.Fatalf("third event %+v", ev)
	}
	cancel()

	// A reconnect after the first event gets the rest, in order, then
	// live ones.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	resumed, _ := openStream(t, ctx2, srv.URL, app.tokens["viewer"], app.sample.ID, "Last-Event-ID", first)
	var types []string
	for range 2 {
		types = append(types, nextEvent(t, resumed).Type)
	}
	if !slices.Equal(types, []string{"reply.created", "annotation.resolved"}) {
		t.Errorf("resumed with %v", types)
	}
	wantStatus(t, app.do(http.MethodPost, "/api/documents/"+app.sample.ID+"/status", "editor", map[string]any{"status": "in_review"}), http.StatusOK)
	if ev = nextEvent(t, resumed); ev.Type != string(annotation.EventDocumentStatus) {
		t.Errorf("live after resuming: %+v", ev)
	}

	// Shutdown ends the stream.
	endStreams()
	for ev := range resumed {
		if ev.Type != "comment" {
			t.Errorf("event after shutdown: %+v", ev)
		}
	}

	wantError(t, app.do(http.MethodGet, "/api/documents/"+app.sample.ID+"/events", "viewer", nil, "Last-Event-ID", "abc"), http.StatusBadRequest, "bad_event_id")
	wantError(t, app.do(http.MethodGet, "/api/documents/nope/events", "viewer", nil), http.StatusNotFound, "not_found")
	wantError(t, app.do(http.MethodGet, "/api/documents/"+app.sample.ID+"/events", "", nil), http.StatusUnauthorized, "unauthenticated")
}
