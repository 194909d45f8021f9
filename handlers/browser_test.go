package handlers_test

// Browser tests: the reader in a real headless Chromium (see chrome_test.go),
// driven as a person would: sign in, open an article, select a passage,
// annotate it, hover and use the keyboard. What the browser sends is checked
// against the document text through the JSON API.

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// JavaScript run in the page. Each is a function expression.
const (
	// jsSelect selects, as a person dragging the mouse would, the article
	// text from the start of the nth occurrence of from to the end of the
	// first occurrence of to at or after it (to "" means from alone). It
	// walks the article's text nodes, finds the passage's UTF-16 bounds in
	// their concatenated data and sets a Range on the right nodes; the
	// blocks have no text between them, so a passage across blocks is
	// written without the blank line. Like a mouse press, it takes the
	// focus away first. It returns the range's text.
	jsSelect = `(from, to, nth) => {
		const article = document.querySelector('[data-testid="article"]');
		if (!article) throw new Error("no article on the page");
		const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
		const nodes = [];
		let text = "";
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			nodes.push({ n, at: text.length });
			text += n.data;
		}
		let start = -1;
		for (let i = 0; i <= nth; i++) {
			start = text.indexOf(from, start + 1);
			if (start < 0) throw new Error("occurrence " + nth + " of " + JSON.stringify(from) + " is not in the article");
		}
		to = to || from;
		const last = text.indexOf(to, start);
		if (last < 0) throw new Error(JSON.stringify(to) + " does not follow " + JSON.stringify(from));
		const end = last + to.length;
		const a = nodes.find(({ n, at }) => start >= at && start < at + n.data.length);
		const b = nodes.find(({ n, at }) => end > at && end <= at + n.data.length);
		const range = document.createRange();
		range.setStart(a.n, start - a.at);
		range.setEnd(b.n, end - b.at);
		// Pressing the mouse in the article would take the focus from
		// wherever it is (a card, the composer's comment box).
		if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
		const sel = document.getSelection();
		sel.removeAllRanges();
		sel.addRange(range);
		return range.toString();
	}`

	// jsCardIDs lists the annotation cards' ids in page order.
	jsCardIDs = `() => [...document.querySelectorAll('[data-testid="annotation-card"]')].map((c) => c.dataset.annotationId)`

	// jsNewCard returns {id} of a card not in known once the composer has
	// closed, or {error} when the composer shows one.
	jsNewCard = `(known) => {
		const composer = document.getElementById("composer");
		const alert = composer?.querySelector(".alert");
		if (alert && !alert.hidden && alert.textContent) return { error: alert.textContent };
		if (composer && !composer.hidden) return null;
		const card = [...document.querySelectorAll('[data-testid="annotation-card"]')]
			.find((c) => !known.includes(c.dataset.annotationId));
		return card ? { id: card.dataset.annotationId } : null;
	}`

	// jsMarks describes every highlight in page order.
	jsMarks = `() => [...document.querySelectorAll('[data-testid="highlight"]')].map((m) => ({
		text: m.textContent,
		ids: m.dataset.annotationIds.split(" ").filter(Boolean),
		classes: [...m.classList],
		block: Number(m.closest("[data-start]")?.dataset.start ?? -1),
	}))`

	// jsCard describes one card.
	jsCard = `(id) => {
		const card = document.querySelector('[data-testid="annotation-card"][data-annotation-id="' + CSS.escape(id) + '"]');
		if (!card) return null;
		const text = (sel) => card.querySelector(sel)?.textContent ?? "";
		return {
			quote: text(".quote"),
			comment: text(".comment"),
			tags: [...card.querySelectorAll(".tag")].map((t) => t.textContent),
			author: text(".author"),
		};
	}`

	// jsLit lists which marks and cards are lit.
	jsLit = `() => ({
		marks: [...document.querySelectorAll('[data-testid="highlight"]')].map((m) => ({
			text: m.textContent, ids: m.dataset.annotationIds.split(" "), lit: m.classList.contains("lit") })),
		cards: [...document.querySelectorAll('[data-testid="annotation-card"]')].map((c) => ({
			id: c.dataset.annotationId, lit: c.classList.contains("lit") })),
	})`

	// jsSteadyPoint scrolls the nth element matching sel into view and,
	// once it has stood still for a few polls (smooth scrolling may be
	// running), returns a point inside its first line box.
	jsSteadyPoint = `(sel, nth) => {
		const el = document.querySelectorAll(sel)[nth];
		if (!el) throw new Error("no element " + sel + " #" + nth);
		const r = el.getClientRects()[0] ?? el.getBoundingClientRect();
		if (r.top < 0 || r.bottom > innerHeight) { el.scrollIntoView({ block: "center" }); return null; }
		const key = r.left + "," + r.top;
		const st = (window.__steady ??= { key: "", n: 0 });
		if (st.key === key) st.n++; else { st.key = key; st.n = 0; }
		if (st.n < 4) return null;
		window.__steady = null;
		return { x: r.left + Math.min(r.width / 2, 12), y: r.top + r.height / 2 };
	}`

	// jsHitIs tells whether the element at a point is inside the nth match.
	jsHitIs = `(sel, nth, x, y) => {
		const el = document.querySelectorAll(sel)[nth];
		const hit = document.elementFromPoint(x, y);
		return !!el && !!hit && (el === hit || el.contains(hit));
	}`

	// jsComposerQuote is the quote of the open composer, or null.
	jsComposerQuote = `() => {
		const composer = document.getElementById("composer");
		return composer && !composer.hidden ? document.getElementById("composer-quote").textContent : null;
	}`

	// jsVisible tells whether the first element matching sel is rendered.
	jsVisible = `(sel) => document.querySelector(sel)?.checkVisibility() ?? false`

	// jsActiveCard is the id of the focused card, or "".
	jsActiveCard = `() => document.activeElement?.closest?.('[data-testid="annotation-card"]')?.dataset.annotationId ?? ""`
)

