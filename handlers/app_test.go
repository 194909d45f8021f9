package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"galley/annotation"
	"galley/handlers"
	"galley/store"

	"github.com/labstack/echo/v4"
)

// testApp is the whole desk on a real bbolt file in a temp dir, reached
// through the real echo stack.
type testApp struct {
	t  *testing.T
	e  *echo.Echo
	db *store.DB
	// sample is the sample article, as a new database holds it.
	sample annotation.Document
	// tokens maps a user name to a Bearer token for it.
	tokens map[string]string
	// endStreams ends the live event streams, before the servers close.
	endStreams func()
}

// testPassword is every test user's password.
const testPassword = "correct horse battery"

// newTestApp opens a fresh database with the sample article and four
// users, one per role (named after their role), each with an API token.
// Options change the handlers' configuration before the stack is built.
func newTestApp(t *testing.T, options ...func(*handlers.Config)) *testApp {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "galley.db"), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	app := &testApp{t: t, db: db, tokens: map[string]string{}}
	app.sample = app.addDocumentFile("beijing-slams-spying-on-huawei.txt")
	hash, err := handlers.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{handlers.RoleAdmin, handlers.RoleEditor, handlers.RoleCommenter, handlers.RoleViewer} {
		u, err := db.CreateUser(store.User{Name: role, Role: role, PasswordHash: hash})
		if err != nil {
			t.Fatalf("create user %s: %v", role, err)
		}
		token, tokenHash, err := handlers.NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateToken(tokenHash, store.Token{UserID: u.ID, Name: "test"}); err != nil {
			t.Fatal(err)
		}
		app.tokens[role] = token
	}
	streams, endStreams := context.WithCancel(context.Background())
	t.Cleanup(endStreams)
	app.endStreams = endStreams
	cfg := handlers.Config{LoginRate: 1000, Streams: streams}
	for _, o := range options {
		o(&cfg)
	}
	app.e = handlers.New(db, cfg)
	return app
}

// addDocumentFile stores an article from testdata/.
func (a *testApp) addDocumentFile(name string) annotation.Document {
	a.t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		a.t.Fatal(err)
	}
	doc, err := annotation.NewDocument(string(raw), "")
	if err != nil {
		a.t.Fatalf("parse %s: %v", name, err)
	}
	doc, err = a.db.CreateDocument(doc)
	if err != nil {
		a.t.Fatalf("store %s: %v", name, err)
	}
	return doc
}

// do sends a request through the whole echo stack. A non-nil body is sent
// as JSON unless it is already a []byte or string. user names the Bearer
// token to send ("" sends none).
func (a *testApp) do(method, path, user string, body any, header ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		tok, ok := a.tokens[user]
		if !ok {
			a.t.Fatalf("no token for user %q", user)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	return rec
}

// decode reads a JSON response body into v, failing the test if it cannot.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return v
}

// wantStatus fails the test unless the response has the given status.
func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body: %s", rec.Code, status, rec.Body.String())
	}
}

// apiErr is the JSON error shape.
type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// wantError fails the test unless the response is a JSON error with the
// given status and code and a non-empty message.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	wantStatus(t, rec, status)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" && ct != "application/json; charset=UTF-8" {
		t.Fatalf("error Content-Type %q, want JSON", ct)
	}
	e := decode[apiErr](t, rec)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error %+v, want code %q with a message", e.Error, code)
	}
}

// newServer serves the app over real HTTP on 127.0.0.1 for browser tests.
func (a *testApp) newServer() *httptest.Server {
	srv := httptest.NewServer(a.e)
	a.t.Cleanup(srv.Close)
	// Cleanups run last first: the streams end, then the server closes
	// without waiting on them.
	a.t.Cleanup(a.endStreams)
	return srv
}

// httptestRecorder is the recorder every request helper returns.
type httptestRecorder = httptest.ResponseRecorder

// doFrom is do for a request from the given remote address (host:port),
// with no Bearer token.
func (a *testApp) doFrom(remote, method, path string, body string, header ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	return rec
}

// mustCIDRs parses networks for TrustedProxies.
func mustCIDRs(t *testing.T, cidrs ...string) []*net.IPNet {
	t.Helper()
	var out []*net.IPNet
	for _, s := range cidrs {
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}
