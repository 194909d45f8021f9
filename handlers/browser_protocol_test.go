package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"galley/handlers"

	"github.com/chromedp/chromedp"
)

// clientSite serves a blank page on an origin of its own: a browser client
// of the desk that lives on another site.
func clientSite(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>client</title><p>client</p>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// protocolClientJS reads, creates, replaces and deletes through the
// protocol from the client's page, with a Bearer token, as a browser
// client on another site would, and reports what it saw.
const protocolClientJS = `(async (base, token, doc) => {
	const container = base + "/documents/" + doc + "/annotations/";
	const ld = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"';
	const auth = { Authorization: "Bearer " + token };
	const ann = (comment) => ({
		"@context": "http://www.w3.org/ns/anno.jsonld", type: "Annotation", motivation: "commenting",
		body: { type: "TextualBody", value: comment, purpose: "commenting" },
		target: { source: base + "/documents/" + doc, selector: { type: "TextQuoteSelector", exact: "Hong Lei, the spokesman" } },
	});
	const out = {};
	try {
		let r = await fetch(container, { headers: { ...auth, Prefer: 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"' } });
		out.get = { status: r.status, etag: r.headers.get("ETag"), link: r.headers.get("Link"), allow: r.headers.get("Allow"),
			contentLocation: r.headers.get("Content-Location"), id: (await r.json()).id };
		r = await fetch(container, { method: "POST", headers: { ...auth, "Content-Type": ld }, body: JSON.stringify(ann("From another site")) });
		out.post = { status: r.status, location: r.headers.get("Location"), etag: r.headers.get("ETag") };
		r = await fetch(out.post.location, { method: "PUT", headers: { ...auth, "Content-Type": ld, "If-Match": out.post.etag }, body: JSON.stringify(ann("Edited from another site")) });
		out.put = { status: r.status, etag: r.headers.get("ETag") };
		r = await fetch(out.post.location, { method: "DELETE", headers: { ...auth, "If-Match": out.put.etag } });
		out.del = r.status;
	} catch (e) {
		out.error = e.name;
	}
	return JSON.stringify(out);
})`

type protocolClientResult struct {
	Get struct {
		Status                                 int
		ETag, Link, Allow, ContentLocation, ID string
	}
	Post struct {
		Status         int
		Location, ETag string
	}
	Put struct {
		Status int
		ETag   string
	}
	Del   int
	Error string
}

func runProtocolClient(t *testing.T, p *browserTab, client, token, docID string) protocolClientResult {
	t.Helper()
	p.do(chromedp.Navigate(client + "/"))
	js := protocolClientJS + "(" + mustJSONString(t, p.base) + ", " + mustJSONString(t, token) + ", " + mustJSONString(t, docID) + ")"
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("the client script: %v%s", err, p.problemText())
	}
	var res protocolClientResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return res
}

func mustJSONString(t *testing.T, s string) string {
	t.Helper()
	return string(mustJSON(t, s))
}

// TestBrowserProtocolFromAnotherSite: a page on another origin, in real
// Chromium, uses the protocol with a Bearer token when the operator lists
// its origin (preflights for POST, PUT and DELETE, the protocol's headers
// readable), and cannot when the origin is not listed.
func TestBrowserProtocolFromAnotherSite(t *testing.T) {
	client := clientSite(t)
	app := newTestApp(t, func(c *handlers.Config) { c.CORSOrigins = []string{client.URL} })
	p := openTab(t, app)
	res := runProtocolClient(t, p, client.URL, app.tokens["commenter"], app.sample.ID)
	if res.Error != "" {
		t.Fatalf("the client's requests failed: %s%s", res.Error, p.problemText())
	}
	container := p.base + "/documents/" + app.sample.ID + "/annotations/"
	if res.Get.Status != http.StatusOK || res.Get.ID != container || res.Get.ETag == "" ||
		!strings.Contains(res.Get.Link, "BasicContainer") || !strings.Contains(res.Get.Allow, "POST") ||
		res.Get.ContentLocation != container+"?iris=1" {
		t.Errorf("GET from another site: %+v", res.Get)
	}
	if res.Post.Status != http.StatusCreated || !strings.HasPrefix(res.Post.Location, container) || res.Post.ETag == "" {
		t.Errorf("POST from another site: %+v", res.Post)
	}
	if res.Put.Status != http.StatusOK || res.Put.ETag == "" || res.Put.ETag == res.Post.ETag {
		t.Errorf("PUT from another site: %+v", res.Put)
	}
	if res.Del != http.StatusNoContent {
		t.Errorf("DELETE from another site: %d", res.Del)
	}

	// An origin the operator did not list gets nothing.
	closed := newTestApp(t)
	q := openTab(t, closed)
	res = runProtocolClient(t, q, client.URL, closed.tokens["commenter"], closed.sample.ID)
	if res.Error != "TypeError" || res.Get.Status != 0 {
		t.Errorf("an origin not listed: %+v, want the browser to refuse (TypeError)", res)
	}
	q.takeProblems() // the browser logs the refusal
}
