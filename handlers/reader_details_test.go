package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestReaderTagFilterIsTheDocuments: the reader's tag filter offers the
// tags of this document's threads, counted there, not the whole desk's.
func TestReaderTagFilterIsTheDocuments(t *testing.T) {
	app := newTestApp(t)
	other := app.addDocumentFile("beijing-slams-spying-on-huawei.txt")
	annotateQuote(t, app, "editor", app.sample.ID, "Hong Lei", map[string]any{"tags": []string{"names"}})
	annotateQuote(t, app, "editor", other.ID, "Hong Lei", map[string]any{"tags": []string{"names"}})
	annotateQuote(t, app, "editor", other.ID, "Edward Snowden", map[string]any{"tags": []string{"names", "elsewhere"}})
	page := signIn(t, app, "editor").page(t, "/documents/"+app.sample.ID)
	var got []string
	page.Find(`[data-testid="filter-tag"] option`).Each(func(_ int, o *goquery.Selection) {
		if v, _ := o.Attr("value"); v != "" {
			got = append(got, o.Text())
		}
	})
	if strings.Join(got, "|") != "names (1)" {
		t.Errorf("the reader's tag filter offers %q, want only this document's tag, counted here: names (1)", got)
	}
}

// TestActivityQuotesOnce: a passage that starts with a quotation mark is
// not set in a second pair.
func TestActivityQuotesOnce(t *testing.T) {
	app := newTestApp(t)
	annotateQuote(t, app, "editor", app.sample.ID, `"Like any other telecom company`, nil)
	page := signIn(t, app, "editor").page(t, "/documents/"+app.sample.ID)
	q := page.Find(`[data-testid="activity-entry"] .quote-ref`).First().Text()
	if q != `“Like any other telecom company”` {
		t.Errorf("the activity log quotes the passage as %s", q)
	}
}

// TestFirstRevisionAuthor: a revision with no author (the sample article,
// command-line imports) says it was imported instead of showing nothing.
func TestFirstRevisionAuthor(t *testing.T) {
	app := newTestApp(t)
	page := signIn(t, app, "editor").page(t, "/documents/"+app.sample.ID+"/history")
	row := page.Find(`[data-testid="revision-row"]`).First()
	if !strings.Contains(row.Text(), "imported") {
		t.Errorf("revision 1's row reads %q: no author, and no word that it was imported", strings.Join(strings.Fields(row.Text()), " "))
	}
	wantStatus(t, app.do(http.MethodGet, "/api/documents/"+app.sample.ID+"/revisions", "editor", nil), http.StatusOK)
}
