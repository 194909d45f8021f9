package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"galley/annotation"
)

// importedAuthorFile is a W3C annotation and a reply whose creators are
// named like the desk's commenter, the annotation's with the IRI this desk
// gives that user: neither is that account.
func importedAuthorFile(t *testing.T, app *testApp) []byte {
	t.Helper()
	text := app.sample.Text
	start, end := codePointSpan(t, text, "Huawei")
	file := []map[string]any{
		{
			"@context": "http://www.w3.org/ns/anno.jsonld", "id": "https://elsewhere.example/anno/1", "type": "Annotation",
			"motivation": "commenting",
			"creator":    map[string]any{"id": "http://example.com/users/" + app.userID("commenter"), "type": "Person", "name": "commenter"},
			"body":       map[string]any{"type": "TextualBody", "value": "From the other tool", "purpose": "commenting"},
			"target": map[string]any{"source": "https://elsewhere.example/doc", "selector": []any{
				map[string]any{"type": "TextQuoteSelector", "exact": "Huawei"},
				map[string]any{"type": "TextPositionSelector", "start": start, "end": end},
			}},
		},
		{
			"id": "https://elsewhere.example/anno/2", "type": "Annotation", "motivation": "replying",
			"creator": map[string]any{"name": "commenter"},
			"body":    map[string]any{"type": "TextualBody", "value": "An imported reply"},
			"target":  "https://elsewhere.example/anno/1",
		},
	}
	data, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestImportedAuthorsAreNotAccounts: an imported annotation and reply
// whose creator is named like a local user are marked imported in the API
// ("imported": true, no id), in events and the native export, and with
// "(imported)" on the card; the user of that name cannot edit, delete or
// resolve them as theirs, nor does filtering by that name find them.
func TestImportedAuthorsAreNotAccounts(t *testing.T) {
	app := newTestApp(t)
	rec := app.do(http.MethodPost, "/api/documents/"+app.sample.ID+"/import", "editor", importedAuthorFile(t, app))
	wantStatus(t, rec, http.StatusOK)
	if r := decode[struct{ Imported, Replies int }](t, rec); r.Imported != 1 || r.Replies != 1 {
		t.Fatalf("import: %s", rec.Body)
	}
	// And one the commenter writes, to tell apart.
	text := app.sample.Text
	start, end := codePointSpan(t, text, "Beijing")
	own := mustCreateAnnotation(t, app, "commenter", app.sample.ID, annotationRequest(text, start, end, "my own"))

	type author struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Imported *bool  `json:"imported"`
	}
	list := decode[struct {
		Annotations []struct {
			ID      string `json:"id"`
			Comment string `json:"comment"`
			Version int    `json:"version"`
			Author  author `json:"author"`
			Replies []struct {
				ID      string `json:"id"`
				Version int    `json:"version"`
				Author  author `json:"author"`
			} `json:"replies"`
		} `json:"annotations"`
	}](t, app.do(http.MethodGet, "/api/documents/"+app.sample.ID+"/annotations", "viewer", nil))
	var impID, replyID string
	for _, a := range list.Annotations {
		switch a.Comment {
		case "From the other tool":
			impID = a.ID
			if a.Author.ID != "" || a.Author.Name != "commenter" || a.Author.Imported == nil || !*a.Author.Imported {
				t.Errorf("imported author in the API: %+v, want no id, the name, imported: true", a.Author)
			}
			if len(a.Replies) != 1 {
				t.Fatalf("imported thread has %d replies", len(a.Replies))
			}
			replyID = a.Replies[0].ID
			if r := a.Replies[0].Author; r.ID != "" || r.Imported == nil || !*r.Imported {
				t.Errorf("imported reply author in the API: %+v", r)
			}
		case "my own":
			if a.Author.Imported != nil || a.Author.ID == "" {
				t.Errorf("a local author in the API: %+v, want an id and no imported mark", a.Author)
			}
		}
	}
	if impID == "" {
		t.Fatal("the imported annotation is not listed")
	}

	// The commenter of the same name owns none of it.
	wantStatus(t, app.do(http.MethodPatch, "/api/annotations/"+impID, "commenter", map[string]any{"comment": "hijacked"}, "If-Match", `"1"`), http.StatusForbidden)
	wantStatus(t, app.do(http.MethodDelete, "/api/annotations/"+impID, "commenter", nil, "If-Match", `"1"`), http.StatusForbidden)
	wantStatus(t, app.do(http.MethodPost, "/api/annotations/"+impID+"/resolve", "commenter", nil), http.StatusForbidden)
	wantStatus(t, app.do(http.MethodPatch, "/api/replies/"+replyID, "commenter", map[string]any{"comment": "hijacked"}, "If-Match", `"1"`), http.StatusForbidden)
	wantStatus(t, app.do(http.MethodDelete, "/api/replies/"+replyID, "commenter", nil, "If-Match", `"1"`), http.StatusForbidden)
	// Filtering by the commenter's name finds only what they wrote.
	if ids := annotationIDs(t, app, app.sample.ID, "?author=commenter"); len(ids) != 1 || ids[0] != own.ID {
		t.Errorf("author=commenter lists %v, want only %s", ids, own.ID)
	}

	// The card says so, and offers the commenter no owner's actions.
	page := signIn(t, app, "commenter").page(t, "/documents/"+app.sample.ID)
	card := page.Find(`[data-testid="annotation-card"][data-annotation-id="` + impID + `"]`)
	if card.Length() != 1 {
		t.Fatal("no card for the imported annotation")
	}
	if got := card.Find(`.card-meta [data-testid="imported-author"]`).Text(); got != "(imported)" {
		t.Errorf("the card's author is marked %q, want (imported)", got)
	}
	if card.Find(`[data-testid="reply"] [data-testid="imported-author"]`).Length() != 1 {
		t.Error("the imported reply is not marked (imported)")
	}
	for _, hook := range []string{"edit-button", "delete-button", "resolve-button"} {
		if card.Find(`[data-testid="`+hook+`"]`).Length() != 0 {
			t.Errorf("the commenter is offered %s on an imported annotation", hook)
		}
	}
	ownCard := page.Find(`[data-testid="annotation-card"][data-annotation-id="` + own.ID + `"]`)
	if ownCard.Find(`[data-testid="imported-author"]`).Length() != 0 || ownCard.Find(`[data-testid="edit-button"]`).Length() != 1 {
		t.Error("the commenter's own card is marked imported or not editable")
	}
	if got := page.Find(`[data-testid="activity-entry"] [data-testid="imported-author"]`).Length(); got != 2 {
		t.Errorf("%d activity entries marked (imported), want 2 (the annotation and the reply)", got)
	}

	// The native export marks them too.
	rec = app.do(http.MethodGet, "/api/documents/"+app.sample.ID+"/export?format=native", "viewer", nil)
	wantStatus(t, rec, http.StatusOK)
	if n := strings.Count(rec.Body.String(), `"imported":true`); n != 2 {
		t.Errorf("the native export marks %d authors imported, want 2", n)
	}
}

// TestAuthorImportedMark: the JSON of an author says imported for the
// creator of an import, also one stored before the mark existed (a name
// without an account id), and never for an account or for nobody.
func TestAuthorImportedMark(t *testing.T) {
	for _, tc := range []struct {
		name   string
		author annotation.Author
		want   bool
	}{
		{"account", annotation.Author{ID: "01J", Name: "commenter"}, false},
		{"nobody", annotation.Author{}, false},
		{"marked", annotation.Author{Name: "commenter", IRI: "https://elsewhere.example/u/1", Imported: true}, true},
		{"stored before the mark", annotation.Author{Name: "commenter"}, true},
		{"only an IRI", annotation.Author{IRI: "https://elsewhere.example/u/1"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.author)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Contains(string(data), `"imported":true`)
			if got != tc.want {
				t.Errorf("%s: imported %v, want %v", data, got, tc.want)
			}
		})
	}
}
