package handlers_test

// Browser test of revisions: an editor revises the sample article on the
// revision page, the highlights stay on the right words and the orphan is
// listed; a suggestion made through the toolbar is accepted, changing the
// text and leaving the other highlights right; the orphan is re-attached
// to a new selection.

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// markText is the text of every highlight segment of an annotation, in
// page order, joined.
func (p *browserTab) markText(id string) string {
	p.t.Helper()
	var b strings.Builder
	for _, m := range p.marksOf(id) {
		b.WriteString(m.Text)
	}
	return b.String()
}

// revise saves text as a new revision on the revision page, from the
// reader, with a note when one is given, and waits for the reader again.
func (p *browserTab) revise(text, note string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="revise-link"]`), chromedp.NodeVisible))
	p.do(
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="revise-text"]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="revise-text"]`), text),
	)
	if note != "" {
		p.do(chromedp.SendKeys(chromedp.CSS(`[data-testid="revise-note"]`), note, chromedp.NodeVisible))
	}
	p.do(
		chromedp.Click(chromedp.CSS(`[data-testid="revise-submit"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="revision-notice"]`)),
	)
	p.waitReader()
}

// jsArticleText is the article's text as the page shows it.
const jsArticleText = `() => document.querySelector('[data-testid="article"]').textContent`

func TestBrowserReviseAndSuggest(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := app.sample.ID
	const (
		editedQuote  = "Huawei condemns initiatives to penetrate corporate networks"
		editedAfter  = "Huawei condemns attempts to penetrate corporate networks"
		insertBefore = "The reports were based on information provided by Edward Snowden"
		inserted     = "An editor's note: this paragraph was added in revision 2.\n\n"
	)
	edited := annotateQuote(t, app, "commenter", doc, editedQuote, nil)
	orphan := annotateQuote(t, app, "commenter", doc, orphanQuote, nil)
	moved := annotateQuote(t, app, "commenter", doc, movedQuote, nil)

	text := app.sample.Text
	if !strings.Contains(text, deletedParagraph) || !strings.Contains(text, insertBefore) {
		t.Fatal("the sample article changed; update the test")
	}
	newText := strings.Replace(text, "condemns initiatives to", "condemns attempts to", 1)
	newText = strings.Replace(newText, deletedParagraph, "", 1)
	newText = strings.Replace(newText, insertBefore, inserted+insertBefore, 1)

	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(doc)
	p.revise(newText, "Tightened the Ding paragraph; cut the Huawei paragraph")
	if got, want := p.path(), "/documents/"+url.PathEscape(doc); got != want {
		t.Fatalf("after saving the revision the browser is at %q, want the reader %q", got, want)
	}
	if got := storedText(app, doc); got != newText {
		t.Fatalf("the stored text is not the one typed")
	}

	// The highlights are on the right words of the new text.
	if got := p.markText(edited.ID); got != editedAfter {
		t.Errorf("the edited passage's highlight covers %q, want %q", got, editedAfter)
	}
	if got := p.markText(moved.ID); got != movedQuote {
		t.Errorf("the moved passage's highlight covers %q, want %q", got, movedQuote)
	}
	if marks := p.marksOf(orphan.ID); len(marks) != 0 {
		t.Errorf("the orphan is still drawn: %+v", marks)
	}
	// The orphan is listed with its old quote and revision.
	orphanCard := `[data-testid="orphans"] [data-testid="annotation-card"][data-annotation-id="` + orphan.ID + `"]`
	p.do(chromedp.WaitVisible(chromedp.CSS(orphanCard)))
	if c := p.card(orphan.ID); c.Quote != orphanQuote {
		t.Errorf("the orphan card quotes %q, want %q", c.Quote, orphanQuote)
	}
	if state := tabCall[string](p, `(sel) => document.querySelector(sel + ' [data-testid="anchor-state"]')?.textContent ?? ""`, orphanCard); !strings.Contains(state, "revision 1") {
		t.Errorf("the orphan card says %q, not the revision it was last anchored at", state)
	}
	if state := tabCall[string](p, `(id) => document.querySelector('[data-annotation-id="' + id + '"] [data-testid="anchor-state"]')?.dataset.anchor ?? ""`, edited.ID); state != "moved" {
		t.Errorf("the edited passage's card shows anchor %q, want moved", state)
	}

	// Suggest a change through the toolbar, then accept it.
	known := tabCall[[]string](p, jsCardIDs)
	tabCall[string](p, jsSelect, "seriously concerned", "", 0)
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="suggest-button"]`), chromedp.NodeVisible))
	if q := p.waitComposer(); q != "seriously concerned" {
		t.Fatalf("the composer quotes %q", q)
	}
	if got := tabEval[string](p, `document.querySelector('[data-testid="replacement-input"]').value`); got != "seriously concerned" {
		t.Errorf("the replacement starts as %q, want the passage", got)
	}
	tabEval[bool](p, `(document.querySelector('[data-testid="replacement-input"]').value = "", true)`)
	p.do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid="replacement-input"]`), "deeply worried", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(selComment), "Plainer.", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(selSave), chromedp.NodeVisible),
	)
	sid := p.waitNewCard(known)
	shown := tabCall[[]string](p, `(id) => { const s = document.querySelector('[data-annotation-id="' + id + '"] [data-testid="suggestion"]'); if (!s) return null; const words = (kind) => [...s.querySelectorAll(kind)].map((e) => e.textContent).join(" "); return [words("del"), words("ins")]; }`, sid)
	// Word by word: each word deleted, each inserted.
	if len(shown) != 2 || shown[0] != "seriously concerned" || shown[1] != "deeply worried" {
		t.Errorf("the suggestion card strikes %q, want deletion and insertion", shown)
	}
	p.do(chromedp.Click(chromedp.CSS(cardSel(sid, `[data-testid="accept-suggestion"]`)), chromedp.NodeVisible))
	tabPoll[bool](p, "the accepted change in the article", `() => document.querySelector('[data-testid="article"]').textContent.includes("deeply worried")`)
	tabPoll[bool](p, "the suggestion marked accepted", `(id) => document.querySelector('[data-annotation-id="' + id + '"] [data-testid="suggestion-verdict"]')?.dataset.verdict === "accepted"`, sid)
	want := strings.Replace(newText, "seriously concerned", "deeply worried", 1)
	if got := storedText(app, doc); got != want {
		t.Errorf("the stored text after accepting is not the revision with exactly the replacement")
	}
	if strings.Contains(tabCall[string](p, jsArticleText), "seriously concerned") {
		t.Error("the article still shows the replaced words")
	}
	if got := p.markText(edited.ID); got != editedAfter {
		t.Errorf("after accepting, the edited passage's highlight covers %q", got)
	}
	if got := p.markText(moved.ID); got != movedQuote {
		t.Errorf("after accepting, the moved passage's highlight covers %q", got)
	}
	if got := p.markText(sid); got != "deeply worried" {
		t.Errorf("the accepted suggestion's highlight covers %q, want the new words", got)
	}

	// Re-attach the orphan to a new selection.
	tabCall[string](p, jsSelect, "Barack Obama", "", 0)
	p.do(chromedp.Click(chromedp.CSS(orphanCard+` [data-testid="reattach-button"]`), chromedp.NodeVisible))
	tabPoll[bool](p, "the orphan to leave the panel", `(sel) => !document.querySelector(sel)`, orphanCard)
	p.do(chromedp.WaitVisible(chromedp.CSS(selHighlight + `[data-annotation-ids~="` + orphan.ID + `"]`)))
	if got := p.markText(orphan.ID); got != "Barack Obama" {
		t.Errorf("the re-attached annotation is drawn on %q", got)
	}
	if a := getAnnotation(t, app, orphan.ID); a.Anchor != "exact" || a.Exact != "Barack Obama" {
		t.Errorf("re-attached annotation: anchor %s exact %q", a.Anchor, a.Exact)
	}
	p.noErrors()
}

