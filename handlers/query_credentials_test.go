package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCredentialsInQueryRefused checks that a credential in the URL is
// refused with 400 before anything reads it: the sign-in form (with or
// without a body), the password forms, and API tokens, as JSON under /api/
// and as an HTML page elsewhere. Nothing is signed in or changed.
func TestCredentialsInQueryRefused(t *testing.T) {
	app := newTestApp(t)
	admin := signIn(t, app, "admin")
	editor := signIn(t, app, "editor")
	good := url.Values{"username": {"editor"}, "password": {testPassword}}.Encode()
	form := []string{"Content-Type", formContentType}

	t.Run("sign-in with everything in the query", func(t *testing.T) {
		rec := app.do(http.MethodPost, "/login?"+good, "", nil)
		wantStatus(t, rec, http.StatusBadRequest)
		if ck := responseCookie(rec, sessionCookieName); ck != nil {
			t.Fatalf("a sign-in from the query string set a session cookie")
		}
		if !strings.Contains(rec.Body.String(), "must not be sent in the URL") {
			t.Errorf("the 400 page does not say why: %s", rec.Body.String())
		}
	})
	t.Run("sign-in with a body and the password in the query too", func(t *testing.T) {
		rec := app.do(http.MethodPost, "/login?password="+url.QueryEscape(testPassword), "", good, form...)
		wantStatus(t, rec, http.StatusBadRequest)
		if ck := responseCookie(rec, sessionCookieName); ck != nil {
			t.Fatalf("a sign-in with the password in the query string set a session cookie")
		}
	})
	t.Run("name in the query, password in the body", func(t *testing.T) {
		rec := app.do(http.MethodPost, "/login?username=editor", "", url.Values{"password": {testPassword}}.Encode(), form...)
		wantStatus(t, rec, http.StatusBadRequest)
	})
	t.Run("any letter case", func(t *testing.T) {
		wantStatus(t, app.do(http.MethodPost, "/login?PassWord=x", "", good, form...), http.StatusBadRequest)
	})
	t.Run("own password change", func(t *testing.T) {
		q := url.Values{"current": {testPassword}, "password": {"another long password"}}.Encode()
		rec := editor.postForm("/account/password?"+q, url.Values{"_csrf": {editor.csrf}})
		wantStatus(t, rec, http.StatusBadRequest)
		// The old password still signs in: nothing changed.
		signIn(t, app, "editor")
	})
	t.Run("admin password reset", func(t *testing.T) {
		rec := admin.postForm("/admin/users/"+app.userID("viewer")+"/password?password=another+long+password",
			url.Values{"_csrf": {admin.csrf}})
		wantStatus(t, rec, http.StatusBadRequest)
		signIn(t, app, "viewer")
	})
	t.Run("API token in the query", func(t *testing.T) {
		rec := app.do(http.MethodGet, "/api/documents?access_token="+app.tokens["viewer"], "", nil)
		wantError(t, rec, http.StatusBadRequest, "credentials_in_url")
		rec = app.do(http.MethodGet, "/api/documents?token="+app.tokens["viewer"], "viewer", nil)
		wantError(t, rec, http.StatusBadRequest, "credentials_in_url")
	})
	t.Run("other query parameters pass", func(t *testing.T) {
		wantStatus(t, app.do(http.MethodPost, "/login?next=%2Fthreads", "", good, form...), http.StatusSeeOther)
		wantStatus(t, app.do(http.MethodGet, "/api/documents/"+app.sample.ID+"/annotations?author=editor", "viewer", nil), http.StatusOK)
	})
}