// Selectors of the hooks API.md promises.
const (
	selArticle   = `[data-testid="article"]`
	selAnnotate  = `[data-testid="annotate-button"]`
	selComment   = `[data-testid="comment-input"]`
	selTags      = `[data-testid="tags-input"]`
	selSave      = `[data-testid="save-annotation"]`
	selCard      = `[data-testid="annotation-card"]`
	selHighlight = `[data-testid="highlight"]`
)

// textPassage is a selection in the article: from the start of the nth
// occurrence of From to the end of the first To after it (To "" is From).
type textPassage struct {
	From, To string
	Nth      int
}

// uiMark and uiCard are what jsMarks and jsCard report.
type uiMark struct {
	Text    string   `json:"text"`
	IDs     []string `json:"ids"`
	Classes []string `json:"classes"`
	Block   int      `json:"block"`
}

type uiCard struct {
	Quote   string   `json:"quote"`
	Comment string   `json:"comment"`
	Tags    []string `json:"tags"`
	Author  string   `json:"author"`
}

type uiLit struct {
	Marks []struct {
		Text string   `json:"text"`
		IDs  []string `json:"ids"`
		Lit  bool     `json:"lit"`
	} `json:"marks"`
	Cards []struct {
		ID  string `json:"id"`
		Lit bool   `json:"lit"`
	} `json:"cards"`
}

// storedAnnotation is an annotation as GET /api/documents/{id}/annotations
// shows it.
type storedAnnotation struct {
	ID      string   `json:"id"`
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Exact   string   `json:"exact"`
	Comment string   `json:"comment"`
	Tags    []string `json:"tags"`
	Author  struct {
		Name string `json:"name"`
	} `json:"author"`
}

