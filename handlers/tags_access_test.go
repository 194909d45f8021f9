package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"galley/annotation"
	"galley/handlers"
	"galley/store"
)

// addUser adds a user with the test password and an API token, for tests
// that need a second user of a role.
func (a *testApp) addUser(name, role string) {
	a.t.Helper()
	hash, err := handlers.HashPassword(testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	u, err := a.db.CreateUser(store.User{Name: name, Role: role, PasswordHash: hash})
	if err != nil {
		a.t.Fatalf("create user %s: %v", name, err)
	}
	token, tokenHash, err := handlers.NewSecret()
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.db.CreateToken(tokenHash, store.Token{UserID: u.ID, Name: "test"}); err != nil {
		a.t.Fatal(err)
	}
	a.tokens[name] = token
}

// storedTag reads a tag as stored, whoever may see it.
func storedTag(t *testing.T, app *testApp, name string) annotation.Tag {
	t.Helper()
	tag, err := app.db.Tag(name)
	if err != nil {
		t.Fatalf("tag %s: %v", name, err)
	}
	return tag
}

// TestHiddenTagAnswersLikeNoTag: an editor who may not read the restricted
// document cannot see, recolor or learn anything of a tag used only there:
// PATCH /api/tags/{name} and the form POST /tags/{name} answer exactly as
// for a tag that does not exist, and the tag is left as it was. A tag used
// both there and elsewhere is changed, and its count leaves the hidden
// uses out.
func TestHiddenTagAnswersLikeNoTag(t *testing.T) {
	app := newTestApp(t)
	newRestrictedFixture(t, app) // "secret-tag", only on the restricted document
	app.addUser("outsider", handlers.RoleEditor)
	before := storedTag(t, app, "secret-tag")

	patch := func(name string) *httptestRecorder {
		return app.do(http.MethodPatch, "/api/tags/"+url.PathEscape(name), "outsider", map[string]any{"color": "red"})
	}
	hidden, none := patch("secret-tag"), patch("no-such-tag")
	wantError(t, hidden, http.StatusNotFound, "not_found")
	if hidden.Body.String() != none.Body.String() || hidden.Code != none.Code {
		t.Errorf("a hidden tag answers %d %s, a missing one %d %s", hidden.Code, hidden.Body, none.Code, none.Body)
	}
	if got := storedTag(t, app, "secret-tag"); got != before {
		t.Errorf("the hidden tag changed: %+v, was %+v", got, before)
	}

	outsider := signIn(t, app, "outsider")
	form := func(name string) *httptestRecorder {
		return outsider.postForm("/tags/"+url.PathEscape(name), url.Values{"_csrf": {outsider.csrf}, "color": {"red"}})
	}
	hiddenPage, nonePage := form("secret-tag"), form("no-such-tag")
	wantStatus(t, hiddenPage, http.StatusNotFound)
	if hiddenPage.Body.String() != nonePage.Body.String() {
		t.Errorf("the form answers differently for a hidden tag and a missing one:\n%s\n%s", hiddenPage.Body, nonePage.Body)
	}
	if got := storedTag(t, app, "secret-tag"); got != before {
		t.Errorf("the hidden tag changed through the form: %+v, was %+v", got, before)
	}

	// The author of the restricted document may change it.
	rec := app.do(http.MethodPatch, "/api/tags/secret-tag", "editor", map[string]any{"color": "red"})
	wantStatus(t, rec, http.StatusOK)
	if got := decode[annotation.Tag](t, rec); got.Color != "red" || got.Count != 1 {
		t.Errorf("the author's recolor answered %+v, want red with count 1", got)
	}

	// Used both on the sample article and on the hidden document: the
	// outsider recolors it and sees only the visible use.
	text := app.sample.Text
	start, end := codePointSpan(t, text, "Huawei")
	mustCreateAnnotation(t, app, "editor", app.sample.ID, annotationRequest(text, start, end, "public", "secret-tag"))
	rec = patch("secret-tag")
	wantStatus(t, rec, http.StatusOK)
	if got := decode[annotation.Tag](t, rec); got.Count != 1 {
		t.Errorf("the outsider's recolor answered count %d, want 1 (the hidden use left out)", got.Count)
	}
	if got := storedTag(t, app, "secret-tag"); got.Count != 2 {
		t.Errorf("stored count %d, want 2", got.Count)
	}
}
