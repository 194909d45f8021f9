package handlers_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"galley/handlers"
	"galley/store"

	"golang.org/x/crypto/argon2"
)

// clock is a time tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// userID is the id of a test user.
func (a *testApp) userID(name string) string {
	a.t.Helper()
	u, err := a.db.UserByName(name)
	if err != nil {
		a.t.Fatal(err)
	}
	return u.ID
}

// signedOut fails unless the session no longer signs anyone in.
func signedOut(t *testing.T, s *webSession) {
	t.Helper()
	rec := s.do(http.MethodGet, "/", nil)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("the session still works: %d %s", rec.Code, rec.Header().Get("Location"))
	}
}

func TestDisableUserEndsSessionsAndTokens(t *testing.T) {
	app := newTestApp(t)
	victim := signIn(t, app, "commenter")
	wantStatus(t, app.do(http.MethodGet, "/api/documents", "commenter", nil), http.StatusOK)
	admin := signIn(t, app, "admin")
	id := app.userID("commenter")

	rec := admin.postForm("/admin/users/"+id+"/disable", url.Values{"_csrf": {admin.csrf}})
	wantRedirect(t, rec, "/admin/users?done=disabled")
	signedOut(t, victim)
	wantError(t, app.do(http.MethodGet, "/api/documents", "commenter", nil), http.StatusUnauthorized, "unauthenticated")
	if tokens, err := app.db.Tokens(id); err != nil || len(tokens) != 0 {
		t.Fatalf("the disabled user's tokens are still stored: %v %v", tokens, err)
	}
	form := url.Values{"username": {"commenter"}, "password": {testPassword}}
	wantStatus(t, app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType), http.StatusUnauthorized)
	page := admin.page(t, "/admin/users")
	if page.Find(`[data-user-name="commenter"] [data-testid="user-disabled"]`).Length() != 1 {
		t.Error("the users page does not show the user disabled")
	}

	rec = admin.postForm("/admin/users/"+id+"/enable", url.Values{"_csrf": {admin.csrf}})
	wantRedirect(t, rec, "/admin/users?done=enabled")
	signIn(t, app, "commenter")
	// The old token stays dead.
	wantError(t, app.do(http.MethodGet, "/api/documents", "commenter", nil), http.StatusUnauthorized, "unauthenticated")

	// An admin may not disable or demote themselves.
	self := app.userID("admin")
	wantStatus(t, admin.postForm("/admin/users/"+self+"/disable", url.Values{"_csrf": {admin.csrf}}), http.StatusUnprocessableEntity)
	wantStatus(t, admin.postForm("/admin/users/"+self+"/role", url.Values{"_csrf": {admin.csrf}, "role": {"viewer"}}), http.StatusUnprocessableEntity)
}

func TestChangeOwnPassword(t *testing.T) {
	app := newTestApp(t)
	here, elsewhere := signIn(t, app, "viewer"), signIn(t, app, "viewer")
	const newPassword = "a much longer passphrase"
	for _, tc := range []struct {
		name, current, password string
	}{
		{"wrong current", "not the password!", newPassword},
		{"too short", testPassword, "short"},
		{"too long", testPassword, strings.Repeat("x", 129)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := here.postForm("/account/password", url.Values{"_csrf": {here.csrf}, "current": {tc.current}, "password": {tc.password}})
			wantStatus(t, rec, http.StatusUnprocessableEntity)
			if parseHTML(t, rec).Find(`[data-testid="account-error"]`).Length() != 1 {
				t.Error("no error shown")
			}
		})
	}
	// Without the CSRF token, nothing changes.
	rec := here.postForm("/account/password", url.Values{"current": {testPassword}, "password": {newPassword}})
	wantStatus(t, rec, http.StatusForbidden)

	rec = here.postForm("/account/password", url.Values{"_csrf": {here.csrf}, "current": {testPassword}, "password": {newPassword}})
	wantRedirect(t, rec, "/account?done=password")
	here.page(t, "/account")
	signedOut(t, elsewhere)
	form := url.Values{"username": {"viewer"}, "password": {testPassword}}
	wantStatus(t, app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType), http.StatusUnauthorized)
	form.Set("password", newPassword)
	wantStatus(t, app.do(http.MethodPost, "/login", "", form.Encode(), "Content-Type", formContentType), http.StatusSeeOther)
}