// signIn signs in through the login form and lands on the document list.
func (p *browserTab) signIn(user string) {
	p.t.Helper()
	p.do(
		chromedp.Navigate(p.base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword, chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="document-row"]`)),
	)
	if path := p.path(); path != "/" {
		p.t.Fatalf("after signing in the browser is at %q, want /", path)
	}
}

// path is the current location's path.
func (p *browserTab) path() string {
	p.t.Helper()
	loc := tabRun(p, chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		p.t.Fatal(err)
	}
	return u.Path
}

// openReader goes straight to a document's reader page.
func (p *browserTab) openReader(docID string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.base + "/documents/" + url.PathEscape(docID)))
	p.waitReader()
}

// waitReader waits until the reader shows the article and its script runs.
func (p *browserTab) waitReader() {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(selArticle)))
	tabPoll[bool](p, "the page to load", `() => document.readyState === "complete"`)
}

// annotate selects a passage, opens the composer with the toolbar button,
// fills in the comment and tags, saves, and waits for the new card and its
// highlight. It returns the new annotation's id and the quote the composer
// showed.
func (p *browserTab) annotate(sel textPassage, comment, tags string) (id, quote string) {
	p.t.Helper()
	known := tabCall[[]string](p, jsCardIDs)
	tabCall[string](p, jsSelect, sel.From, sel.To, sel.Nth)
	p.do(chromedp.Click(chromedp.CSS(selAnnotate), chromedp.NodeVisible))
	quote = p.waitComposer()
	if comment != "" {
		p.do(chromedp.SendKeys(chromedp.CSS(selComment), comment, chromedp.NodeVisible))
	}
	if tags != "" {
		p.do(chromedp.SendKeys(chromedp.CSS(selTags), tags, chromedp.NodeVisible))
	}
	p.do(chromedp.Click(chromedp.CSS(selSave), chromedp.NodeVisible))
	id = p.waitNewCard(known)
	p.do(chromedp.WaitVisible(chromedp.CSS(selHighlight + `[data-annotation-ids~="` + id + `"]`)))
	p.noErrors()
	return id, quote
}

// waitNewCard waits for the card of a just-saved annotation, and returns
// its id; an error the composer shows fails the test at once.
func (p *browserTab) waitNewCard(known []string) string {
	p.t.Helper()
	res := tabPoll[struct{ ID, Error string }](p, "the new annotation's card", jsNewCard, known)
	if res.Error != "" {
		p.t.Fatalf("saving the annotation failed: %s%s", res.Error, p.problemText())
	}
	return res.ID
}

// waitComposer waits until the composer is open on a passage, and returns
// the quote it shows.
func (p *browserTab) waitComposer() string {
	p.t.Helper()
	return tabPoll[string](p, "the composer to open", jsComposerQuote)
}

func (p *browserTab) marks() []uiMark {
	p.t.Helper()
	return tabCall[[]uiMark](p, jsMarks)
}

// marksOf are the highlights that carry an annotation id.
func (p *browserTab) marksOf(id string) []uiMark {
	p.t.Helper()
	var out []uiMark
	for _, m := range p.marks() {
		if slices.Contains(m.IDs, id) {
			out = append(out, m)
		}
	}
	return out
}

func (p *browserTab) card(id string) uiCard {
	p.t.Helper()
	c := tabCall[*uiCard](p, jsCard, id)
	if c == nil {
		p.t.Fatalf("no annotation card for %s", id)
	}
	return *c
}

// hover moves the mouse over the nth element matching sel, after it has
// scrolled into view and stopped moving.
func (p *browserTab) hover(sel string, nth int) {
	p.t.Helper()
	pt := tabPoll[struct{ X, Y float64 }](p, "a steady "+sel, jsSteadyPoint, sel, nth)
	p.do(chromedp.MouseEvent(chromedp.MouseMoved, pt.X, pt.Y))
	if !tabCall[bool](p, jsHitIs, sel, nth, pt.X, pt.Y) {
		p.t.Fatalf("the mouse at (%.0f, %.0f) is not over %s #%d", pt.X, pt.Y, sel, nth)
	}
}

// mouseAway moves the mouse to the top bar, where nothing is annotated.
func (p *browserTab) mouseAway() {
	p.t.Helper()
	p.do(chromedp.MouseEvent(chromedp.MouseMoved, 2, 2))
}

// storedText is a document's text as the API returns it.
func storedText(a *testApp, docID string) string {
	a.t.Helper()
	rec := a.do(http.MethodGet, "/api/documents/"+docID, "editor", nil)
	wantStatus(a.t, rec, http.StatusOK)
	return decode[struct {
		Text string `json:"text"`
	}](a.t, rec).Text
}

// storedAnnotations are a document's annotations as the API lists them.
func storedAnnotations(a *testApp, docID string) map[string]storedAnnotation {
	a.t.Helper()
	rec := a.do(http.MethodGet, "/api/documents/"+docID+"/annotations", "editor", nil)
	wantStatus(a.t, rec, http.StatusOK)
	list := decode[struct {
		Annotations []storedAnnotation `json:"annotations"`
	}](a.t, rec).Annotations
	out := make(map[string]storedAnnotation, len(list))
	for _, an := range list {
		out[an.ID] = an
	}
	return out
}

// codePointsOf is the code point span of the first occurrence of quote in text.
func codePointsOf(t *testing.T, text, quote string) (start, end int) {
	t.Helper()
	i := strings.Index(text, quote)
	if i < 0 {
		t.Fatalf("%q is not in the document text", quote)
	}
	start = utf8.RuneCountInString(text[:i])
	return start, start + utf8.RuneCountInString(quote)
}

// checkAnchored fails unless the stored annotation anchors quote: its offsets
// are the code point offsets of quote in text, and exact is the text there.
func checkAnchored(t *testing.T, text string, an storedAnnotation, quote string) {
	t.Helper()
	start, end := codePointsOf(t, text, quote)
	if an.Start != start || an.End != end {
		t.Errorf("annotation %s of %q is at [%d,%d), want the code point span [%d,%d)", an.ID, quote, an.Start, an.End, start, end)
	}
	runes := []rune(text)
	if an.Start < 0 || an.End > len(runes) || an.Start > an.End {
		t.Fatalf("annotation %s has offsets [%d,%d) outside the text (%d code points)", an.ID, an.Start, an.End, len(runes))
	}
	if got := string(runes[an.Start:an.End]); got != an.Exact {
		t.Errorf("annotation %s: text at [%d,%d) is %q, exact is %q", an.ID, an.Start, an.End, got, an.Exact)
	}
	if an.Exact != quote {
		t.Errorf("annotation %s: exact %q, want %q", an.ID, an.Exact, quote)
	}
}

// TestBrowserAnnotateSample is the main flow: sign in, open the sample
// article from the list, annotate a passage, see it, reload, see it again.
func TestBrowserAnnotateSample(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := openTab(t, app)
	p.signIn("editor")

	const title = "Beijing slams spying on Huawei"
	p.do(chromedp.Click(`//tr[@data-testid="document-row"]//a[normalize-space(.)="`+title+`"]`, chromedp.NodeVisible))
	p.waitReader()
	if got, want := p.path(), "/documents/"+app.sample.ID; got != want {
		t.Fatalf("the title link led to %q, want %q", got, want)
	}

	const quote = "Huawei Technologies condemned the alleged infiltration"
	// The comment has j and k in it: typing them must not move the focus.
	const comment = "Just check who broke this: NYT or Der Spiegel?"
	id, shown := p.annotate(textPassage{From: quote}, comment, "fact-check, sourcing")
	if shown != quote {
		t.Errorf("the composer quoted %q, want %q", shown, quote)
	}

	check := func(when string) {
		t.Helper()
		marks := p.marks()
		if len(marks) != 1 {
			t.Fatalf("%s: %d highlights %+v, want 1", when, len(marks), marks)
		}
		if m := marks[0]; m.Text != quote || !slices.Equal(m.IDs, []string{id}) || !slices.Contains(m.Classes, "d1") {
			t.Errorf("%s: highlight %+v, want %q with ids [%s] and class d1", when, m, quote, id)
		}
		c := p.card(id)
		if c.Quote != quote || c.Comment != comment || !slices.Equal(c.Tags, []string{"fact-check", "sourcing"}) || c.Author != "editor" {
			t.Errorf("%s: card %+v, want quote %q, comment %q, tags [fact-check sourcing], author editor", when, c, quote, comment)
		}
	}
	check("after saving")

	stored, ok := storedAnnotations(app, app.sample.ID)[id]
	if !ok {
		t.Fatalf("annotation %s is not listed by the API", id)
	}
	checkAnchored(t, storedText(app, app.sample.ID), stored, quote)
	if stored.Comment != comment || !slices.Equal(stored.Tags, []string{"fact-check", "sourcing"}) || stored.Author.Name != "editor" {
		t.Errorf("stored %+v, want comment %q, tags [fact-check sourcing], author editor", stored, comment)
	}

	p.do(chromedp.Reload())
	p.waitReader()
	check("after reloading")
	p.noErrors()
}

// TestBrowserOverlappingHighlights annotates two overlapping passages and
// checks the cut marks and the hover links between marks and cards.
func TestBrowserOverlappingHighlights(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)

	a, _ := p.annotate(textPassage{From: "National Security Agency infiltrated servers"}, "Which servers?", "fact-check")
	b, _ := p.annotate(textPassage{From: "infiltrated servers in the headquarters"}, "Where exactly?", "")

	var got []uiMark
	for _, m := range p.marks() {
		if slices.Contains(m.IDs, a) || slices.Contains(m.IDs, b) {
			got = append(got, m)
		}
	}
	want := []struct {
		text  string
		ids   []string
		depth string
	}{
		{"National Security Agency ", []string{a}, "d1"},
		{"infiltrated servers", []string{a, b}, "d2"},
		{" in the headquarters", []string{b}, "d1"},
	}
	if len(got) != len(want) {
		t.Fatalf("marks %+v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Text != w.text || !sameStrings(g.IDs, w.ids) || !slices.Contains(g.Classes, w.depth) {
			t.Errorf("mark %d is %+v, want %q with ids %v and class %s", i, g, w.text, w.ids, w.depth)
		}
	}

	// The new card has the focus, which lights it: start from a calm page.
	p.mouseAway()
	tabEval[chromedp.Void](p, `document.activeElement?.blur()`)
	p.wantLit("nothing hovered", nil, nil)

	p.hover(selCard+`[data-annotation-id="`+a+`"]`, 0)
	p.wantLit("card a hovered", []string{"National Security Agency ", "infiltrated servers"}, []string{a})
	p.mouseAway()
	p.wantLit("mouse moved away from card a", nil, nil)

	p.hover(selCard+`[data-annotation-id="`+b+`"]`, 0)
	p.wantLit("card b hovered", []string{"infiltrated servers", " in the headquarters"}, []string{b})
	p.mouseAway()

	p.hover(selHighlight+`[data-annotation-ids="`+a+`"]`, 0)
	p.wantLit("a's own mark hovered", []string{"National Security Agency ", "infiltrated servers"}, []string{a})
	p.mouseAway()

	p.hover(selHighlight+`[data-annotation-ids="`+b+`"]`, 0)
	p.wantLit("b's own mark hovered", []string{"infiltrated servers", " in the headquarters"}, []string{b})
	p.mouseAway()

	p.hover(selHighlight+`[data-annotation-ids~="`+a+`"][data-annotation-ids~="`+b+`"]`, 0)
	p.wantLit("the shared mark hovered", []string{"National Security Agency ", "infiltrated servers", " in the headquarters"}, []string{a, b})
	p.mouseAway()
	p.wantLit("mouse moved away", nil, nil)

	// A click on a highlight brings its thread to the keyboard.
	p.do(chromedp.Click(chromedp.CSS(selHighlight+`[data-annotation-ids="`+b+`"]`), chromedp.NodeVisible))
	if got := tabCall[string](p, jsActiveCard); got != b {
		t.Errorf("a click on b's highlight focused card %q, want %q", got, b)
	}
	p.noErrors()
}

