package handlers_test

// Browser tests of the reader for everyone (issue 13): every page fits a
// phone's screen, the threads are one tap away on a phone, and a role's
// links lead only to pages it may use.

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The phone the tests hold: an iPhone X's viewport.
const phoneWidth, phoneHeight = 375, 812

// seedDesk gives the sample article what makes pages busy: highlights on
// the byline, the caption and the contact line, overlapping and tagged
// ones, a suggestion, a reply and a second revision. It returns the
// document's id.
func seedDesk(t *testing.T, app *testApp) string {
	t.Helper()
	doc := app.sample.ID
	annotateQuote(t, app, "editor", doc, "Chen Weihua and Cai Chunying", map[string]any{"tags": []string{"names"}})
	annotateQuote(t, app, "editor", doc, "Attendees inspect and photograph", map[string]any{"tags": []string{"caption"}})
	annotateQuote(t, app, "commenter", doc, "chenweihua@chinadailyusa.com", map[string]any{"tags": []string{"contact"}})
	annotateQuote(t, app, "editor", doc, "US National Security Agency infiltrated servers", map[string]any{"tags": []string{"fact-check"}})
	annotateQuote(t, app, "commenter", doc, "Security Agency", map[string]any{"tags": []string{"style"}})
	annotateQuote(t, app, "admin", doc, "Agency infiltrated", map[string]any{"tags": []string{"legal"}})
	annotateQuote(t, app, "editor", doc, "provided by Edward Snowden",
		map[string]any{"motivation": "editing", "replacement": "provided by the former contractor Edward Snowden"})
	text := storedText(app, doc)
	rec := app.do(http.MethodPut, "/api/documents/"+doc+"/text", "editor",
		map[string]any{"text": strings.Replace(text, "at a regular briefing", "at a routine briefing", 1), "note": "Tone"}, "If-Match", `"r1"`)
	wantStatus(t, rec, http.StatusOK)
	return doc
}

// jsTooWide lists the elements that reach past the right edge of the
// viewport, with the page's scroll width first.
const jsTooWide = `() => {
	const out = [];
	const width = document.documentElement.clientWidth;
	if (document.documentElement.scrollWidth > width) out.push("page scroll width " + document.documentElement.scrollWidth + " > " + width);
	for (const el of document.body.querySelectorAll("*")) {
		if (!el.checkVisibility()) continue;
		const r = el.getBoundingClientRect();
		if (r.right > width + 0.5 && out.length < 8) out.push(el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " right=" + Math.round(r.right));
	}
	return out;
}`

// shoot saves a screenshot of the viewport as NAME.png in the directory
// GALLEY_SHOTS names, when it names one, to look at what a test saw.
func (p *browserTab) shoot(name string) {
	p.t.Helper()
	dir := os.Getenv("GALLEY_SHOTS")
	if dir == "" {
		return
	}
	shot := tabRun(p, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o600); err != nil {
		p.t.Fatal(err)
	}
}

// deskPages are the pages of the desk an admin sees, by name.
func deskPages(doc string) [][2]string {
	d := "/documents/" + url.PathEscape(doc)
	return [][2]string{
		{"documents", "/"},
		{"new", "/documents/new"},
		{"reader", d},
		{"history", d + "/history"},
		{"revise", d + "/revise"},
		{"threads", "/threads"},
		{"tags", "/tags"},
		{"account", "/account"},
		{"users", "/admin/users"},
	}
}

