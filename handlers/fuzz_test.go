package handlers

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"galley/annotation"

	"golang.org/x/net/html"
)

// fuzzText is the text annotation requests are checked against.
const fuzzText = "Beijing slams spying on Huawei 🚀\n\nThe ministry said, café résumé, 日本語."

// FuzzDecodeAnnotationRequest: the strict decoder and the validator never
// panic; what they accept is valid UTF-8 with no duplicate keys, and an
// annotation they make quotes exactly the text at its offsets.
func FuzzDecodeAnnotationRequest(f *testing.F) {
	for _, seed := range []string{
		`{"start":0,"end":7,"exact":"Beijing","comment":"c","tags":["a"]}`,
		`{"start":0,"end":7,"exact":"Beijing","comment":"a","comment":"b"}`,
		`{"start":0,"end":7,"exact":"Beijing","Comment":"a","comment":"b"}`,
		`{"start":31,"end":32,"exact":"🚀","comment":"\ud83d\ude80"}`,
		`{"start":1,"end":2,"exact":"\ud800"}`,
		`{"tags":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
		`{"start":-1,"end":1e99}`, `{} {}`, `[]`, `null`, `{"start":"0"}`, "{\"exact\":\"\xff\"}",
		`{"motivation":"editing","start":0,"end":7,"exact":"Beijing","replacement":"Peking"}`,
	} {
		f.Add([]byte(seed))
	}
	text := annotation.NewText(fuzzText)
	f.Fuzz(func(t *testing.T, data []byte) {
		var req createAnnotationRequest
		err := DecodeStrictJSON(data, &req)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status != 400 || ae.Message == "" || strings.Contains(ae.Message, "json:") {
				t.Fatalf("refusal %#v", err)
			}
			return
		}
		if !utf8.Valid(data) || CheckJSONShape(data) != nil {
			t.Fatalf("accepted %q", data)
		}
		if req.Start == nil || req.End == nil {
			return
		}
		a, err := annotation.New(text, "doc", 1, annotation.Draft{Start: *req.Start, End: *req.End, Exact: req.Exact,
			Comment: req.Comment, Tags: req.Tags, Motivation: req.Motivation, Replacement: req.Replacement})
		if err != nil {
			return
		}
		if a.Start < 0 || a.End > text.Len() || a.Start >= a.End || text.Slice(a.Start, a.End) != a.Exact {
			t.Fatalf("annotation %d..%d %q over %q", a.Start, a.End, a.Exact, fuzzText)
		}
	})
}

// allowedMarkup is what a rendered comment may hold: element -> attributes.
var allowedMarkup = map[string]map[string]bool{
	"p": {}, "br": {}, "strong": {}, "em": {}, "del": {}, "code": {}, "pre": {}, "blockquote": {},
	"ul": {}, "ol": {"start": true}, "li": {}, "hr": {}, "h1": {}, "h2": {}, "h3": {}, "h4": {}, "h5": {}, "h6": {},
	"a": {"href": true, "rel": true, "target": true},
}

// checkAllowlist parses rendered HTML and fails on any element or attribute
// outside the allowlist, any on* attribute, and any link that is not http,
// https or mailto.
func checkAllowlist(t *testing.T, src, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs, ok := allowedMarkup[tok.Data]
			if !ok {
				t.Fatalf("Markdown %q renders <%s>: %s", src, tok.Data, out)
			}
			for _, a := range tok.Attr {
				if !attrs[a.Key] || strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Fatalf("Markdown %q renders <%s %s=%q>: %s", src, tok.Data, a.Key, a.Val, out)
				}
				if a.Key == "href" {
					u, err := url.Parse(a.Val)
					if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
						t.Fatalf("Markdown %q links to %q", src, a.Val)
					}
				}
				if a.Key == "rel" && !strings.Contains(a.Val, "nofollow") {
					t.Fatalf("Markdown %q: rel %q", src, a.Val)
				}
			}
		}
	}
}

// FuzzRenderMarkdown: whatever the comment, the rendered HTML holds only
// allowed elements and attributes, no script URLs and no event handlers.
func FuzzRenderMarkdown(f *testing.F) {
	for _, seed := range []string{
		"**bold** _em_ `code` [link](https://example.org) <https://example.org>",
		"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))", "[x](java&#09;script:alert(1))", "[x](&#106;avascript:alert(1))",
		"![x](data:image/svg+xml,<svg onload=alert(1)>)", "<iframe src=//evil>", "<a href=\"javascript:x\">y</a>",
		"[x](data:text/html;base64,PHNjcmlwdD4=)", "<meta http-equiv=refresh content=0;url=//evil>",
		"1. one\n2. two\n\n> quote\n\n---\n\n# h", "www.example.org/path?q=<script>", "mailto:a@b.c",
		"[x]: javascript:alert(1)\n\n[y][x]", "<form><button formaction=javascript:alert(1)>",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkAllowlist(t, src, string(renderer.render(src)))
	})
}
