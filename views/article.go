package views

import (
	"context"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// blockTags maps a block kind to the element and class it renders as.
var blockTags = map[string][2]string{
	"dateline":  {"p", "b-dateline"},
	"headline":  {"h1", "b-headline"},
	"byline":    {"p", "b-byline"},
	"subhead":   {"h2", "b-subhead"},
	"caption":   {"p", "b-caption"},
	"paragraph": {"p", "b-paragraph"},
	"contact":   {"p", "b-contact"},
}

// maxDepthClass is the deepest overlap given its own shade, and the most
// underlines a highlight stacks.
const maxDepthClass = 4

// blockElement writes one block with its segments. It is written by hand
// rather than in templ so that no white space the template engine might add
// or drop can reach the article's text nodes: the browser counts offsets in
// them, so they must hold exactly the document's text.
func blockElement(b Block) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		tag, ok := blockTags[b.Kind]
		if !ok {
			tag = blockTags["paragraph"]
		}
		var sb strings.Builder
		sb.WriteString("<")
		sb.WriteString(tag[0])
		sb.WriteString(` class="block `)
		sb.WriteString(tag[1])
		sb.WriteString(`" data-start="`)
		sb.WriteString(strconv.Itoa(b.Start))
		sb.WriteString(`" data-end="`)
		sb.WriteString(strconv.Itoa(b.End))
		sb.WriteString(`">`)
		for _, s := range b.Segments {
			writeSegment(&sb, s)
		}
		sb.WriteString("</")
		sb.WriteString(tag[0])
		sb.WriteString(">")
		_, err := io.WriteString(w, sb.String())
		return err
	})
}

func writeSegment(sb *strings.Builder, s Segment) {
	if len(s.IDs) == 0 {
		sb.WriteString(html.EscapeString(s.Text))
		return
	}
	depth := min(s.Depth, maxDepthClass)
	sb.WriteString(`<mark data-testid="highlight" class="hl d`)
	sb.WriteString(strconv.Itoa(depth))
	if s.Tone != "" {
		sb.WriteString(" tone-")
		sb.WriteString(html.EscapeString(s.Tone))
	}
	for i, t := range s.Tones[:min(len(s.Tones), maxDepthClass)] {
		sb.WriteString(" u")
		sb.WriteString(strconv.Itoa(i + 1))
		sb.WriteString("-")
		sb.WriteString(html.EscapeString(t))
	}
	if s.Resolved {
		sb.WriteString(" resolved")
	}
	if s.Dim {
		sb.WriteString(" dim")
	}
	sb.WriteString(`" data-annotation-ids="`)
	sb.WriteString(html.EscapeString(strings.Join(s.IDs, " ")))
	sb.WriteString(`">`)
	sb.WriteString(html.EscapeString(s.Text))
	sb.WriteString("</mark>")
}
