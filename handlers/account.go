package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"galley/store"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// Limits on account forms.
const (
	maxUserNameLength  = 64  // code points
	maxTokenNameLength = 100 // code points
	// maxTokenLifetime bounds the expiry a token may be given.
	maxTokenLifetime = 5 * 365 * 24 * time.Hour
)

// accountPage shows the caller's own account: password and API tokens.
func (h *Handler) accountPage(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, views.Account{Notice: noticeText(c.QueryParam("done"))})
}

// accountNotices are the confirmations a redirect after a form names.
var accountNotices = map[string]string{ // #nosec G101 -- messages about passwords, not credentials
	"password":    "Your password was changed; your other sessions have ended.",
	"revoked":     "The token was revoked.",
	"added":       "The user was added.",
	"role":        "The role was changed.",
	"reset":       "The password was reset; that user's sessions have ended.",
	"disabled":    "The user was disabled; their sessions and API tokens were ended.",
	"enabled":     "The user was enabled.",
	"token_ended": "The token was revoked.",
}

func noticeText(key string) string { return accountNotices[key] }

func (h *Handler) renderAccount(c echo.Context, status int, v views.Account) error {
	u, _ := currentUser(c)
	v.Page = h.page(c, "Your account")
	v.Page.Nav = "account"
	v.Name, v.Role = u.Name, u.Role
	v.CanTokens = can(u.Role, actOwnTokens)
	if v.CanTokens {
		tokens, err := h.store.Tokens(u.ID)
		if err != nil {
			return err
		}
		v.Tokens = h.tokenRows(tokens, "/account/tokens/")
	}
	return h.render(c, status, views.AccountPage(v))
}

// tokenRows shapes tokens for a table; revoke posts to prefix+id+"/revoke".
func (h *Handler) tokenRows(tokens []store.Token, prefix string) []views.TokenRow {
	rows := make([]views.TokenRow, 0, len(tokens))
	now := h.now()
	for _, t := range tokens {
		r := views.TokenRow{ID: t.ID, Name: t.Name, Created: t.Created.Format(timeLayout), Expires: "never",
			Expired: t.Expired(now), RevokeURL: prefix + t.ID + "/revoke"}
		if !t.Expires.IsZero() {
			r.Expires = t.Expires.Format(timeLayout)
		}
		rows = append(rows, r)
	}
	return rows
}

// changeOwnPassword handles POST /account/password: the current password,
// then the new one. Every other session of the user ends; this one stays.
func (h *Handler) changeOwnPassword(c echo.Context) error {
	u, _ := currentUser(c)
	fail := func(msg string) error {
		return h.renderAccount(c, http.StatusUnprocessableEntity, views.Account{Error: msg})
	}
	if wait, ok := h.accountLimit.check(accountKey(u.Name)); !ok {
		return tooManyAttempts(c, wait)
	}
	current, password := c.Request().PostFormValue("current"), c.Request().PostFormValue("password")
	ok := false
	if len(current) <= 4*MaxPasswordLength {
		var err error
		if ok, err = CheckPassword(u.PasswordHash, current); err != nil {
			return err
		}
	}
	if !ok {
		h.accountLimit.fail(accountKey(u.Name))
		return fail("The current password is not right.")
	}
	if err := CheckPasswordRules(password); err != nil {
		return fail(sentence(err.Error()))
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	var keep []byte
	if cred, ok := c.Get(ctxCredential).(credential); ok && cred.session {
		keep = cred.hash
	}
	if _, err := h.store.SetPassword(u.ID, hash, keep); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=password")
}

// createOwnToken handles POST /account/tokens: a label and a lifetime;
// the new token is shown once, on the page this answers with.
func (h *Handler) createOwnToken(c echo.Context) error {
	u, _ := currentUser(c)
	token, err := h.issueToken(u, c.FormValue("name"), c.FormValue("expires"))
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusUnprocessableEntity {
		return h.renderAccount(c, http.StatusUnprocessableEntity, views.Account{Error: ae.Message})
	}
	if err != nil {
		return err
	}
	return h.renderAccount(c, http.StatusCreated, views.Account{NewToken: token,
		Notice: "Token created. Copy it now: it is stored hashed and cannot be shown again."})
}

// issueToken checks a token's label and lifetime and stores a new token
// for u, returning the secret, which exists nowhere else.
func (h *Handler) issueToken(u store.User, name, lifetime string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxTokenNameLength || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid",
			Message: "Give the token a label of 1 to 100 characters."}
	}
	t := store.Token{UserID: u.ID, Name: name, Created: h.now()}
	if lifetime != "" {
		d, err := time.ParseDuration(lifetime)
		if err != nil || d < time.Hour || d > maxTokenLifetime {
			return "", &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid",
				Message: "A token expires after an hour at the soonest and five years at the latest."}
		}
		t.Expires = t.Created.Add(d)
	}
	secret, hash, err := NewSecret()
	if err != nil {
		return "", err
	}
	if _, err := h.store.CreateToken(hash, t); err != nil {
		return "", err
	}
	return secret, nil
}

