package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"galley"
	"galley/annotation"
	"galley/handlers"
	"galley/store"
)

// BenchmarkReviseText measures PUT /api/documents/{id}/text end to end
// (echo stack, diff, re-anchoring, one bbolt transaction) on a 200 KB
// article carrying 2,000 annotations. Each revision edits a few words in
// ten paragraphs, deletes one and inserts one; the next undoes it.
func BenchmarkReviseText(b *testing.B) {
	db, err := store.Open(filepath.Join(b.TempDir(), "galley.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	u, err := db.CreateUser(store.User{Name: "editor", Role: handlers.RoleEditor, PasswordHash: "x"})
	if err != nil {
		b.Fatal(err)
	}
	token, tokenHash, err := handlers.NewSecret()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateToken(tokenHash, store.Token{UserID: u.ID, Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	e := handlers.New(db, handlers.Config{})
	paras := strings.Split(galley.SampleArticle, "\n\n")
	var parts []string
	for i := 0; utf8.RuneCountInString(strings.Join(parts, "\n\n")) < 200_000; i++ {
		parts = append(parts, fmt.Sprintf("Part %d. %s", i, paras[4+i%(len(paras)-4)]))
	}
	doc, err := annotation.NewDocument(strings.Join(parts, "\n\n"), "Long")
	if err != nil {
		b.Fatal(err)
	}
	doc, err = db.CreateDocument(doc)
	if err != nil {
		b.Fatal(err)
	}
	text := annotation.NewText(doc.Text)
	rng := rand.New(rand.NewPCG(2, 2000))
	var anns []annotation.Annotation
	for len(anns) < 2000 {
		blk := doc.Blocks[rng.IntN(len(doc.Blocks))]
		start := blk.Start + rng.IntN(blk.End-blk.Start)
		start, end := text.TrimSpan(start, min(blk.End, start+10+rng.IntN(80)))
		if end <= start {
			continue
		}
		a, err := annotation.New(text, doc.ID, doc.Revision, annotation.Draft{Start: start, End: end, Exact: text.Slice(start, end), Comment: "c"})
		if err != nil {
			b.Fatal(err)
		}
		anns = append(anns, a)
	}
	// Stored by 50 writers at once, which bbolt's Batch commits together.
	var wg sync.WaitGroup
	errs := make(chan error, len(anns))
	for w := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(anns); i += 50 {
				if _, err := db.CreateAnnotation(anns[i]); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	edited := append([]string(nil), parts...)
	for i := 0; i < 10; i++ {
		k := rng.IntN(len(edited))
		edited[k] = strings.Replace(edited[k], " the ", " this ", 1)
	}
	del := rng.IntN(len(edited))
	edited = append(edited[:del], edited[del+1:]...)
	edited = append(edited[:len(edited)/2], append([]string{"A paragraph inserted by the benchmark."}, edited[len(edited)/2:]...)...)
	texts := []string{strings.Join(edited, "\n\n"), doc.Text}
	b.ReportMetric(float64(len(doc.Text))/1000, "KB")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body, _ := json.Marshal(map[string]any{"text": texts[i%2], "note": "bench"})
		req := httptest.NewRequest(http.MethodPut, "/api/documents/"+doc.ID+"/text", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("If-Match", fmt.Sprintf(`"r%d"`, doc.Revision+i))
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
}