func TestOwnTokens(t *testing.T) {
	app := newTestApp(t)
	s := signIn(t, app, "viewer")
	rec := s.postForm("/account/tokens", url.Values{"_csrf": {s.csrf}, "name": {"my script"}, "expires": {"720h"}})
	wantStatus(t, rec, http.StatusCreated)
	secret := strings.TrimSpace(parseHTML(t, rec).Find(`[data-testid="new-token"]`).Text())
	if len(secret) < 40 {
		t.Fatalf("new token %q", secret)
	}
	app.tokens["script"] = secret
	wantStatus(t, app.do(http.MethodGet, "/api/documents", "script", nil), http.StatusOK)

	// Shown once: the account page lists it without the secret.
	rec = s.do(http.MethodGet, "/account", nil)
	wantStatus(t, rec, http.StatusOK)
	if strings.Contains(rec.Body.String(), secret) {
		t.Fatal("the account page shows the token's secret again")
	}
	rows := parseHTML(t, rec).Find(`[data-testid="token-row"]`)
	if rows.Length() != 2 { // the test token and the new one
		t.Fatalf("%d token rows, want 2", rows.Length())
	}
	stored, err := app.db.Tokens(app.userID("viewer"))
	if err != nil {
		t.Fatal(err)
	}
	newID := stored[len(stored)-1].ID

	// Another user's token id is not found, like an unknown one.
	other := signIn(t, app, "commenter")
	rec = other.postForm("/account/tokens/"+newID+"/revoke", url.Values{"_csrf": {other.csrf}})
	wantStatus(t, rec, http.StatusNotFound)
	wantStatus(t, app.do(http.MethodGet, "/api/documents", "script", nil), http.StatusOK)

	for _, bad := range []url.Values{{"name": {""}}, {"name": {"x"}, "expires": {"1s"}}, {"name": {"x"}, "expires": {"100000h"}}} {
		bad.Set("_csrf", s.csrf)
		wantStatus(t, s.postForm("/account/tokens", bad), http.StatusUnprocessableEntity)
	}

	rec = s.postForm("/account/tokens/"+newID+"/revoke", url.Values{"_csrf": {s.csrf}})
	wantRedirect(t, rec, "/account?done=revoked")
	wantError(t, app.do(http.MethodGet, "/api/documents", "script", nil), http.StatusUnauthorized, "unauthenticated")
}

