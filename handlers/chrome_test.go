package handlers_test

// The headless Chromium that the browser tests share, and a page type that
// drives one tab of it. One browser process serves the whole package; every
// test gets a tab in a browser context of its own (no shared cookies or
// storage), its own server and database, and a deadline.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserTestTimeout bounds each browser test, so that none can hang.
const browserTestTimeout = 60 * time.Second

// viewport is the size of every test page (and of the screenshot).
const viewportWidth, viewportHeight = 1400, 900

// chrome is the Chromium process the package's tests share, started on
// first use and stopped by TestMain.
var chrome struct {
	once   sync.Once
	ctx    context.Context // holds the browser; tabs are its children
	cancel func()          // stops the browser and its allocator
	dir    string          // the profile directory
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}

// chromiumPath finds the browser binary. The browser tests fail, never
// skip, without one: a skipped browser test proves nothing.
func chromiumPath() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium or chromium-browser on PATH: install Debian's chromium (apt-get install chromium) to run the browser tests")
}

// sharedBrowser starts the browser once and returns its context.
func sharedBrowser(t *testing.T) context.Context {
	t.Helper()
	chrome.once.Do(startBrowser)
	if chrome.err != nil {
		t.Fatal(chrome.err)
	}
	return chrome.ctx
}

func startBrowser() {
	path, err := chromiumPath()
	if err != nil {
		chrome.err = err
		return
	}
	dir, err := os.MkdirTemp("", "galley-chromium-")
	if err != nil {
		chrome.err = err
		return
	}
	chrome.dir = dir
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		// Tabs of parallel tests must not be throttled as background pages.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.WindowSize(viewportWidth, viewportHeight),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	chrome.ctx = ctx
	chrome.cancel = func() {
		stop, stopCancel := context.WithTimeout(ctx, 10*time.Second)
		defer stopCancel()
		_ = chromedp.Cancel(stop)
		cancel()
		allocCancel()
	}
	// The first Run binds the browser's life to ctx, so it gets no deadline
	// of its own; a start that hangs is cut off here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(30 * time.Second):
		err = errors.New("timed out")
	}
	if err != nil {
		chrome.err = fmt.Errorf("start %s: %w", path, err)
	}
}

func stopBrowser() {
	if chrome.cancel != nil {
		chrome.cancel()
	}
	if chrome.dir != "" {
		os.RemoveAll(chrome.dir)
	}
}

// browserTab is one browser tab on a test app's server.
type browserTab struct {
	t    *testing.T
	base string          // the server's URL
	ctx  context.Context // the tab, with the test's deadline

	mu       sync.Mutex
	problems []string // exceptions and console errors, as they came
}

// openTab opens a tab in a fresh browser context on a new server for app.
// When the test ends, any exception or console error the pages raised fails
// it.
func openTab(t *testing.T, app *testApp) *browserTab {
	t.Helper()
	parent := sharedBrowser(t)
	srv := app.newServer()
	p := &browserTab{t: t, base: srv.URL}
	tab, cancelTab := chromedp.NewContext(parent, chromedp.WithNewBrowserContext(), chromedp.WithListener(p.listen))
	// The first Run binds the tab to this context: at the deadline the tab
	// closes and whatever the test was waiting for fails.
	ctx, cancel := context.WithTimeout(tab, browserTestTimeout)
	t.Cleanup(func() {
		cancel()
		cancelTab()
	})
	p.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	// Each tab acts as the focused window, so focus and :focus behave as
	// for a person at the keyboard, also when tests run in parallel.
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("focus emulation: %v", err)
	}
	p.do(chromedp.EmulateViewport(viewportWidth, viewportHeight))
	t.Cleanup(func() {
		// A round trip first, so that every event sent so far is recorded.
		_ = chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`0`))
		for _, msg := range p.takeProblems() {
			t.Errorf("page error: %s", msg)
		}
	})
	return p
}

