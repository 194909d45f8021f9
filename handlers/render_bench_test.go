package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"galley"
	"galley/annotation"
	"galley/handlers"
	"galley/store"
	"galley/views"
)

// renderSizes are the annotation counts the reader page is measured at.
var renderSizes = []int{250, 500, 1000, 2000}

// renderFixture is the sample article with n valid annotations, the same
// for every run: random passages inside blocks drawn from a fixed seed,
// every tenth one repeating an earlier passage exactly and every tenth one
// nested inside an earlier passage (so highlights overlap), with comments
// that need escaping, tags, and a quarter of the threads resolved. They come
// in reading order, as the store returns them.
func renderFixture(tb testing.TB, n int) (annotation.Document, []annotation.Annotation) {
	tb.Helper()
	doc, err := annotation.NewDocument(galley.SampleArticle, "")
	if err != nil {
		tb.Fatal(err)
	}
	doc.ID = "01HZRENDERBENCHDOCUMENT0000"
	text := annotation.NewText(doc.Text)
	tags := []string{"fact-check", "style", "legal", "sources", "numbers"}
	rng := rand.New(rand.NewPCG(20140519, 1))
	created := time.Date(2014, 5, 19, 9, 0, 0, 0, time.UTC)
	anns := make([]annotation.Annotation, 0, n)
	for len(anns) < n {
		var start, end int
		switch i := len(anns); {
		case i%10 == 3 && i > 0: // the same passage as an earlier one
			prev := anns[rng.IntN(i)]
			start, end = prev.Start, prev.End
		case i%10 == 7 && i > 0: // nested inside an earlier passage
			prev := anns[rng.IntN(i)]
			start = prev.Start + rng.IntN(prev.End-prev.Start)
			end = start + 1 + rng.IntN(prev.End-start)
		default:
			b := doc.Blocks[rng.IntN(len(doc.Blocks))]
			start = b.Start + rng.IntN(b.End-b.Start)
			end = min(b.End, start+1+rng.IntN(150))
		}
		start, end = text.TrimSpan(start, end)
		if end <= start {
			continue
		}
		i := len(anns)
		var tagged []string
		for range rng.IntN(3) {
			tagged = append(tagged, tags[rng.IntN(len(tags))])
		}
		a, err := annotation.New(text, doc.ID, doc.Revision, annotation.Draft{
			Start: start, End: end, Exact: text.Slice(start, end), Tags: tagged,
			Comment: fmt.Sprintf(`Note %d: is "this" <right> & sourced?`, i),
		})
		if err != nil {
			tb.Fatalf("annotation %d [%d,%d): %v", i, start, end, err)
		}
		a.ID = fmt.Sprintf("01HZRENDERBENCH%011d", i)
		a.Author = annotation.Author{ID: "01HZRENDERBENCHAUTHOR000000", Name: "editor"}
		a.Created = created.Add(time.Duration(i) * time.Minute)
		a.Modified = a.Created
		if i%4 == 1 {
			a.Status = annotation.StatusResolved
		}
		anns = append(anns, a)
	}
	slices.SortFunc(anns, annotation.Less)
	return doc, anns
}

// renderReader builds the reader page's view model the way the reader
// handler does and renders the full page into buf.
func renderReader(buf *bytes.Buffer, doc annotation.Document, anns []annotation.Annotation) error {
	threads := make([]annotation.Thread, len(anns))
	for i, a := range anns {
		threads[i] = annotation.Thread{Annotation: a}
	}
	viewer := store.User{ID: "01HZRENDERBENCHAUTHOR000000", Name: "editor", Role: handlers.RoleEditor}
	v := views.Reader{
		Page: views.Page{Title: doc.Title, UserName: "editor", UserRole: handlers.RoleEditor, CSRF: "csrf-token",
			CSSURL: "/static/app.css", JSURL: "/static/app.js"},
		DocumentID:  doc.ID,
		Title:       doc.Title,
		Byline:      doc.Byline,
		Dateline:    doc.Dateline,
		Status:      string(doc.Status),
		StatusLabel: "Draft",
		Revision:    doc.Revision,
		CanAnnotate: true,
		Article:     handlers.ArticleView(doc, threads, nil, annotation.Filter{}),
		Sidebar:     handlers.SidebarView(threads, nil, annotation.Filter{}, viewer, utf8.RuneCountInString(doc.Text)),
	}
	buf.Reset()
	return views.ReaderPage(v).Render(context.Background(), buf)
}

// BenchmarkReaderRender measures the whole reader page (segmenting the
// article, shaping the sidebar, rendering the HTML) at growing numbers of
// annotations. ns/annotation stays about constant when the cost is linear.
func BenchmarkReaderRender(b *testing.B) {
	for _, n := range renderSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			doc, anns := renderFixture(b, n)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				if err := renderReader(&buf, doc, anns); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/annotation")
			b.ReportMetric(float64(buf.Len()), "page-bytes")
		})
	}
}

var (
	markTag     = regexp.MustCompile(`<mark [^>]*>`)
	markIDs     = regexp.MustCompile(`data-annotation-ids="([^"]*)"`)
	markDepth   = regexp.MustCompile(`class="hl d([0-9]+)`)
	cardElement = `data-testid="annotation-card"`
)

// TestReaderRenderMarksAndCards checks, without timing anything, that the
// page the benchmark renders is complete and that its size is bounded
// linearly: one card per annotation, and at most blocks + 2*annotations
// marks, since every annotation adds at most two boundaries (it lies
// inside one block here) and each boundary splits one segment in two.
// Every annotation is found in some mark, and the fixture does overlap.
func TestReaderRenderMarksAndCards(t *testing.T) {
	for _, n := range renderSizes {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			doc, anns := renderFixture(t, n)
			var buf bytes.Buffer
			if err := renderReader(&buf, doc, anns); err != nil {
				t.Fatal(err)
			}
			page := buf.String()

			if cards := strings.Count(page, cardElement); cards != n {
				t.Errorf("%d annotation cards, want %d", cards, n)
			}
			marks := markTag.FindAllString(page, -1)
			if bound := len(doc.Blocks) + 2*n; len(marks) == 0 || len(marks) > bound {
				t.Errorf("%d marks for %d annotations over %d blocks, want between 1 and %d",
					len(marks), n, len(doc.Blocks), bound)
			}

			want := make(map[string]bool, n)
			for _, a := range anns {
				want[a.ID] = true
			}
			seen := make(map[string]bool, n)
			deepest, listed := 0, 0
			for _, m := range marks {
				ids := markIDs.FindStringSubmatch(m)
				if ids == nil {
					t.Fatalf("mark without ids: %s", m)
				}
				for _, id := range strings.Fields(ids[1]) {
					listed++
					if !want[id] {
						t.Fatalf("mark names unknown annotation %q", id)
					}
					seen[id] = true
				}
				if d := markDepth.FindStringSubmatch(m); d != nil {
					deepest = max(deepest, atoi(t, d[1]))
				}
			}
			if len(seen) != n {
				t.Errorf("%d of %d annotations appear in a mark", len(seen), n)
			}
			if deepest < 2 {
				t.Errorf("no overlapping highlights (deepest mark class d%d); the fixture should overlap", deepest)
			}
			t.Logf("%d annotations over %d blocks: %d marks (bound %d) listing %d ids (%.1f per mark, deepest %d), %d bytes",
				n, len(doc.Blocks), len(marks), len(doc.Blocks)+2*n, listed, float64(listed)/float64(len(marks)), deepest, len(page))
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
