package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"galley/handlers"
	"galley/internal/w3ctest"
)

// The W3C Web Annotation Protocol, checked against the checklist in the
// project's conformance notes (PROTOCOL.md): every MUST, and the SHOULDs
// issue 16 names. Requests go through the real echo stack with a real bbolt
// file, and every JSON-LD answer is validated against the W3C schemas.

// testBase is the address httptest requests come to, so the base of the
// IRIs the desk gives them.
const testBase = "http://example.com"

const (
	profiledLD   = `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`
	preferPrefix = `return=representation;include="`
	ldpMinimal   = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
	oaIRIs       = "http://www.w3.org/ns/oa#PreferContainedIRIs"
	oaDescribed  = "http://www.w3.org/ns/oa#PreferContainedDescriptions"
)

// localPath is the request path of an IRI of this desk.
func localPath(t *testing.T, iri string) string {
	t.Helper()
	p, ok := strings.CutPrefix(iri, testBase)
	if !ok {
		t.Fatalf("IRI %q is not on %s", iri, testBase)
	}
	return p
}

func containerIRI(docID string) string { return testBase + "/documents/" + docID + "/annotations/" }

func documentIRI(docID string) string { return testBase + "/documents/" + docID }

// validLD fails unless data is valid W3C Web Annotation JSON-LD with want
// objects (annotations, collections, pages) checked.
func validLD(t *testing.T, want int, name string, data []byte) {
	t.Helper()
	w3ctest.MustLoad(t, filepath.Join("..", "testdata", "w3c-annotation")).RequireValid(t, want, w3ctest.Doc{Name: name, Data: data})
}

// w3cAnnotation builds a W3C annotation on the sample article quoting
// exact, as a protocol client would send it.
func w3cAnnotation(docID, exact, comment string, extra map[string]any) map[string]any {
	a := map[string]any{
		"@context":   "http://www.w3.org/ns/anno.jsonld",
		"type":       "Annotation",
		"motivation": "commenting",
		"body":       map[string]any{"type": "TextualBody", "value": comment, "format": "text/markdown", "purpose": "commenting"},
		"target": map[string]any{
			"source":   documentIRI(docID),
			"selector": []any{map[string]any{"type": "TextQuoteSelector", "exact": exact}},
		},
	}
	for k, v := range extra {
		a[k] = v
	}
	return a
}

// postLD posts v to a container as the given media type.
func (a *testApp) postLD(path, user, contentType string, v any, header ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.do(http.MethodPost, path, user, data, append([]string{"Content-Type", contentType}, header...)...)
}

// created posts an annotation and returns its IRI and ETag.
func (a *testApp) created(user string, v any) (string, string) {
	a.t.Helper()
	rec := a.postLD("/documents/"+a.sample.ID+"/annotations/", user, profiledLD, v)
	wantStatus(a.t, rec, http.StatusCreated)
	return rec.Header().Get("Location"), rec.Header().Get("ETag")
}

// ldObject is a JSON-LD answer, decoded loosely.
type ldObject = map[string]any

func wantHeaderHas(t *testing.T, rec *httptest.ResponseRecorder, name string, parts ...string) {
	t.Helper()
	got := strings.Join(rec.Header().Values(name), ", ")
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s: %q lacks %q", name, got, p)
		}
	}
}

func types(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, s := range t {
			out = append(out, fmt.Sprint(s))
		}
		return out
	}
	return nil
}

