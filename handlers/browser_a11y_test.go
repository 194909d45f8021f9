package handlers_test

// Accessibility: axe-core, the checker nobody on the project wrote, run in
// the real browser on every page at a desktop's and a phone's size. It is
// installed from npm by make (tools/axe); the test fails without it.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core's browser bundle, as make installs it.
var axeScript = filepath.Join("..", "tools", "axe", "node_modules", "axe-core", "axe.min.js")

// axeViolation is one rule axe found broken, with where.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeCheck runs axe on the page the tab shows and reports serious and
// critical violations as test errors, naming the page.
func (p *browserTab) axeCheck(page string) {
	p.t.Helper()
	src, err := os.ReadFile(axeScript)
	if err != nil {
		p.t.Fatalf("axe-core is not installed (run make axe, which needs npm): %v", err)
	}
	// Evaluated through the DevTools protocol, the script is not subject to
	// the page's Content-Security-Policy, which rightly forbids it.
	if !tabEval[bool](p, string(src)+"\n;typeof axe === 'object'") {
		p.t.Fatal("axe did not load")
	}
	const jsRun = `axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations
		.filter((v) => v.impact === "serious" || v.impact === "critical")
		.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`
	violations := tabRun(p, chromedp.Evaluate[[]axeViolation](jsRun, chromedp.EvalAwaitPromise))
	for _, v := range violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " ")))
		}
		p.t.Errorf("%s: axe %s violation %s (%s):\n    %s", page, v.Impact, v.ID, v.Help, strings.Join(where, "\n    "))
	}
}

// TestBrowserAccessibility: no page has a serious or critical axe
// violation, at 1440x900 and at 375x812, including the reader with
// highlights on the byline, the caption and the contact line, its threads
// sheet open on a phone and its composer open.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	doc := seedDesk(t, app)
	for _, size := range [][2]int64{{1440, 900}, {phoneWidth, phoneHeight}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			p := openTab(t, app)
			p.do(chromedp.EmulateViewport(size[0], size[1]))
			p.do(chromedp.Navigate(p.base + "/login"))
			p.axeCheck("sign-in")
			p.signIn("admin")
			for _, pg := range append(deskPages(doc), [2]string{"not found", "/documents/no-such-document"}) {
				p.do(chromedp.Navigate(p.base + pg[1]))
				tabPoll[bool](p, pg[0]+" to load", `() => document.readyState === "complete"`)
				if pg[0] == "not found" {
					// The 404 itself is what this page is about.
					p.takeProblems()
				}
				p.axeCheck(pg[0])
				p.shoot(fmt.Sprintf("%d-%s", size[0], pg[0]))
			}
			p.openReader(doc)
			if size[0] == phoneWidth {
				p.do(chromedp.Click(chromedp.CSS(`[data-testid="threads-toggle"]`), chromedp.NodeVisible))
				p.axeCheck("reader, threads open")
				p.do(chromedp.Click(chromedp.CSS(`[data-testid="threads-close"]`), chromedp.NodeVisible))
			}
			tabCall[string](p, jsSelect, "Hong Lei, the spokesman", "", 0)
			p.do(chromedp.Click(chromedp.CSS(selAnnotate), chromedp.NodeVisible))
			p.waitComposer()
			p.axeCheck("reader, composer open")
			p.noErrors()
		})
	}
}