// wantLit fails unless exactly the marks with the given texts and the cards
// with the given ids are lit.
func (p *browserTab) wantLit(when string, marks, cards []string) {
	p.t.Helper()
	// The page lights them as it handles the pointer's events; a loaded
	// machine may take a moment, so the state is read until it is the one
	// wanted or a few seconds have passed.
	var litMarks, litCards []string
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		l := tabCall[uiLit](p, jsLit)
		litMarks, litCards = nil, nil
		for _, m := range l.Marks {
			if m.Lit {
				litMarks = append(litMarks, m.Text)
			}
		}
		for _, c := range l.Cards {
			if c.Lit {
				litCards = append(litCards, c.ID)
			}
		}
		if sameStrings(litMarks, marks) && sameStrings(litCards, cards) || time.Now().After(deadline) {
			break
		}
	}
	if !sameStrings(litMarks, marks) || !sameStrings(litCards, cards) {
		p.t.Errorf("%s: lit marks %q and cards %q, want marks %q and cards %q", when, litMarks, litCards, marks, cards)
	}
}

func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestBrowserUnicodeOffsets annotates passages with emoji outside the BMP,
// CJK, combining marks, a no-break space and a line break of a CRLF file,
// and checks that the browser sent code point offsets (not UTF-16 ones).
func TestBrowserUnicodeOffsets(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := app.addDocumentFile("unicode-crlf.txt")
	text := storedText(app, doc.ID)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(doc.ID)

	// Each passage and what makes it hard.
	cases := []struct{ quote, why string }{
		{"culture 🎉 blooms in 北京", "headline: an emoji outside the BMP, and CJK"},
		{"北京欢迎你!", "CJK at the start of a block"},
		{"Cafe\u0301 Lumière", "a combining acute accent"},
		{"French pastry 🥐", "ends with an emoji (a surrogate pair in UTF-16)"},
		{"10\u00a0000 guests", "a no-break space"},
		{"chemist 👩\u200d🔬\nwho still weighs", "a ZWJ sequence, and a CRLF line break turned LF"},
		{"re\u0301sume\u0301-style tasting flights of 抹茶", "two combining marks, and CJK"},
		{"flag 🇫🇷 or 🇨🇳", "regional indicator pairs"},
		{"上海, next year. 🎉🎉", "the end of a block, after many astral characters"},
	}
	quotes := make([]string, len(cases))
	for i, c := range cases {
		quotes[i] = c.quote
	}
	ids := make([]string, len(quotes))
	for i, q := range quotes {
		if !strings.Contains(text, q) {
			t.Fatalf("testdata/unicode-crlf.txt changed: %q is not in its text", q)
		}
		var shown string
		ids[i], shown = p.annotate(textPassage{From: q}, fmt.Sprintf("Unicode passage %d", i+1), "unicode")
		if shown != q {
			t.Errorf("%s: the composer quoted %q, want %q", cases[i].why, shown, q)
		}
	}

	stored := storedAnnotations(app, doc.ID)
	for i, q := range quotes {
		an, ok := stored[ids[i]]
		if !ok {
			t.Fatalf("annotation %s of %q is not listed", ids[i], q)
		}
		checkAnchored(t, text, an, q)
		if marks := p.marksOf(ids[i]); len(marks) != 1 || marks[0].Text != q {
			t.Errorf("%s: highlights of %q: %+v, want one mark with that text", cases[i].why, q, marks)
		}
	}
	// The test means something only if UTF-16 offsets would differ.
	last := quotes[len(quotes)-1]
	cp, _ := codePointsOf(t, text, last)
	prefix := text[:strings.Index(text, last)]
	if u16 := len(utf16.Encode([]rune(prefix))); u16 == cp {
		t.Errorf("the UTF-16 offset of %q equals its code point offset %d: the test data proves nothing", last, cp)
	}
	p.noErrors()
}

