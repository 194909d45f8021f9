package handlers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"galley/annotation"
)

// documentBody is a document as GET /api/documents/{id} answers it.
type documentBody struct {
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	Byline   string             `json:"byline"`
	Dateline string             `json:"dateline"`
	Status   string             `json:"status"`
	Revision int                `json:"revision"`
	Text     string             `json:"text"`
	Blocks   []annotation.Block `json:"blocks"`
}

// annotationBody is an annotation as the API answers it.
type annotationBody struct {
	ID          string   `json:"id"`
	Document    string   `json:"document"`
	Revision    int      `json:"revision"`
	Start       int      `json:"start"`
	End         int      `json:"end"`
	Exact       string   `json:"exact"`
	Prefix      string   `json:"prefix"`
	Suffix      string   `json:"suffix"`
	Motivation  string   `json:"motivation"`
	Comment     string   `json:"comment"`
	Tags        []string `json:"tags"`
	Replacement string   `json:"replacement"`
	Status      string   `json:"status"`
	Anchor      string   `json:"anchor"`
	Author      struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"author"`
	Created  string            `json:"created"`
	Modified string            `json:"modified"`
	Version  int               `json:"version"`
	Replies  []json.RawMessage `json:"replies"`
}

// annotationList is the answer of GET /api/documents/{id}/annotations.
type annotationList struct {
	Annotations []annotationBody `json:"annotations"`
}

// codePointSpan finds the first occurrence of quote in text and returns its
// code point offsets, end exclusive, as the API counts them.
func codePointSpan(t *testing.T, text, quote string) (start, end int) {
	t.Helper()
	i := strings.Index(text, quote)
	if i < 0 {
		t.Fatalf("%q does not occur in the text", quote)
	}
	start = utf8.RuneCountInString(text[:i])
	return start, start + utf8.RuneCountInString(quote)
}

// runeSlice is text[start:end] counted in code points, clamped to the text;
// an empty or inverted range gives "".
func runeSlice(text string, start, end int) string {
	r := []rune(text)
	start, end = max(0, start), min(len(r), end)
	if start >= end {
		return ""
	}
	return string(r[start:end])
}

// entityTag matches an HTTP entity tag, strong or weak (RFC 9110, 8.8.3).
var entityTag = regexp.MustCompile(`^(W/)?"[\x21\x23-\x7e]*"$`)

// wantETag fails unless the response carries a well-formed ETag, and
// returns it.
func wantETag(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	etag := rec.Header().Get("ETag")
	if !entityTag.MatchString(etag) {
		t.Errorf("ETag %q is not a quoted entity tag", etag)
	}
	return etag
}

// annotationRequest builds the body of POST /api/documents/{id}/annotations
// for the passage [start, end) of text, quoting it exactly.
func annotationRequest(text string, start, end int, comment string, tags ...string) map[string]any {
	body := map[string]any{"start": start, "end": end, "exact": runeSlice(text, start, end), "comment": comment}
	if tags != nil {
		body["tags"] = tags
	}
	return body
}

// mustCreateAnnotation posts an annotation and fails unless it is created.
func mustCreateAnnotation(t *testing.T, app *testApp, user, docID string, body any) annotationBody {
	t.Helper()
	rec := app.do(http.MethodPost, "/api/documents/"+docID+"/annotations", user, body)
	wantStatus(t, rec, http.StatusCreated)
	return decode[annotationBody](t, rec)
}

// annotationIDs lists the annotations of a document through the API, with
// an optional query string, and returns their ids in the order answered.
func annotationIDs(t *testing.T, app *testApp, docID, query string) []string {
	t.Helper()
	rec := app.do(http.MethodGet, "/api/documents/"+docID+"/annotations"+query, "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	ids := []string{}
	for _, ann := range decode[annotationList](t, rec).Annotations {
		ids = append(ids, ann.ID)
	}
	return ids
}

func TestHealthzNeedsNoCredentials(t *testing.T) {
	app := newTestApp(t)
	rec := app.do(http.MethodGet, "/healthz", "", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := strings.TrimSpace(rec.Body.String()); got != "ok" {
		t.Errorf("body %q, want ok", got)
	}
}

func TestAPIRefusesMissingOrBadCredentials(t *testing.T) {
	app := newTestApp(t)
	text := app.sample.Text
	start, end := codePointSpan(t, text, "Huawei Technologies")
	ann := mustCreateAnnotation(t, app, "editor", app.sample.ID, annotationRequest(text, start, end, "check"))
	validAnnotation, err := json.Marshal(annotationRequest(text, start, end, "again"))
	if err != nil {
		t.Fatal(err)
	}

	routes := []struct {
		name   string
		method string
		path   string
		body   string
	}{
		{name: "list documents", method: http.MethodGet, path: "/api/documents"},
		{name: "create document", method: http.MethodPost, path: "/api/documents", body: `{"text":"Hello\n\nWorld"}`},
		{name: "get document", method: http.MethodGet, path: "/api/documents/" + app.sample.ID},
		{name: "list annotations", method: http.MethodGet, path: "/api/documents/" + app.sample.ID + "/annotations"},
		{name: "create annotation", method: http.MethodPost, path: "/api/documents/" + app.sample.ID + "/annotations", body: string(validAnnotation)},
		{name: "get annotation", method: http.MethodGet, path: "/api/annotations/" + ann.ID},
	}
	credentials := []struct {
		name   string
		header []string
	}{
		{name: "no credentials"},
		{name: "unknown bearer token", header: []string{"Authorization", "Bearer not-a-real-token"}},
		{name: "token of another scheme", header: []string{"Authorization", "Basic " + app.tokens["editor"]}},
		{name: "empty bearer token", header: []string{"Authorization", "Bearer "}},
		{name: "unknown session cookie", header: []string{"Cookie", "galley_session=forged-session-token"}},
	}
	for _, cr := range credentials {
		for _, rt := range routes {
			t.Run(cr.name+"/"+rt.name, func(t *testing.T) {
				var body any
				if rt.body != "" {
					body = rt.body
				}
				rec := app.do(rt.method, rt.path, "", body, cr.header...)
				wantError(t, rec, http.StatusUnauthorized, "unauthenticated")
			})
		}
	}
	// Nothing was written by the refused requests.
	if ids := annotationIDs(t, app, app.sample.ID, ""); len(ids) != 1 {
		t.Errorf("after refused writes the sample has %d annotations, want 1", len(ids))
	}
	docs, err := app.db.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Errorf("after refused writes there are %d documents, want 1", len(docs))
	}
}

func TestAPIRoles(t *testing.T) {
	app := newTestApp(t)
	text := app.sample.Text
	start, end := codePointSpan(t, text, "Hong Lei")
	annPath := "/api/documents/" + app.sample.ID + "/annotations"
	tests := []struct {
		name       string
		user       string
		method     string
		path       string
		body       any
		wantStatus int
	}{
		{name: "viewer reads documents", user: "viewer", method: http.MethodGet, path: "/api/documents", wantStatus: http.StatusOK},
		{name: "viewer reads annotations", user: "viewer", method: http.MethodGet, path: annPath, wantStatus: http.StatusOK},
		{name: "viewer may not annotate", user: "viewer", method: http.MethodPost, path: annPath, body: annotationRequest(text, start, end, "viewer"), wantStatus: http.StatusForbidden},
		{name: "viewer may not add documents", user: "viewer", method: http.MethodPost, path: "/api/documents", body: map[string]string{"text": "A\n\nB"}, wantStatus: http.StatusForbidden},
		{name: "commenter may not add documents", user: "commenter", method: http.MethodPost, path: "/api/documents", body: map[string]string{"text": "A\n\nB"}, wantStatus: http.StatusForbidden},
		{name: "commenter annotates", user: "commenter", method: http.MethodPost, path: annPath, body: annotationRequest(text, start, end, "commenter"), wantStatus: http.StatusCreated},
		{name: "editor adds documents", user: "editor", method: http.MethodPost, path: "/api/documents", body: map[string]string{"text": "A\n\nB"}, wantStatus: http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := app.do(tt.method, tt.path, tt.user, tt.body)
			if tt.wantStatus == http.StatusForbidden {
				wantError(t, rec, http.StatusForbidden, "forbidden")
				return
			}
			wantStatus(t, rec, tt.wantStatus)
		})
	}
	anns := decode[annotationList](t, app.do(http.MethodGet, annPath, "editor", nil)).Annotations
	if len(anns) != 1 || anns[0].Comment != "commenter" {
		t.Errorf("annotations %+v, want only the commenter's", anns)
	}
}

func TestListDocuments(t *testing.T) {
	app := newTestApp(t)
	find := func(t *testing.T) map[string]any {
		t.Helper()
		rec := app.do(http.MethodGet, "/api/documents", "viewer", nil)
		wantStatus(t, rec, http.StatusOK)
		body := decode[map[string][]map[string]any](t, rec)
		for _, d := range body["documents"] {
			if d["id"] == app.sample.ID {
				return d
			}
		}
		t.Fatalf("the sample %s is not listed: %s", app.sample.ID, rec.Body.String())
		return nil
	}

	d := find(t)
	var keys []string
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"annotations", "id", "open", "revision", "status", "title"}; !slices.Equal(keys, want) {
		t.Errorf("document summary fields %v, want %v", keys, want)
	}
	want := map[string]any{"title": app.sample.Title, "status": "draft", "revision": 1.0, "annotations": 0.0, "open": 0.0}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}

	start, end := codePointSpan(t, app.sample.Text, "Edward Snowden")
	mustCreateAnnotation(t, app, "editor", app.sample.ID, annotationRequest(app.sample.Text, start, end, "source?"))
	d = find(t)
	if d["annotations"] != 1.0 || d["open"] != 1.0 {
		t.Errorf("after one annotation: annotations %v, open %v; want 1, 1", d["annotations"], d["open"])
	}
}

func TestCreateDocument(t *testing.T) {
	const news = "Monday, June 2, 2025\nCouncil approves the budget\nBy A. Reporter\n\nThe council voted 7 to 2.\n\nThe mayor said little."
	app := newTestApp(t)
	tests := []struct {
		name       string
		user       string
		body       any
		wantStatus int
		wantCode   string
		wantTitle  string
	}{
		{name: "title from the headline", user: "editor", body: map[string]string{"text": news}, wantStatus: http.StatusCreated, wantTitle: "Council approves the budget"},
		{name: "explicit title wins", user: "editor", body: map[string]string{"text": news, "title": "Budget vote"}, wantStatus: http.StatusCreated, wantTitle: "Budget vote"},
		{name: "plain text takes its first line", user: "admin", body: map[string]string{"text": "Short note\nsecond line\n\nBody."}, wantStatus: http.StatusCreated, wantTitle: "Short note"},
		{name: "empty text", user: "editor", body: map[string]string{"text": ""}, wantStatus: http.StatusUnprocessableEntity, wantCode: "invalid"},
		{name: "blank text", user: "editor", body: map[string]string{"text": " \r\n\t\n "}, wantStatus: http.StatusUnprocessableEntity, wantCode: "invalid"},
		{name: "no text field", user: "editor", body: map[string]string{"title": "Nothing"}, wantStatus: http.StatusUnprocessableEntity, wantCode: "invalid"},
		{name: "title too long", user: "editor", body: map[string]string{"text": news, "title": strings.Repeat("t", annotation.MaxTitleLength+1)}, wantStatus: http.StatusUnprocessableEntity, wantCode: "invalid"},
		{name: "client may not set the id", user: "editor", body: map[string]string{"text": news, "id": "mine"}, wantStatus: http.StatusBadRequest, wantCode: "bad_json"},
		{name: "commenter may not", user: "commenter", body: map[string]string{"text": news}, wantStatus: http.StatusForbidden, wantCode: "forbidden"},
	}
	created := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := app.do(http.MethodPost, "/api/documents", tt.user, tt.body)
			if tt.wantCode != "" {
				wantError(t, rec, tt.wantStatus, tt.wantCode)
				return
			}
			wantStatus(t, rec, tt.wantStatus)
			created++
			doc := decode[documentBody](t, rec)
			if doc.ID == "" || doc.Title != tt.wantTitle || doc.Revision != 1 || doc.Status != "draft" || doc.Text == "" || len(doc.Blocks) == 0 {
				t.Errorf("created %+v, want an id, title %q, revision 1, draft, text and blocks", doc, tt.wantTitle)
			}
			loc := rec.Header().Get("Location")
			if loc != "/api/documents/"+doc.ID {
				t.Errorf("Location %q, want /api/documents/%s", loc, doc.ID)
			}
			etag := wantETag(t, rec)
			got := app.do(http.MethodGet, loc, "viewer", nil)
			wantStatus(t, got, http.StatusOK)
			if g := decode[documentBody](t, got); g.ID != doc.ID || g.Title != tt.wantTitle || g.Text != doc.Text {
				t.Errorf("GET Location answers %+v, want the created document", g)
			}
			if g := got.Header().Get("ETag"); g != etag {
				t.Errorf("GET ETag %q, creation ETag %q", g, etag)
			}
		})
	}
	docs, err := app.db.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1+created {
		t.Errorf("%d documents stored, want the sample and %d created", len(docs), created)
	}
}

func TestGetDocument(t *testing.T) {
	app := newTestApp(t)
	t.Run("sample", func(t *testing.T) {
		rec := app.do(http.MethodGet, "/api/documents/"+app.sample.ID, "viewer", nil)
		wantStatus(t, rec, http.StatusOK)
		wantETag(t, rec)
		keys := decode[map[string]json.RawMessage](t, rec)
		for _, k := range []string{"id", "title", "byline", "dateline", "status", "revision", "text", "blocks"} {
			if _, ok := keys[k]; !ok {
				t.Errorf("field %q missing", k)
			}
		}
		doc := decode[documentBody](t, rec)
		if doc.Text != app.sample.Text || !slices.Equal(doc.Blocks, app.sample.Blocks) {
			t.Errorf("text or blocks differ from the stored sample")
		}
		if doc.Title != "Beijing slams spying on Huawei" || doc.Dateline != "Tuesday, March 25, 2014, 09:47" ||
			!strings.HasPrefix(doc.Byline, "By Chen Weihua") {
			t.Errorf("metadata %q / %q / %q", doc.Title, doc.Dateline, doc.Byline)
		}
	})
	notFound := []struct {
		name string
		path string
	}{
		{name: "unknown document", path: "/api/documents/01HZZZZZZZZZZZZZZZZZZZZZZZ"},
		{name: "annotations of unknown document", path: "/api/documents/nope/annotations"},
		{name: "unknown annotation", path: "/api/annotations/01HZZZZZZZZZZZZZZZZZZZZZZZ"},
		{name: "document id used as annotation id", path: "/api/annotations/" + app.sample.ID},
	}
	for _, tt := range notFound {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, app.do(http.MethodGet, tt.path, "editor", nil), http.StatusNotFound, "not_found")
		})
	}
}

// TestUnicodeDocumentOffsets posts the CRLF article full of emoji, ZWJ
// sequences, CJK and combining marks, and checks that blocks count code
// points over the normalized text.
func TestUnicodeDocumentOffsets(t *testing.T) {
	app := newTestApp(t)
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "unicode-crlf.txt"))
	if err != nil {
		t.Fatal(err)
	}
	rec := app.do(http.MethodPost, "/api/documents", "editor", map[string]string{"text": string(raw)})
	wantStatus(t, rec, http.StatusCreated)
	id := decode[documentBody](t, rec).ID

	rec = app.do(http.MethodGet, "/api/documents/"+id, "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	doc := decode[documentBody](t, rec)
	if strings.Contains(doc.Text, "\r") {
		t.Error("the text keeps carriage returns")
	}
	wantBlocks := []struct {
		kind string
		text string
	}{
		{"dateline", "Saturday, May 3, 2025, 10:15"},
		{"headline", "Cafe\u0301 culture 🎉 blooms in 北京"},
		{"byline", "By Li Wei and Zoë Müller in Beijing"},
		{"paragraph", "北京欢迎你! Visitors queued before dawn at the new Cafe\u0301 Lumière, where the menu mixes 🇨🇳 tea with French pastry 🥐."},
		{"paragraph", "\"We counted 10\u00a0000 guests in a week,\" said the owner, a former chemist 👩\u200d🔬\nwho still weighs every croissant to the gram."},
		{"paragraph", "Regulars order re\u0301sume\u0301-style tasting flights of 抹茶 and 豆浆, each served with a tiny flag 🇫🇷 or 🇨🇳."},
		{"paragraph", "The owner hopes to open a second shop in Shanghai, 上海, next year. 🎉🎉"},
		{"contact", "Contact the writer at liwei@example.com"},
	}
	if len(doc.Blocks) != len(wantBlocks) {
		t.Fatalf("%d blocks, want %d: %+v", len(doc.Blocks), len(wantBlocks), doc.Blocks)
	}
	var joined []string
	for i, b := range doc.Blocks {
		got := runeSlice(doc.Text, b.Start, b.End)
		if string(b.Kind) != wantBlocks[i].kind || got != wantBlocks[i].text {
			t.Errorf("block %d [%d,%d) is %s %q, want %s %q", i, b.Start, b.End, b.Kind, got, wantBlocks[i].kind, wantBlocks[i].text)
		}
		joined = append(joined, got)
	}
	if strings.Join(joined, "\n\n") != doc.Text {
		t.Error("the blocks joined by a blank line are not the text")
	}
	if last := doc.Blocks[len(doc.Blocks)-1].End; last != utf8.RuneCountInString(doc.Text) {
		t.Errorf("last block ends at %d, the text has %d code points", last, utf8.RuneCountInString(doc.Text))
	}
	if doc.Title != wantBlocks[1].text || doc.Byline != wantBlocks[2].text || doc.Dateline != wantBlocks[0].text {
		t.Errorf("metadata %q / %q / %q", doc.Title, doc.Byline, doc.Dateline)
	}
}

// utf16Span is where quote starts and ends in text counted in UTF-16 code
// units, as a browser's String.length counts.
func utf16Span(text, quote string) (start, end int) {
	i := strings.Index(text, quote)
	start = len(utf16.Encode([]rune(text[:i])))
	return start, start + len(utf16.Encode([]rune(quote)))
}

func TestUnicodeAnnotations(t *testing.T) {
	app := newTestApp(t)
	doc := app.addDocumentFile("unicode-crlf.txt")
	rec := app.do(http.MethodGet, "/api/documents/"+doc.ID, "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	text := decode[documentBody](t, rec).Text
	length := utf8.RuneCountInString(text)

	tests := []struct {
		name  string
		quote string
	}{
		{name: "emoji outside the BMP", quote: "🎉"},
		{name: "ZWJ sequence", quote: "👩\u200d🔬"},
		{name: "flag", quote: "🇫🇷"},
		{name: "CJK", quote: "抹茶"},
		{name: "combining marks", quote: "re\u0301sume\u0301"},
		{name: "no-break space", quote: "10\u00a0000 guests"},
	}
	created := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := codePointSpan(t, text, tt.quote)
			body := map[string]any{"start": start, "end": end, "exact": tt.quote, "comment": tt.name}
			ann := mustCreateAnnotation(t, app, "commenter", doc.ID, body)
			created++
			wantPrefix := runeSlice(text, start-annotation.ContextLength, start)
			wantSuffix := runeSlice(text, end, end+annotation.ContextLength)
			check := func(where string, a annotationBody) {
				t.Helper()
				if a.Start != start || a.End != end || a.Exact != tt.quote || a.Prefix != wantPrefix || a.Suffix != wantSuffix {
					t.Errorf("%s: [%d,%d) exact %q prefix %q suffix %q; want [%d,%d) %q %q %q",
						where, a.Start, a.End, a.Exact, a.Prefix, a.Suffix, start, end, tt.quote, wantPrefix, wantSuffix)
				}
			}
			check("created", ann)
			got := app.do(http.MethodGet, "/api/annotations/"+ann.ID, "viewer", nil)
			wantStatus(t, got, http.StatusOK)
			check("fetched", decode[annotationBody](t, got))

			// The same passage in other units is refused: offsets are code points.
			i := strings.Index(text, tt.quote)
			u16Start, u16End := utf16Span(text, tt.quote)
			wrongUnits := []struct {
				name       string
				start, end int
			}{
				{name: "byte offsets", start: i, end: i + len(tt.quote)},
				{name: "UTF-16 offsets", start: u16Start, end: u16End},
			}
			for _, w := range wrongUnits {
				if w.start == start && w.end == end {
					t.Fatalf("%s equal the code point offsets [%d,%d): pick a quote that tells them apart", w.name, start, end)
				}
				if w.end > length {
					t.Fatalf("%s [%d,%d) fall outside the text (%d code points): pick an earlier quote", w.name, w.start, w.end, length)
				}
				rec := app.do(http.MethodPost, "/api/documents/"+doc.ID+"/annotations", "commenter",
					map[string]any{"start": w.start, "end": w.end, "exact": tt.quote})
				wantError(t, rec, http.StatusUnprocessableEntity, "quote_mismatch")
			}
		})
	}
	if ids := annotationIDs(t, app, doc.ID, ""); len(ids) != created {
		t.Errorf("%d annotations stored, want the %d created", len(ids), created)
	}
}

func TestCreateAnnotation(t *testing.T) {
	app := newTestApp(t)
	text := app.sample.Text
	start, end := codePointSpan(t, text, "National Security Agency")
	before := time.Now().UTC().Add(-time.Second)
	rec := app.do(http.MethodPost, "/api/documents/"+app.sample.ID+"/annotations", "editor", map[string]any{
		"start": start, "end": end, "exact": "National Security Agency",
		"comment": "Spell out NSA on first use?", "tags": []string{" style ", "Fact-check", "style"},
	})
	wantStatus(t, rec, http.StatusCreated)

	fields := decode[map[string]json.RawMessage](t, rec)
	for _, k := range []string{"id", "document", "revision", "start", "end", "exact", "prefix", "suffix", "motivation",
		"comment", "tags", "status", "anchor", "author", "created", "modified", "version", "replies"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("field %q missing from %s", k, rec.Body.String())
		}
	}
	if string(fields["replies"]) != "[]" {
		t.Errorf("replies %s, want []", fields["replies"])
	}
	ann := decode[annotationBody](t, rec)
	editor, err := app.db.UserByName("editor")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"document", ann.Document, app.sample.ID},
		{"revision", ann.Revision, 1},
		{"start", ann.Start, start},
		{"end", ann.End, end},
		{"exact", ann.Exact, "National Security Agency"},
		{"prefix", ann.Prefix, runeSlice(text, start-annotation.ContextLength, start)},
		{"suffix", ann.Suffix, runeSlice(text, end, end+annotation.ContextLength)},
		{"motivation", ann.Motivation, "commenting"},
		{"comment", ann.Comment, "Spell out NSA on first use?"},
		{"tags", strings.Join(ann.Tags, "|"), "style|Fact-check"},
		{"status", ann.Status, "open"},
		{"anchor", ann.Anchor, "exact"},
		{"author id", ann.Author.ID, editor.ID},
		{"author name", ann.Author.Name, "editor"},
		{"version", ann.Version, 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if ann.ID == "" || ann.ID == "1" {
		t.Errorf("id %q is not an opaque id", ann.ID)
	}
	for name, s := range map[string]string{"created": ann.Created, "modified": ann.Modified} {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Errorf("%s %q is not RFC 3339: %v", name, s, err)
		} else if ts.Before(before) || ts.After(time.Now().Add(time.Second)) {
			t.Errorf("%s %v is not now", name, ts)
		}
	}
	if loc := rec.Header().Get("Location"); loc != "/api/annotations/"+ann.ID {
		t.Errorf("Location %q, want /api/annotations/%s", loc, ann.ID)
	}
	etag := wantETag(t, rec)

	got := app.do(http.MethodGet, "/api/annotations/"+ann.ID, "viewer", nil)
	wantStatus(t, got, http.StatusOK)
	if got.Header().Get("ETag") != etag {
		t.Errorf("GET ETag %q, creation ETag %q", got.Header().Get("ETag"), etag)
	}
	if !bytes.Equal(bytes.TrimSpace(got.Body.Bytes()), bytes.TrimSpace(rec.Body.Bytes())) {
		t.Errorf("GET answers\n%s\ncreation answered\n%s", got.Body.String(), rec.Body.String())
	}
	if ids := annotationIDs(t, app, app.sample.ID, ""); !slices.Equal(ids, []string{ann.ID}) {
		t.Errorf("list has %v, want [%s]", ids, ann.ID)
	}

	t.Run("highlight without comment", func(t *testing.T) {
		start, end := codePointSpan(t, text, "Der Spiegel")
		a := mustCreateAnnotation(t, app, "commenter", app.sample.ID, map[string]any{"start": start, "end": end, "exact": "Der Spiegel"})
		if a.Motivation != "highlighting" || a.Comment != "" || a.Tags == nil || len(a.Tags) != 0 || a.Replies == nil {
			t.Errorf("motivation %q comment %q tags %v replies %v; want highlighting with empty comment, tags [] and replies []",
				a.Motivation, a.Comment, a.Tags, a.Replies)
		}
	})
}

func TestListAnnotationsOrderAndFilters(t *testing.T) {
	app := newTestApp(t)
	text := app.sample.Text
	doc := app.sample.ID
	span := func(quote string) (int, int) { return codePointSpan(t, text, quote) }

	// Created out of reading order on purpose.
	s, e := span("Hong Lei")
	late := mustCreateAnnotation(t, app, "editor", doc, annotationRequest(text, s, e, "Confirm the spelling", "names"))
	s, e = span("Beijing wants")
	shortFirst := mustCreateAnnotation(t, app, "commenter", doc, annotationRequest(text, s, e, "Weak verb", "Style"))
	s, e = span("Beijing wants a clear explanation")
	long := mustCreateAnnotation(t, app, "editor", doc, annotationRequest(text, s, e, "Quote the ministry", "fact-check", "style"))
	s, e = span("Beijing wants")
	shortSecond := mustCreateAnnotation(t, app, "editor", doc, annotationRequest(text, s, e, ""))

	// A resolved thread, put straight into the store: the API cannot resolve yet.
	commenter, err := app.db.UserByName("commenter")
	if err != nil {
		t.Fatal(err)
	}
	s, e = span("Der Spiegel")
	draft, err := annotation.New(annotation.NewText(text), doc, 1, annotation.Draft{Start: s, End: e, Exact: "Der Spiegel", Comment: "Settled"})
	if err != nil {
		t.Fatal(err)
	}
	draft.Status = annotation.StatusResolved
	draft.Author = annotation.Author{ID: commenter.ID, Name: commenter.Name}
	resolved, err := app.db.CreateAnnotation(draft)
	if err != nil {
		t.Fatal(err)
	}

	// Reading order: by start, the longer span first, then by creation.
	all := []string{long.ID, shortFirst.ID, shortSecond.ID, late.ID, resolved.ID}
	if got := annotationIDs(t, app, doc, ""); !slices.Equal(got, all) {
		t.Fatalf("order %v, want %v", got, all)
	}

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{name: "tag", query: "?tag=style", want: []string{long.ID, shortFirst.ID}},
		{name: "tag ignores case", query: "?tag=FACT-CHECK", want: []string{long.ID}},
		{name: "unknown tag", query: "?tag=legal", want: []string{}},
		{name: "author by name", query: "?author=commenter", want: []string{shortFirst.ID, resolved.ID}},
		{name: "author by id", query: "?author=" + commenter.ID, want: []string{shortFirst.ID, resolved.ID}},
		{name: "status open", query: "?status=open", want: []string{long.ID, shortFirst.ID, shortSecond.ID, late.ID}},
		{name: "status resolved", query: "?status=resolved", want: []string{resolved.ID}},
		{name: "q in comment", query: "?q=SPELLING", want: []string{late.ID}},
		{name: "q in quote", query: "?q=clear+explanation", want: []string{long.ID}},
		{name: "q in tag", query: "?q=names", want: []string{late.ID}},
		{name: "filters combine", query: "?tag=style&author=editor", want: []string{long.ID}},
		{name: "no filter", query: "?tag=&author=&status=&q=", want: all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := annotationIDs(t, app, doc, tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %v, want %v", tt.query, got, tt.want)
			}
		})
	}
	t.Run("bogus status", func(t *testing.T) {
		rec := app.do(http.MethodGet, "/api/documents/"+doc+"/annotations?status=bogus", "editor", nil)
		wantError(t, rec, http.StatusBadRequest, "bad_filter")
	})
}

// doStream sends a body of unknown length (no Content-Length), as a client
// streaming a chunked request does.
func (a *testApp) doStream(method, path, user string, body io.Reader) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	return rec
}

func TestCreateAnnotationErrors(t *testing.T) {
	app := newTestApp(t)
	text := app.sample.Text
	doc := app.sample.ID
	path := "/api/documents/" + doc + "/annotations"
	length := utf8.RuneCountInString(text)
	s, e := codePointSpan(t, text, "Huawei Technologies")
	good := annotationRequest(text, s, e, "fine")
	goodJSON, err := json.Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	first := mustCreateAnnotation(t, app, "editor", doc, good)

	// with returns the good request with some fields changed (nil deletes).
	with := func(changes map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range good {
			out[k] = v
		}
		for k, v := range changes {
			if v == nil {
				delete(out, k)
			} else {
				out[k] = v
			}
		}
		return out
	}
	oversized := `{"comment":"` + strings.Repeat("x", 4<<20) + `"}`

	tests := []struct {
		name       string
		path       string
		body       any
		header     []string
		wantStatus int
		wantCode   string
	}{
		{name: "malformed JSON", body: `{"start": 1,`, wantStatus: 400, wantCode: "bad_json"},
		{name: "not an object", body: `[1, 2]`, wantStatus: 400, wantCode: "bad_json"},
		{name: "empty body", body: ``, wantStatus: 400, wantCode: "bad_json"},
		{name: "wrong type", body: with(map[string]any{"start": "12"}), wantStatus: 400, wantCode: "bad_json"},
		{name: "client sets the author", body: with(map[string]any{"author": map[string]string{"id": "x", "name": "mallory"}}), wantStatus: 400, wantCode: "bad_json"},
		{name: "client sets the id", body: with(map[string]any{"id": "01HZZZZZZZZZZZZZZZZZZZZZZZ"}), wantStatus: 400, wantCode: "bad_json"},
		{name: "client sets the status", body: with(map[string]any{"status": "resolved"}), wantStatus: 400, wantCode: "bad_json"},
		{name: "trailing object", body: string(goodJSON) + `{"start":0}`, wantStatus: 400, wantCode: "bad_json"},
		{name: "trailing garbage", body: string(goodJSON) + ` x`, wantStatus: 400, wantCode: "bad_json"},
		{name: "text/plain", body: string(goodJSON), header: []string{"Content-Type", "text/plain"}, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "form encoded", body: "start=1&end=2", header: []string{"Content-Type", "application/x-www-form-urlencoded"}, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "unknown document", path: "/api/documents/01HZZZZZZZZZZZZZZZZZZZZZZZ/annotations", body: good, wantStatus: 404, wantCode: "not_found"},
		{name: "body over 4 MiB", body: oversized, wantStatus: 413, wantCode: "body_too_large"},
		{name: "quote does not match", body: with(map[string]any{"exact": "Huawei Technologiez"}), wantStatus: 422, wantCode: "quote_mismatch"},
		{name: "quote of a neighbouring passage", body: with(map[string]any{"start": s + 1, "end": e + 1}), wantStatus: 422, wantCode: "quote_mismatch"},
		{name: "end past the text", body: map[string]any{"start": length - 3, "end": length + 1, "exact": runeSlice(text, length-3, length) + "x"}, wantStatus: 422, wantCode: "offsets_out_of_range"},
		{name: "start past the text", body: map[string]any{"start": length + 5, "end": length + 9, "exact": "abcd"}, wantStatus: 422, wantCode: "offsets_out_of_range"},
		{name: "negative start", body: map[string]any{"start": -1, "end": 3, "exact": "Tue"}, wantStatus: 422, wantCode: "offsets_out_of_range"},
		{name: "negative end", body: map[string]any{"start": 0, "end": -2, "exact": "Tu"}, wantStatus: 422, wantCode: "offsets_out_of_range"},
		{name: "inverted", body: with(map[string]any{"start": e, "end": s}), wantStatus: 422, wantCode: "offsets_inverted"},
		{name: "empty selection", body: with(map[string]any{"end": s, "exact": nil}), wantStatus: 422, wantCode: "empty_selection"},
		{name: "missing start", body: with(map[string]any{"start": nil}), wantStatus: 422, wantCode: "invalid"},
		{name: "missing end", body: with(map[string]any{"end": nil}), wantStatus: 422, wantCode: "invalid"},
		{name: "null start", body: `{"start": null, "end": 3, "exact": "Tue"}`, wantStatus: 422, wantCode: "invalid"},
		{name: "missing exact", body: with(map[string]any{"exact": nil}), wantStatus: 422, wantCode: "invalid"},
		{name: "unknown motivation", body: with(map[string]any{"motivation": "liking"}), wantStatus: 422, wantCode: "invalid"},
		{name: "replacement on a comment", body: with(map[string]any{"replacement": "Huawei Tech"}), wantStatus: 422, wantCode: "invalid"},
		{name: "tag with a comma", body: with(map[string]any{"tags": []string{"a,b"}}), wantStatus: 422, wantCode: "invalid"},
		{name: "comment too long", body: with(map[string]any{"comment": strings.Repeat("é", annotation.MaxCommentLength+1)}), wantStatus: 422, wantCode: "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := path
			if tt.path != "" {
				p = tt.path
			}
			rec := app.do(http.MethodPost, p, "editor", tt.body, tt.header...)
			wantError(t, rec, tt.wantStatus, tt.wantCode)
		})
	}
	// The limit is 4 MiB, whether or not the client sends Content-Length.
	// The body is a valid request whose comment is then too long.
	sized := func(n int) string {
		head, tail := `{"start":0,"end":1,"exact":"T","comment":"`, `"}`
		return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
	}
	limits := []struct {
		name       string
		size       int
		streamed   bool
		wantStatus int
		wantCode   string
	}{
		{name: "exactly 4 MiB", size: 4 << 20, wantStatus: 422, wantCode: "invalid"},
		{name: "exactly 4 MiB, unknown length", size: 4 << 20, streamed: true, wantStatus: 422, wantCode: "invalid"},
		{name: "4 MiB and a byte", size: 4<<20 + 1, wantStatus: 413, wantCode: "body_too_large"},
		{name: "4 MiB and a byte, unknown length", size: 4<<20 + 1, streamed: true, wantStatus: 413, wantCode: "body_too_large"},
		{name: "5 MiB, unknown length", size: 5 << 20, streamed: true, wantStatus: 413, wantCode: "body_too_large"},
	}
	for _, tt := range limits {
		t.Run("body of "+tt.name, func(t *testing.T) {
			body := sized(tt.size)
			var rec *httptest.ResponseRecorder
			if tt.streamed {
				rec = app.doStream(http.MethodPost, path, "editor", strings.NewReader(body))
			} else {
				rec = app.do(http.MethodPost, path, "editor", body)
			}
			wantError(t, rec, tt.wantStatus, tt.wantCode)
		})
	}

	last := mustCreateAnnotation(t, app, "editor", doc, with(map[string]any{"comment": "after the failures"}))
	if got, want := annotationIDs(t, app, doc, ""), []string{first.ID, last.ID}; !slices.Equal(got, want) {
		t.Errorf("after the failures the document has %v, want only %v", got, want)
	}
	rec := app.do(http.MethodGet, "/api/documents", "editor", nil)
	wantStatus(t, rec, http.StatusOK)
	for _, d := range decode[map[string][]map[string]any](t, rec)["documents"] {
		if d["id"] == doc && d["annotations"] != 2.0 {
			t.Errorf("the document list counts %v annotations, want 2", d["annotations"])
		}
	}
}
