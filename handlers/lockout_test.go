package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"galley/handlers"
)

// TestLoginLockSurvivesFlood: after ten failed sign-ins lock a name,
// 40,000 failed sign-ins for other names from 2,000 addresses (each within
// its per-address allowance) do not unlock it: the right password is
// refused until the lock's window passes. The flood's passwords are
// longer than any password may be, which the desk refuses without
// hashing, so the flood is quick; it reaches the account limiter all the
// same.
func TestLoginLockSurvivesFlood(t *testing.T) {
	clk := newClock()
	app := newTestApp(t, func(c *handlers.Config) {
		c.Now = clk.Now
		c.LoginRate = 10 // bursts of 20 per address
	})
	for i := range 10 {
		wantStatus(t, loginAttempt(app, "editor", "wrong password!", fmt.Sprintf("198.51.100.%d:4000", i)), http.StatusUnauthorized)
	}
	wantTooMany(t, loginAttempt(app, "editor", testPassword, "203.0.113.9:4000"))

	long := strings.Repeat("x", 4*handlers.MaxPasswordLength+1)
	refused := 0
	for i := range 40000 {
		addr := fmt.Sprintf("10.%d.%d.1:4000", i/20/250, i/20%250) // 20 attempts per address
		form := url.Values{"username": {fmt.Sprintf("flood-%d", i)}, "password": {long}}
		rec := app.doFrom(addr, http.MethodPost, "/login", form.Encode(), "Content-Type", formContentType)
		switch rec.Code {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("flood sign-in %d answered %d", i, rec.Code)
		}
	}
	// The lock holds, from any address, in any letter case.
	wantTooMany(t, loginAttempt(app, "editor", testPassword, "203.0.113.9:4000"))
	wantTooMany(t, loginAttempt(app, "EDITOR", testPassword, "203.0.113.10:4000"))
	t.Logf("%d of the 40,000 flood sign-ins were refused with 429", refused)

	clk.advance(time.Minute)
	wantTooMany(t, loginAttempt(app, "editor", testPassword, "203.0.113.11:4000"))
	clk.advance(15 * time.Minute)
	wantStatus(t, loginAttempt(app, "editor", testPassword, "203.0.113.12:4000"), http.StatusSeeOther)
	// The flood's buckets have refilled too: other accounts sign in.
	wantStatus(t, loginAttempt(app, "viewer", testPassword, "203.0.113.13:4000"), http.StatusSeeOther)
}
