package exchange_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"galley/annotation"
	"galley/exchange"
	"galley/store"
)

// wholeImport is how imports worked before they were streamed: the input
// decoded whole, planned whole and stored in one transaction. It is the
// oracle of the streamed import.
func wholeImport(t *testing.T, db *store.DB, docID string, data []byte, now time.Time) exchange.ImportResult {
	t.Helper()
	doc, err := db.Document(docID)
	if err != nil {
		t.Fatal(err)
	}
	items, errs := annotation.DecodeW3C(data)
	plan := annotation.PlanImport(doc, items, now)
	res, err := db.ImportThreads(doc.ID, doc.Revision, plan)
	if err != nil {
		t.Fatal(err)
	}
	out := exchange.ImportResult{Imported: res.Imported, Replies: res.Replies, Duplicates: res.Duplicates}
	for i, id := range res.IDs {
		if id == "" {
			continue
		}
		switch plan.Threads[i].Annotation.Anchor {
		case annotation.AnchorExact:
			out.Exact++
		case annotation.AnchorFuzzy:
			out.Fuzzy++
		case annotation.AnchorOrphaned:
			out.Orphaned++
		}
	}
	out.Errors = slices.Concat(errs, plan.Errors, res.Errors)
	return out
}

// sortErrors orders item errors by index, then message.
func sortErrors(errs []annotation.ItemError) []annotation.ItemError {
	out := slices.Clone(errs)
	slices.SortFunc(out, func(a, b annotation.ItemError) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), strings.Compare(a.Message, b.Message))
	})
	return out
}