// listen records uncaught exceptions, console.error calls and error
// entries of the browser log (failed requests, CSP violations). It runs on
// the tab's reader goroutine, so it only appends.
func (p *browserTab) listen(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		if d.URL != "" {
			msg += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError && e.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		parts := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			switch {
			case a.Description != "":
				parts = append(parts, a.Description)
			case len(a.Value) > 0:
				parts = append(parts, string(a.Value))
			default:
				parts = append(parts, string(a.Type))
			}
		}
		msg = "console." + string(e.Type) + ": " + strings.Join(parts, " ")
	case *log.EventEntryAdded:
		if e.Entry == nil || e.Entry.Level != log.EntryLevelError {
			return
		}
		// Chrome asks every site for /favicon.ico on its own; the desk has
		// none, and the 404 is no error of the page's.
		if strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
			return
		}
		msg = fmt.Sprintf("browser log (%s): %s", e.Entry.Source, e.Entry.Text)
		if e.Entry.URL != "" {
			msg += " " + e.Entry.URL
		}
	default:
		return
	}
	p.mu.Lock()
	p.problems = append(p.problems, msg)
	p.mu.Unlock()
}

func (p *browserTab) takeProblems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.problems
	p.problems = nil
	return out
}

// noErrors fails the test now if a page has raised an error so far. An
// event that came before a command's reply has been recorded by the time
// the command returns, so a round trip first makes the check complete.
func (p *browserTab) noErrors() {
	p.t.Helper()
	_ = chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](`0`))
	if problems := p.takeProblems(); len(problems) > 0 {
		p.t.Fatalf("the page raised errors:\n  %s", strings.Join(problems, "\n  "))
	}
}

// do runs browser actions, failing the test on the first error.
func (p *browserTab) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v%s", err, p.problemText())
	}
}

// problemText lists recorded page errors, to explain a failed action.
func (p *browserTab) problemText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.problems) == 0 {
		return ""
	}
	return "\npage errors so far:\n  " + strings.Join(p.problems, "\n  ")
}

// tabRun runs one action that returns a value.
func tabRun[T any](p *browserTab, a chromedp.Action[T]) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, a)
	if err != nil {
		p.t.Fatalf("browser: %v%s", err, p.problemText())
	}
	return v
}

// tabEval evaluates a JavaScript expression and decodes its JSON value.
func tabEval[T any](p *browserTab, js string) T {
	p.t.Helper()
	return tabRun(p, chromedp.Evaluate[T](js))
}

// tabCall evaluates a JavaScript function expression applied to args, which
// travel as JSON, so no quoting can go wrong.
func tabCall[T any](p *browserTab, fn string, args ...any) T {
	p.t.Helper()
	enc := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			p.t.Fatal(err)
		}
		enc[i] = string(b)
	}
	return tabEval[T](p, "("+fn+")("+strings.Join(enc, ", ")+")")
}

// tabPoll waits until a JavaScript function expression applied to args
// returns a truthy value, and returns that value. It polls in the page with
// a plain loop: chromedp's Poll builds its predicate with new Function,
// which the desk's Content-Security-Policy (rightly) forbids.
func tabPoll[T any](p *browserTab, what, fn string, args ...any) T {
	p.t.Helper()
	if args == nil {
		args = []any{}
	}
	enc, err := json.Marshal(args)
	if err != nil {
		p.t.Fatal(err)
	}
	js := `new Promise((resolve, reject) => {
		const fn = (` + fn + `), args = ` + string(enc) + `, deadline = Date.now() + 20000;
		const tick = () => {
			let v;
			try { v = fn(...args); } catch (e) { reject(e); return; }
			if (v) resolve({ ok: true, value: v });
			else if (Date.now() > deadline) resolve({ ok: false });
			else setTimeout(tick, 15);
		};
		tick();
	})`
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("waiting for %s: %v%s", what, err, p.problemText())
	}
	var res struct {
		OK    bool `json:"ok"`
		Value T    `json:"value"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		p.t.Fatalf("waiting for %s: decode %s: %v", what, raw, err)
	}
	if !res.OK {
		p.t.Fatalf("timed out waiting for %s%s", what, p.problemText())
	}
	return res.Value
}