// TestBrowserCrossBlockSelection selects from the end of one paragraph into
// the next (and across a whole paragraph): the exact text joins the blocks
// with the blank line, and every block shows its part of the highlight.
func TestBrowserCrossBlockSelection(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	text := storedText(app, app.sample.ID)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)

	cases := []struct {
		sel   textPassage
		parts []string // the text in each block, in order
	}{{
		sel:   textPassage{From: "a Chinese Foreign Ministry spokesman said on Monday.", To: "China is seriously concerned"},
		parts: []string{"a Chinese Foreign Ministry spokesman said on Monday.", "China is seriously concerned"},
	}, {
		sel: textPassage{From: "said at a regular briefing.", To: "The reports were based"},
		parts: []string{
			"said at a regular briefing.",
			"Huawei Technologies condemned the alleged infiltration, which was reported by The New York Times and the German magazine Der Spiegel over the weekend.",
			"The reports were based",
		},
	}}
	for _, c := range cases {
		want := strings.Join(c.parts, "\n\n")
		if !strings.Contains(text, want) {
			t.Fatalf("the sample article has no %q", want)
		}
		id, shown := p.annotate(c.sel, "Spans blocks.", "structure")
		if shown != want {
			t.Errorf("the composer quoted %q, want %q", shown, want)
		}
		an, ok := storedAnnotations(app, app.sample.ID)[id]
		if !ok {
			t.Fatalf("annotation %s is not listed", id)
		}
		checkAnchored(t, text, an, want)

		marks := p.marksOf(id)
		if len(marks) != len(c.parts) {
			t.Fatalf("highlights of %q: %+v, want one in each of %d blocks", want, marks, len(c.parts))
		}
		for i, m := range marks {
			if m.Text != c.parts[i] {
				t.Errorf("highlight %d of %q has %q, want %q", i, want, m.Text, c.parts[i])
			}
			if i > 0 && m.Block <= marks[i-1].Block {
				t.Errorf("highlights %d and %d of %q are in the same block (starting at %d)", i-1, i, want, m.Block)
			}
		}
	}
	p.noErrors()
}

