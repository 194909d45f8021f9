package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// action is something a role may or may not do.
type action string

const (
	actRead           action = "read"
	actAnnotate       action = "annotate"
	actCreateDocument action = "create_document"
	actBackup         action = "backup"
)

// Roles.
const (
	RoleAdmin     = "admin"
	RoleEditor    = "editor"
	RoleCommenter = "commenter"
	RoleViewer    = "viewer"
)

// permissions is the one table of who may do what.
var permissions = map[string]map[action]bool{
	RoleAdmin:     {actRead: true, actAnnotate: true, actCreateDocument: true, actBackup: true},
	RoleEditor:    {actRead: true, actAnnotate: true, actCreateDocument: true},
	RoleCommenter: {actRead: true, actAnnotate: true},
	RoleViewer:    {actRead: true},
}

// ValidRole reports whether role is one of the four roles.
func ValidRole(role string) bool {
	_, ok := permissions[role]
	return ok
}

// can reports whether a role may take an action.
func can(role string, a action) bool { return permissions[role][a] }

// allow refuses the request with 403 unless the signed-in user's role may
// take the action.
func (h *Handler) allow(a action) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := currentUser(c)
			if !ok {
				return echo.ErrUnauthorized
			}
			if !can(u.Role, a) {
				return &apiError{Status: http.StatusForbidden, Code: "forbidden",
					Message: "Your role (" + u.Role + ") does not allow this."}
			}
			return next(c)
		}
	}
}
