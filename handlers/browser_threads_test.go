package handlers_test

// Browser tests of threads: replying, editing (and a stale edit), resolving,
// filtering by tag, and two editors on one article seeing each other's
// changes live.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const (
	// jsThread describes a card's thread: comment, replies, status and
	// whether it shows, or null when there is no card.
	jsThread = `(id) => {
		const card = document.querySelector('[data-testid="annotation-card"][data-annotation-id="' + CSS.escape(id) + '"]');
		if (!card) return null;
		return {
			comment: card.querySelector('[data-testid="comment-body"]')?.textContent.trim() ?? "",
			edited: !!card.querySelector(':scope > footer [data-testid="edited-marker"]'),
			replies: [...card.querySelectorAll('[data-testid="reply"]')].map((r) => ({
				author: r.querySelector(".author").textContent,
				body: r.querySelector('[data-testid="reply-body"]').textContent.trim(),
			})),
			status: card.dataset.status,
			visible: card.checkVisibility(),
			folded: !!card.closest("#resolved-threads"),
		};
	}`

	// jsPickFilter chooses a value in a filter select, as a person does.
	jsPickFilter = `(testid, value) => {
		const sel = document.querySelector('[data-testid="' + testid + '"]');
		sel.value = value;
		sel.dispatchEvent(new Event("change", { bubbles: true }));
		return sel.value;
	}`
)

type uiThread struct {
	Comment string `json:"comment"`
	Edited  bool   `json:"edited"`
	Replies []struct {
		Author string `json:"author"`
		Body   string `json:"body"`
	} `json:"replies"`
	Status  string `json:"status"`
	Visible bool   `json:"visible"`
	Folded  bool   `json:"folded"`
}

// thread is the card of an annotation as the page shows it.
func (p *browserTab) thread(id string) uiThread {
	p.t.Helper()
	th := tabCall[*uiThread](p, jsThread, id)
	if th == nil {
		p.t.Fatalf("no card for %s", id)
	}
	return *th
}

// cardSel selects an element inside an annotation's card; inner starting
// with ":scope > " selects among the card's children.
func cardSel(id, inner string) string {
	card := `[data-testid="annotation-card"][data-annotation-id="` + id + `"]`
	if rest, ok := strings.CutPrefix(inner, ":scope > "); ok {
		return card + " > " + rest
	}
	return card + " " + inner
}

