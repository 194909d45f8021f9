// Package annotation holds Galley's pure domain logic: the text model of an
// article, text selectors and their validation, and the segmentation that
// turns overlapping annotations into flat, renderable pieces. It knows
// nothing about HTTP or storage.
//
// Every offset in this package counts Unicode code points over a document's
// normalized text, end exclusive, as the W3C TextPositionSelector requires.
package annotation

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BlockKind says what role a block plays in an article.
type BlockKind string

// The kinds of block the importer recognizes.
const (
	BlockDateline  BlockKind = "dateline"
	BlockHeadline  BlockKind = "headline"
	BlockByline    BlockKind = "byline"
	BlockSubhead   BlockKind = "subhead"
	BlockCaption   BlockKind = "caption"
	BlockParagraph BlockKind = "paragraph"
	BlockContact   BlockKind = "contact"
)

// Block is one run of an article's normalized text: a headline, a caption, a
// paragraph. Start and End are code point offsets into the document text.
type Block struct {
	Kind  BlockKind `json:"kind"`
	Start int       `json:"start"`
	End   int       `json:"end"`
}

// Article is the result of importing raw text: the normalized text, its
// blocks in order, and the metadata recognized in its header.
type Article struct {
	Title    string
	Byline   string
	Dateline string
	Text     string
	Blocks   []Block
}

// BlockSeparator joins consecutive blocks in a normalized text.
const BlockSeparator = "\n\n"

