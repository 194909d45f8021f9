package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Passages of the sample article the revision tests annotate and edit.
const (
	deletedParagraph = "Huawei Technologies condemned the alleged infiltration, which was reported by The New York Times and the German magazine Der Spiegel over the weekend.\n\n"
	keptQuote        = "seriously concerned"
	movedQuote       = "Edward Snowden"
	orphanQuote      = "Der Spiegel"
)

// revisionAnswer is the answer of PUT /api/documents/{id}/text.
type revisionAnswer struct {
	Revision  int  `json:"revision"`
	Kept      int  `json:"kept"`
	Moved     int  `json:"moved"`
	Fuzzy     int  `json:"fuzzy"`
	Orphaned  int  `json:"orphaned"`
	Unchanged bool `json:"unchanged"`
}

// anchoredBody is an annotation with its anchor fields.
type anchoredBody struct {
	annotationBody
	AnchorScore   float64 `json:"anchor_score"`
	OriginalExact string  `json:"original_exact"`
	Decision      *struct {
		Verdict  string `json:"verdict"`
		Revision int    `json:"revision"`
	} `json:"decision"`
}

// annotateQuote annotates the first occurrence of quote in the document's
// current text.
func annotateQuote(t *testing.T, app *testApp, user, docID, quote string, extra map[string]any) annotationBody {
	t.Helper()
	text := storedText(app, docID)
	start, end := codePointSpan(t, text, quote)
	body := annotationRequest(text, start, end, "about "+quote)
	for k, v := range extra {
		body[k] = v
	}
	return mustCreateAnnotation(t, app, user, docID, body)
}