func TestBrowserReplyEditResolve(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)
	tabEval[chromedp.Void](p, `window.__sameLoad = true`)

	id, _ := p.annotate(textPassage{From: "Hong Lei, the spokesman"}, "Is the title right?", "names")

	// Reply with Ctrl+Enter: it shows in the thread without a reload,
	// Markdown rendered.
	p.do(
		chromedp.SendKeys(chromedp.CSS(cardSel(id, `[data-testid="reply-input"]`)), "Yes: **spokesman** per the ministry site.", chromedp.NodeVisible),
		chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
	)
	tabPoll[bool](p, "the reply", `(id) => document.querySelectorAll('[data-annotation-id="' + id + '"] [data-testid="reply"]').length === 1`, id)
	th := p.thread(id)
	if r := th.Replies[0]; r.Author != "editor" || r.Body != "Yes: spokesman per the ministry site." {
		t.Errorf("reply %+v", r)
	}
	if got := valueOf(p, cardSel(id, `[data-testid="reply-input"]`)); got != "" {
		t.Errorf("the reply box kept %q after sending", got)
	}
	// And with the button.
	p.do(
		chromedp.SendKeys(chromedp.CSS(cardSel(id, `[data-testid="reply-input"]`)), "Second reply", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(cardSel(id, `[data-testid="reply-submit"]`)), chromedp.NodeVisible),
	)
	tabPoll[bool](p, "the second reply", `(id) => document.querySelectorAll('[data-annotation-id="' + id + '"] [data-testid="reply"]').length === 2`, id)

	// Edit the comment.
	editInput := cardSel(id, `:scope > [data-testid="edit-form"] [data-testid="edit-input"]`)
	p.do(chromedp.Click(chromedp.CSS(cardSel(id, `:scope > .card-actions [data-testid="edit-button"]`)), chromedp.NodeVisible))
	p.do(chromedp.WaitVisible(chromedp.CSS(editInput)))
	tabCall[chromedp.Void](p, `(sel) => { document.querySelector(sel).value = ""; }`, editInput)
	p.do(
		chromedp.SendKeys(chromedp.CSS(editInput), "Is *spokesman* the right title?", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(cardSel(id, `:scope > [data-testid="edit-form"] [data-testid="edit-save"]`)), chromedp.NodeVisible),
	)
	tabPoll[bool](p, "the edited comment", `(id) => document.querySelector('[data-annotation-id="' + id + '"] [data-testid="comment-body"]')?.textContent.trim() === "Is spokesman the right title?"`, id)
	if th := p.thread(id); !th.Edited {
		t.Error("the edited comment has no edited marker")
	}

	// A stale edit: someone (here the same author, elsewhere) saves first.
	// The page shows their text and keeps the draft; saving again wins.
	p.do(chromedp.Click(chromedp.CSS(cardSel(id, `:scope > .card-actions [data-testid="edit-button"]`)), chromedp.NodeVisible))
	tabCall[chromedp.Void](p, `(sel) => { document.querySelector(sel).value = ""; }`, editInput)
	p.do(chromedp.SendKeys(chromedp.CSS(editInput), "My draft", chromedp.NodeVisible))
	rec := app.do(http.MethodPatch, "/api/annotations/"+id, "editor", map[string]any{"comment": "Changed in another tab"}, "If-Match", "*")
	wantStatus(t, rec, http.StatusOK)
	// The live update swaps the card in; the open form and draft survive.
	tabPoll[bool](p, "the live update", `(id) => document.querySelector('[data-annotation-id="' + id + '"] [data-testid="comment-body"]')?.textContent.trim() === "Changed in another tab"`, id)
	if got := valueOf(p, editInput); got != "My draft" {
		t.Fatalf("the live update replaced the draft with %q", got)
	}
	p.do(chromedp.Click(chromedp.CSS(cardSel(id, `:scope > [data-testid="edit-form"] [data-testid="edit-save"]`)), chromedp.NodeVisible))
	newer := tabPoll[string](p, "the conflict notice", `(id) => {
		const box = document.querySelector('[data-annotation-id="' + id + '"] > [data-testid="edit-form"] [data-testid="edit-conflict"]');
		return box && !box.hidden ? box.querySelector('[data-testid="edit-newer"]').textContent : null;
	}`, id)
	// Chrome logs the refused save (412) as a failed request: that one is
	// expected, and nothing else may have gone wrong.
	p.expectOnlyProblem("status of 412")
	if !strings.Contains(newer, "Changed in another tab") {
		t.Errorf("the conflict shows %q, want the newer text", newer)
	}
	if got := valueOf(p, editInput); got != "My draft" {
		t.Errorf("the stale save lost the draft: %q", got)
	}
	if an, _ := app.db.Annotation(id); an.Comment != "Changed in another tab" {
		t.Fatalf("the stale save overwrote the newer text: %q", an.Comment)
	}
	p.do(chromedp.Click(chromedp.CSS(cardSel(id, `:scope > [data-testid="edit-form"] [data-testid="edit-save"]`)), chromedp.NodeVisible))
	tabPoll[bool](p, "the second save", `(id) => document.querySelector('[data-annotation-id="' + id + '"] [data-testid="comment-body"]')?.textContent.trim() === "My draft"`, id)

	// Resolve: the thread folds away and its highlight fades; the toggle
	// shows it; reopen brings it back.
	p.do(chromedp.Click(chromedp.CSS(cardSel(id, `[data-testid="resolve-button"]`)), chromedp.NodeVisible))
	tabPoll[bool](p, "the thread to resolve", `(id) => document.querySelector('[data-annotation-id="' + id + '"]')?.dataset.status === "resolved"`, id)
	th = p.thread(id)
	if !th.Folded || th.Visible {
		t.Errorf("the resolved thread: folded %v, visible %v; want folded away", th.Folded, th.Visible)
	}
	for _, m := range p.marksOf(id) {
		if !strings.Contains(strings.Join(m.Classes, " "), "resolved") {
			t.Errorf("the resolved thread's highlight %+v does not fade", m)
		}
	}
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="resolved-toggle"] > summary`), chromedp.NodeVisible))
	if th = p.thread(id); !th.Visible {
		t.Error("the toggle does not show the resolved thread")
	}
	p.do(chromedp.Click(chromedp.CSS(cardSel(id, `[data-testid="resolve-button"]`)), chromedp.NodeVisible))
	tabPoll[bool](p, "the thread to reopen", `(id) => document.querySelector('[data-annotation-id="' + id + '"]')?.dataset.status === "open"`, id)
	if th = p.thread(id); th.Folded || !th.Visible {
		t.Errorf("the reopened thread: folded %v, visible %v", th.Folded, th.Visible)
	}
	if !tabEval[bool](p, `window.__sameLoad === true`) {
		t.Error("the page reloaded")
	}
	p.noErrors()
}

func TestBrowserFilterByTag(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	fact := annotate(t, app, "editor", "Hong Lei", "Check", "fact-check")
	style := annotate(t, app, "commenter", "Der Spiegel", "Italics?", "style")
	p := openTab(t, app)
	p.signIn("editor")
	p.openReader(app.sample.ID)

	tabCall[string](p, jsPickFilter, "filter-tag", "fact-check")
	tabPoll[bool](p, "the filtered threads", `() => document.querySelectorAll('[data-testid="annotation-card"]').length === 1`)
	check := func(when string) {
		t.Helper()
		if ids := tabCall[[]string](p, jsCardIDs); len(ids) != 1 || ids[0] != fact.ID {
			t.Errorf("%s: cards %v, want [%s]", when, ids, fact.ID)
		}
		for _, m := range p.marksOf(style.ID) {
			if !strings.Contains(strings.Join(m.Classes, " "), "dim") {
				t.Errorf("%s: the non-matching highlight %+v is not dimmed", when, m)
			}
		}
		for _, m := range p.marksOf(fact.ID) {
			if strings.Contains(strings.Join(m.Classes, " "), "dim") {
				t.Errorf("%s: the matching highlight %+v is dimmed", when, m)
			}
		}
		if loc := tabRun(p, chromedp.Location()); !strings.Contains(loc, "tag=fact-check") {
			t.Errorf("%s: the address %q does not keep the filter", when, loc)
		}
	}
	check("after choosing the tag")
	// The address can be shared: loading it shows the same.
	p.do(chromedp.Reload())
	p.waitReader()
	check("after reloading")
	if v := tabEval[string](p, `document.querySelector('[data-testid="filter-tag"]').value`); v != "fact-check" {
		t.Errorf("the tag select shows %q after reloading", v)
	}
	p.do(chromedp.Click(chromedp.CSS(`[data-testid="filter-clear"]`), chromedp.NodeVisible))
	tabPoll[bool](p, "all threads again", `() => document.querySelectorAll('[data-testid="annotation-card"]').length === 2`)
	p.noErrors()
}

func TestBrowserTwoEditorsLive(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	existing := annotate(t, app, "editor", "Der Spiegel", "Which edition?", "sourcing")
	a := openTab(t, app)
	b := openTab(t, app)
	a.signIn("editor")
	b.signIn("commenter")
	a.openReader(app.sample.ID)
	b.openReader(app.sample.ID)
	tabEval[chromedp.Void](b, `window.__sameLoad = true`)

	// B starts a reply it has not sent.
	draft := cardSel(existing.ID, `[data-testid="reply-input"]`)
	b.do(chromedp.SendKeys(chromedp.CSS(draft), "Half-written thought", chromedp.NodeVisible))

	// A annotates; B sees the highlight and the thread appear.
	const quote = "Huawei Technologies condemned the alleged infiltration"
	id, _ := a.annotate(textPassage{From: quote}, "Cite the statement.", "fact-check")
	tabPoll[bool](b, "A's annotation in B's page", `(id) => !!document.querySelector('[data-testid="annotation-card"][data-annotation-id="' + id + '"]') &&
		!!document.querySelector('[data-testid="highlight"][data-annotation-ids~="' + id + '"]')`, id)
	if c := b.card(id); c.Quote != quote || c.Author != "editor" {
		t.Errorf("B sees card %+v", c)
	}
	checkDraft := func(when string) {
		t.Helper()
		if got := valueOf(b, draft); got != "Half-written thought" {
			t.Errorf("%s: B's draft is %q", when, got)
		}
		if !tabCall[bool](b, `(sel) => document.activeElement === document.querySelector(sel)`, draft) {
			t.Errorf("%s: B's reply box lost the focus", when)
		}
	}
	checkDraft("after A annotated")

	// A replies, then resolves; B sees both, still typing.
	a.do(
		chromedp.SendKeys(chromedp.CSS(cardSel(id, `[data-testid="reply-input"]`)), "Statement is on huawei.com", chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(cardSel(id, `[data-testid="reply-submit"]`)), chromedp.NodeVisible),
	)
	tabPoll[bool](b, "A's reply in B's page", `(id) => [...document.querySelectorAll('[data-annotation-id="' + id + '"] [data-testid="reply-body"]')].some((r) => r.textContent.includes("huawei.com"))`, id)
	b.do(chromedp.SendKeys(chromedp.CSS(draft), ", continued", chromedp.NodeVisible))
	a.do(chromedp.Click(chromedp.CSS(cardSel(id, `[data-testid="resolve-button"]`)), chromedp.NodeVisible))
	tabPoll[bool](b, "the resolution in B's page", `(id) => document.querySelector('[data-annotation-id="' + id + '"]')?.dataset.status === "resolved"`, id)
	if got := valueOf(b, draft); got != "Half-written thought, continued" {
		t.Errorf("after A resolved: B's draft is %q", got)
	}
	if !tabEval[bool](b, `window.__sameLoad === true`) {
		t.Error("B's page reloaded")
	}
	// B's activity log tells the story in order.
	types := tabEval[[]string](b, `[...document.querySelectorAll('[data-testid="activity-entry"]')].map((e) => e.dataset.type)`)
	want := []string{"annotation.created", "annotation.created", "reply.created", "annotation.resolved"}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Errorf("B's activity log %v, want %v", types, want)
	}
	a.noErrors()
	b.noErrors()
}

// valueOf reads a form field's value in one step, so that a panel swapped
// in meanwhile cannot leave the query holding a detached node.
func valueOf(p *browserTab, sel string) string {
	p.t.Helper()
	return tabCall[string](p, `(sel) => document.querySelector(sel)?.value ?? "(no such field)"`, sel)
}

// expectOnlyProblem takes the page errors recorded so far, fails the test
// unless each mentions want, and fails unless there was one.
func (p *browserTab) expectOnlyProblem(want string) {
	p.t.Helper()
	_ = chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`0`))
	problems := p.takeProblems()
	if len(problems) == 0 {
		p.t.Errorf("the page logged no error mentioning %q", want)
	}
	for _, msg := range problems {
		if !strings.Contains(msg, want) {
			p.t.Errorf("page error: %s", msg)
		}
	}
}