func TestExpiredToken(t *testing.T) {
	clk := newClock()
	app := newTestApp(t, func(c *handlers.Config) { c.Now = clk.Now })
	secret, hash, err := handlers.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.CreateToken(hash, store.Token{UserID: app.userID("editor"), Name: "short", Expires: clk.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	app.tokens["short"] = secret
	wantStatus(t, app.do(http.MethodGet, "/api/documents", "short", nil), http.StatusOK)
	clk.advance(time.Hour)
	wantError(t, app.do(http.MethodGet, "/api/documents", "short", nil), http.StatusUnauthorized, "unauthenticated")
}

func TestAdminUsersPage(t *testing.T) {
	app := newTestApp(t)
	for _, user := range []string{"editor", "commenter", "viewer"} {
		s := signIn(t, app, user)
		wantStatus(t, s.do(http.MethodGet, "/admin/users", nil), http.StatusForbidden)
		wantStatus(t, s.postForm("/admin/users", url.Values{"_csrf": {s.csrf}, "name": {"mallory"}, "role": {"admin"},
			"password": {testPassword}}), http.StatusForbidden)
		if s.page(t, "/").Find(`[data-testid="users-link"]`).Length() != 0 {
			t.Errorf("%s is shown the users link", user)
		}
	}
	admin := signIn(t, app, "admin")
	page := admin.page(t, "/admin/users")
	if n := page.Find(`[data-testid="user-row"]`).Length(); n != 4 {
		t.Fatalf("%d user rows, want 4", n)
	}
	if page.Find(`[data-testid="token-row"]`).Length() != 4 {
		t.Errorf("the users page lists %d tokens, want 4", page.Find(`[data-testid="token-row"]`).Length())
	}

	add := func(name, role, password string) int {
		return admin.postForm("/admin/users", url.Values{"_csrf": {admin.csrf}, "name": {name}, "role": {role}, "password": {password}}).Code
	}
	if code := add("dana", "viewer", "short"); code != http.StatusUnprocessableEntity {
		t.Errorf("short password: %d", code)
	}
	if code := add("dana", "superuser", testPassword); code != http.StatusUnprocessableEntity {
		t.Errorf("bad role: %d", code)
	}
	if code := add("Editor", "viewer", testPassword); code != http.StatusUnprocessableEntity {
		t.Errorf("taken name: %d", code)
	}
	if code := add("da\nna", "viewer", testPassword); code != http.StatusUnprocessableEntity {
		t.Errorf("control character: %d", code)
	}
	if code := add("dana", "viewer", testPassword); code != http.StatusSeeOther {
		t.Fatalf("add: %d", code)
	}
	dana := signIn(t, app, "dana")
	id := app.userID("dana")
	rec := admin.postForm("/admin/users/"+id+"/role", url.Values{"_csrf": {admin.csrf}, "role": {"editor"}})
	wantRedirect(t, rec, "/admin/users?done=role")
	if u, _ := app.db.User(id); u.Role != "editor" {
		t.Fatalf("role %q", u.Role)
	}
	rec = admin.postForm("/admin/users/"+id+"/password", url.Values{"_csrf": {admin.csrf}, "password": {"another good password"}})
	wantRedirect(t, rec, "/admin/users?done=reset")
	signedOut(t, dana)

	// Revoke another user's token.
	tokens, err := app.db.Tokens(app.userID("viewer"))
	if err != nil || len(tokens) != 1 {
		t.Fatal(tokens, err)
	}
	rec = admin.postForm("/admin/tokens/"+tokens[0].ID+"/revoke", url.Values{"_csrf": {admin.csrf}})
	wantRedirect(t, rec, "/admin/users?done=token_ended")
	wantError(t, app.do(http.MethodGet, "/api/documents", "viewer", nil), http.StatusUnauthorized, "unauthenticated")
	wantStatus(t, admin.postForm("/admin/tokens/"+tokens[0].ID+"/revoke", url.Values{"_csrf": {admin.csrf}}), http.StatusNotFound)
}

func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	clk := newClock()
	app := newTestApp(t, func(c *handlers.Config) {
		c.Now = clk.Now
		c.SessionIdle = time.Hour
		c.SessionTTL = 5 * time.Hour
	})
	s := signIn(t, app, "viewer")
	// Used every 50 minutes, it lives past the idle limit...
	for range 5 {
		clk.advance(50 * time.Minute)
		s.page(t, "/")
	}
	// ...until its absolute expiry, though used 50 minutes ago.
	clk.advance(50 * time.Minute)
	signedOut(t, s)

	s = signIn(t, app, "viewer")
	clk.advance(time.Hour)
	signedOut(t, s)
}

// weakHash is an argon2id hash with parameters below today's.
func weakHash(t *testing.T, password string) string {
	t.Helper()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		t.Fatal(err)
	}
	key := argon2.IDKey([]byte(password), salt, 1, 8*1024, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 8*1024, 1, 1, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func TestSignInRehashesWeakHash(t *testing.T) {
	app := newTestApp(t)
	u, err := app.db.CreateUser(store.User{Name: "old", Role: "viewer", PasswordHash: weakHash(t, testPassword)})
	if err != nil {
		t.Fatal(err)
	}
	if !handlers.NeedsRehash(u.PasswordHash) {
		t.Fatal("NeedsRehash says a weak hash is fine")
	}
	signIn(t, app, "old")
	u, err = app.db.User(u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if handlers.NeedsRehash(u.PasswordHash) || !strings.Contains(u.PasswordHash, "m=19456,t=2,p=1") {
		t.Fatalf("hash not upgraded: %s", u.PasswordHash)
	}
	if u.LastSignIn.IsZero() {
		t.Error("the sign-in was not recorded")
	}
	signIn(t, app, "old") // the new hash checks the same password
}

// loginAttempt posts the sign-in form from an address, with headers.
func loginAttempt(app *testApp, user, password, remote string, header ...string) *httptestRecorder {
	form := url.Values{"username": {user}, "password": {password}}
	return app.doFrom(remote, http.MethodPost, "/login", form.Encode(), append([]string{"Content-Type", formContentType}, header...)...)
}

func wantTooMany(t *testing.T, rec *httptestRecorder) {
	t.Helper()
	wantStatus(t, rec, http.StatusTooManyRequests)
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("429 without a Retry-After: %q", ra)
	}
}

func TestLoginLimitPerAccount(t *testing.T) {
	clk := newClock()
	app := newTestApp(t, func(c *handlers.Config) {
		c.Now = clk.Now
		c.AccountFailures = 3
		c.AccountWindow = 15 * time.Minute
	})
	for _, name := range []string{"editor", "no-such-user"} {
		t.Run(name, func(t *testing.T) {
			for i := range 3 {
				// From a new address each time: the per-address limit
				// does not come into it.
				rec := loginAttempt(app, name, "wrong password!", fmt.Sprintf("198.51.100.%d:4000", i))
				wantStatus(t, rec, http.StatusUnauthorized)
			}
			// Locked: even the right password, from anywhere, waits.
			wantTooMany(t, loginAttempt(app, name, testPassword, "203.0.113.9:4000", "X-Forwarded-For", "192.0.2.77"))
			wantTooMany(t, loginAttempt(app, strings.ToUpper(name), testPassword, "203.0.113.10:4000"))
		})
	}
	// Other accounts are not affected; time heals.
	wantStatus(t, loginAttempt(app, "viewer", testPassword, "203.0.113.9:4000"), http.StatusSeeOther)
	clk.advance(5 * time.Minute)
	wantStatus(t, loginAttempt(app, "editor", testPassword, "203.0.113.9:4000"), http.StatusSeeOther)
}

func TestLoginLimitPerAddress(t *testing.T) {
	t.Run("forwarded header ignored", func(t *testing.T) {
		app := newTestApp(t, func(c *handlers.Config) { c.LoginRate = 1 })
		for i := range 2 {
			wantStatus(t, loginAttempt(app, "viewer", "wrong password!", "192.0.2.1:1234", "X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i)), http.StatusUnauthorized)
		}
		wantTooMany(t, loginAttempt(app, "viewer", "wrong password!", "192.0.2.1:1234", "X-Forwarded-For", "10.0.0.99", "X-Real-IP", "10.0.0.98"))
		// Another address is not affected.
		wantStatus(t, loginAttempt(app, "viewer", testPassword, "192.0.2.2:1234"), http.StatusSeeOther)
	})
	t.Run("trusted proxy", func(t *testing.T) {
		app := newTestApp(t, func(c *handlers.Config) {
			c.LoginRate = 1
			c.TrustedProxies = mustCIDRs(t, "192.0.2.1/32")
		})
		// Behind the proxy, each client has its own allowance...
		for i := range 4 {
			wantStatus(t, loginAttempt(app, "viewer", "wrong password!", "192.0.2.1:1234", "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)), http.StatusUnauthorized)
		}
		// ...and one client is limited whatever it adds to the header.
		for range 2 {
			loginAttempt(app, "viewer", "wrong password!", "192.0.2.1:1234", "X-Forwarded-For", "198.51.100.200")
		}
		wantTooMany(t, loginAttempt(app, "viewer", "wrong password!", "192.0.2.1:1234", "X-Forwarded-For", "203.0.113.5, 198.51.100.200"))
		// A peer that is not the proxy cannot pick its address.
		for i := range 2 {
			loginAttempt(app, "viewer", "wrong password!", "192.0.2.50:1234", "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", 100+i))
		}
		wantTooMany(t, loginAttempt(app, "viewer", "wrong password!", "192.0.2.50:1234", "X-Forwarded-For", "198.51.100.150"))
	})
}

func TestWriteRateLimit(t *testing.T) {
	app := newTestApp(t, func(c *handlers.Config) { c.WriteRate, c.WriteBurst = 2, 2 })
	text := app.sample.Text
	start, end := codePointSpan(t, text, "Huawei")
	for range 2 {
		mustCreateAnnotation(t, app, "commenter", app.sample.ID, annotationRequest(text, start, end, "fine"))
	}
	rec := app.do(http.MethodPost, "/api/documents/"+app.sample.ID+"/annotations", "commenter", annotationRequest(text, start, end, "one too many"))
	wantTooMany(t, rec)
	wantError(t, rec, http.StatusTooManyRequests, "too_many_requests")
	// Reads go on; other users write.
	wantStatus(t, app.do(http.MethodGet, "/api/documents", "commenter", nil), http.StatusOK)
	mustCreateAnnotation(t, app, "editor", app.sample.ID, annotationRequest(text, start, end, "mine"))
}
