package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"galley/annotation"

	"github.com/PuerkitoBio/goquery"
)

// createOn annotates the first occurrence of quote through the API.
func (a *testApp) createOn(doc annotation.Document, user, quote string, body map[string]any) string {
	a.t.Helper()
	i := strings.Index(doc.Text, quote)
	if i < 0 {
		a.t.Fatalf("%q not in the document", quote)
	}
	start := len([]rune(doc.Text[:i]))
	if body == nil {
		body = map[string]any{}
	}
	body["start"], body["end"], body["exact"] = start, start+len([]rune(quote)), quote
	rec := a.do(http.MethodPost, "/api/documents/"+doc.ID+"/annotations", user, body)
	wantStatus(a.t, rec, http.StatusCreated)
	return decode[struct {
		ID string `json:"id"`
	}](a.t, rec).ID
}

func TestExportEndpoints(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample
	id := app.createOn(doc, "editor", "Hong Lei", map[string]any{"comment": "Title? </script><b>", "tags": []string{"style"}})
	wantStatus(t, app.do(http.MethodPost, "/api/annotations/"+id+"/replies", "commenter", map[string]any{"comment": "Foreign Ministry spokesman."}), http.StatusCreated)
	app.createOn(doc, "commenter", "National Security Agency", nil)

	tests := []struct {
		name, query, contentType, fileSuffix string
		items                                int // annotations and replies in the answer
	}{
		{"w3c paged", "?format=w3c", "application/ld+json", ".w3c.jsonld", 3},
		{"w3c whole", "?format=w3c&all=1", "application/ld+json", ".w3c.jsonld", 3},
		{"w3c by default", "", "application/ld+json", ".w3c.jsonld", 3},
		{"native", "?format=native", "application/json", ".galley.json", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := app.do(http.MethodGet, "/api/documents/"+doc.ID+"/export"+tt.query, "viewer", nil)
			wantStatus(t, rec, http.StatusOK)
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			if strings.HasPrefix(tt.contentType, "application/ld+json") &&
				rec.Header().Get("Content-Type") != `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"` {
				t.Errorf("W3C export without the anno.jsonld profile: %q", rec.Header().Get("Content-Type"))
			}
			disp, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition"))
			if err != nil || disp != "attachment" || params["filename"] != "beijing-slams-spying-on-huawei"+tt.fileSuffix {
				t.Errorf("Content-Disposition %q", rec.Header().Get("Content-Disposition"))
			}
			body := rec.Body.Bytes()
			if bytes.Contains(body, []byte("</script>")) || !bytes.Contains(body, []byte(`\u003c/script\u003e`)) {
				t.Error("markup in a comment is not escaped as \\u003c in the export")
			}
			var v struct {
				Total int `json:"total"`
				First struct {
					Items []any `json:"items"`
				} `json:"first"`
				Annotations []struct {
					Replies []any `json:"replies"`
				} `json:"annotations"`
			}
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatal(err)
			}
			got := len(v.First.Items)
			if tt.contentType == "application/json" {
				got = len(v.Annotations)
			}
			if got != tt.items {
				t.Errorf("%d items, want %d", got, tt.items)
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		wantError(t, app.do(http.MethodGet, "/api/documents/"+doc.ID+"/export?format=csv", "viewer", nil), http.StatusBadRequest, "bad_format")
		wantError(t, app.do(http.MethodGet, "/api/documents/"+doc.ID+"/export?format=w3c&page=x", "viewer", nil), http.StatusBadRequest, "bad_page")
		wantError(t, app.do(http.MethodGet, "/api/documents/"+doc.ID+"/export?format=w3c&page=7", "viewer", nil), http.StatusNotFound, "not_found")
		wantError(t, app.do(http.MethodGet, "/api/documents/NOPE/export?format=w3c", "viewer", nil), http.StatusNotFound, "not_found")
		wantError(t, app.do(http.MethodGet, "/api/documents/"+doc.ID+"/export", "", nil), http.StatusUnauthorized, "unauthenticated")
	})

	t.Run("all documents", func(t *testing.T) {
		app.addDocumentFile("unicode-crlf.txt")
		rec := app.do(http.MethodGet, "/api/export?format=native", "viewer", nil)
		wantStatus(t, rec, http.StatusOK)
		var all struct {
			Documents []any `json:"documents"`
			Total     int   `json:"total"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &all); err != nil {
			t.Fatal(err)
		}
		if all.Total != 2 || len(all.Documents) != 2 {
			t.Fatalf("%d documents, total %d", len(all.Documents), all.Total)
		}
		wantStatus(t, app.do(http.MethodGet, "/api/export?format=w3c", "viewer", nil), http.StatusOK)
	})

	t.Run("hostile title", func(t *testing.T) {
		rec := app.do(http.MethodPost, "/api/documents", "editor", map[string]any{
			"title": "\"; filename=evil.exe\r\nX: y/../../\u202e", "text": "A short article.\n\nWith two paragraphs.",
		})
		wantStatus(t, rec, http.StatusCreated)
		hostile := decode[annotation.Document](t, rec)
		rec = app.do(http.MethodGet, "/api/documents/"+hostile.ID+"/export?format=native", "viewer", nil)
		wantStatus(t, rec, http.StatusOK)
		_, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition"))
		if err != nil || params["filename"] != "filename-evil-exe-x-y.galley.json" {
			t.Fatalf("Content-Disposition %q (%v)", rec.Header().Get("Content-Disposition"), err)
		}
	})
}

func TestImportEndpoint(t *testing.T) {
	app := newTestApp(t)
	hypothesis, err := os.ReadFile(filepath.Join("..", "testdata", "hypothesis-annotation.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/documents/" + app.sample.ID + "/import"

	wantError(t, app.do(http.MethodPost, path, "viewer", hypothesis), http.StatusForbidden, "forbidden")
	wantError(t, app.do(http.MethodPost, path, "commenter", hypothesis), http.StatusForbidden, "forbidden")
	wantError(t, app.do(http.MethodPost, path, "editor", "not json at all"), http.StatusBadRequest, "bad_import")
	wantError(t, app.do(http.MethodPost, "/api/documents/NOPE/import", "editor", hypothesis), http.StatusNotFound, "not_found")

	type result struct {
		Imported, Exact, Fuzzy, Orphaned, Replies, Duplicates int
		Errors                                                []struct {
			Index   int    `json:"index"`
			Message string `json:"message"`
		}
	}
	rec := app.do(http.MethodPost, path, "editor", hypothesis)
	wantStatus(t, rec, http.StatusOK)
	if r := decode[result](t, rec); r.Imported != 1 || r.Fuzzy != 1 || len(r.Errors) != 0 {
		t.Fatalf("import: %+v", r)
	}
	// Again, as JSON-LD with the Web Annotation profile: the same body,
	// already imported.
	rec = app.do(http.MethodPost, path, "editor", hypothesis, "Content-Type", `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`)
	wantStatus(t, rec, http.StatusOK)
	if r := decode[result](t, rec); r.Imported != 0 || r.Duplicates != 1 {
		t.Fatalf("second import: %+v", r)
	}
	wantError(t, app.do(http.MethodPost, path, "editor", hypothesis, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "unsupported_media_type")

	// The imported thread shows in the reader, highlighted, by its author.
	list := decode[struct {
		Annotations []annotation.Annotation `json:"annotations"`
	}](t, app.do(http.MethodGet, "/api/documents/"+app.sample.ID+"/annotations", "viewer", nil))
	if len(list.Annotations) != 1 || list.Annotations[0].Anchor != annotation.AnchorFuzzy {
		t.Fatalf("annotations after import: %+v", list.Annotations)
	}
	id := list.Annotations[0].ID
	viewer := signIn(t, app, "viewer")
	page := viewer.page(t, "/documents/"+app.sample.ID)
	if page.Find(`[data-testid="highlight"][data-annotation-ids~="`+id+`"]`).Length() == 0 {
		t.Fatal("the imported annotation is not highlighted")
	}
	links := page.Find(`[data-testid="export-link"]`)
	if links.Length() != 2 {
		t.Fatalf("%d export links, want 2", links.Length())
	}
	links.Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		if rec := viewer.do(http.MethodGet, href, nil); rec.Code != http.StatusOK {
			t.Errorf("export link %s: %d", href, rec.Code)
		}
	})
}

// TestLargeImportIsSpooled: an import larger than what is kept in memory
// goes through a temporary file, which is removed afterwards, and is
// imported whole; a malformed one stores nothing and leaves no file.
func TestLargeImportIsSpooled(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	app := newTestApp(t)
	text := app.sample.Text
	start, end := codePointSpan(t, text, "Huawei")
	comment := strings.Repeat("A long imported comment that goes on. ", 16)
	items := make([]map[string]any, 0, 3000)
	for i := range 3000 {
		items = append(items, map[string]any{
			"id": fmt.Sprintf("urn:test:large:%d", i), "type": "Annotation",
			"body":   map[string]any{"type": "TextualBody", "value": fmt.Sprintf("%d: %s", i, comment)},
			"target": map[string]any{"selector": map[string]any{"type": "TextPositionSelector", "start": start, "end": end}},
		})
	}
	data, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2<<20 {
		t.Fatalf("the import is only %d bytes", len(data))
	}
	path := "/api/documents/" + app.sample.ID + "/import"

	bad := append(bytes.Clone(data[:len(data)-1]), []byte(",]")...)
	wantError(t, app.do(http.MethodPost, path, "editor", bad), http.StatusBadRequest, "bad_import")
	if th, _, _ := app.db.CountThreads(app.sample.ID); th != 0 {
		t.Fatalf("a malformed import stored %d threads", th)
	}

	rec := app.do(http.MethodPost, path, "editor", data)
	wantStatus(t, rec, http.StatusOK)
	if r := decode[struct{ Imported, Exact int }](t, rec); r.Imported != 3000 || r.Exact != 3000 {
		t.Fatalf("import: %s", rec.Body.String()[:200])
	}
	if th, _, _ := app.db.CountThreads(app.sample.ID); th != 3000 {
		t.Fatalf("stored %d threads, want 3000", th)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("the import left %s in the temporary directory", e.Name())
	}
}