func TestProtocolContainerHeadersAndRepresentation(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	path := "/documents/" + doc + "/annotations/"

	// Empty: a valid collection with no first page.
	rec := app.do(http.MethodGet, path, "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	validLD(t, 1, "empty.jsonld", rec.Body.Bytes())
	if body := decode[ldObject](t, rec); body["first"] != nil || body["total"] != float64(0) {
		t.Errorf("an empty container: first %v total %v", body["first"], body["total"])
	}
	emptyTag := rec.Header().Get("ETag")

	iri, _ := app.created("commenter", w3cAnnotation(doc, "Huawei has some 150,000 employees", "Source?", nil))
	rec = app.do(http.MethodGet, path, "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); ct != profiledLD {
		t.Errorf("Content-Type %q, want %q", ct, profiledLD)
	}
	wantHeaderHas(t, rec, "Link",
		`<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"`,
		`<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"`)
	wantHeaderHas(t, rec, "Allow", "GET", "HEAD", "OPTIONS", "POST")
	wantHeaderHas(t, rec, "Accept-Post", profiledLD, "application/ld+json", "application/json")
	wantHeaderHas(t, rec, "Vary", "Accept", "Prefer")
	etag := rec.Header().Get("ETag")
	if etag == "" || etag == emptyTag {
		t.Errorf("ETag %q: want one that changed with the new annotation (was %q)", etag, emptyTag)
	}
	if got := rec.Header().Get("Content-Location"); got != containerIRI(doc)+"?iris=0" {
		t.Errorf("Content-Location %q", got)
	}
	validLD(t, 3, "container.jsonld", rec.Body.Bytes())
	body := decode[ldObject](t, rec)
	id, _ := body["id"].(string)
	if id != containerIRI(doc) || !strings.HasSuffix(id, "/") || strings.ContainsAny(id, "?#") {
		t.Errorf("container id %q, want %q: ending with / and no query", id, containerIRI(doc))
	}
	if ty := types(body["type"]); !slices.Contains(ty, "BasicContainer") || !slices.Contains(ty, "AnnotationCollection") {
		t.Errorf("container type %v", ty)
	}
	if body["label"] == "" || body["total"] != float64(1) || body["modified"] == nil || body["last"] == nil {
		t.Errorf("label %v total %v modified %v last %v", body["label"], body["total"], body["modified"], body["last"])
	}
	first, _ := body["first"].(map[string]any)
	items, _ := first["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != iri {
		t.Fatalf("first page items %v, want the annotation %s", items, iri)
	}

	// A client that has the current state is told so.
	rec304 := app.do(http.MethodGet, path, "viewer", nil, "If-None-Match", etag)
	wantStatus(t, rec304, http.StatusNotModified)
	if rec304.Body.Len() != 0 || rec304.Header().Get("ETag") != etag {
		t.Errorf("304: %d bytes, ETag %q", rec304.Body.Len(), rec304.Header().Get("ETag"))
	}
	wantStatus(t, app.do(http.MethodGet, path, "viewer", nil, "If-None-Match", emptyTag), http.StatusOK)
	// HEAD: the same headers, no body.
	head := app.do(http.MethodHead, path, "viewer", nil)
	wantStatus(t, head, http.StatusOK)
	if head.Body.Len() != 0 || head.Header().Get("ETag") != etag || head.Header().Get("Link") != rec.Header().Get("Link") {
		t.Errorf("HEAD: body %d bytes, ETag %q, Link %q", head.Body.Len(), head.Header().Get("ETag"), head.Header().Get("Link"))
	}
	// OPTIONS advertises every method.
	opt := app.do(http.MethodOptions, path, "viewer", nil)
	wantStatus(t, opt, http.StatusOK)
	wantHeaderHas(t, opt, "Allow", "GET", "HEAD", "OPTIONS", "POST")

	// The document names its container, in the API and on the reader.
	rec = app.do(http.MethodGet, "/api/documents/"+doc, "viewer", nil)
	if got := decode[struct{ Container string }](t, rec).Container; got != containerIRI(doc) {
		t.Errorf("GET /api/documents/{id} container %q, want %q", got, containerIRI(doc))
	}
	reader := signIn(t, app, "viewer").page(t, "/documents/"+doc)
	if href := reader.Find(`link[rel="alternate"][type="application/ld+json"]`).AttrOr("href", ""); href != containerIRI(doc) {
		t.Errorf("reader's alternate link %q, want %q", href, containerIRI(doc))
	}
	// A browser asking for HTML is sent to the reader.
	rec = app.do(http.MethodGet, path, "viewer", nil, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	wantRedirect(t, rec, "/documents/"+doc)
}

func TestProtocolPrefer(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	path := "/documents/" + doc + "/annotations/"
	iri, _ := app.created("commenter", w3cAnnotation(doc, "Huawei has some 150,000 employees", "Source?", nil))

	get := func(prefer string) (*httptest.ResponseRecorder, ldObject) {
		t.Helper()
		var rec *httptest.ResponseRecorder
		if prefer == "" {
			rec = app.do(http.MethodGet, path, "viewer", nil)
		} else {
			rec = app.do(http.MethodGet, path, "viewer", nil, "Prefer", prefer)
		}
		wantStatus(t, rec, http.StatusOK)
		return rec, decode[ldObject](t, rec)
	}

	// Minimal: no contained items, no embedded page; first and last linked.
	rec, body := get(preferPrefix + ldpMinimal + `"`)
	validLD(t, 1, "minimal.jsonld", rec.Body.Bytes())
	if _, ok := body["first"].(string); !ok || body["last"] == nil || body["ldp:contains"] != nil || body["contains"] != nil {
		t.Errorf("minimal container: first %v last %v contains %v", body["first"], body["last"], body["ldp:contains"])
	}
	if strings.Contains(rec.Body.String(), iri) {
		t.Error("the minimal container names an annotation")
	}
	wantHeaderHas(t, rec, "Preference-Applied", "return=representation")
	if got := rec.Header().Get("Content-Location"); got != containerIRI(doc)+"?minimal=1" {
		t.Errorf("minimal Content-Location %q", got)
	}
	minimalTag := rec.Header().Get("ETag")

	// IRIs: the first page holds the annotation's IRI only.
	rec, body = get(preferPrefix + oaIRIs + `"`)
	validLD(t, 2, "iris.jsonld", rec.Body.Bytes())
	first, _ := body["first"].(map[string]any)
	if items, _ := first["items"].([]any); len(items) != 1 || items[0] != iri {
		t.Errorf("IRIs page items %v, want [%s]", items, iri)
	}
	if got := rec.Header().Get("Content-Location"); got != containerIRI(doc)+"?iris=1" {
		t.Errorf("IRIs Content-Location %q", got)
	}
	if rec.Header().Get("ETag") == minimalTag {
		t.Error("two representations share an ETag")
	}
	// What Content-Location names serves the same representation.
	again := app.do(http.MethodGet, localPath(t, rec.Header().Get("Content-Location")), "viewer", nil)
	if again.Body.String() != rec.Body.String() {
		t.Errorf("Content-Location serves another representation:\n%s\n%s", again.Body.String(), rec.Body.String())
	}

	// Descriptions, asked for or by default: whole annotations.
	for _, prefer := range []string{preferPrefix + oaDescribed + `"`, "", preferPrefix + oaIRIs + " " + oaDescribed + `"`} {
		rec, body = get(prefer)
		validLD(t, 3, "described.jsonld", rec.Body.Bytes())
		first, _ := body["first"].(map[string]any)
		items, _ := first["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("Prefer %q: items %v", prefer, items)
		}
		if obj, ok := items[0].(map[string]any); !ok || obj["id"] != iri {
			t.Errorf("Prefer %q: item %v, want the whole annotation", prefer, items[0])
		}
		if applied := rec.Header().Get("Preference-Applied"); (prefer == preferPrefix+oaDescribed+`"`) != (applied != "") {
			t.Errorf("Prefer %q: Preference-Applied %q", prefer, applied)
		}
	}
}

func TestProtocolPaging(t *testing.T) {
	app := newTestApp(t, func(c *handlers.Config) { c.ProtocolPageSize = 2 })
	doc := app.sample.ID
	path := "/documents/" + doc + "/annotations/"
	var all []string
	for _, q := range []string{"Beijing wants a clear explanation", "Hong Lei, the spokesman", "Huawei has some 150,000 employees"} {
		iri, _ := app.created("commenter", w3cAnnotation(doc, q, "On "+q, nil))
		all = append(all, iri)
	}
	rec := app.postLD(path, "editor", "application/ld+json", map[string]any{
		"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "motivation": "replying",
		"body": map[string]any{"type": "TextualBody", "value": "Agreed."}, "target": all[0],
	})
	wantStatus(t, rec, http.StatusCreated)
	all = slices.Insert(all, 1, rec.Header().Get("Location"))
	// 4 items, 2 a page: pages 0 and 1.

	for _, iris := range []bool{false, true} {
		prefer := preferPrefix + oaDescribed + `"`
		flag := "0"
		if iris {
			prefer, flag = preferPrefix+oaIRIs+`"`, "1"
		}
		rec = app.do(http.MethodGet, path, "viewer", nil, "Prefer", prefer)
		wantStatus(t, rec, http.StatusOK)
		body := decode[ldObject](t, rec)
		page0 := containerIRI(doc) + "?page=0&iris=" + flag
		page1 := containerIRI(doc) + "?page=1&iris=" + flag
		first := body["first"].(map[string]any)
		if first["id"] != page0 || first["next"] != page1 || body["last"] != page1 || body["total"] != float64(4) {
			t.Fatalf("iris=%s: first %v next %v last %v total %v", flag, first["id"], first["next"], body["last"], body["total"])
		}
		var seen []string
		var pages []w3ctest.Doc
		for n, p := range []string{page0, page1} {
			rec = app.do(http.MethodGet, localPath(t, p), "viewer", nil)
			wantStatus(t, rec, http.StatusOK)
			if got := rec.Header().Get("Content-Location"); got != p {
				t.Errorf("page Content-Location %q, want %q", got, p)
			}
			if rec.Header().Get("ETag") == "" || rec.Header().Get("Content-Type") != profiledLD {
				t.Errorf("page %d: ETag %q Content-Type %q", n, rec.Header().Get("ETag"), rec.Header().Get("Content-Type"))
			}
			pages = append(pages, w3ctest.Doc{Name: fmt.Sprintf("page%d-%s.jsonld", n, flag), Data: rec.Body.Bytes()})
			page := decode[ldObject](t, rec)
			if ty := types(page["type"]); !slices.Contains(ty, "AnnotationPage") || page["id"] != p {
				t.Errorf("page %d: id %v type %v", n, page["id"], ty)
			}
			partOf, _ := page["partOf"].(map[string]any)
			if partOf["id"] != containerIRI(doc) || partOf["total"] != float64(4) || partOf["modified"] == nil {
				t.Errorf("page %d partOf %v", n, page["partOf"])
			}
			if page["startIndex"] != float64(2*n) {
				t.Errorf("page %d startIndex %v", n, page["startIndex"])
			}
			switch n {
			case 0:
				if page["next"] != page1 || page["prev"] != nil {
					t.Errorf("page 0: next %v prev %v", page["next"], page["prev"])
				}
			case 1:
				if page["next"] != nil || page["prev"] != page0 {
					t.Errorf("page 1: next %v prev %v", page["next"], page["prev"])
				}
			}
			for _, it := range page["items"].([]any) {
				if s, ok := it.(string); ok {
					seen = append(seen, s)
				} else {
					seen = append(seen, it.(map[string]any)["id"].(string))
				}
			}
		}
		want := 2
		if !iris {
			want += 4
		}
		w3ctest.MustLoad(t, filepath.Join("..", "testdata", "w3c-annotation")).RequireValid(t, want, pages...)
		if !slices.Equal(seen, all) {
			t.Errorf("iris=%s: pages hold %v, want %v", flag, seen, all)
		}
	}
	wantError(t, app.do(http.MethodGet, path+"?page=2", "viewer", nil), http.StatusNotFound, "not_found")
	wantError(t, app.do(http.MethodGet, path+"?page=x", "viewer", nil), http.StatusBadRequest, "bad_page")
	// A page is not a container: POST is not allowed there.
	rec = app.postLD(path+"?page=0", "commenter", "application/ld+json", w3cAnnotation(doc, "Hong Lei", "x", nil))
	wantStatus(t, rec, http.StatusMethodNotAllowed)
}

func TestProtocolItemsDereference(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	iri, _ := app.created("commenter", w3cAnnotation(doc, "Huawei has some 150,000 employees", "Source?", map[string]any{
		"body": []any{
			map[string]any{"type": "TextualBody", "value": "Source?", "purpose": "commenting"},
			map[string]any{"type": "TextualBody", "value": "numbers", "purpose": "tagging"},
		},
	}))
	id := iri[strings.LastIndex(iri, "/")+1:]
	rec := app.do(http.MethodPost, "/api/annotations/"+id+"/replies", "editor", map[string]any{"comment": "Their annual report."})
	wantStatus(t, rec, http.StatusCreated)

	// Every IRI of the W3C export dereferences to the same annotation.
	rec = app.do(http.MethodGet, "/api/documents/"+doc+"/export?format=w3c", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	export := decode[struct {
		First struct {
			Items []ldObject `json:"items"`
		} `json:"first"`
	}](t, rec)
	if len(export.First.Items) != 2 {
		t.Fatalf("export holds %d items, want 2", len(export.First.Items))
	}
	for _, want := range export.First.Items {
		itemIRI := want["id"].(string)
		if !strings.HasPrefix(itemIRI, containerIRI(doc)) || strings.Contains(strings.TrimPrefix(itemIRI, containerIRI(doc)), "/") {
			t.Errorf("exported IRI %s is not its container's IRI plus one segment", itemIRI)
		}
		rec = app.do(http.MethodGet, localPath(t, itemIRI), "viewer", nil)
		wantStatus(t, rec, http.StatusOK)
		if ct := rec.Header().Get("Content-Type"); ct != profiledLD {
			t.Errorf("item Content-Type %q", ct)
		}
		wantHeaderHas(t, rec, "Link", `<http://www.w3.org/ns/ldp#Resource>; rel="type"`, `<http://www.w3.org/ns/oa#Annotation>; rel="type"`,
			`<`+containerIRI(doc)+`>; rel="http://www.w3.org/ns/oa#annotationService"`)
		wantHeaderHas(t, rec, "Allow", "GET", "HEAD", "OPTIONS", "PUT", "DELETE")
		wantHeaderHas(t, rec, "Vary", "Accept")
		if rec.Header().Get("ETag") == "" {
			t.Error("an item without ETag")
		}
		validLD(t, 1, "item.jsonld", rec.Body.Bytes())
		got := decode[ldObject](t, rec)
		if got["id"] != itemIRI || got["@context"] != "http://www.w3.org/ns/anno.jsonld" ||
			fmt.Sprint(got["target"]) != fmt.Sprint(want["target"]) || fmt.Sprint(got["body"]) != fmt.Sprint(want["body"]) {
			t.Errorf("GET %s answers\n%v\nthe export has\n%v", itemIRI, got, want)
		}
		head := app.do(http.MethodHead, localPath(t, itemIRI), "viewer", nil)
		wantStatus(t, head, http.StatusOK)
		if head.Body.Len() != 0 || head.Header().Get("ETag") != rec.Header().Get("ETag") {
			t.Errorf("HEAD %s: %d bytes, ETag %q", itemIRI, head.Body.Len(), head.Header().Get("ETag"))
		}
		opt := app.do(http.MethodOptions, localPath(t, itemIRI), "viewer", nil)
		wantStatus(t, opt, http.StatusOK)
		wantHeaderHas(t, opt, "Allow", "GET", "HEAD", "OPTIONS", "PUT", "DELETE")
	}
	// A browser is sent to the reader at the thread, a reply's too.
	rec = app.do(http.MethodGet, localPath(t, iri), "viewer", nil, "Accept", "text/html,*/*;q=0.8")
	wantRedirect(t, rec, "/documents/"+doc+"#thread-"+id)
	replyIRI := export.First.Items[1]["id"].(string)
	rec = app.do(http.MethodGet, localPath(t, replyIRI), "viewer", nil, "Accept", "text/html,*/*;q=0.8")
	wantRedirect(t, rec, "/documents/"+doc+"#thread-"+id)
	// An annotation named under another document's container is not there.
	other := app.addDocumentFile("unicode-crlf.txt")
	wantError(t, app.do(http.MethodGet, "/documents/"+other.ID+"/annotations/"+id, "viewer", nil), http.StatusNotFound, "not_found")
	wantError(t, app.do(http.MethodGet, "/documents/"+doc+"/annotations/01NOSUCHTHING", "viewer", nil), http.StatusNotFound, "not_found")
	// The container without its slash, and the IRIs of older exports,
	// lead to where things are now.
	rec = app.do(http.MethodGet, "/documents/"+doc+"/annotations", "viewer", nil)
	wantStatus(t, rec, http.StatusMovedPermanently)
	if got := rec.Header().Get("Location"); got != "/documents/"+doc+"/annotations/" {
		t.Errorf("container without slash: Location %q", got)
	}
	rec = app.do(http.MethodGet, "/annotations/"+id, "viewer", nil)
	wantStatus(t, rec, http.StatusMovedPermanently)
	if got := rec.Header().Get("Location"); got != localPath(t, iri) {
		t.Errorf("old annotation IRI: Location %q, want %q", got, localPath(t, iri))
	}
	// No credentials: 401 JSON, as on the API.
	wantError(t, app.do(http.MethodGet, localPath(t, iri), "", nil), http.StatusUnauthorized, "unauthenticated")
}

func TestProtocolCreate(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	path := "/documents/" + doc + "/annotations/"

	for _, ct := range []string{profiledLD, "application/ld+json", "application/json"} {
		t.Run(ct, func(t *testing.T) {
			sent := w3cAnnotation(doc, "Hong Lei, the spokesman", "Who else spoke?", map[string]any{
				"id":        "urn:uuid:0d1f8a0e-8c43-4a7e-9a51-" + fmt.Sprintf("%012d", len(ct)),
				"canonical": "urn:uuid:canonical-" + fmt.Sprint(len(ct)),
			})
			rec := app.postLD(path, "commenter", ct, sent)
			wantStatus(t, rec, http.StatusCreated)
			loc := rec.Header().Get("Location")
			validLD(t, 1, "created.jsonld", rec.Body.Bytes())
			got := decode[ldObject](t, rec)
			if got["id"] != loc || !strings.HasPrefix(loc, containerIRI(doc)) || strings.Contains(strings.TrimPrefix(loc, containerIRI(doc)), "/") {
				t.Errorf("Location %q, id %v: want the same, the container plus one segment", loc, got["id"])
			}
			if got["via"] != sent["id"] || got["canonical"] != sent["canonical"] {
				t.Errorf("via %v canonical %v, want %v and %v", got["via"], got["canonical"], sent["id"], sent["canonical"])
			}
			if rec.Header().Get("ETag") == "" {
				t.Error("201 without ETag")
			}
			// Stored as the JSON API shows it, anchored on the passage.
			id := loc[strings.LastIndex(loc, "/")+1:]
			a := decode[annotationBody](t, app.do(http.MethodGet, "/api/annotations/"+id, "viewer", nil))
			if a.Exact != "Hong Lei, the spokesman" || a.Comment != "Who else spoke?" || a.Author.Name != "commenter" {
				t.Errorf("stored %+v", a)
			}
		})
	}

	// A position selector whose text matches is taken as it is.
	text := []rune(app.sample.Text)
	start := strings.Index(app.sample.Text, "Huawei has some")
	start = len([]rune(app.sample.Text[:start]))
	withPosition := w3cAnnotation(doc, "Huawei", "", nil)
	delete(withPosition, "body")
	withPosition["motivation"] = "highlighting"
	withPosition["target"].(map[string]any)["selector"] = []any{
		map[string]any{"type": "TextQuoteSelector", "exact": "Huawei"},
		map[string]any{"type": "TextPositionSelector", "start": start, "end": start + 6},
	}
	rec := app.postLD(path, "commenter", profiledLD, withPosition)
	wantStatus(t, rec, http.StatusCreated)
	id := rec.Header().Get("Location")[len(containerIRI(doc)):]
	if a := decode[annotationBody](t, app.do(http.MethodGet, "/api/annotations/"+id, "viewer", nil)); a.Start != start || string(text[a.Start:a.End]) != "Huawei" {
		t.Errorf("anchored at %d, want %d (the position given)", a.Start, start)
	}

	// A reply: motivation replying, the parent's IRI as target.
	parent := rec.Header().Get("Location")
	rec = app.postLD(path, "viewer", profiledLD, map[string]any{"type": "Annotation", "motivation": "replying",
		"body": map[string]any{"type": "TextualBody", "value": "No."}, "target": parent})
	wantError(t, rec, http.StatusForbidden, "forbidden") // a viewer may not write
	rec = app.postLD(path, "editor", profiledLD, map[string]any{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
		"motivation": "replying", "body": map[string]any{"type": "TextualBody", "value": "Checked."}, "target": parent})
	wantStatus(t, rec, http.StatusCreated)
	validLD(t, 1, "reply.jsonld", rec.Body.Bytes())
	if got := decode[ldObject](t, rec); got["target"] != parent || got["motivation"] != "replying" {
		t.Errorf("reply %v", got)
	}
	th := decode[annotationBody](t, app.do(http.MethodGet, "/api/annotations/"+id, "viewer", nil))
	if len(th.Replies) != 1 || !strings.Contains(string(th.Replies[0]), `"comment":"Checked."`) {
		t.Errorf("the thread's replies %+v", th.Replies)
	}
	replyIRI := rec.Header().Get("Location")
	if rec = app.do(http.MethodGet, localPath(t, replyIRI), "viewer", nil); rec.Code != http.StatusOK {
		t.Errorf("the reply's IRI answers %d", rec.Code)
	}
	// A reply's via shows in container pages too.
	rec = app.postLD(path, "editor", profiledLD, map[string]any{"type": "Annotation", "id": "urn:uuid:reply-from-elsewhere",
		"motivation": "replying", "body": map[string]any{"type": "TextualBody", "value": "Via."}, "target": parent})
	wantStatus(t, rec, http.StatusCreated)
	if !strings.Contains(app.do(http.MethodGet, path, "viewer", nil).Body.String(), `"via":"urn:uuid:reply-from-elsewhere"`) {
		t.Error("the container page does not show the reply's via")
	}

	bad := []struct {
		name   string
		body   any
		ct     string
		status int
		code   string
	}{
		{"another source", w3cAnnotation(doc, "Hong Lei", "x", map[string]any{"target": map[string]any{
			"source": "https://elsewhere.example/doc", "selector": map[string]any{"type": "TextQuoteSelector", "exact": "Hong Lei"}}}),
			profiledLD, http.StatusBadRequest, "bad_annotation"},
		{"no quote", w3cAnnotation(doc, "Hong Lei", "x", map[string]any{"target": map[string]any{"source": documentIRI(doc)}}),
			profiledLD, http.StatusBadRequest, "bad_annotation"},
		{"not an annotation", []any{1, 2}, profiledLD, http.StatusBadRequest, "bad_annotation"},
		{"a reply to another document's item", map[string]any{"type": "Annotation", "motivation": "replying",
			"body": map[string]any{"type": "TextualBody", "value": "x"}, "target": "https://elsewhere.example/annotations/1"},
			profiledLD, http.StatusBadRequest, "bad_annotation"},
		{"plain text", "hello", "text/plain", http.StatusUnsupportedMediaType, "unsupported_media_type"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			var rec *httptest.ResponseRecorder
			if s, ok := tc.body.(string); ok {
				rec = app.do(http.MethodPost, path, "commenter", s, "Content-Type", tc.ct)
			} else {
				rec = app.postLD(path, "commenter", tc.ct, tc.body)
			}
			wantError(t, rec, tc.status, tc.code)
		})
	}

	// A passage found nowhere is kept as an orphan, as imports keep it,
	// with the quote the client sent.
	const nowhere = "words this article never had in it at all"
	rec = app.postLD(path, "commenter", profiledLD, w3cAnnotation(doc, nowhere, "Where did this go?", nil))
	wantStatus(t, rec, http.StatusCreated)
	validLD(t, 1, "orphan.jsonld", rec.Body.Bytes())
	orphanID := rec.Header().Get("Location")[strings.LastIndex(rec.Header().Get("Location"), "/")+1:]
	if o := decode[annotationBody](t, app.do(http.MethodGet, "/api/annotations/"+orphanID, "viewer", nil)); o.Anchor != "orphaned" || o.Exact != nowhere {
		t.Errorf("a passage found nowhere: anchor %q exact %q, want an orphan quoting it", o.Anchor, o.Exact)
	}
}

func TestProtocolReplaceAndDelete(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	sent := w3cAnnotation(doc, "Hong Lei, the spokesman", "Who else spoke?", map[string]any{"canonical": "urn:uuid:keep-me"})
	iri, etag := app.created("commenter", sent)
	path := localPath(t, iri)
	put := func(user string, body any, header ...string) *httptest.ResponseRecorder {
		t.Helper()
		data, _ := json.Marshal(body)
		return app.do(http.MethodPut, path, user, data, append([]string{"Content-Type", profiledLD}, header...)...)
	}
	changed := w3cAnnotation(doc, "Hong Lei, the spokesman", "Who else spoke, and when?", map[string]any{
		"id": iri, "canonical": "urn:uuid:keep-me",
		"body": []any{
			map[string]any{"type": "TextualBody", "value": "Who else spoke, and when?", "purpose": "commenting"},
			map[string]any{"type": "TextualBody", "value": "sources", "purpose": "tagging"},
		},
	})

	wantError(t, put("commenter", changed), http.StatusPreconditionRequired, "if_match_required")
	wantError(t, put("commenter", changed, "If-Match", `"99"`), http.StatusPreconditionFailed, "stale")
	wantError(t, put("editor", changed, "If-Match", etag), http.StatusForbidden, "forbidden") // not the author's words
	// Refused, a PUT changes nothing, not even the passage the editor may move.
	elsewhere := w3cAnnotation(doc, "Huawei has some 150,000 employees", "Not my words to change", map[string]any{"canonical": "urn:uuid:keep-me"})
	wantError(t, put("editor", elsewhere, "If-Match", etag), http.StatusForbidden, "forbidden")
	if a := decode[annotationBody](t, app.do(http.MethodGet, "/api/annotations/"+path[strings.LastIndex(path, "/")+1:], "viewer", nil)); a.Exact != "Hong Lei, the spokesman" {
		t.Errorf("a refused PUT moved the annotation to %q", a.Exact)
	}
	nowhere := w3cAnnotation(doc, "words this article never had in it at all", "Who else spoke?", map[string]any{"canonical": "urn:uuid:keep-me"})
	wantError(t, put("commenter", nowhere, "If-Match", etag), http.StatusUnprocessableEntity, "invalid")
	recanon := w3cAnnotation(doc, "Hong Lei, the spokesman", "Who else spoke?", map[string]any{"canonical": "urn:uuid:another"})
	wantError(t, put("commenter", recanon, "If-Match", etag), http.StatusConflict, "conflict")

	rec := put("commenter", changed, "If-Match", etag)
	wantStatus(t, rec, http.StatusOK)
	validLD(t, 1, "replaced.jsonld", rec.Body.Bytes())
	newTag := rec.Header().Get("ETag")
	if newTag == "" || newTag == etag {
		t.Errorf("ETag after PUT %q (was %q)", newTag, etag)
	}
	a := decode[annotationBody](t, app.do(http.MethodGet, "/api/annotations/"+path[strings.LastIndex(path, "/")+1:], "viewer", nil))
	if a.Comment != "Who else spoke, and when?" || !slices.Equal(a.Tags, []string{"sources"}) {
		t.Errorf("after PUT: comment %q tags %v", a.Comment, a.Tags)
	}
	if got := decode[ldObject](t, app.do(http.MethodGet, path, "viewer", nil)); got["canonical"] != "urn:uuid:keep-me" {
		t.Errorf("canonical %v after PUT", got["canonical"])
	}
	// A new passage moves the annotation there, keeping its comment.
	movedTo := w3cAnnotation(doc, "Huawei has some 150,000 employees", "Who else spoke, and when?", map[string]any{
		"canonical": "urn:uuid:keep-me",
		"body": []any{
			map[string]any{"type": "TextualBody", "value": "Who else spoke, and when?", "purpose": "commenting"},
			map[string]any{"type": "TextualBody", "value": "sources", "purpose": "tagging"},
		},
	})
	rec = put("commenter", movedTo, "If-Match", newTag)
	wantStatus(t, rec, http.StatusOK)
	validLD(t, 1, "moved.jsonld", rec.Body.Bytes())
	a = decode[annotationBody](t, app.do(http.MethodGet, "/api/annotations/"+path[strings.LastIndex(path, "/")+1:], "viewer", nil))
	if a.Exact != "Huawei has some 150,000 employees" || a.Comment != "Who else spoke, and when?" {
		t.Errorf("after moving it with PUT: exact %q comment %q", a.Exact, a.Comment)
	}
	if runeSlice(storedText(app, doc), a.Start, a.End) != a.Exact {
		t.Errorf("after moving it with PUT, [%d,%d) is not its quote", a.Start, a.End)
	}
	newTag = rec.Header().Get("ETag")

	// The old ETag is stale now, for PUT and DELETE alike.
	wantError(t, put("commenter", changed, "If-Match", etag), http.StatusPreconditionFailed, "stale")
	wantError(t, app.do(http.MethodDelete, path, "commenter", nil, "If-Match", etag), http.StatusPreconditionFailed, "stale")
	// Someone else's annotation: a commenter may not delete it.
	wantError(t, app.do(http.MethodDelete, path, "viewer", nil), http.StatusForbidden, "forbidden")

	rec = app.do(http.MethodDelete, path, "commenter", nil, "If-Match", newTag)
	wantStatus(t, rec, http.StatusNoContent)
	wantError(t, app.do(http.MethodGet, path, "viewer", nil), http.StatusNotFound, "not_found")
	container := app.do(http.MethodGet, "/documents/"+doc+"/annotations/", "viewer", nil)
	if strings.Contains(container.Body.String(), iri) {
		t.Error("the deleted annotation is still in its container")
	}

	// Without If-Match, DELETE goes ahead; a reply goes alone.
	iri2, _ := app.created("commenter", w3cAnnotation(doc, "Huawei has some 150,000 employees", "Count?", nil))
	other, _ := app.created("commenter", w3cAnnotation(doc, "Beijing wants a clear explanation", "Another thread", nil))
	rec = app.postLD("/documents/"+doc+"/annotations/", "commenter", profiledLD, map[string]any{"type": "Annotation",
		"motivation": "replying", "body": map[string]any{"type": "TextualBody", "value": "Mine."}, "target": iri2})
	wantStatus(t, rec, http.StatusCreated)
	reply := rec.Header().Get("Location")
	replyTag := rec.Header().Get("ETag")
	rec = app.do(http.MethodPut, localPath(t, reply), "commenter", mustJSON(t, map[string]any{"type": "Annotation", "motivation": "replying",
		"body": map[string]any{"type": "TextualBody", "value": "Elsewhere."}, "target": other}), "Content-Type", profiledLD, "If-Match", replyTag)
	wantError(t, rec, http.StatusConflict, "conflict") // a reply stays in its thread
	rec = app.do(http.MethodPut, localPath(t, reply), "commenter", mustJSON(t, map[string]any{"type": "Annotation", "motivation": "replying",
		"body": map[string]any{"type": "TextualBody", "value": "Mine, edited."}, "target": iri2}), "Content-Type", profiledLD, "If-Match", replyTag)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[ldObject](t, rec); fmt.Sprint(got["body"]) == "" || !strings.Contains(rec.Body.String(), "Mine, edited.") {
		t.Errorf("reply after PUT: %s", rec.Body.String())
	}
	wantStatus(t, app.do(http.MethodDelete, localPath(t, reply), "commenter", nil), http.StatusNoContent)
	wantStatus(t, app.do(http.MethodGet, localPath(t, iri2), "viewer", nil), http.StatusOK)
	wantError(t, app.do(http.MethodGet, localPath(t, reply), "viewer", nil), http.StatusNotFound, "not_found")
	wantStatus(t, app.do(http.MethodDelete, localPath(t, iri2), "commenter", nil), http.StatusNoContent)
	wantError(t, app.do(http.MethodDelete, localPath(t, iri2), "commenter", nil), http.StatusNotFound, "not_found")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestProtocolHidesRestrictedDocuments(t *testing.T) {
	app := newTestApp(t)
	f := newRestrictedFixture(t, app)
	container := "/documents/" + f.docID + "/annotations/"
	item := container + f.annID
	reply := container + f.replyID
	body := mustJSON(t, w3cAnnotation(f.docID, "met the supplier", "x", nil))
	for _, tc := range []struct {
		method, path string
		body         []byte
	}{
		{http.MethodGet, container, nil}, {http.MethodHead, container, nil}, {http.MethodOptions, container, nil},
		{http.MethodGet, container + "?page=0", nil}, {http.MethodPost, container, body},
		{http.MethodGet, item, nil}, {http.MethodHead, item, nil}, {http.MethodOptions, item, nil},
		{http.MethodPut, item, body}, {http.MethodDelete, item, nil}, {http.MethodGet, reply, nil},
		{http.MethodGet, strings.TrimSuffix(container, "/"), nil},
		{http.MethodGet, "/annotations/" + f.annID, nil}, {http.MethodGet, "/replies/" + f.replyID, nil},
	} {
		var rec *httptest.ResponseRecorder
		if tc.body != nil {
			rec = app.do(tc.method, tc.path, "viewer", tc.body, "Content-Type", profiledLD, "If-Match", `"1"`)
		} else {
			rec = app.do(tc.method, tc.path, "viewer", nil, "If-Match", `"1"`)
		}
		if rec.Code != http.StatusNotFound {
			t.Errorf("outsider %s %s: %d, want 404", tc.method, tc.path, rec.Code)
		}
		wantNoSecrets(t, tc.method+" "+tc.path, rec.Body.String()+fmt.Sprint(rec.Header()), f)
	}
	// A browser is sent to the reader (which answers 404) without learning
	// which thread a reply is in; a member's is sent to the thread.
	rec := app.do(http.MethodGet, reply, "viewer", nil, "Accept", "text/html")
	wantRedirect(t, rec, "/documents/"+f.docID+"#thread-"+f.replyID)
	rec = app.do(http.MethodGet, reply, "commenter", nil, "Accept", "text/html")
	wantRedirect(t, rec, "/documents/"+f.docID+"#thread-"+f.annID)
	// A member reads it.
	wantStatus(t, app.do(http.MethodGet, item, "commenter", nil), http.StatusOK)
	wantStatus(t, app.do(http.MethodGet, container, "commenter", nil), http.StatusOK)
}

func TestProtocolSessionsNeedCSRF(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	path := "/documents/" + doc + "/annotations/"
	s := signIn(t, app, "commenter")
	body := mustJSON(t, w3cAnnotation(doc, "Hong Lei", "From a browser", nil))
	// Reads need no token.
	wantStatus(t, s.do(http.MethodGet, path, nil), http.StatusOK)
	wantError(t, s.do(http.MethodPost, path, body, "Content-Type", profiledLD), http.StatusForbidden, "csrf_failed")
	wantError(t, s.do(http.MethodPost, path, body, "Content-Type", profiledLD, "X-CSRF-Token", s.csrf,
		"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "cross_site")
	rec := s.do(http.MethodPost, path, body, "Content-Type", profiledLD, "X-CSRF-Token", s.csrf)
	wantStatus(t, rec, http.StatusCreated)
	iri := rec.Header().Get("Location")
	wantError(t, s.do(http.MethodDelete, localPath(t, iri), nil), http.StatusForbidden, "csrf_failed")
	wantStatus(t, s.do(http.MethodDelete, localPath(t, iri), nil, "X-CSRF-Token", s.csrf), http.StatusNoContent)
}

func TestProtocolWriteLimits(t *testing.T) {
	app := newTestApp(t, func(c *handlers.Config) { c.WriteRate, c.WriteBurst = 1, 1 })
	doc := app.sample.ID
	path := "/documents/" + doc + "/annotations/"
	wantStatus(t, app.postLD(path, "commenter", profiledLD, w3cAnnotation(doc, "Hong Lei", "one", nil)), http.StatusCreated)
	wantError(t, app.postLD(path, "commenter", profiledLD, w3cAnnotation(doc, "Hong Lei", "two", nil)), http.StatusTooManyRequests, "too_many_requests")
}

func TestProtocolCORS(t *testing.T) {
	preflight := func(app *testApp, origin string) *httptest.ResponseRecorder {
		return app.do(http.MethodOptions, "/documents/"+app.sample.ID+"/annotations/", "", nil,
			"Origin", origin, "Access-Control-Request-Method", http.MethodPut,
			"Access-Control-Request-Headers", "authorization, content-type, if-match, prefer")
	}
	// None by default.
	app := newTestApp(t)
	rec := preflight(app, "https://client.example")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("no origin listed, yet Access-Control-Allow-Origin %q", got)
	}

	app = newTestApp(t, func(c *handlers.Config) { c.CORSOrigins = []string{"https://client.example"} })
	rec = preflight(app, "https://client.example")
	wantStatus(t, rec, http.StatusNoContent)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://client.example" {
		t.Errorf("Access-Control-Allow-Origin %q", got)
	}
	wantHeaderHas(t, rec, "Access-Control-Allow-Methods", "GET", "POST", "PUT", "DELETE")
	wantHeaderHas(t, rec, "Access-Control-Allow-Headers", "Authorization", "Content-Type", "If-Match", "Prefer")
	if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("Access-Control-Allow-Credentials %q: cookies must not cross sites", got)
	}
	if got := preflight(app, "https://evil.example").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("an origin not listed is allowed: %q", got)
	}
	// The actual request, with a token, exposes the protocol's headers.
	rec = app.do(http.MethodGet, "/documents/"+app.sample.ID+"/annotations/", "viewer", nil, "Origin", "https://client.example")
	wantStatus(t, rec, http.StatusOK)
	wantHeaderHas(t, rec, "Access-Control-Expose-Headers", "Allow", "ETag", "Link", "Vary", "Location", "Content-Location")
	if rec.Header().Get("Access-Control-Allow-Origin") != "https://client.example" {
		t.Error("GET from a listed origin is not allowed")
	}
	iri, _ := app.created("commenter", w3cAnnotation(app.sample.ID, "Hong Lei", "cross-site", nil))
	rec = app.do(http.MethodDelete, localPath(t, iri), "commenter", nil, "Origin", "https://client.example", "Sec-Fetch-Site", "cross-site")
	wantStatus(t, rec, http.StatusNoContent)
}

// TestProtocolRoundTrip: an annotation posted through the protocol is a
// highlight in the reader and an item of the export, and deleting it
// through the protocol removes both.
func TestProtocolRoundTrip(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	iri, _ := app.created("commenter", w3cAnnotation(doc, "Huawei has some 150,000 employees", "How many in the US?", nil))
	id := iri[len(containerIRI(doc)):]
	reader := signIn(t, app, "viewer")
	page := reader.page(t, "/documents/"+doc)
	hl := page.Find(`[data-testid="highlight"][data-annotation-ids~="` + id + `"]`)
	if hl.Length() == 0 || !strings.Contains(hl.Text(), "150,000") {
		t.Fatalf("the reader has no highlight for %s", id)
	}
	if page.Find(`[data-testid="annotation-card"][data-annotation-id="`+id+`"]`).Length() != 1 {
		t.Error("the reader has no card for the annotation")
	}
	rec := app.do(http.MethodGet, "/api/documents/"+doc+"/export?format=w3c&all=1", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	validLD(t, 3, "export.jsonld", rec.Body.Bytes())
	if !strings.Contains(rec.Body.String(), `"id":"`+iri+`"`) {
		t.Fatalf("the export does not hold %s", iri)
	}
	wantStatus(t, app.do(http.MethodDelete, localPath(t, iri), "commenter", nil), http.StatusNoContent)
	if reader.page(t, "/documents/"+doc).Find(`[data-annotation-ids~="`+id+`"]`).Length() != 0 {
		t.Error("the reader still shows the deleted annotation")
	}
	rec = app.do(http.MethodGet, "/api/documents/"+doc+"/export?format=w3c&all=1", "viewer", nil)
	if strings.Contains(rec.Body.String(), iri) {
		t.Error("the export still holds the deleted annotation")
	}
}