// revokeOwnToken handles POST /account/tokens/{token}/revoke. Another
// user's token id is not found, like an unknown one.
func (h *Handler) revokeOwnToken(c echo.Context) error {
	u, _ := currentUser(c)
	if _, err := h.store.RevokeToken(c.Param("token"), u.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=revoked")
}

// usersPage is the admins' list of users.
func (h *Handler) usersPage(c echo.Context) error {
	return h.renderUsers(c, http.StatusOK, views.AdminUsers{Notice: noticeText(c.QueryParam("done"))})
}

func (h *Handler) renderUsers(c echo.Context, status int, v views.AdminUsers) error {
	me, _ := currentUser(c)
	users, err := h.store.Users()
	if err != nil {
		return err
	}
	tokens, err := h.store.Tokens("")
	if err != nil {
		return err
	}
	byUser := map[string][]store.Token{}
	for _, t := range tokens {
		byUser[t.UserID] = append(byUser[t.UserID], t)
	}
	v.Page = h.page(c, "Users")
	v.Page.Nav = "users"
	v.Roles = roleOptions(RoleCommenter)
	for _, u := range users {
		row := views.UserRow{ID: u.ID, Name: u.Name, Role: u.Role, Disabled: u.Disabled,
			Created: u.Created.Format(timeLayout), LastSignIn: "never", Roles: roleOptions(u.Role),
			Tokens: h.tokenRows(byUser[u.ID], "/admin/tokens/"), Self: u.ID == me.ID}
		if !u.LastSignIn.IsZero() {
			row.LastSignIn = u.LastSignIn.Format(timeLayout)
		}
		v.Users = append(v.Users, row)
	}
	return h.render(c, status, views.AdminUsersPage(v))
}

// roleOptions lists the roles with one selected.
func roleOptions(selected string) []views.Option {
	var out []views.Option
	for _, r := range []string{RoleAdmin, RoleEditor, RoleCommenter, RoleViewer} {
		out = append(out, views.Option{Value: r, Label: r, Selected: r == selected})
	}
	return out
}

// CheckUserName explains what is wrong with a new user name, if anything.
func CheckUserName(name string) error {
	switch {
	case name == "":
		return errors.New("the name is empty")
	case utf8.RuneCountInString(name) > maxUserNameLength:
		return errors.New("the name may have at most 64 characters")
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == ',' }) >= 0:
		return errors.New("the name may not hold control characters or commas")
	case strings.TrimSpace(name) != name:
		return errors.New("the name may not start or end with a space")
	}
	return nil
}

// addUser handles POST /admin/users: name, role and a first password.
func (h *Handler) addUser(c echo.Context) error {
	name, role, password := strings.TrimSpace(c.FormValue("name")), c.FormValue("role"), c.Request().PostFormValue("password")
	fail := func(msg string) error {
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.AdminUsers{Error: msg, NewName: name})
	}
	if err := CheckUserName(name); err != nil {
		return fail(sentence(err.Error()))
	}
	if !ValidRole(role) {
		return fail("Choose one of the roles admin, editor, commenter, viewer.")
	}
	if err := CheckPasswordRules(password); err != nil {
		return fail(sentence(err.Error()))
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := h.store.CreateUser(store.User{Name: name, Role: role, PasswordHash: hash, Created: h.now()}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fail("A user with that name already exists.")
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=added")
}

// targetUser is the user an admin form acts on; an admin may not demote
// or disable themselves here, so the desk always keeps an admin.
func (h *Handler) targetUser(c echo.Context) (store.User, bool, error) {
	me, _ := currentUser(c)
	u, err := h.store.User(c.Param("user"))
	if err != nil {
		return store.User{}, false, err
	}
	return u, u.ID == me.ID, nil
}

// setUserRole handles POST /admin/users/{user}/role.
func (h *Handler) setUserRole(c echo.Context) error {
	u, self, err := h.targetUser(c)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	switch {
	case !ValidRole(role):
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.AdminUsers{Error: "Choose one of the roles admin, editor, commenter, viewer."})
	case self && role != RoleAdmin:
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.AdminUsers{Error: "You cannot take away your own admin role; ask another admin."})
	}
	if _, err := h.store.SetUserRole(u.ID, role); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=role")
}

// resetUserPassword handles POST /admin/users/{user}/password: every
// session of that user ends.
func (h *Handler) resetUserPassword(c echo.Context) error {
	u, _, err := h.targetUser(c)
	if err != nil {
		return err
	}
	password := c.Request().PostFormValue("password")
	if err := CheckPasswordRules(password); err != nil {
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.AdminUsers{Error: sentence(err.Error())})
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := h.store.SetPassword(u.ID, hash, nil); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=reset")
}

// disableUser handles POST /admin/users/{user}/disable: the user's
// sessions and tokens end in the same transaction.
func (h *Handler) disableUser(c echo.Context) error {
	u, self, err := h.targetUser(c)
	if err != nil {
		return err
	}
	if self {
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.AdminUsers{Error: "You cannot disable yourself; ask another admin."})
	}
	if _, err := h.store.SetUserDisabled(u.ID, true); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=disabled")
}

// enableUser handles POST /admin/users/{user}/enable.
func (h *Handler) enableUser(c echo.Context) error {
	u, _, err := h.targetUser(c)
	if err != nil {
		return err
	}
	if _, err := h.store.SetUserDisabled(u.ID, false); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=enabled")
}

// revokeAnyToken handles POST /admin/tokens/{token}/revoke.
func (h *Handler) revokeAnyToken(c echo.Context) error {
	if _, err := h.store.RevokeToken(c.Param("token"), ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done=token_ended")
}
