package annotation

import (
	"slices"
	"sort"
)

// Span is the stretch of text one annotation covers, as the segmenter sees
// it: an id and code point offsets, end exclusive.
type Span struct {
	ID    string
	Start int
	End   int
}

// Segment is a run of a block's text covered by exactly the same set of
// annotations. IDs lists them in the order their spans were given; a segment
// no annotation covers has no IDs. Start and End are document offsets.
type Segment struct {
	Start int
	End   int
	Text  string
	IDs   []string
}

// Depth is how many annotations cover the segment.
func (s Segment) Depth() int { return len(s.IDs) }

// SegmentDocument cuts every block of a text into segments at each span
// boundary, so that overlapping and nested annotations render as flat,
// non-nested marks. Spans may come in any order, may cross blocks and may
// extend past the text; empty spans are ignored. The result has one slice of
// segments per block, in block order, and the segments of a block cover it
// exactly. The cost is O((B+S) log S) plus the size of the output.
func SegmentDocument(text Text, blocks []Block, spans []Span) [][]Segment {
	// perBlock[i] holds the indexes of the spans that touch block i.
	perBlock := make([][]int, len(blocks))
	for i, sp := range spans {
		if sp.End <= sp.Start {
			continue
		}
		// The first block that ends after the span starts.
		b := sort.Search(len(blocks), func(j int) bool { return blocks[j].End > sp.Start })
		for ; b < len(blocks) && blocks[b].Start < sp.End; b++ {
			perBlock[b] = append(perBlock[b], i)
		}
	}
	out := make([][]Segment, len(blocks))
	for b, block := range blocks {
		out[b] = segmentBlock(text, block, spans, perBlock[b])
	}
	return out
}

// SegmentBlock cuts one block into segments; see SegmentDocument.
func SegmentBlock(text Text, block Block, spans []Span) []Segment {
	return SegmentDocument(text, []Block{block}, spans)[0]
}

// boundary is a point where a span starts or ends inside a block.
type boundary struct {
	pos   int
	span  int
	start bool
}

func segmentBlock(text Text, block Block, spans []Span, touching []int) []Segment {
	if block.End <= block.Start {
		return nil
	}
	bounds := make([]boundary, 0, 2*len(touching))
	for _, i := range touching {
		sp := spans[i]
		bounds = append(bounds,
			boundary{pos: max(sp.Start, block.Start), span: i, start: true},
			boundary{pos: min(sp.End, block.End), span: i, start: false})
	}
	slices.SortFunc(bounds, func(a, b boundary) int { return a.pos - b.pos })

	var segs []Segment
	var active []int // indexes into spans, kept sorted
	pos := block.Start
	emit := func(end int) {
		if end <= pos {
			return
		}
		seg := Segment{Start: pos, End: end, Text: text.Slice(pos, end)}
		if len(active) > 0 {
			seg.IDs = make([]string, len(active))
			for k, i := range active {
				seg.IDs[k] = spans[i].ID
			}
		}
		segs = append(segs, seg)
		pos = end
	}
	for _, bd := range bounds {
		emit(bd.pos)
		k, _ := slices.BinarySearch(active, bd.span)
		if bd.start {
			active = slices.Insert(active, k, bd.span)
		} else if k < len(active) && active[k] == bd.span {
			active = slices.Delete(active, k, k+1)
		}
	}
	emit(block.End)
	return segs
}
