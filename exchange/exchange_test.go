package exchange_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"galley/annotation"
	"galley/exchange"
	"galley/internal/w3ctest"
	"galley/store"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	editor = annotation.Author{ID: "01HUSER", Name: "Ada Editor"}
	opts   = exchange.Options{BaseURL: "https://galley.example.org", Now: func() time.Time {
		return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	}}
)

// openStore opens a fresh database holding the sample article.
func openStore(t testing.TB) (*store.DB, annotation.Document) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "galley.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, addArticle(t, db, "beijing-slams-spying-on-huawei.txt")
}

// addArticle stores an article from testdata/.
func addArticle(t testing.TB, db *store.DB, name string) annotation.Document {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := annotation.NewDocument(string(raw), "")
	if err != nil {
		t.Fatal(err)
	}
	doc, err = db.CreateDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// annotate creates an annotation on the first occurrence of quote.
func annotate(t testing.TB, db *store.DB, doc annotation.Document, quote string, d annotation.Draft) annotation.Annotation {
	t.Helper()
	i := strings.Index(doc.Text, quote)
	if i < 0 {
		t.Fatalf("%q is not in the document", quote)
	}
	start := len([]rune(doc.Text[:i]))
	d.Start, d.End, d.Exact = start, start+len([]rune(quote)), quote
	a, err := annotation.New(annotation.NewText(doc.Text), doc.ID, doc.Revision, d)
	if err != nil {
		t.Fatal(err)
	}
	a.Author = editor
	a, err = db.CreateAnnotation(a)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func reply(t testing.TB, db *store.DB, a annotation.Annotation, who annotation.Author, text string) {
	t.Helper()
	r, err := annotation.NewReply(a, text)
	if err != nil {
		t.Fatal(err)
	}
	r.Author = who
	if _, err := db.CreateReply(r); err != nil {
		t.Fatal(err)
	}
}

// seedThreads makes a small review: comments with Markdown and markup,
// tags, a suggestion, a highlight, and replies.
func seedThreads(t testing.TB, db *store.DB, doc annotation.Document) {
	t.Helper()
	a := annotate(t, db, doc, "National Security Agency infiltrated servers", annotation.Draft{
		Comment: "Which report? Cite **NYT** and _Der Spiegel_. <script>alert(1)</script>", Tags: []string{"fact-check", "sourcing"}})
	reply(t, db, a, annotation.Author{ID: "01HBO", Name: "Bo Okafor"}, "The NYT piece of March 22.")
	reply(t, db, a, editor, "Thanks, added.")
	annotate(t, db, doc, "Hong Lei", annotation.Draft{Comment: "Spell out his title.", Tags: []string{"style"}})
	annotate(t, db, doc, "massive global surveillance programs", annotation.Draft{
		Motivation: "editing", Replacement: "global surveillance programmes", Comment: "Tone down."})
	annotate(t, db, doc, "Huawei has some 150,000 employees", annotation.Draft{})
}

// validateW3C checks documents against the MUST assertions of the W3C's own
// schemas (testdata/w3c-annotation) and fails the test unless every object
// passes and exactly want objects (annotations, collections, pages) do.
func validateW3C(t *testing.T, want int, docs ...w3ctest.Doc) {
	t.Helper()
	w3ctest.MustLoad(t, filepath.Join("..", "testdata", "w3c-annotation")).RequireValid(t, want, docs...)
}

func TestW3CExportPassesValidator(t *testing.T) {
	db, doc := openStore(t)
	seedThreads(t, db, doc)
	var buf bytes.Buffer
	n, err := exchange.W3C(&buf, db, doc.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 { // 4 annotations, 2 replies
		t.Fatalf("exported %d items, want 6", n)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script")) {
		t.Fatal("an export holds raw markup: < must be escaped as \\u003c")
	}
	// The collection and its page, every annotation and reply.
	validateW3C(t, 8, w3ctest.Doc{Name: "export.jsonld", Data: buf.Bytes()})
	var coll struct {
		Type  string `json:"type"`
		Total int    `json:"total"`
		First struct {
			Items []struct {
				Motivation string `json:"motivation"`
				Target     any    `json:"target"`
			} `json:"items"`
		} `json:"first"`
	}
	if err := json.Unmarshal(buf.Bytes(), &coll); err != nil {
		t.Fatal(err)
	}
	var motivations []string
	for _, it := range coll.First.Items {
		motivations = append(motivations, it.Motivation)
	}
	want := []string{"commenting", "replying", "replying", "commenting", "editing", "highlighting"}
	if coll.Type != "AnnotationCollection" || coll.Total != 6 || !slices.Equal(motivations, want) {
		t.Fatalf("collection %s total %d motivations %v, want %v", coll.Type, coll.Total, motivations, want)
	}
}

// TestW3CAllAndEmptyExportPassValidator checks the two shapes the other
// tests leave out: one collection over every document, and the collection
// of a document with no annotations (no page at all).
func TestW3CAllAndEmptyExportPassValidator(t *testing.T) {
	db, doc := openStore(t)
	other := addArticle(t, db, "unicode-crlf.txt")
	var empty bytes.Buffer
	if n, err := exchange.W3C(&empty, db, other.ID, opts); err != nil || n != 0 {
		t.Fatalf("empty export: %d items, %v", n, err)
	}
	validateW3C(t, 1, w3ctest.Doc{Name: "empty.jsonld", Data: empty.Bytes()})

	seedThreads(t, db, doc)
	text := annotation.NewText(other.Text)
	annotate(t, db, other, text.Slice(0, 5), annotation.Draft{Comment: "First words.", Tags: []string{"lede"}})
	var all bytes.Buffer
	n, err := exchange.W3CAll(&all, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n != 7 { // 5 annotations, 2 replies
		t.Fatalf("exported %d items, want 7", n)
	}
	// The collection and its page, every annotation and reply.
	validateW3C(t, n+2, w3ctest.Doc{Name: "all.jsonld", Data: all.Bytes()})
}

func TestW3CPagedExport(t *testing.T) {
	db, doc := openStore(t)
	// More items than a page holds: seeded in one transaction.
	plan := annotation.ImportPlan{}
	text := annotation.NewText(doc.Text)
	for i := range exchange.PageSize + 150 {
		start := (i * 7) % (text.Len() - 20)
		a := annotation.Annotation{Start: start, End: start + 12, Exact: text.Slice(start, start+12),
			Motivation: annotation.Highlighting, Status: annotation.StatusOpen, Anchor: annotation.AnchorExact,
			Author: editor, Version: 1, Created: time.Now()}
		th := annotation.ImportedThread{Annotation: a}
		// Thread 494's reply is item 500: the second page starts
		// inside a thread.
		if i%100 == 0 || i == 494 {
			th.Replies = []annotation.Reply{{Author: editor, Comment: fmt.Sprintf("reply %d", i), Version: 1, Created: time.Now()}}
		}
		plan.Threads = append(plan.Threads, th)
	}
	if _, err := db.ImportThreads(doc.ID, doc.Revision, plan); err != nil {
		t.Fatal(err)
	}
	total := exchange.PageSize + 150 + 8
	var pages []w3ctest.Doc
	var pagedIDs, pagedMotivations []string
	seen := 0
	for n := 0; ; n++ {
		var buf bytes.Buffer
		err := exchange.W3CPage(&buf, db, doc.ID, n, opts)
		if err == exchange.ErrNoPage {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		type item struct {
			ID         string `json:"id"`
			Motivation string `json:"motivation"`
		}
		var page struct {
			Total      int    `json:"total"`
			Next       string `json:"next"`
			StartIndex int    `json:"startIndex"`
			Items      []item `json:"items"`
			First      struct {
				Next  string `json:"next"`
				Items []item `json:"items"`
			} `json:"first"`
		}
		if err := json.Unmarshal(buf.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		items := page.Items
		if n == 0 {
			items = page.First.Items
			if page.Total != total || page.First.Next == "" {
				t.Fatalf("page 0: total %d next %q, want total %d and a next page", page.Total, page.First.Next, total)
			}
		} else if page.StartIndex != n*exchange.PageSize {
			t.Fatalf("page %d starts at %d", n, page.StartIndex)
		}
		if len(items) > exchange.PageSize {
			t.Fatalf("page %d holds %d items, more than %d", n, len(items), exchange.PageSize)
		}
		seen += len(items)
		for _, it := range items {
			pagedIDs = append(pagedIDs, it.ID)
			pagedMotivations = append(pagedMotivations, it.Motivation)
		}
		pages = append(pages, w3ctest.Doc{Name: fmt.Sprintf("page%d.jsonld", n), Data: buf.Bytes()})
	}
	// The pages hold exactly the items of the whole export, in order.
	var whole bytes.Buffer
	if _, err := exchange.W3C(&whole, db, doc.ID, opts); err != nil {
		t.Fatal(err)
	}
	var all struct {
		First struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		} `json:"first"`
	}
	if err := json.Unmarshal(whole.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	if len(all.First.Items) != len(pagedIDs) {
		t.Fatalf("pages hold %d items, the whole export %d", len(pagedIDs), len(all.First.Items))
	}
	for i, it := range all.First.Items {
		if pagedIDs[i] != it.ID {
			t.Fatalf("item %d: page has %s, the whole export %s", i, pagedIDs[i], it.ID)
		}
	}
	if pagedMotivations[exchange.PageSize] != "replying" {
		t.Fatalf("item %d is %s: the test meant the second page to start with a reply", exchange.PageSize, pagedIDs[exchange.PageSize])
	}
	if len(pages) != 2 || seen != total {
		t.Fatalf("%d pages with %d items, want 2 pages with %d", len(pages), seen, total)
	}
	// The collection, its embedded first page, the second page, and every item.
	validateW3C(t, total+3, pages...)
}

// nativeSchema compiles the JSON Schema of the native format.
func nativeSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("..", "static", "native-export.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func checkNative(t *testing.T, sch *jsonschema.Schema, data []byte) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("native export is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("native export breaks its schema: %v", err)
	}
	return v.(map[string]any)
}

func TestNativeExportMatchesSchema(t *testing.T) {
	db, doc := openStore(t)
	seedThreads(t, db, doc)
	addArticle(t, db, "unicode-crlf.txt")
	sch := nativeSchema(t)

	var buf bytes.Buffer
	if _, err := exchange.Native(&buf, db, doc.ID, opts); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script")) {
		t.Fatal("raw markup in a native export")
	}
	v := checkNative(t, sch, buf.Bytes())
	if v["offsets"].(map[string]any)["unit"] != "unicode code points" {
		t.Fatalf("offsets %v", v["offsets"])
	}
	// Every annotation's quote is the text at its offsets, in code points.
	var art exchange.NativeArticle
	if err := json.Unmarshal(buf.Bytes(), &art); err != nil {
		t.Fatal(err)
	}
	text := annotation.NewText(art.Document.Text)
	if len(art.Annotations) != 4 || art.Total != 4 {
		t.Fatalf("%d annotations, total %d; want 4", len(art.Annotations), art.Total)
	}
	for _, a := range art.Annotations {
		if text.Slice(a.Start, a.End) != a.Exact {
			t.Errorf("annotation %s: %q at [%d,%d), text has %q", a.ID, a.Exact, a.Start, a.End, text.Slice(a.Start, a.End))
		}
	}
	if r := art.Annotations[0].Replies; len(r) != 2 || r[0].Comment != "The NYT piece of March 22." {
		t.Fatalf("thread of the first annotation: %+v", r)
	}

	// A schema violation is caught: the check can fail.
	broken := bytes.Replace(buf.Bytes(), []byte(`"unicode code points"`), []byte(`"bytes"`), 1)
	if vv, _ := jsonschema.UnmarshalJSON(bytes.NewReader(broken)); sch.Validate(vv) == nil {
		t.Fatal("the schema accepts offsets in bytes")
	}

	buf.Reset()
	n, err := exchange.NativeAll(&buf, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	all := checkNative(t, sch, buf.Bytes())
	if docs := all["documents"].([]any); len(docs) != 2 || n != 6 {
		t.Fatalf("all documents: %d documents, %d items", len(docs), n)
	}
}

// comparable is an exported W3C item without what a round trip renames
// (ids, IRIs of the document and its pages).
func comparable(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var coll struct {
		First struct {
			Items []map[string]any `json:"items"`
		} `json:"first"`
	}
	if err := json.Unmarshal(data, &coll); err != nil {
		t.Fatal(err)
	}
	for _, it := range coll.First.Items {
		delete(it, "id")
		switch target := it["target"].(type) {
		case map[string]any:
			delete(target, "source")
		case string:
			it["target"] = "(the parent annotation)"
		}
	}
	return coll.First.Items
}

func TestRoundTrip(t *testing.T) {
	db, doc := openStore(t)
	seedThreads(t, db, doc)
	var first bytes.Buffer
	if _, err := exchange.W3C(&first, db, doc.ID, opts); err != nil {
		t.Fatal(err)
	}
	// A fresh copy of the article takes the export back.
	fresh := addArticle(t, db, "beijing-slams-spying-on-huawei.txt")
	res, err := exchange.Import(db, fresh.ID, first.Bytes(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 4 || res.Replies != 2 || res.Exact != 4 || res.Fuzzy != 0 || res.Orphaned != 0 || len(res.Errors) != 0 {
		t.Fatalf("import: %+v", res)
	}
	var second bytes.Buffer
	if _, err := exchange.W3C(&second, db, fresh.ID, opts); err != nil {
		t.Fatal(err)
	}
	a, b := comparable(t, first.Bytes()), comparable(t, second.Bytes())
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	if !bytes.Equal(ja, jb) {
		t.Fatalf("export, import, export is not lossless:\nfirst  %s\nsecond %s", ja, jb)
	}
	// Importing the same file again adds nothing.
	again, err := exchange.Import(db, fresh.ID, first.Bytes(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if again.Imported != 0 || again.Replies != 0 || again.Duplicates != 6 {
		t.Fatalf("second import: %+v", again)
	}
	if th, r, _ := db.CountThreads(fresh.ID); th != 4 || r != 2 {
		t.Fatalf("after importing twice: %d threads, %d replies", th, r)
	}
}

func TestImportHypothesisAnnotationAnchorsFuzzily(t *testing.T) {
	db, doc := openStore(t)
	data, err := os.ReadFile(filepath.Join("..", "testdata", "hypothesis-annotation.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := exchange.Import(db, doc.ID, data, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 1 || res.Fuzzy != 1 || len(res.Errors) != 0 {
		t.Fatalf("import: %+v", res)
	}
	anns, err := db.Annotations(doc.ID)
	if err != nil || len(anns) != 1 {
		t.Fatalf("annotations: %v %v", anns, err)
	}
	a := anns[0]
	want := "The reports were based on information provided by Edward Snowden, a former NSA contractor who has, since last June, been revealing"
	if a.Exact != want || a.Anchor != annotation.AnchorFuzzy {
		t.Fatalf("anchored %q (%s), want %q (fuzzy)", a.Exact, a.Anchor, want)
	}
	if !slices.Equal(a.Tags, []string{"sourcing", "snowden"}) || a.Via != "https://hypothes.is/a/QfL9QkLbEe-Yx1cAnJ2Kxg" ||
		a.Author.IRI != "acct:jdoe@hypothes.is" || a.Author.ID != "" {
		t.Fatalf("imported %+v", a)
	}
}

func TestImportSkipsInvalidItems(t *testing.T) {
	db, doc := openStore(t)
	items := `[
	 {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:x:1", "type": "Annotation", "motivation": "commenting",
	  "body": {"type": "TextualBody", "value": "good"},
	  "target": {"source": "urn:doc", "selector": {"type": "TextQuoteSelector", "exact": "Hong Lei"}}},
	 {"id": "urn:x:2", "type": "Annotation", "body": {"type": "TextualBody", "value": "no target"}},
	 {"id": "urn:x:3", "type": "Annotation", "target": {"source": "urn:doc", "selector": {"type": "TextPositionSelector", "start": -4, "end": 2}}},
	 {"id": "urn:x:4", "type": "Annotation", "body": {"type": "TextualBody", "purpose": "tagging", "value": "a,b"},
	  "target": {"source": "urn:doc", "selector": {"type": "TextQuoteSelector", "exact": "Hong Lei"}}},
	 {"id": "urn:x:5", "type": "Annotation", "target": {"source": "urn:doc", "selector": {"type": "TextQuoteSelector", "exact": "a passage that is nowhere in this article at all"}}},
	 {"id": "urn:x:6", "type": "Annotation", "motivation": "replying", "body": {"type": "TextualBody", "value": "a reply"}, "target": "urn:x:1"},
	 {"id": "urn:x:7", "type": "Annotation", "motivation": "replying", "body": {"type": "TextualBody", "value": "lost"}, "target": "urn:nowhere"}
	]`
	res, err := exchange.Import(db, doc.ID, []byte(items), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 2 || res.Exact != 1 || res.Orphaned != 1 || res.Replies != 1 || len(res.Errors) != 4 {
		t.Fatalf("import: %+v", res)
	}
	for _, e := range res.Errors {
		if e.Message == "" || e.Index < 0 {
			t.Errorf("error without a message or index: %+v", e)
		}
	}
	if _, err := exchange.Import(db, doc.ID, []byte("not json"), time.Now()); err == nil {
		t.Fatal("importing garbage succeeded")
	}
	if th, r, _ := db.CountThreads(doc.ID); th != 2 || r != 1 {
		t.Fatalf("stored %d threads and %d replies, want 2 and 1", th, r)
	}
}

func TestFileName(t *testing.T) {
	tests := []struct{ title, format, want string }{
		{"Beijing slams spying on Huawei", "w3c", "beijing-slams-spying-on-huawei.w3c.jsonld"},
		{`../../etc/passwd"; rm -rf /`, "native", "etc-passwd-rm-rf.galley.json"},
		{"北京欢迎你", "native", "document.galley.json"},
		{"<script>alert(1)</script>\r\nX-Header: evil", "w3c", "script-alert-1-script-x-header-evil.w3c.jsonld"},
		{strings.Repeat("long ", 40), "w3c", "long-long-long-long-long-long-long-long-long-long-long-long.w3c.jsonld"},
	}
	for _, tt := range tests {
		if got := exchange.FileName(tt.title, tt.format); got != tt.want {
			t.Errorf("FileName(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// TestSlowDownloadDoesNotStallWriters pauses the reader of an export in
// the middle while writers add enough data to grow the database file. bbolt
// cannot grow the file while a read transaction is open, so the writes
// finishing proves the export holds none while it waits on its client.
func TestSlowDownloadDoesNotStallWriters(t *testing.T) {
	db, doc := openStore(t)
	plan := annotation.ImportPlan{}
	text := annotation.NewText(doc.Text)
	for i := range 2000 {
		start := (i * 13) % (text.Len() - 40)
		plan.Threads = append(plan.Threads, annotation.ImportedThread{Annotation: annotation.Annotation{
			Start: start, End: start + 30, Exact: text.Slice(start, start+30), Motivation: annotation.Commenting,
			Comment: strings.Repeat("a long comment ", 20), Status: annotation.StatusOpen, Anchor: annotation.AnchorExact,
			Author: editor, Version: 1, Created: time.Now()}})
	}
	if _, err := db.ImportThreads(doc.ID, doc.Revision, plan); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	exported := make(chan error, 1)
	go func() {
		_, err := exchange.Native(pw, db, doc.ID, opts)
		pw.CloseWithError(err)
		exported <- err
	}()
	// Read a little, then stop reading: the exporter blocks on the pipe.
	if _, err := io.ReadFull(pr, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(db.Path())
	before := info.Size()
	done := make(chan error, 1)
	go func() {
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				big := annotation.ImportPlan{}
				for i := range 200 {
					start := (w*200 + i) % (text.Len() - 40)
					big.Threads = append(big.Threads, annotation.ImportedThread{Annotation: annotation.Annotation{
						Start: start, End: start + 30, Exact: text.Slice(start, start+30), Motivation: annotation.Commenting,
						Comment: strings.Repeat("grow the file ", 200), Status: annotation.StatusOpen, Anchor: annotation.AnchorExact,
						Author: editor, Version: 1, Created: time.Now()}})
				}
				if _, err := db.ImportThreads(doc.ID, doc.Revision, big); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		done <- <-errs
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute): // a hang, not a speed check
		t.Fatal("writers stalled while an export waited on its reader")
	}
	info, _ = os.Stat(db.Path())
	if info.Size() <= before {
		t.Fatalf("the file did not grow (%d -> %d bytes): the test proved nothing", before, info.Size())
	}
	// The export then finishes and is whole.
	rest, err := io.ReadAll(pr)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-exported; err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(bytes.TrimSpace(rest), []byte("}")) {
		t.Fatal("the export was cut short")
	}
}

// TestExportEdgeAnchors exports what revisions leave behind: an accepted
// suggestion that deleted its passage (an empty span), and an orphan whose
// passage is gone. Both stay valid W3C and match the native schema.
func TestExportEdgeAnchors(t *testing.T) {
	db, doc := openStore(t)
	text := annotation.NewText(doc.Text)
	plan := annotation.ImportPlan{Threads: []annotation.ImportedThread{
		{Annotation: annotation.Annotation{Start: 40, End: 40, Exact: "", Prefix: text.Slice(8, 40), Suffix: text.Slice(40, 72),
			OriginalExact: "slams", Motivation: annotation.Editing, Replacement: "", Status: annotation.StatusResolved,
			Anchor: annotation.AnchorMoved, Author: editor}},
		{Annotation: annotation.Annotation{Start: 12, End: 30, Exact: "a passage long gone", Motivation: annotation.Commenting,
			Comment: "Was this cut?", Status: annotation.StatusOpen, Anchor: annotation.AnchorOrphaned, Author: editor}},
	}}
	if _, err := db.ImportThreads(doc.ID, doc.Revision, plan); err != nil {
		t.Fatal(err)
	}
	var w3c, native bytes.Buffer
	if _, err := exchange.W3C(&w3c, db, doc.ID, opts); err != nil {
		t.Fatal(err)
	}
	validateW3C(t, 4, w3ctest.Doc{Name: "edges.jsonld", Data: w3c.Bytes()})
	if _, err := exchange.Native(&native, db, doc.ID, opts); err != nil {
		t.Fatal(err)
	}
	checkNative(t, nativeSchema(t), native.Bytes())
}
