// Package workload makes the annotations that load tests and benchmarks
// create: real passages of a document, quoted exactly, with a comment and
// tags. galley-bench and the command's reliability tests share it.
package workload

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"galley/annotation"
)

// Draft is one annotation to create, in the JSON shape of
// POST /api/documents/{id}/annotations.
type Draft struct {
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Exact   string   `json:"exact"`
	Comment string   `json:"comment"`
	Tags    []string `json:"tags"`
}

// Tags are the tags drafts pick from.
var Tags = []string{"fact-check", "style", "legal", "sources", "numbers", "headline"}

// Drafts picks n random passages inside the blocks of doc: code point spans
// of 1 to 120 characters, trimmed of white space, quoted exactly. The same
// seed gives the same drafts.
func Drafts(doc annotation.Document, n int, seed uint64) ([]Draft, error) {
	text := annotation.NewText(doc.Text)
	var blocks []annotation.Block
	for _, b := range doc.Blocks {
		if s, e := text.TrimSpan(b.Start, b.End); e > s {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) == 0 {
		return nil, errors.New("workload: the document has no text")
	}
	rng := rand.New(rand.NewPCG(seed, 0x9a11e7))
	drafts := make([]Draft, 0, n)
	for len(drafts) < n {
		b := blocks[rng.IntN(len(blocks))]
		start := b.Start + rng.IntN(b.End-b.Start)
		end := min(b.End, start+1+rng.IntN(120))
		start, end = text.TrimSpan(start, end)
		if end <= start {
			continue
		}
		tags := make([]string, 0, 2)
		for range rng.IntN(3) {
			tags = append(tags, Tags[rng.IntN(len(Tags))])
		}
		drafts = append(drafts, Draft{
			Start:   start,
			End:     end,
			Exact:   text.Slice(start, end),
			Comment: fmt.Sprintf("Bench note %d: check this passage against the source before it runs.", len(drafts)+1),
			Tags:    tags,
		})
	}
	return drafts, nil
}
