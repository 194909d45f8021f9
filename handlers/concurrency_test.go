package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"galley/handlers"
)

// TestConcurrentSecurityPaths runs sign-ins, limited writes, restricted
// reads and access changes at once, for the race detector: the limiters,
// the read guard and the session store are shared by every request.
func TestConcurrentSecurityPaths(t *testing.T) {
	app := newTestApp(t, func(c *handlers.Config) { c.WriteRate, c.WriteBurst, c.LoginRate = 600, 40, 600 })
	f := newRestrictedFixture(t, app)
	start, end := codePointSpan(t, app.sample.Text, "Huawei")
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				switch g % 4 {
				case 0:
					form := url.Values{"username": {"viewer"}, "password": {fmt.Sprint("wrong ", i)}}
					rec := app.doFrom(fmt.Sprintf("192.0.2.%d:1", g), http.MethodPost, "/login", form.Encode(), "Content-Type", formContentType)
					if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusTooManyRequests {
						errs <- fmt.Sprint("sign-in: ", rec.Code)
					}
				case 1:
					rec := app.do(http.MethodPost, "/api/documents/"+app.sample.ID+"/annotations", "commenter",
						annotationRequest(app.sample.Text, start, end, "concurrent"))
					if rec.Code != http.StatusCreated && rec.Code != http.StatusTooManyRequests {
						errs <- fmt.Sprint("create: ", rec.Code, rec.Body.String())
					}
				case 2:
					if rec := app.do(http.MethodGet, "/api/annotations/"+f.annID, "viewer", nil); rec.Code != http.StatusNotFound {
						errs <- fmt.Sprint("outsider read: ", rec.Code)
					}
				case 3:
					members := []string{"commenter"}
					if i%2 == 1 {
						members = []string{"commenter", "editor"}
					}
					rec := app.do(http.MethodPatch, "/api/documents/"+f.docID, "admin", map[string]any{"members": members})
					if rec.Code != http.StatusOK && rec.Code != http.StatusTooManyRequests {
						errs <- fmt.Sprint("access: ", rec.Code)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