// bigImport is a W3C collection of n annotations on the sample article and
// replies, in every shape the streamed import must keep straight: exact
// positions, quotes to search for, passages found nowhere (orphans), items
// without an id, invalid items, annotation IRIs given twice, replies after
// their annotation, before it, to a reply, and to nothing in the input.
func bigImport(t testing.TB, doc annotation.Document, n int) []byte {
	t.Helper()
	text := annotation.NewText(doc.Text)
	rng := rand.New(rand.NewPCG(7, 11))
	passage := func() (int, int) {
		for {
			b := doc.Blocks[rng.IntN(len(doc.Blocks))]
			if b.End-b.Start < 2 {
				continue
			}
			start := b.Start + rng.IntN(b.End-b.Start-1)
			end := min(b.End, start+1+rng.IntN(60))
			if s, e := text.TrimSpan(start, end); e > s {
				return s, e
			}
		}
	}
	iri := func(i int) string { return fmt.Sprintf("https://other.example/anno/%d", i) }
	var items []any
	var pendingReplies []any // replies placed before their annotation
	for i := range n {
		start, end := passage()
		exact := text.Slice(start, end)
		quote := map[string]any{"type": "TextQuoteSelector", "exact": exact,
			"prefix": text.Slice(start-32, start), "suffix": text.Slice(end, end+32)}
		position := map[string]any{"type": "TextPositionSelector", "start": start, "end": end}
		item := map[string]any{"type": "Annotation", "id": iri(i), "motivation": "commenting",
			"creator": map[string]any{"id": "https://other.example/u/" + fmt.Sprint(i%7), "name": fmt.Sprintf("Reviewer %d", i%7)},
			"created": "2026-01-02T03:04:05Z",
			"body": []any{
				map[string]any{"type": "TextualBody", "value": fmt.Sprintf("Comment %d on *%s*", i, exact), "purpose": "commenting"},
				map[string]any{"type": "TextualBody", "value": []string{"style", "facts", "legal"}[i%3], "purpose": "tagging"},
			}}
		target := map[string]any{"source": "https://other.example/doc"}
		switch i % 10 {
		case 0: // a quote only
			target["selector"] = quote
		case 1: // a stale position and a quote worded a little differently: searched for
			position["start"], position["end"] = start+3, end+3
			if r := []rune(exact); len(r) > 12 {
				r[len(r)/2] = 'Q'
				quote["exact"] = string(r)
			}
			target["selector"] = []any{quote, position}
		case 2: // found nowhere: an orphan
			quote["exact"] = fmt.Sprintf("a passage that was cut, number %d", i)
			target["selector"] = quote
		case 3: // no id
			delete(item, "id")
			target["selector"] = []any{quote, position}
		case 4: // invalid: no target
			target = nil
		default:
			target["selector"] = []any{quote, position}
		}
		if target != nil {
			item["target"] = target
		}
		if i%97 == 5 { // the same IRI again, later: a duplicate
			items = append(items, item)
			items = append(items, item)
			continue
		}
		reply := func(k int, to string) map[string]any {
			return map[string]any{"type": "Annotation", "id": fmt.Sprintf("%s/reply/%d", iri(i), k), "motivation": "replying",
				"creator": map[string]any{"name": "Replier"}, "body": map[string]any{"type": "TextualBody", "value": fmt.Sprintf("Reply %d to %d", k, i)},
				"target": to}
		}
		switch {
		case i%13 == 6 && i%10 != 3 && i%10 != 4: // a reply before its annotation, one after, and one to the reply
			items = append(items, reply(0, iri(i)))
			items = append(items, item, reply(1, iri(i)), reply(2, iri(i)+"/reply/0"))
		case i%11 == 7 && i%10 != 3 && i%10 != 4: // a reply placed far before its annotation
			pendingReplies = append(pendingReplies, reply(0, iri(i)))
			items = append(items, item)
		case i%17 == 8: // a reply to nothing in the input
			items = append(items, item, reply(0, "https://other.example/anno/none"))
		case i%5 == 9%5:
			items = append(items, item, reply(0, iri(i)))
		default:
			items = append(items, item)
		}
	}
	items = append(pendingReplies, items...) // all before their annotations
	coll := map[string]any{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
		"total": len(items), "first": map[string]any{"type": "AnnotationPage", "items": items}}
	data, err := json.Marshal(coll)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// countingImporter counts the transactions of an import and can fail one.
type countingImporter struct {
	*store.DB
	calls, largest int
	failAt         int // the call that fails, from 1; 0 never
}

var errDiskFull = errors.New("test: the disk is full")

func (c *countingImporter) ImportThreads(docID string, revision int, plan annotation.ImportPlan) (store.ImportResult, error) {
	c.calls++
	c.largest = max(c.largest, len(plan.Threads)+len(plan.Loose))
	if c.calls == c.failAt {
		return store.ImportResult{}, errDiskFull
	}
	return c.DB.ImportThreads(docID, revision, plan)
}

// TestStreamedImportMatchesWholeImport imports the same large input
// streamed and in batches, and the old way (whole, one transaction), onto
// two copies of the article: the results and the exported annotations,
// threads and replies are the same.
func TestStreamedImportMatchesWholeImport(t *testing.T) {
	db, doc := openStore(t)
	oracle := addArticle(t, db, "beijing-slams-spying-on-huawei.txt")
	data := bigImport(t, doc, 1600)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

	counter := &countingImporter{DB: db}
	got, err := exchange.ImportFrom(counter, doc.ID, bytes.NewReader(data), now)
	if err != nil {
		t.Fatal(err)
	}
	want := wholeImport(t, db, oracle.ID, data, now)
	if got.Imported < 1000 || got.Replies < 100 || got.Fuzzy == 0 || got.Orphaned == 0 || got.Duplicates == 0 || len(got.Errors) == 0 {
		t.Fatalf("the input does not exercise every path: %d imported, %d replies, %d fuzzy, %d orphaned, %d duplicates, %d errors",
			got.Imported, got.Replies, got.Fuzzy, got.Orphaned, got.Duplicates, len(got.Errors))
	}
	gotErrs, wantErrs := sortErrors(got.Errors), sortErrors(want.Errors)
	got.Errors, want.Errors = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("streamed %+v\nwhole    %+v", got, want)
	}
	if !reflect.DeepEqual(gotErrs, wantErrs) {
		t.Errorf("errors differ:\nstreamed %+v\nwhole    %+v", gotErrs, wantErrs)
	}
	if counter.calls < 4 || counter.largest > exchange.ImportBatch {
		t.Errorf("%d transactions of up to %d items, want several of at most %d", counter.calls, counter.largest, exchange.ImportBatch)
	}
	var a, b bytes.Buffer
	if _, err := exchange.W3C(&a, db, doc.ID, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.W3C(&b, db, oracle.ID, opts); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.MarshalIndent(comparable(t, a.Bytes()), "", " ")
	jb, _ := json.MarshalIndent(comparable(t, b.Bytes()), "", " ")
	if !bytes.Equal(ja, jb) {
		t.Errorf("the streamed import stored other annotations than the whole import (%d and %d bytes of export)", len(ja), len(jb))
	}
}

// TestStreamedImportBadFileStoresNothing: an input that turns out not to
// be JSON halfway, after hundreds of good items, stores nothing.
func TestStreamedImportBadFileStoresNothing(t *testing.T) {
	db, doc := openStore(t)
	data := bigImport(t, doc, 1200)
	for name, bad := range map[string][]byte{
		"cut short":          data[:len(data)*2/3],
		"syntax error late":  append(bytes.Clone(data[:len(data)-3]), []byte(`,}}}`)...),
		"two values":         append(bytes.Clone(data), []byte(` {}`)...),
		"garbage at the end": append(bytes.Clone(data), []byte(`]`)...),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := exchange.ImportFrom(db, doc.ID, bytes.NewReader(bad), time.Now())
			if !errors.Is(err, exchange.ErrNotW3C) {
				t.Fatalf("import answered %v, want ErrNotW3C", err)
			}
			if th, r, _ := db.CountThreads(doc.ID); th != 0 || r != 0 {
				t.Fatalf("a bad file stored %d threads and %d replies", th, r)
			}
		})
	}
}