// TestBrowserInsertedParagraphLeavesNoWarning: a revision that only adds a
// paragraph above some passages shifts them; their cards say nothing about
// their anchors, and their highlights stay on the same words.
func TestBrowserInsertedParagraphLeavesNoWarning(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := app.sample.ID
	quotes := []string{"Huawei condemns initiatives to penetrate corporate networks", "Edward Snowden", "seriously concerned"}
	var ids []string
	for _, q := range quotes {
		ids = append(ids, annotateQuote(t, app, "commenter", doc, q, nil).ID)
	}
	const firstParagraph = "Beijing wants a clear explanation"
	text := app.sample.Text
	if !strings.Contains(text, firstParagraph) {
		t.Fatal("the sample article changed; update the test")
	}
	newText := strings.Replace(text, firstParagraph, "An editor's note, added above everything the readers commented on.\n\n"+firstParagraph, 1)

	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(doc)
	p.revise(newText, "")
	if got := storedText(app, doc); got != newText {
		t.Fatal("the stored text is not the one typed")
	}
	for i, id := range ids {
		if got := p.markText(id); got != quotes[i] {
			t.Errorf("the highlight of %q covers %q after the revision", quotes[i], got)
		}
		warning := tabCall[string](p, `(id) => document.querySelector('[data-annotation-id="' + id + '"] [data-testid="anchor-state"]')?.textContent ?? ""`, id)
		if warning != "" {
			t.Errorf("the card of %q says %q after a paragraph was added above it, want nothing", quotes[i], warning)
		}
		if a := getAnnotation(t, app, id); a.Anchor != "exact" {
			t.Errorf("%q is anchored %q, want exact", quotes[i], a.Anchor)
		}
	}
	p.noErrors()
}
