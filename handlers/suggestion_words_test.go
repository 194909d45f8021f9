package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// TestSuggestionCardWordByWord: a suggestion's card strikes only the words
// it deletes and shows only those it inserts; the words it keeps read
// plainly.
func TestSuggestionCardWordByWord(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	s := annotateQuote(t, app, "editor", doc, "provided by Edward Snowden, a former NSA contractor",
		map[string]any{"motivation": "editing", "replacement": "provided by the whistleblower Edward Snowden, a former contractor"})
	page := signIn(t, app, "commenter").page(t, "/documents/"+doc)
	sugg := page.Find(`[data-annotation-id="` + s.ID + `"] [data-testid="suggestion"]`)
	if sugg.Length() != 1 {
		t.Fatal("the suggestion card shows no suggestion")
	}
	texts := func(sel string) []string {
		var out []string
		sugg.Find(sel).Each(func(_ int, n *goquery.Selection) { out = append(out, strings.TrimSpace(n.Text())) })
		return out
	}
	if del := texts("del"); strings.Join(del, "|") != "NSA" {
		t.Errorf("struck out %q, want only the deleted word NSA", del)
	}
	if ins := texts("ins"); strings.Join(ins, "|") != "the whistleblower" {
		t.Errorf("inserted %q, want only \"the whistleblower\"", ins)
	}
	if kept := strings.Join(texts("span:not(.muted)"), " "); !strings.Contains(kept, "Edward Snowden") {
		t.Errorf("the unchanged words %q do not read plainly", kept)
	}
}

// TestHistoryDiffCutsAtWords: where the history leaves out a long
// unchanged stretch, it cuts between words, never inside one.
func TestHistoryDiffCutsAtWords(t *testing.T) {
	app := newTestApp(t)
	doc := app.sample.ID
	text := storedText(app, doc)
	// Changes at the start and the end leave a long stretch between.
	newText := strings.Replace(text, "Beijing slams spying", "Beijing condemns spying", 1)
	newText = strings.Replace(newText, "he said.", "he added.", 1)
	rec := app.do(http.MethodPut, "/api/documents/"+doc+"/text", "editor", map[string]any{"text": newText, "note": "x"}, "If-Match", `"r1"`)
	wantStatus(t, rec, http.StatusOK)
	hist := signIn(t, app, "editor").page(t, "/documents/"+doc+"/history")
	elided := hist.Find(`[data-testid="diff"] .elided`)
	if elided.Length() == 0 {
		t.Fatal("the history elides nothing; make the unchanged stretch longer")
	}
	elided.Each(func(_ int, e *goquery.Selection) {
		head, tail := e.Prev().Text(), e.Next().Text()
		last, _ := utf8.DecodeLastRuneInString(head)
		first, _ := utf8.DecodeRuneInString(tail)
		// The text around the cut must be whole words of the article: the
		// head is followed, and the tail preceded, by white space there.
		if head != "" && !unicode.IsSpace(last) && !strings.Contains(text, head+" ") && !strings.Contains(text, head+"\n") {
			t.Errorf("the kept text before an elision ends inside a word: …%q", head[max(0, len(head)-20):])
		}
		if tail != "" && !unicode.IsSpace(first) && !strings.Contains(text, " "+tail) && !strings.Contains(text, "\n"+tail) {
			t.Errorf("the kept text after an elision starts inside a word: %q…", tail[:min(len(tail), 20)])
		}
	})
}