// TestBrowserPhoneWidth: at 375x812 no page is wider than the screen.
func TestBrowserPhoneWidth(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := seedDesk(t, app)
	p := openTab(t, app)
	p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight))
	p.do(chromedp.Navigate(p.base + "/login"))
	if wide := tabCall[[]string](p, jsTooWide); len(wide) > 0 {
		t.Errorf("sign-in is wider than a %d px screen:\n  %s", phoneWidth, strings.Join(wide, "\n  "))
	}
	p.signIn("admin")
	for _, pg := range append(deskPages(doc), [2]string{"not found", "/documents/no-such-document"}) {
		p.do(chromedp.Navigate(p.base + pg[1]))
		tabPoll[bool](p, pg[0]+" to load", `() => document.readyState === "complete"`)
		if pg[0] == "not found" {
			p.takeProblems() // the 404 is the point of the page
		}
		if wide := tabCall[[]string](p, jsTooWide); len(wide) > 0 {
			t.Errorf("%s (%s) is wider than a %d px screen:\n  %s", pg[0], pg[1], phoneWidth, strings.Join(wide, "\n  "))
		}
		p.shoot("phone-" + pg[0])
	}
	p.noErrors()
}

// TestBrowserThreadsToggle: on a phone the threads are out of the way
// until the Threads button at the top opens them; "Back to the article"
// closes them; a tap on a highlight opens its thread; the composer opens
// just under the selection.
func TestBrowserThreadsToggle(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := seedDesk(t, app)
	p := openTab(t, app)
	p.signIn("editor")
	p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight))
	p.openReader(doc)

	const jsOnScreen = `(sel) => {
		const el = document.querySelector(sel);
		if (!el || !el.checkVisibility()) return false;
		const r = el.getBoundingClientRect();
		return r.top >= 0 && r.top < innerHeight && r.left >= 0 && r.right <= innerWidth;
	}`
	const firstCard = selCard
	if !tabCall[bool](p, jsOnScreen, `[data-testid="threads-toggle"]`) {
		t.Fatal("the threads toggle is not on the first screen")
	}
	if tabCall[bool](p, jsVisible, firstCard) {
		t.Fatal("on a phone the threads show before the toggle opens them")
	}
	if !tabCall[bool](p, jsOnScreen, `.b-headline`) {
		t.Error("the headline is not on the first screen")
	}
	p.shoot("phone-reader-top")
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="threads-toggle"]`), chromedp.NodeVisible))
	tabPoll[bool](p, "the threads to show", jsOnScreen, firstCard)
	p.shoot("phone-threads-open")
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="threads-close"]`), chromedp.NodeVisible))
	tabPoll[bool](p, "the threads to close", `(sel) => !document.querySelector(sel).checkVisibility()`, firstCard)

	// A tap on a highlight opens the sheet on its card.
	p.do(chromedp.Click(chromedp.CSS(selHighlight), chromedp.NodeVisible))
	id := tabPoll[string](p, "the highlight's card to take the focus", jsActiveCard)
	if !tabCall[bool](p, jsOnScreen, cardSel(id, "")) {
		t.Errorf("the card of the tapped highlight is not on screen")
	}
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="threads-close"]`), chromedp.NodeVisible))

	// The composer opens under the selection, on screen.
	tabCall[string](p, jsSelect, "Hong Lei, the spokesman", "", 0)
	p.do(chromedp.Click(chromedp.CSS(selAnnotate), chromedp.NodeVisible))
	p.waitComposer()
	type box struct{ Sel, Top, Bottom float64 }
	b := tabEval[box](p, `(() => {
		// The focus in the comment box took the selection: measure the
		// passage again.
		const walker = document.createTreeWalker(document.querySelector('[data-testid="article"]'), NodeFilter.SHOW_TEXT);
		let n = walker.nextNode();
		while (n && !n.data.includes("Hong Lei, the spokesman")) n = walker.nextNode();
		const range = document.createRange();
		const i = n.data.indexOf("Hong Lei, the spokesman");
		range.setStart(n, i);
		range.setEnd(n, i + "Hong Lei, the spokesman".length);
		const r = range.getBoundingClientRect();
		const c = document.getElementById("composer").getBoundingClientRect();
		return { sel: r.bottom, top: c.top, bottom: c.bottom };
	})()`)
	if b.Top < b.Sel || b.Top-b.Sel > 40 || b.Top >= phoneHeight {
		t.Errorf("the composer's top is at %.0f px, the selection ends at %.0f px: want it just under the selection, on screen", b.Top, b.Sel)
	}
	p.shoot("phone-composer")
	p.noErrors()
}

// TestBrowserCommenterLinks: a commenter's pages link to no page the
// role cannot use: following every link answers neither 403 nor 404.
func TestBrowserCommenterLinks(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := seedDesk(t, app)
	for _, role := range []string{"commenter", "viewer"} {
		t.Run(role, func(t *testing.T) {
			p := openTab(t, app)
			p.signIn(role)
			d := "/documents/" + url.PathEscape(doc)
			for _, page := range []string{"/", d, d + "/history", "/threads", "/tags", "/account"} {
				p.do(chromedp.Navigate(p.base + page))
				tabPoll[bool](p, page+" to load", `() => document.readyState === "complete"`)
				const jsLinks = `async () => {
					const out = [];
					const seen = new Set();
					for (const a of document.querySelectorAll("a[href]")) {
						const u = new URL(a.href, location.href);
						if (u.origin !== location.origin || u.hash && u.pathname === location.pathname) continue;
						const key = u.pathname + u.search;
						if (seen.has(key)) continue;
						seen.add(key);
						const res = await fetch(key, { credentials: "same-origin", redirect: "manual" });
						out.push({ href: key, text: a.textContent.trim(), status: res.status });
					}
					return out;
				}`
				type link struct {
					Href, Text string
					Status     int
				}
				links := tabRun(p, chromedp.Evaluate[[]link]("("+jsLinks+")()", chromedp.EvalAwaitPromise))
				if len(links) == 0 {
					t.Fatalf("%s has no links", page)
				}
				for _, l := range links {
					if l.Status == http.StatusForbidden || l.Status == http.StatusNotFound {
						t.Errorf("on %s the %s can follow %q (%s) to a %d", page, role, l.Text, l.Href, l.Status)
					}
				}
			}
			p.noErrors()
		})
	}
}

// TestBrowserOverlapStyles: where threads overlap the highlight looks
// different by depth (a deeper background) and shows each thread's own
// color (one underline per thread).
func TestBrowserOverlapStyles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := seedDesk(t, app)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(doc)
	type style struct {
		Text, Background string
		Alpha            float64
		Depth            int
		Underlines       []string
	}
	const jsStyles = `() => [...document.querySelectorAll('[data-testid="highlight"]')].map((m) => {
		const cs = getComputedStyle(m);
		const bg = cs.backgroundColor;
		const alpha = bg.startsWith("rgba") ? Number(bg.slice(bg.lastIndexOf(",") + 1, -1)) : 1;
		const colors = cs.boxShadow.match(/rgba?\([^)]*\)/g) ?? [];
		return {
			text: m.textContent, background: bg, alpha,
			depth: m.dataset.annotationIds.split(" ").length,
			underlines: colors.filter((c) => !/rgba\(0, 0, 0, 0\)/.test(c)),
		};
	})`
	styles := tabCall[[]style](p, jsStyles)
	byDepth := map[int]style{}
	for _, s := range styles {
		if strings.Contains("US National Security Agency infiltrated servers", s.Text) {
			byDepth[s.Depth] = s
		}
		if len(s.Underlines) != s.Depth {
			t.Errorf("highlight %q under %d threads draws %d underlines %v, want one per thread", s.Text, s.Depth, len(s.Underlines), s.Underlines)
		}
	}
	for d := 1; d <= 3; d++ {
		if _, ok := byDepth[d]; !ok {
			t.Fatalf("no highlight of depth %d in the overlap: %+v", d, styles)
		}
	}
	for d := 2; d <= 3; d++ {
		if !(byDepth[d].Alpha > byDepth[d-1].Alpha) {
			t.Errorf("depth %d background %s is not deeper than depth %d's %s", d, byDepth[d].Background, d-1, byDepth[d-1].Background)
		}
	}
	// fact-check, style and legal: three colors under "Agency".
	u := byDepth[3].Underlines
	if len(u) != 3 || u[0] == u[1] || u[1] == u[2] || u[0] == u[2] {
		t.Errorf("the three threads over %q draw underlines %v, want three colors", byDepth[3].Text, u)
	}
	p.shoot("desktop-overlap")
	p.noErrors()
}

// TestBrowserKeyboardAnnotation annotates with the keyboard alone, in the
// browser's default settings (no caret browsing): Alt+A with nothing
// selected explains itself; Tab reaches the article; the arrow keys move a
// visible caret; Shift+Ctrl+Arrow and Shift+Arrow select; Escape drops the
// selection; Alt+A opens the composer; Ctrl+Enter saves, at exact offsets.
func TestBrowserKeyboardAnnotation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	text := storedText(app, app.sample.ID)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)

	alt := chromedp.KeyModifiers(chromedp.ModifierAlt)
	p.do(chromedp.KeyEvent("a", alt))
	if msg := tabPoll[string](p, "Alt+A to explain itself", `() => document.querySelector('[data-testid="annotate-status"]').textContent`); !strings.Contains(msg, "Select a passage") {
		t.Errorf("Alt+A with nothing selected says %q", msg)
	}
	if role := tabEval[string](p, `document.querySelector('[data-testid="annotate-status"]').getAttribute("role")`); role != "status" {
		t.Errorf("the explanation is in an element of role %q, want a live region (status)", role)
	}

	// Tab until the article has the focus.
	for i := 0; ; i++ {
		if i == 40 {
			t.Fatal("40 presses of Tab never reached the article")
		}
		p.do(chromedp.KeyEvent(kb.Tab))
		if tabEval[bool](p, `document.activeElement?.dataset.testid === "article"`) {
			break
		}
	}
	const jsCaret = `() => {
		const c = document.querySelector(".caret");
		if (!c || !c.checkVisibility()) return null;
		const r = c.getBoundingClientRect();
		return { x: r.left, y: r.top, h: r.height };
	}`
	type point struct{ X, Y, H float64 }
	at := tabPoll[point](p, "a visible caret", jsCaret)
	if at.H < 10 {
		t.Errorf("the caret is %.0f px tall", at.H)
	}
	// Down a line, from the dateline to the headline.
	p.do(chromedp.KeyEvent(kb.ArrowDown))
	down := tabCall[point](p, jsCaret)
	if !(down.Y > at.Y) {
		t.Errorf("ArrowDown moved the caret from y %.0f to %.0f", at.Y, down.Y)
	}
	p.do(chromedp.KeyEvent(kb.ArrowRight))
	if right := tabCall[point](p, jsCaret); !(right.X > down.X) {
		t.Errorf("ArrowRight moved the caret from x %.0f to %.0f", down.X, right.X)
	}
	p.do(chromedp.KeyEvent(kb.ArrowLeft))

	shiftCtrl := chromedp.KeyModifiers(chromedp.ModifierShift | chromedp.ModifierCtrl)
	shift := chromedp.KeyModifiers(chromedp.ModifierShift)
	for range 3 {
		p.do(chromedp.KeyEvent(kb.ArrowRight, shiftCtrl))
	}
	if got := tabEval[string](p, `document.getSelection().toString()`); got != "Beijing slams spying" {
		t.Fatalf("Shift+Ctrl+ArrowRight three times from the headline's start selected %q", got)
	}
	// Escape drops the selection; the caret stays where it was.
	p.do(chromedp.KeyEvent(kb.Escape))
	if got := tabEval[string](p, `document.getSelection().toString()`); got != "" {
		t.Errorf("after Escape %q is still selected", got)
	}
	for range 3 {
		p.do(chromedp.KeyEvent(kb.ArrowLeft, shiftCtrl))
	}
	for range 3 {
		p.do(chromedp.KeyEvent(kb.ArrowRight, shiftCtrl))
	}
	// The anchor is now the end of "spying": back to the start, then one
	// more word and three characters.
	p.do(chromedp.KeyEvent(kb.Escape))
	p.do(chromedp.KeyEvent(kb.Home))
	for range 3 {
		p.do(chromedp.KeyEvent(kb.ArrowRight, shiftCtrl))
	}
	for range 3 {
		p.do(chromedp.KeyEvent(kb.ArrowRight, shift))
	}
	const quote = "Beijing slams spying on"
	if got := tabEval[string](p, `document.getSelection().toString()`); got != quote {
		t.Fatalf("Shift+Arrow extended the selection to %q, want %q", got, quote)
	}
	known := tabCall[[]string](p, jsCardIDs)
	p.do(chromedp.KeyEvent("a", alt))
	if got := p.waitComposer(); got != quote {
		t.Fatalf("Alt+A opened the composer on %q, want %q", got, quote)
	}
	if msg := tabEval[string](p, `document.querySelector('[data-testid="annotate-status"]').textContent`); msg != "" {
		t.Errorf("the explanation %q stays after the composer opened", msg)
	}
	p.do(
		chromedp.KeyEvent("Headline by keyboard."),
		chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
	)
	id := p.waitNewCard(known)
	checkAnchored(t, text, storedAnnotations(app, app.sample.ID)[id], quote)
	p.shoot("desktop-keyboard")
	p.noErrors()
}

// TestBrowserEmptyCommentAsks: saving with an empty comment and no tags
// says it will make a bare highlight, and makes one on a second Save.
func TestBrowserEmptyCommentAsks(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)
	known := tabCall[[]string](p, jsCardIDs)
	tabCall[string](p, jsSelect, "Hong Lei, the spokesman", "", 0)
	p.do(chromedp.Click(chromedp.CSS(selAnnotate), chromedp.NodeVisible))
	p.waitComposer()
	p.do(chromedp.Click(chromedp.CSS(selSave), chromedp.NodeVisible))
	msg := tabPoll[string](p, "the composer to explain", `() => { const a = document.querySelector("#composer .alert"); return a && !a.hidden ? a.textContent : ""; }`)
	if !strings.Contains(msg, "bare highlight") {
		t.Errorf("an empty comment's Save says %q", msg)
	}
	if ids := tabCall[[]string](p, jsCardIDs); len(ids) != len(known) {
		t.Fatalf("the first Save with an empty comment saved: cards %v", ids)
	}
	p.do(chromedp.Click(chromedp.CSS(selSave), chromedp.NodeVisible))
	id := tabPoll[string](p, "the highlight's card", `(known) => [...document.querySelectorAll('[data-testid="annotation-card"]')].map((c) => c.dataset.annotationId).find((id) => !known.includes(id)) ?? ""`, known)
	if got := getAnnotation(t, app, id); got.Motivation != "highlighting" || got.Comment != "" {
		t.Errorf("the second Save made motivation %q, comment %q; want a bare highlight", got.Motivation, got.Comment)
	}
	p.noErrors()
}

// TestBrowserOverview: the strip beside the article has one mark per
// thread, level with its highlight, in its tag's color, hollow when
// resolved; a click brings the highlight into view.
func TestBrowserOverview(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := seedDesk(t, app)
	last := annotateQuote(t, app, "editor", doc, "defend the extensive US espionage", map[string]any{"tags": []string{"fact-check"}})
	wantStatus(t, app.do(http.MethodPost, "/api/annotations/"+last.ID+"/resolve", "editor", nil), http.StatusOK)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(doc)

	type mark struct {
		ID         string
		Top, HlTop float64
		Background string
		Resolved   bool
	}
	const jsOverview = `() => [...document.querySelectorAll('[data-testid="overview"] [data-testid="overview-mark"]')].map((m) => {
		const hl = document.querySelector('[data-testid="article"] [data-annotation-ids~="' + m.dataset.annotationIds + '"]');
		return { id: m.dataset.annotationIds, top: m.getBoundingClientRect().top, hlTop: hl ? hl.getBoundingClientRect().top : -1e6,
			background: getComputedStyle(m).backgroundColor, resolved: m.classList.contains("resolved") };
	})`
	marks := tabPoll[[]mark](p, "the overview", `(f) => { const m = (`+jsOverview+`)(); return m.length ? m : null; }`, 0)
	cards := tabEval[[]string](p, `[...document.querySelectorAll('[data-testid="annotation-card"]')].filter((c) => !c.closest("#orphans")).map((c) => c.dataset.annotationId)`)
	var ids []string
	for _, m := range marks {
		ids = append(ids, m.ID)
	}
	if !sameStrings(ids, cards) {
		t.Fatalf("overview marks %v, want one per thread %v", ids, cards)
	}
	colors := map[string]bool{}
	for _, m := range marks {
		// The article is about 4,000 px tall and the strip as tall: a mark
		// within a line or so of its highlight is level with it.
		if d := m.Top - m.HlTop; d < -30 || d > 30 {
			t.Errorf("the mark of %s is at %.0f px, its highlight at %.0f px", m.ID, m.Top, m.HlTop)
		}
		if m.Resolved != (m.ID == last.ID) {
			t.Errorf("mark %s resolved=%v", m.ID, m.Resolved)
		}
		colors[m.Background] = true
	}
	if len(colors) < 4 {
		t.Errorf("the marks show %d colors (%v), want them told apart by tag and state", len(colors), colors)
	}
	// The resolved thread, at the end of the article, is out of view: its
	// mark brings it in.
	const jsInView = `(id) => { const r = document.querySelector('[data-testid="article"] [data-annotation-ids~="' + id + '"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }`
	if tabCall[bool](p, jsInView, last.ID) {
		t.Fatal("the last highlight is in view before the click; the test proves nothing")
	}
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="overview-mark"][data-annotation-ids="`+last.ID+`"]`), chromedp.NodeVisible))
	tabPoll[bool](p, "the highlight to come into view", jsInView, last.ID)
	p.shoot("desktop-overview")
	p.noErrors()
}

// TestThreadSummary: the reader counts the document's threads by status,
// tag and author.
func TestThreadSummary(t *testing.T) {
	app := newTestApp(t)
	doc := seedDesk(t, app)
	page := signIn(t, app, "viewer").page(t, "/documents/"+doc)
	text := func(id string) string {
		return strings.Join(strings.Fields(page.Find(`[data-testid="`+id+`"]`).Text()), " ")
	}
	if got := text("summary-status"); got != "7 open · 0 resolved" {
		t.Errorf("status counts %q", got)
	}
	if got := text("summary-authors"); got != "By author: editor 4 commenter 2 admin 1" {
		t.Errorf("author counts %q", got)
	}
	if got := text("summary-tags"); !strings.Contains(got, "fact-check 1") || !strings.Contains(got, "names 1") {
		t.Errorf("tag counts %q", got)
	}
}

// TestBrowserArticleFirst: the headline is on the first screen, at a
// desktop's size and a phone's, for an admin, who has every control; the
// review and access forms wait behind their summaries.
func TestBrowserArticleFirst(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := seedDesk(t, app)
	p := openTab(t, app)
	p.signIn("admin")
	for _, size := range [][2]int64{{1440, 900}, {phoneWidth, phoneHeight}} {
		p.do(chromedp.EmulateViewport(size[0], size[1]))
		p.openReader(doc)
		if bottom := tabEval[float64](p, `document.querySelector(".b-headline").getBoundingClientRect().bottom`); bottom > float64(size[1]) {
			t.Errorf("at %dx%d the headline ends %.0f px down, below the first screen", size[0], size[1], bottom)
		}
		for _, sel := range []string{`[data-testid="status-select"]`, `[data-testid="access-members"]`} {
			if tabCall[bool](p, jsVisible, sel) {
				t.Errorf("at %dx%d %s shows before its summary is opened", size[0], size[1], sel)
			}
		}
		p.do(chromedp.Click(chromedp.CSS(`#review-controls > summary`), chromedp.NodeVisible))
		if !tabCall[bool](p, jsVisible, `[data-testid="status-select"]`) {
			t.Errorf("at %dx%d Change status does not show the status form", size[0], size[1])
		}
	}
	p.noErrors()
}