// TestBrowserKeyboardNavigation: saving an annotation focuses its card, and
// j/k move the focus between cards in reading order, lighting each card's
// highlight.
func TestBrowserKeyboardNavigation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)

	// Created out of reading order; the cards come in reading order.
	second, _ := p.annotate(textPassage{From: "China is seriously concerned about the spying allegations"}, "Quote Hong Lei in full.", "")
	if got := tabCall[string](p, jsActiveCard); got != second {
		t.Fatalf("after saving, the focus is on card %q, want the new card %q", got, second)
	}
	third, _ := p.annotate(textPassage{From: "former NSA contractor"}, "Name him once, then this.", "")
	if got := tabCall[string](p, jsActiveCard); got != third {
		t.Fatalf("after saving, the focus is on card %q, want the new card %q", got, third)
	}
	first, _ := p.annotate(textPassage{From: "Beijing wants a clear explanation"}, "Who in Beijing?", "")
	if got := tabCall[string](p, jsActiveCard); got != first {
		t.Fatalf("after saving, the focus is on card %q, want the new card %q", got, first)
	}
	order := []string{first, second, third}
	if cards := tabCall[[]string](p, jsCardIDs); !slices.Equal(cards, order) {
		t.Fatalf("cards in order %v, want reading order %v", cards, order)
	}

	markText := map[string]string{
		first:  "Beijing wants a clear explanation",
		second: "China is seriously concerned about the spying allegations",
		third:  "former NSA contractor",
	}
	p.mouseAway()
	for _, step := range []struct {
		key  string
		want string
	}{
		{"j", second}, {"j", third}, {"j", third}, {"k", second}, {"k", first}, {"k", first}, {"j", second},
	} {
		p.do(chromedp.KeyEvent(step.key))
		if got := tabCall[string](p, jsActiveCard); got != step.want {
			t.Fatalf("after %q the focus is on card %q, want %q", step.key, got, step.want)
		}
		// Focusing a card lights it and its highlight, and only those.
		p.wantLit("card focused with "+step.key, []string{markText[step.want]}, []string{step.want})
	}
	p.noErrors()
}

