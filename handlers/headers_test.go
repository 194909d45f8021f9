package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"galley/handlers"
)

// TestStrictTransportSecurity checks that HSTS is sent on every kind of
// answer when the desk is served over TLS (-secure-cookies), and never
// without it: a desk on plain HTTP must not pin browsers to HTTPS.
func TestStrictTransportSecurity(t *testing.T) {
	requests := []struct {
		name, method, path, user string
	}{
		{"sign-in page", http.MethodGet, "/login", ""},
		{"API", http.MethodGet, "/api/documents", "viewer"},
		{"API error", http.MethodGet, "/api/documents", ""},
		{"page redirect", http.MethodGet, "/", ""},
		{"not found", http.MethodGet, "/no-such-page", ""},
		{"trailing slash redirect", http.MethodGet, "/login/", ""},
		{"static file", http.MethodGet, "/static/app.css", ""},
		{"health", http.MethodGet, "/healthz", ""},
	}
	for _, secure := range []bool{false, true} {
		app := newTestApp(t, func(c *handlers.Config) { c.SecureCookies = secure })
		for _, r := range requests {
			t.Run(r.name, func(t *testing.T) {
				rec := app.do(r.method, r.path, r.user, nil)
				got := rec.Header().Get("Strict-Transport-Security")
				switch {
				case secure && got != "max-age=63072000; includeSubDomains":
					t.Errorf("with -secure-cookies, %s %s (%d) sent Strict-Transport-Security %q", r.method, r.path, rec.Code, got)
				case !secure && got != "":
					t.Errorf("without -secure-cookies, %s %s (%d) sent Strict-Transport-Security %q", r.method, r.path, rec.Code, got)
				}
			})
		}
	}
	// A sign-in over TLS carries it too, beside the __Host- cookie.
	app := newTestApp(t, func(c *handlers.Config) { c.SecureCookies = true })
	req := httptest.NewRequest(http.MethodPost, "https://example.com/login", nil)
	rec := httptest.NewRecorder()
	app.e.ServeHTTP(rec, req)
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Errorf("a sign-in answer (%d) over TLS has no Strict-Transport-Security", rec.Code)
	}
}
