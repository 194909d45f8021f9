package handlers

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"galley/store"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// Context keys set by authenticate.
const (
	ctxUser    = "galley.user"
	ctxSession = "galley.session"
	// ctxCredential is the hash of the session cookie or API token the
	// request came with, so that a long request (an event stream) can
	// check it still stands.
	ctxCredential = "galley.credential" // #nosec G101 -- a context key, not a credential
)

// credential is what a request authenticated with.
type credential struct {
	hash    []byte
	session bool // a session cookie; else an API token
}

// sessionCookie is the cookie's name; over TLS it takes the __Host- prefix,
// which binds it to this host and path and requires Secure.
func (h *Handler) sessionCookie() string {
	if h.cfg.SecureCookies {
		return "__Host-galley_session"
	}
	return "galley_session"
}

// authenticate finds who is calling: a Bearer token wins over the session
// cookie. It never refuses a request by itself, except a Bearer token that
// is wrong, which is refused at once rather than ignored.
func (h *Handler) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if auth := c.Request().Header.Get(echo.HeaderAuthorization); auth != "" {
			scheme, token, _ := strings.Cut(auth, " ")
			if !strings.EqualFold(scheme, "Bearer") || token == "" {
				return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "Use Authorization: Bearer TOKEN."}
			}
			t, err := h.store.TokenByHash(HashSecret(strings.TrimSpace(token)), h.now())
			if err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "The API token is unknown or expired."}
				}
				return err
			}
			u, err := h.store.User(t.UserID)
			if err != nil || u.Disabled {
				return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "The API token's user is disabled."}
			}
			c.Set(ctxUser, u)
			c.Set(ctxCredential, credential{hash: HashSecret(strings.TrimSpace(token))})
			return next(c)
		}
		if ck, err := c.Cookie(h.sessionCookie()); err == nil && ck.Value != "" {
			hash := HashSecret(ck.Value)
			s, err := h.store.Session(hash, h.now())
			if err == nil {
				s, err = h.keepAlive(hash, s)
			}
			switch {
			case err == nil:
				if u, err := h.store.User(s.UserID); err == nil && !u.Disabled {
					c.Set(ctxUser, u)
					c.Set(ctxSession, s)
					c.Set(ctxCredential, credential{hash: HashSecret(ck.Value), session: true})
				}
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		return next(c)
	}
}

// sessionTouchEvery is how stale a session's LastSeen may get before a
// request writes it again: idle expiry needs no write per request.
const sessionTouchEvery = 5 * time.Minute

// keepAlive applies idle expiry to a valid session: one unused for
// SessionIdle is deleted and treated as gone; otherwise its LastSeen is
// brought up to date, at most every sessionTouchEvery.
func (h *Handler) keepAlive(hash []byte, s store.Session) (store.Session, error) {
	now := h.now()
	seen := s.LastSeen
	if seen.IsZero() {
		seen = s.Created
	}
	// The writes here are housekeeping: when the disk refuses them, reads
	// go on and the session is judged by what is stored.
	if !now.Before(seen.Add(h.cfg.SessionIdle)) {
		if err := h.store.DeleteSession(hash); err != nil {
			h.log.Warn("deleting an idle session", "error", err)
		}
		return store.Session{}, fmt.Errorf("%w: the session was idle too long", store.ErrNotFound)
	}
	if now.Sub(seen) >= sessionTouchEvery {
		if err := h.store.TouchSession(hash, now); err != nil {
			h.log.Warn("noting a session's use", "error", err)
		}
		s.LastSeen = now
	}
	return s, nil
}

// currentUser is the signed-in user, if any.
func currentUser(c echo.Context) (store.User, bool) {
	u, ok := c.Get(ctxUser).(store.User)
	return u, ok
}

// currentSession is the browser session, when the caller came with a cookie.
func currentSession(c echo.Context) (store.Session, bool) {
	s, ok := c.Get(ctxSession).(store.Session)
	return s, ok
}

// requireUser refuses anonymous callers: 401 JSON for the API, a redirect
// to the sign-in page for pages (through the error handler).
func (h *Handler) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := currentUser(c); !ok {
			return echo.ErrUnauthorized
		}
		return next(c)
	}
}

// csrf guards state changes made with a session cookie: they must come from
// this site (Fetch Metadata and Origin) and carry the session's CSRF token,
// as the X-CSRF-Token header or the _csrf form field. Bearer-token requests
// carry no ambient credentials and need neither.
func (h *Handler) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		s, ok := currentSession(c)
		if !ok {
			return next(c) // Bearer token
		}
		if err := checkSameSite(c); err != nil {
			return err
		}
		token := c.Request().Header.Get("X-CSRF-Token")
		if token == "" && !strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
			// From the body only: a token in the query string would
			// end up in logs and Referer headers.
			token = c.Request().PostFormValue("_csrf")
		}
		if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 {
			return &apiError{Status: http.StatusForbidden, Code: "csrf_failed",
				Message: "The form expired or did not come from this site. Reload the page and try again."}
		}
		return next(c)
	}
}

// sameSiteOnly refuses cross-site requests; requests with no browser
// headers at all (scripts) pass.
func sameSiteOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkSameSite(c); err != nil {
			return err
		}
		return next(c)
	}
}