// TestBrowserMouseSelection selects with the mouse, as a person does:
// dragging across words, and a triple click that selects a whole paragraph
// (Chrome ends that selection at the start of the next block).
func TestBrowserMouseSelection(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	text := storedText(app, app.sample.ID)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)

	// The points of a passage's first and last characters.
	const jsEnds = `(q) => {
		const walker = document.createTreeWalker(document.querySelector('[data-testid="article"]'), NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const i = n.data.indexOf(q);
			if (i < 0) continue;
			n.parentElement.scrollIntoView({ block: "center" });
			const r = document.createRange();
			r.setStart(n, i); r.setEnd(n, i + 1);
			const a = r.getBoundingClientRect();
			r.setStart(n, i + q.length - 1); r.setEnd(n, i + q.length);
			const b = r.getBoundingClientRect();
			return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2 };
		}
		throw new Error("no text node holds " + q);
	}`
	type ends struct{ X1, Y1, X2, Y2 float64 }

	const dragged = "Hong Lei, the spokesman"
	e := tabCall[ends](p, jsEnds, dragged)
	p.do(
		chromedp.MouseEvent(chromedp.MouseMoved, e.X1, e.Y1),
		chromedp.MouseEvent(chromedp.MousePressed, e.X1, e.Y1, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, (e.X1+e.X2)/2, (e.Y1+e.Y2)/2, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, e.X2, e.Y2, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, e.X2, e.Y2, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	)
	if got := tabEval[string](p, `document.getSelection().toString()`); got != dragged {
		t.Fatalf("dragging selected %q, want %q", got, dragged)
	}
	id := p.saveSelection("Dragged.")
	checkAnchored(t, text, storedAnnotations(app, app.sample.ID)[id], dragged)

	const paragraph = "Huawei has some 150,000 employees across the world. Its products and solutions are used in more than 170 countries, serving about one-third of the global population."
	e = tabCall[ends](p, jsEnds, "Huawei has some 150,000")
	mouse := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MouseMoved, e.X1+20, e.Y1)}
	for n := 1; n <= 3; n++ {
		mouse = append(mouse,
			chromedp.MouseEvent(chromedp.MousePressed, e.X1+20, e.Y1, chromedp.ButtonLeft, chromedp.ClickCount(n)),
			chromedp.MouseEvent(chromedp.MouseReleased, e.X1+20, e.Y1, chromedp.ButtonLeft, chromedp.ClickCount(n)))
	}
	p.do(mouse...)
	if got := tabEval[string](p, `document.getSelection().toString().trim()`); got != paragraph {
		t.Fatalf("a triple click selected %q, want the paragraph %q", got, paragraph)
	}
	id = p.saveSelection("Whole paragraph.")
	checkAnchored(t, text, storedAnnotations(app, app.sample.ID)[id], paragraph)
	if marks := p.marksOf(id); len(marks) != 1 || marks[0].Text != paragraph {
		t.Errorf("highlights of the paragraph: %+v, want one mark holding it", marks)
	}
	p.noErrors()
}

// saveSelection annotates whatever is selected now, through the toolbar.
func (p *browserTab) saveSelection(comment string) string {
	p.t.Helper()
	known := tabCall[[]string](p, jsCardIDs)
	p.do(chromedp.Click(chromedp.CSS(selAnnotate), chromedp.NodeVisible))
	p.waitComposer()
	p.do(
		chromedp.SendKeys(chromedp.CSS(selComment), comment, chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(selSave), chromedp.NodeVisible),
	)
	id := p.waitNewCard(known)
	p.noErrors()
	return id
}