// Normalize prepares raw article text for storage: it drops byte order
// marks (U+FEFF, wherever they are), turns CRLF and lone CR into LF, removes
// control characters other than tab and newline, trims trailing spaces from
// every line and collapses runs of blank lines into one. The result has no
// leading or trailing blank lines. Normalize is idempotent.
func Normalize(raw string) string {
	raw = strings.TrimPrefix(raw, "\uFEFF")
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	raw = strings.ReplaceAll(raw, "\r", "\n")
	raw = strings.Map(func(r rune) rune {
		if r == utf8.RuneError {
			return r
		}
		if r == '\n' || r == '\t' {
			return r
		}
		if r == '\uFEFF' {
			// A BOM left inside the text (a second one, or one after
			// leading blank lines) would otherwise surface at the start
			// of the result and break idempotence.
			return -1
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, raw)
	lines := strings.Split(raw, "\n")
	out := make([]string, 0, len(lines))
	blank := true // drop leading blank lines
	for _, line := range lines {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, line)
		blank = false
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

var (
	datelinePattern = regexp.MustCompile(`(?i)^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?` +
		`((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|\d{4}-\d{2}-\d{2})` +
		`(,?\s+\d{4})?(,?\s+\d{1,2}:\d{2}.*)?$`)
	bylinePattern  = regexp.MustCompile(`^(?i:by)\s+\S`)
	captionPattern = regexp.MustCompile(`(\((Photo|Photograph|Image|Credit)?:?\s*[A-Z][\w.&' -]{0,40}\)|^(Photo|Caption):\s.*)$`)
	contactPattern = regexp.MustCompile(`(?i)^(contact|email|write to)\b.*\S+@\S+\.\S+`)
	mdHeading      = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)
)

// maxHeaderLine is the longest line (in code points) that may be taken as a
// headline, byline or dateline.
const maxHeaderLine = 200

// Parse normalizes raw text and lays blocks over it. It recognizes the shape
// of a news story (dateline, headline and byline on the first lines, a photo
// caption ending in a credit, a contact line), Markdown headings, and plain
// paragraphs separated by blank lines. Lines of the header become blocks of
// their own; lines inside a paragraph stay joined by a newline.
func Parse(raw string) Article {
	norm := Normalize(raw)
	var a Article
	if norm == "" {
		return a
	}
	var pieces []piece
	chunks := strings.Split(norm, BlockSeparator)

	// The header: the first chunk, when its lines look like a dateline,
	// headline and byline, is split into one block per line.
	header, used := findHeader(chunks)
	pieces = append(pieces, header...)
	chunks = chunks[used:]
	for _, chunk := range chunks {
		if m := mdHeading.FindStringSubmatch(chunk); m != nil && !strings.Contains(chunk, "\n") {
			kind := BlockSubhead
			if len(m[1]) == 1 && !hasKind(pieces, BlockHeadline) {
				kind = BlockHeadline
			}
			pieces = append(pieces, piece{kind, m[2]})
			continue
		}
		pieces = append(pieces, piece{classify(chunk, pieces), chunk})
	}

	var text strings.Builder
	offset := 0
	for i, p := range pieces {
		if p.text == "" {
			continue
		}
		if i > 0 && text.Len() > 0 {
			text.WriteString(BlockSeparator)
			offset += 2
		}
		n := utf8.RuneCountInString(p.text)
		text.WriteString(p.text)
		a.Blocks = append(a.Blocks, Block{Kind: p.kind, Start: offset, End: offset + n})
		offset += n
		switch p.kind {
		case BlockHeadline:
			if a.Title == "" {
				a.Title = p.text
			}
		case BlockByline:
			if a.Byline == "" {
				a.Byline = p.text
			}
		case BlockDateline:
			if a.Dateline == "" {
				a.Dateline = p.text
			}
		}
	}
	a.Text = text.String()
	if a.Title == "" {
		a.Title = TitleFrom(a.Text)
	}
	return a
}

// piece is a block before offsets are laid over it.
type piece struct {
	kind BlockKind
	text string
}

// findHeader looks for a news header at the start of the chunks: either
// the lines of the first chunk, as in a raw story, or the first two to four
// single-line chunks, as in a text Galley normalized before (so parsing a
// stored text again finds the same header). It returns the header's blocks
// and how many chunks they used.
func findHeader(chunks []string) ([]piece, int) {
	if header, ok := parseHeader(strings.Split(chunks[0], "\n")); ok {
		return header, 1
	}
	n := 0
	for n < len(chunks) && n < 4 && !strings.Contains(chunks[n], "\n") {
		n++
	}
	for ; n >= 2; n-- {
		if header, ok := parseHeader(chunks[:n]); ok {
			return header, n
		}
	}
	return nil, 0
}

// parseHeader recognizes a news header: up to four short lines holding one
// headline and optionally a dateline and a byline, in any order.
func parseHeader(lines []string) ([]piece, bool) {
	if len(lines) < 2 || len(lines) > 4 {
		return nil, false
	}
	var out []piece
	seen := map[BlockKind]bool{}
	for _, line := range lines {
		if utf8.RuneCountInString(line) > maxHeaderLine {
			return nil, false
		}
		var kind BlockKind
		switch {
		case !seen[BlockDateline] && datelinePattern.MatchString(line):
			kind = BlockDateline
		case !seen[BlockByline] && bylinePattern.MatchString(line):
			kind = BlockByline
		case !seen[BlockHeadline]:
			kind = BlockHeadline
			if m := mdHeading.FindStringSubmatch(line); m != nil {
				line = m[2]
			}
		default:
			return nil, false
		}
		seen[kind] = true
		out = append(out, piece{kind, line})
	}
	if !seen[BlockHeadline] || (!seen[BlockDateline] && !seen[BlockByline]) {
		return nil, false
	}
	return out, true
}

func hasKind(pieces []piece, kind BlockKind) bool {
	for _, p := range pieces {
		if p.kind == kind {
			return true
		}
	}
	return false
}

// classify picks the kind of a body chunk from its text and what came
// before it.
func classify(chunk string, before []piece) BlockKind {
	single := !strings.Contains(chunk, "\n")
	switch {
	case single && contactPattern.MatchString(chunk):
		return BlockContact
	case captionPattern.MatchString(chunk) && !strings.Contains(chunk, "\n"):
		return BlockCaption
	}
	for _, p := range before {
		if p.kind == BlockHeadline && p.text == chunk {
			return BlockSubhead
		}
	}
	return BlockParagraph
}

// TitleFrom makes a title from the first line of a text, cut at a word
// boundary to at most 120 code points.
func TitleFrom(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	const max = 120
	if utf8.RuneCountInString(line) <= max {
		return line
	}
	r := []rune(line)[:max]
	cut := strings.LastIndexFunc(string(r), unicode.IsSpace)
	if cut > max/2 {
		return strings.TrimSpace(string(r)[:cut]) + "…"
	}
	return string(r) + "…"
}
