package handlers

import (
	"net/http"
	"slices"

	"galley/annotation"
	"galley/store"

	"github.com/labstack/echo/v4"
)

// action is something a role may or may not do.
type action string

const (
	actRead           action = "read"
	actAnnotate       action = "annotate" // also reply, and edit, delete and resolve one's own
	actCreateDocument action = "create_document"
	actBackup         action = "backup"
	actImport         action = "import"            // import W3C annotations into a document
	actResolveAny     action = "resolve_any"       // resolve and reopen anyone's thread
	actRetagAny       action = "retag_any"         // change the tags of anyone's annotation
	actSetStatus      action = "set_status"        // move a document through the review workflow
	actOverride       action = "override"          // approve over open threads, with a note
	actDeleteAny      action = "delete_any"        // delete anyone's comment, reply or thread
	actManageTags     action = "manage_tags"       // rename and merge tags
	actColorTags      action = "color_tags"        // change a tag's color
	actRevise         action = "revise"            // revise the text; confirm and re-attach anyone's anchors
	actDecide         action = "accept_suggestion" // accept or reject suggested changes
	actRestrict       action = "restrict"          // restrict a document to named members, or open it again
	actManageUsers    action = "manage_users"      // add users, change roles, reset passwords, disable; revoke anyone's tokens
	actOwnTokens      action = "own_tokens"        // create and revoke one's own API tokens
)

// Roles.
const (
	RoleAdmin     = "admin"
	RoleEditor    = "editor"
	RoleCommenter = "commenter"
	RoleViewer    = "viewer"
)

// permissions is the one table of who may do what. Only an author ever
// edits a comment's text (see canEditText): no role may put words in
// someone else's mouth.
var permissions = map[string]map[action]bool{
	RoleAdmin: {actRead: true, actAnnotate: true, actCreateDocument: true, actBackup: true, actImport: true,
		actResolveAny: true, actRetagAny: true, actSetStatus: true, actOverride: true, actDeleteAny: true,
		actManageTags: true, actColorTags: true, actRevise: true, actDecide: true,
		actRestrict: true, actManageUsers: true, actOwnTokens: true},
	RoleEditor: {actRead: true, actAnnotate: true, actCreateDocument: true, actImport: true,
		actResolveAny: true, actRetagAny: true, actSetStatus: true, actColorTags: true,
		actRevise: true, actDecide: true, actRestrict: true, actOwnTokens: true},
	RoleCommenter: {actRead: true, actAnnotate: true, actOwnTokens: true},
	RoleViewer:    {actRead: true, actOwnTokens: true},
}

// canRead is the one read check: every path that shows a document or
// anything on it (the reader, lists, get-one, exports, the event stream,
// search, revisions, tags) asks it, and a document it refuses answers 404,
// exactly like one that does not exist. A restricted document is read by
// admins, its author and its members; any other document by every role
// that may read.
func canRead(u store.User, doc annotation.Document) bool {
	switch {
	case u.ID == "" || u.Disabled || !can(u.Role, actRead):
		return false
	case !doc.Restricted, u.Role == RoleAdmin, doc.Author.ID == u.ID:
		return true
	}
	return slices.Contains(doc.Members, u.ID)
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

// owns reports whether u wrote something by author, and may still write.
// An imported author is nobody's account here, whatever its name: nobody
// owns what they wrote.
func owns(u store.User, author annotation.Author) bool {
	return author.ID != "" && !author.IsImported() && author.ID == u.ID && can(u.Role, actAnnotate)
}

// canEditText reports whether u may change the text of a comment or reply:
// its author only.
func canEditText(u store.User, author annotation.Author) bool { return owns(u, author) }

// canRetag reports whether u may change an annotation's tags.
func canRetag(u store.User, a annotation.Annotation) bool {
	return owns(u, a.Author) || can(u.Role, actRetagAny)
}

// canDelete reports whether u may delete a comment or reply by author.
func canDelete(u store.User, author annotation.Author) bool {
	return owns(u, author) || can(u.Role, actDeleteAny)
}

// canResolve reports whether u may resolve or reopen a thread.
func canResolve(u store.User, a annotation.Annotation) bool {
	return owns(u, a.Author) || can(u.Role, actResolveAny)
}

// forbidden is the 403 for a change the caller's role or authorship does
// not allow.
func forbidden(msg string) error {
	return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}
