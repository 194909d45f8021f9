package handlers

import (
	"bytes"
	"html"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	gmrenderer "github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"galley/views"
)

// markdown turns comments and replies into safe HTML: goldmark renders,
// showing raw HTML in the source as the text it is (an editor's "<TK>" stays
// visible), then bluemonday keeps only plain text markup and links to http,
// https and mailto addresses, each with rel="nofollow noopener". Both are
// built once and safe for concurrent use.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// renderer is the one Markdown renderer; it holds no state that changes.
var renderer = newMarkdown()

func newMarkdown() *markdown {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
		goldmark.WithRendererOptions(gmhtml.WithHardWraps(),
			gmrenderer.WithNodeRenderers(util.Prioritized(rawHTMLAsText{}, 100))),
	)
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "hr",
		"h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &markdown{md: md, policy: p}
}

// render converts Markdown to sanitized HTML. Text goldmark cannot render
// (it always can) falls back to being escaped whole.
func (m *markdown) render(src string) views.SafeHTML {
	if src == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		buf.Reset()
		buf.WriteString("<p>")
		buf.WriteString(html.EscapeString(src))
		buf.WriteString("</p>")
	}
	return views.SafeHTML(bytes.TrimSpace(m.policy.SanitizeBytes(buf.Bytes())))
}

// rawHTMLAsText renders the raw HTML goldmark finds in Markdown as escaped
// text rather than leaving it out.
type rawHTMLAsText struct{}

// RegisterFuncs takes over goldmark's inline and block HTML nodes.
func (rawHTMLAsText) RegisterFuncs(reg gmrenderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := range segs.Len() {
				s := segs.At(i)
				_, _ = w.WriteString(html.EscapeString(string(s.Value(source))))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		b := n.(*ast.HTMLBlock)
		_, _ = w.WriteString("<p>")
		lines := b.Lines()
		for i := range lines.Len() {
			s := lines.At(i)
			_, _ = w.WriteString(html.EscapeString(string(s.Value(source))))
		}
		if b.HasClosure() {
			_, _ = w.WriteString(html.EscapeString(string(b.ClosureLine.Value(source))))
		}
		_, _ = w.WriteString("</p>\n")
		return ast.WalkSkipChildren, nil
	})
}