// TestBrowserScreenshot renders the reader with overlapping annotations at
// 1400x900. With GALLEY_SCREENSHOT=1 it writes static/screenshot.png.
func TestBrowserScreenshot(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	text := storedText(app, app.sample.ID)
	add := func(user, quote, comment string, tags ...string) {
		t.Helper()
		start, end := codePointsOf(t, text, quote)
		rec := app.do(http.MethodPost, "/api/documents/"+app.sample.ID+"/annotations", user, map[string]any{
			"start": start, "end": end, "exact": quote, "comment": comment, "tags": tags,
		})
		wantStatus(t, rec, http.StatusCreated)
	}
	add("editor", "Huawei's products and solutions are used in more than 170 countries", "Same figure as the company's 2013 report? Check.", "fact-check")
	add("editor", "a report that the US National Security Agency infiltrated servers in the headquarters", "Attribute the report: NYT and Der Spiegel.", "sourcing", "attribution")
	add("commenter", "National Security Agency", "Spell out NSA once here, then abbreviate.", "style")
	add("admin", "Security Agency infiltrated servers", "\"Infiltrated\" is the Times' word; keep it in quotes?", "legal")
	add("commenter", "China is seriously concerned about the spying allegations", "Direct quote or paraphrase?", "sourcing")

	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)
	// Light one thread, as a reader hovering its card would see it.
	p.hover(selCard, 1)
	// Let the highlight's color transition finish.
	tabPoll[bool](p, "the transitions to end", `() => document.getAnimations().length === 0`)
	shot := tabRun(p, chromedp.CaptureScreenshot())
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != viewportWidth || b.Dy() != viewportHeight {
		t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), viewportWidth, viewportHeight)
	}
	p.noErrors()
	if os.Getenv("GALLEY_SCREENSHOT") == "1" {
		path := filepath.Join("..", "static", "screenshot.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// TestBrowserComposer: the toolbar and the composer stay out of sight until
// a passage is selected; Esc closes the composer, Alt+A opens it on the
// selection and Ctrl+Enter saves.
func TestBrowserComposer(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	text := storedText(app, app.sample.ID)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)

	visible := func(sel string) bool {
		t.Helper()
		return tabCall[bool](p, jsVisible, sel)
	}
	if visible(selAnnotate) {
		t.Errorf("the annotate button shows before anything is selected")
	}
	if visible(selComment) {
		t.Errorf("the composer shows before anything is selected")
	}

	const quote = "Hong Lei, the spokesman"
	tabCall[string](p, jsSelect, quote, "", 0)
	p.do(chromedp.Click(chromedp.CSS(selAnnotate), chromedp.NodeVisible))
	if got := p.waitComposer(); got != quote {
		t.Errorf("the composer quoted %q, want %q", got, quote)
	}
	if !visible(selComment) {
		t.Errorf("the composer is open but its comment box is not visible")
	}
	p.do(chromedp.SendKeys(chromedp.CSS(selComment), "never mind", chromedp.NodeVisible))
	p.do(chromedp.KeyEvent(kb.Escape))
	tabPoll[bool](p, "Esc to close the composer", `() => document.getElementById("composer").hidden`)
	if visible(selComment) {
		t.Errorf("the composer still shows after Esc")
	}

	// The white space around a selection is left out, offsets included.
	const padded, trimmed = " Hong Lei, the spokesman, ", "Hong Lei, the spokesman,"
	known := tabCall[[]string](p, jsCardIDs)
	tabCall[string](p, jsSelect, padded, "", 0)
	p.do(chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	if got := p.waitComposer(); got != trimmed {
		t.Errorf("Alt+A: the composer quoted %q, want %q", got, trimmed)
	}
	if v := tabRun(p, chromedp.Value(chromedp.CSS(selComment))); v != "" {
		t.Errorf("the composer kept the cancelled comment %q", v)
	}
	p.do(
		chromedp.SendKeys(chromedp.CSS(selComment), "Name his title.", chromedp.NodeVisible),
		chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
	)
	id := p.waitNewCard(known)
	an := storedAnnotations(app, app.sample.ID)[id]
	checkAnchored(t, text, an, trimmed)
	if an.Comment != "Name his title." {
		t.Errorf("stored comment %q, want %q", an.Comment, "Name his title.")
	}
	if visible(selComment) || visible(selAnnotate) {
		t.Errorf("the composer or the toolbar still shows after saving")
	}
	p.noErrors()
}