// TestStreamedImportResumes: when storing fails halfway, the batches
// stored stay, the error is returned, and importing the same input again
// stores the rest, ending where one import would have.
func TestStreamedImportResumes(t *testing.T) {
	db, doc := openStore(t)
	oracle := addArticle(t, db, "beijing-slams-spying-on-huawei.txt")
	data := bigImport(t, doc, 1600)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

	failing := &countingImporter{DB: db, failAt: 3}
	if _, err := exchange.ImportFrom(failing, doc.ID, bytes.NewReader(data), now); !errors.Is(err, errDiskFull) {
		t.Fatalf("import answered %v, want the store's error", err)
	}
	partial, _, _ := db.CountThreads(doc.ID)
	if partial == 0 {
		t.Fatal("the batches before the failure were not kept")
	}
	again, err := exchange.ImportFrom(db, doc.ID, bytes.NewReader(data), now)
	if err != nil {
		t.Fatal(err)
	}
	if again.Duplicates == 0 {
		t.Errorf("the second import found nothing already imported: %+v", again)
	}
	wholeImport(t, db, oracle.ID, data, now)
	var a, b bytes.Buffer
	if _, err := exchange.W3C(&a, db, doc.ID, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.W3C(&b, db, oracle.ID, opts); err != nil {
		t.Fatal(err)
	}
	// Items without an id cannot be recognized, so the first attempt's
	// are stored twice; the rest matches one whole import.
	withID := func(items []map[string]any) (out []map[string]any) {
		for _, it := range items {
			if c, ok := it["body"]; ok && strings.Contains(fmt.Sprint(c), "Comment") {
				if i := strings.Index(fmt.Sprint(c), "Comment "); i >= 0 {
					var n int
					fmt.Sscanf(fmt.Sprint(c)[i:], "Comment %d", &n)
					if n%10 == 3 {
						continue
					}
				}
			}
			out = append(out, it)
		}
		return out
	}
	ja, _ := json.Marshal(withID(comparable(t, a.Bytes())))
	jb, _ := json.Marshal(withID(comparable(t, b.Bytes())))
	if !bytes.Equal(ja, jb) {
		t.Errorf("after a failed import and a second one, the annotations differ from one whole import")
	}
}