func checkSameSite(c echo.Context) error {
	refuse := &apiError{Status: http.StatusForbidden, Code: "cross_site",
		Message: "Requests from other sites are refused."}
	switch c.Request().Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return refuse
	}
	if origin := c.Request().Header.Get(echo.HeaderOrigin); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != c.Request().Host {
			return refuse
		}
	}
	return nil
}

// requireJSON refuses API writes whose body is not JSON: application/json,
// or JSON-LD (application/ld+json, with or without the Web Annotation
// profile), as W3C annotations are sent.
func requireJSON(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			if r.ContentLength != 0 && !isJSON(r.Header.Get(echo.HeaderContentType)) {
				return echo.ErrUnsupportedMediaType
			}
		}
		return next(c)
	}
}

// isJSON says whether a Content-Type names JSON or JSON-LD.
func isJSON(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	return err == nil && (t == echo.MIMEApplicationJSON || t == "application/ld+json")
}

// loginPage shows the sign-in form, or sends a signed-in user on.
func (h *Handler) loginPage(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if _, ok := currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return h.renderLogin(c, http.StatusOK, views.Login{Next: next})
}

func (h *Handler) renderLogin(c echo.Context, status int, v views.Login) error {
	v.Page = h.page(c, "Sign in")
	v.Page.UserName = ""
	return h.render(c, status, views.LoginPage(v))
}

// login checks the password and starts a new session. An unknown name and
// a wrong password get the same answer in about the same time.
func (h *Handler) login(c echo.Context) error {
	// From the body only (refuseQueryCredentials answers 400 to any in
	// the URL).
	name := strings.TrimSpace(c.Request().PostFormValue("username"))
	password := c.Request().PostFormValue("password")
	next := safeNext(c.FormValue("next"))

	// Failures are counted per account name, existing or not, so that
	// the 429 tells nothing about which names exist.
	key := accountKey(name)
	if wait, ok := h.accountLimit.check(key); !ok {
		return tooManyAttempts(c, wait)
	}
	if len(password) > 4*MaxPasswordLength {
		h.accountLimit.fail(key)
		return h.renderLogin(c, http.StatusUnauthorized, views.Login{Username: name, Next: next,
			Error: "The username or password is not right."})
	}
	u, err := h.store.UserByName(name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash := u.PasswordHash
	if err != nil || hash == "" {
		hash = dummyHash()
	}
	ok, herr := CheckPassword(hash, password)
	if herr != nil {
		return herr
	}
	if err != nil || !ok || u.Disabled {
		h.accountLimit.fail(key)
		return h.renderLogin(c, http.StatusUnauthorized, views.Login{Username: name, Next: next,
			Error: "The username or password is not right."})
	}
	// Note the sign-in, and re-hash a password stored with parameters
	// weaker than today's, now that the password is at hand.
	rehash := ""
	if NeedsRehash(hash) {
		if rehash, err = HashPassword(password); err != nil {
			return err
		}
	}
	if _, err := h.store.RecordSignIn(u.ID, h.now(), rehash); err != nil {
		return err
	}
	// A new token at every sign-in: a planted cookie never becomes a session.
	if ck, err := c.Cookie(h.sessionCookie()); err == nil {
		_ = h.store.DeleteSession(HashSecret(ck.Value))
	}
	token, hashed, err := NewSecret()
	if err != nil {
		return err
	}
	csrfToken, _, err := NewSecret()
	if err != nil {
		return err
	}
	now := h.now()
	if err := h.store.CreateSession(hashed, store.Session{
		UserID: u.ID, CSRF: csrfToken, Created: now, Expires: now.Add(h.cfg.SessionTTL), LastSeen: now,
	}); err != nil {
		return err
	}
	// #nosec G124 -- Secure follows -secure-cookies: it must be off when served over plain HTTP.
	c.SetCookie(&http.Cookie{
		Name: h.sessionCookie(), Value: token, Path: "/", HttpOnly: true,
		Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(h.cfg.SessionTTL.Seconds()),
	})
	return c.Redirect(http.StatusSeeOther, next)
}

// logout ends the session on the server and clears the cookie.
func (h *Handler) logout(c echo.Context) error {
	if ck, err := c.Cookie(h.sessionCookie()); err == nil {
		if err := h.store.DeleteSession(HashSecret(ck.Value)); err != nil {
			return err
		}
	}
	// #nosec G124 -- Secure follows -secure-cookies, as for the session cookie itself.
	c.SetCookie(&http.Cookie{Name: h.sessionCookie(), Value: "", Path: "/", HttpOnly: true,
		Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps a post-sign-in redirect on this site: a path starting with
// one slash, never "//host" or "/\host".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// stillReads reports whether the caller of a long request may still read
// the document: the session or token it came with still stands, the user
// is still enabled, and the read check still passes. A sign-out, a
// disabled account, a revoked token or a restriction ends it.
func (h *Handler) stillReads(c echo.Context, docID string) bool {
	cred, ok := c.Get(ctxCredential).(credential)
	u, uok := currentUser(c)
	if !ok || !uok {
		return false
	}
	var err error
	if cred.session {
		_, err = h.store.Session(cred.hash, h.now())
	} else {
		_, err = h.store.TokenByHash(cred.hash, h.now())
	}
	if err != nil {
		return false
	}
	if u, err = h.store.User(u.ID); err != nil || u.Disabled {
		return false
	}
	doc, err := h.store.DocumentHead(docID)
	return err == nil && canRead(u, doc)
}