// getAnnotation reads an annotation through the API.
func getAnnotation(t *testing.T, app *testApp, id string) anchoredBody {
	t.Helper()
	rec := app.do(http.MethodGet, "/api/annotations/"+id, "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	return decode[anchoredBody](t, rec)
}

// revisedSample is the sample text with a paragraph deleted and a word
// changed after the kept passage.
func revisedSample(t *testing.T, text string) string {
	t.Helper()
	if !strings.Contains(text, deletedParagraph) || !strings.Contains(text, "a regular briefing") {
		t.Fatal("the sample article changed; update the revision tests")
	}
	text = strings.Replace(text, deletedParagraph, "", 1)
	return strings.Replace(text, "a regular briefing", "a daily briefing", 1)
}

func TestReviseText(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	kept := annotateQuote(t, app, "commenter", doc, keptQuote, nil)
	moved := annotateQuote(t, app, "commenter", doc, movedQuote, nil)
	orphan := annotateQuote(t, app, "commenter", doc, orphanQuote, nil)
	edited := annotateQuote(t, app, "commenter", doc, "at a regular briefing", nil)
	newText := revisedSample(t, app.sample.Text)
	path := "/api/documents/" + doc + "/text"
	body := map[string]any{"text": newText, "note": "Cut the Huawei paragraph"}

	// Who may: editors and admins.
	for _, user := range []string{"commenter", "viewer"} {
		wantError(t, app.do(http.MethodPut, path, user, body, "If-Match", `"r1"`), http.StatusForbidden, "forbidden")
	}
	wantError(t, app.do(http.MethodPut, path, "editor", body), http.StatusPreconditionRequired, "if_match_required")
	wantError(t, app.do(http.MethodPut, path, "editor", map[string]any{"text": "  \n\n ", "note": "x"}, "If-Match", `"r1"`),
		http.StatusUnprocessableEntity, "invalid")
	wantError(t, app.do(http.MethodPut, path, "editor", map[string]any{"note": "x"}, "If-Match", `"r1"`),
		http.StatusUnprocessableEntity, "invalid")
	wantError(t, app.do(http.MethodPut, "/api/documents/nope/text", "editor", body, "If-Match", `"r1"`), http.StatusNotFound, "not_found")
	if got := storedText(app, doc); got != app.sample.Text {
		t.Fatal("a refused revision changed the text")
	}

	rec := app.do(http.MethodPut, path, "editor", body, "If-Match", `"r1"`)
	wantStatus(t, rec, http.StatusOK)
	if etag := rec.Header().Get("ETag"); etag != `"r2"` {
		t.Errorf("ETag %q, want \"r2\"", etag)
	}
	res := decode[revisionAnswer](t, rec)
	// A passage that only shifted is kept (exact); one whose words changed
	// is moved.
	if want := (revisionAnswer{Revision: 2, Kept: 2, Moved: 1, Orphaned: 1}); res != want {
		t.Errorf("answer %+v, want %+v", res, want)
	}
	if got := storedText(app, doc); got != newText {
		t.Errorf("text after the revision differs from the one sent")
	}
	for _, tc := range []struct {
		id, quote, anchor string
		revision          int
	}{
		{kept.ID, keptQuote, "exact", 2},
		{moved.ID, movedQuote, "exact", 2},
		{edited.ID, "at a daily briefing", "moved", 2},
		{orphan.ID, orphanQuote, "orphaned", 1},
	} {
		a := getAnnotation(t, app, tc.id)
		if a.Anchor != tc.anchor || a.Revision != tc.revision || a.Exact != tc.quote || a.Version != 2 {
			t.Errorf("%q: anchor %s revision %d exact %q version %d; want %s at %d, version 2", tc.quote, a.Anchor, a.Revision, a.Exact, a.Version, tc.anchor, tc.revision)
		}
		if tc.anchor != "orphaned" && runeSlice(newText, a.Start, a.End) != tc.quote {
			t.Errorf("%q is at [%d,%d), which holds %q", tc.quote, a.Start, a.End, runeSlice(newText, a.Start, a.End))
		}
	}

	// The same If-Match again: someone revised meanwhile.
	rec = app.do(http.MethodPut, path, "admin", map[string]any{"text": app.sample.Text}, "If-Match", `"r1"`)
	wantError(t, rec, http.StatusPreconditionFailed, "stale")
	if etag := rec.Header().Get("ETag"); etag != `"r2"` {
		t.Errorf("412 ETag %q, want the current \"r2\"", etag)
	}
	wantError(t, app.do(http.MethodPut, path, "admin", map[string]any{"text": "x"}, "If-Match", `W/"r2"`), http.StatusPreconditionFailed, "stale")

	// The same text makes no revision.
	rec = app.do(http.MethodPut, path, "admin", map[string]any{"text": newText}, "If-Match", `"r2"`)
	wantStatus(t, rec, http.StatusOK)
	if res := decode[revisionAnswer](t, rec); !res.Unchanged || res.Revision != 2 || res.Orphaned != 1 {
		t.Errorf("unchanged text: %+v", res)
	}

	// The revisions list.
	rec = app.do(http.MethodGet, "/api/documents/"+doc+"/revisions", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	list := decode[struct {
		Revisions []struct {
			Revision int    `json:"revision"`
			Note     string `json:"note"`
			Created  string `json:"created"`
			Author   struct {
				Name string `json:"name"`
			} `json:"author"`
		} `json:"revisions"`
	}](t, rec).Revisions
	if len(list) != 2 || list[1].Revision != 2 || list[1].Note != "Cut the Huawei paragraph" || list[1].Author.Name != "editor" || list[1].Created == "" {
		t.Errorf("revisions %+v", list)
	}
	rec = app.do(http.MethodGet, "/api/documents/"+doc+"/revisions/1", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[struct {
		Text string `json:"text"`
	}](t, rec).Text; got != app.sample.Text {
		t.Error("revision 1 does not keep the original text")
	}
	wantError(t, app.do(http.MethodGet, "/api/documents/"+doc+"/revisions/9", "viewer", nil), http.StatusNotFound, "not_found")

}

func TestSuggestionAcceptRejectStale(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	accept := annotateQuote(t, app, "commenter", doc, "seriously concerned", map[string]any{"motivation": "editing", "replacement": "deeply worried"})
	reject := annotateQuote(t, app, "commenter", doc, "regular briefing", map[string]any{"motivation": "editing", "replacement": "press conference"})
	stale := annotateQuote(t, app, "commenter", doc, "former NSA contractor", map[string]any{"motivation": "editing", "replacement": "onetime NSA contractor"})
	comment := annotateQuote(t, app, "commenter", doc, movedQuote, nil)

	wantError(t, app.do(http.MethodPost, "/api/annotations/"+accept.ID+"/accept", "commenter", nil), http.StatusForbidden, "forbidden")
	wantError(t, app.do(http.MethodPost, "/api/annotations/"+comment.ID+"/accept", "editor", nil), http.StatusConflict, "not_open_suggestion")
	wantError(t, app.do(http.MethodPost, "/api/annotations/"+accept.ID+"/accept", "editor", nil, "If-Match", `"7"`), http.StatusPreconditionFailed, "stale")

	rec := app.do(http.MethodPost, "/api/annotations/"+accept.ID+"/accept", "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	got := decode[anchoredBody](t, rec)
	text := storedText(app, doc)
	want := strings.Replace(app.sample.Text, "seriously concerned", "deeply worried", 1)
	if text != want {
		t.Fatalf("the accepted suggestion did not make exactly its replacement")
	}
	if got.Decision == nil || got.Decision.Verdict != "accepted" || got.Decision.Revision != 2 || got.Status != "resolved" ||
		got.Exact != "deeply worried" || runeSlice(text, got.Start, got.End) != "deeply worried" {
		t.Errorf("accepted suggestion: %+v", got)
	}
	c := getAnnotation(t, app, comment.ID)
	if runeSlice(text, c.Start, c.End) != movedQuote || c.Revision != 2 {
		t.Errorf("the comment after the accepted suggestion is on %q", runeSlice(text, c.Start, c.End))
	}
	wantError(t, app.do(http.MethodPost, "/api/annotations/"+accept.ID+"/accept", "editor", nil), http.StatusConflict, "not_open_suggestion")

	// A revision edits the passage of the third suggestion: accepting it
	// is refused, the text stays.
	rec = app.do(http.MethodPut, "/api/documents/"+doc+"/text", "editor",
		map[string]any{"text": strings.Replace(text, "former NSA contractor", "former NSA contracter", 1)}, "If-Match", `"r2"`)
	wantStatus(t, rec, http.StatusOK)
	before := storedText(app, doc)
	rec = app.do(http.MethodPost, "/api/annotations/"+stale.ID+"/accept", "admin", nil)
	wantError(t, rec, http.StatusConflict, "suggestion_stale")
	if msg := decode[apiErr](t, rec).Error.Message; !strings.Contains(msg, "former NSA contractor") {
		t.Errorf("the refusal %q does not say what the passage read", msg)
	}
	if storedText(app, doc) != before {
		t.Error("a refused suggestion changed the text")
	}

	// Reject: resolved and logged, the text unchanged.
	rec = app.do(http.MethodPost, "/api/annotations/"+reject.ID+"/reject", "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	if r := decode[anchoredBody](t, rec); r.Decision == nil || r.Decision.Verdict != "rejected" || r.Status != "resolved" {
		t.Errorf("rejected suggestion: %+v", r)
	}
	if storedText(app, doc) != before {
		t.Error("rejecting changed the text")
	}
	wantError(t, app.do(http.MethodPost, "/api/annotations/"+reject.ID+"/accept", "editor", nil), http.StatusConflict, "not_open_suggestion")
	events, err := app.db.Events(doc, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for _, ev := range events {
		log = append(log, string(ev.Type))
	}
	for _, want := range []string{"suggestion.accepted", "suggestion.rejected", "document.revised"} {
		if !strings.Contains(strings.Join(log, " "), want) {
			t.Errorf("no %s in the log %v", want, log)
		}
	}
}

func TestConfirmAndReattach(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	orphan := annotateQuote(t, app, "commenter", doc, orphanQuote, nil)
	typo := annotateQuote(t, app, "commenter", doc, "Hong Lei, the spokesman", nil)
	newText := strings.Replace(revisedSample(t, app.sample.Text), "Hong Lei, the spokesman", "Hong Lie, the spokesman", 1)
	rec := app.do(http.MethodPut, "/api/documents/"+doc+"/text", "editor", map[string]any{"text": newText}, "If-Match", "*")
	wantStatus(t, rec, http.StatusOK)

	a := getAnnotation(t, app, typo.ID)
	if a.Anchor != "moved" || a.OriginalExact != "Hong Lei, the spokesman" || a.Exact != "Hong Lie, the spokesman" || a.AnchorScore <= 0 || a.AnchorScore >= 1 {
		t.Fatalf("edited passage: %+v", a)
	}
	rec = app.do(http.MethodPost, "/api/annotations/"+typo.ID+"/confirm", "commenter", nil)
	wantStatus(t, rec, http.StatusOK)
	if c := decode[anchoredBody](t, rec); c.Anchor != "exact" || c.OriginalExact != "" || c.AnchorScore != 0 || c.Version != a.Version+1 {
		t.Errorf("confirmed: %+v", c)
	}
	wantError(t, app.do(http.MethodPost, "/api/annotations/"+orphan.ID+"/confirm", "editor", nil), http.StatusConflict, "orphaned")

	// Re-attach the orphan: If-Match required, the quote checked.
	o := getAnnotation(t, app, orphan.ID)
	start, end := codePointSpan(t, newText, "Barack Obama")
	path := "/api/annotations/" + orphan.ID + "/anchor"
	good := map[string]any{"start": start, "end": end, "exact": "Barack Obama"}
	wantError(t, app.do(http.MethodPost, path, "editor", good), http.StatusPreconditionRequired, "if_match_required")
	wantError(t, app.do(http.MethodPost, path, "viewer", good, "If-Match", fmt.Sprintf(`"%d"`, o.Version)), http.StatusForbidden, "forbidden")
	wantError(t, app.do(http.MethodPost, path, "editor", map[string]any{"start": start, "end": end, "exact": "Barack Obamo"},
		"If-Match", fmt.Sprintf(`"%d"`, o.Version)), http.StatusUnprocessableEntity, "quote_mismatch")
	wantError(t, app.do(http.MethodPost, path, "editor", good, "If-Match", `"99"`), http.StatusPreconditionFailed, "stale")
	rec = app.do(http.MethodPost, path, "editor", good, "If-Match", fmt.Sprintf(`"%d"`, o.Version))
	wantStatus(t, rec, http.StatusOK)
	r := decode[anchoredBody](t, rec)
	if r.Anchor != "exact" || r.Start != start || r.End != end || r.Exact != "Barack Obama" || r.Revision != 2 {
		t.Errorf("re-attached: %+v", r)
	}
}

func TestRevisePagesAndHistory(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	annotateQuote(t, app, "commenter", doc, orphanQuote, nil)
	ed := signIn(t, app, "editor")

	page := ed.page(t, "/documents/"+doc+"/revise")
	if got := page.Find(`[data-testid="revise-text"]`).Text(); got != app.sample.Text {
		t.Errorf("the editor does not hold the current text")
	}
	if got := page.Find(`[data-testid="revise-base"]`).AttrOr("value", ""); got != "1" {
		t.Errorf("base revision %q, want 1", got)
	}
	wantStatus(t, signIn(t, app, "commenter").do(http.MethodGet, "/documents/"+doc+"/revise", nil), http.StatusForbidden)

	newText := revisedSample(t, app.sample.Text)
	form := url.Values{"_csrf": {ed.csrf}, "revision": {"1"}, "text": {newText}, "note": {"Cut a paragraph"}}
	rec := ed.postForm("/documents/"+doc+"/revise", form)
	wantRedirect(t, rec, "/documents/"+doc+"?revised=2")

	// The reader: the notice, the orphan in its panel, no highlight of it.
	reader := ed.page(t, "/documents/"+doc+"?revised=2")
	if reader.Find(`[data-testid="revision-notice"]`).Length() != 1 {
		t.Error("no notice of the revision")
	}
	orphans := reader.Find(`[data-testid="orphans"] [data-testid="annotation-card"]`)
	if orphans.Length() != 1 || !strings.Contains(orphans.Find(".quote").Text(), orphanQuote) ||
		!strings.Contains(orphans.Find(`[data-testid="anchor-state"]`).Text(), "revision 1") ||
		orphans.Find(`[data-testid="reattach-button"]`).Length() != 1 {
		t.Errorf("orphans panel: %q", orphans.Text())
	}
	if reader.Find(`#cards [data-testid="annotation-card"]`).Length() != 0 {
		t.Error("the orphan is listed among the anchored threads too")
	}
	if n := reader.Find(`[data-testid="highlight"]`).Length(); n != 0 {
		t.Errorf("%d highlights drawn for an orphan", n)
	}

	// A stale form: 409, the draft kept, the diff of what others changed.
	draft := strings.Replace(app.sample.Text, "Beijing wants", "Beijing demands", 1)
	form = url.Values{"_csrf": {ed.csrf}, "revision": {"1"}, "text": {draft}, "note": {"mine"}}
	rec = ed.postForm("/documents/"+doc+"/revise", form)
	wantStatus(t, rec, http.StatusConflict)
	conflict := parseHTML(t, rec)
	if got := conflict.Find(`[data-testid="revise-text"]`).Text(); got != draft {
		t.Error("the stale form lost the draft")
	}
	if got := conflict.Find(`[data-testid="revise-base"]`).AttrOr("value", ""); got != "2" {
		t.Errorf("the stale form's base is %q, want the current 2", got)
	}
	if del := conflict.Find(`[data-testid="revise-conflict"] del`).Text(); !strings.Contains(del, "Der Spiegel") {
		t.Errorf("the conflict does not show the deleted paragraph; deletions: %q", del)
	}
	if storedText(app, doc) != newText {
		t.Error("the stale form overwrote the text")
	}
	form.Set("text", "")
	form.Set("revision", "2")
	wantStatus(t, ed.postForm("/documents/"+doc+"/revise", form), http.StatusUnprocessableEntity)

	// History: both revisions, the word diff with ins and del.
	hist := ed.page(t, "/documents/"+doc+"/history")
	if n := hist.Find(`[data-testid="revision-row"]`).Length(); n != 2 {
		t.Errorf("%d revision rows, want 2", n)
	}
	if del := hist.Find(`[data-testid="diff"] del`).Text(); !strings.Contains(del, "Der Spiegel") || !strings.Contains(del, "regular") {
		t.Errorf("deletions %q", del)
	}
	if ins := hist.Find(`[data-testid="diff"] ins`).Text(); strings.TrimSpace(ins) != "daily" {
		t.Errorf("insertions %q, want daily", ins)
	}
	same := ed.page(t, "/documents/"+doc+"/history?from=2&to=2")
	if !strings.Contains(same.Find(`[data-testid="diff-summary"]`).Text(), "No differences") {
		t.Error("comparing a revision with itself shows differences")
	}
	wantStatus(t, ed.do(http.MethodGet, "/documents/"+doc+"/history?from=0&to=2", nil), http.StatusBadRequest)
	wantStatus(t, ed.do(http.MethodGet, "/documents/"+doc+"/history?to=3", nil), http.StatusBadRequest)
}
