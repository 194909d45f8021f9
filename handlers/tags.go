package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"galley/annotation"
	"galley/store"
	"galley/views"

	"github.com/labstack/echo/v4"
)

// listTags answers GET /api/tags: the registry, most used first, and the
// palette of colors a tag may take.
func (h *Handler) listTags(c echo.Context) error {
	tags, err := h.visibleTags(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tags": tags, "palette": annotation.Palette})
}

// tagRequest is the body of PATCH /api/tags/{name}.
type tagRequest struct {
	Name  *string `json:"name"`
	Color *string `json:"color"`
	// Merge allows a new name that another tag has: the two become one.
	Merge bool `json:"merge"`
}

// updateTag answers PATCH /api/tags/{name}: a new name (admins; merging
// into an existing tag only with "merge": true) and a new color (editors
// and admins).
func (h *Handler) updateTag(c echo.Context) error {
	var req tagRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := h.changeTag(c, tagParam(c), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// tagParam is the tag named in the path, unescaped (a tag may hold a slash).
func tagParam(c echo.Context) string {
	name, err := url.PathUnescape(c.Param("name"))
	if err != nil {
		return c.Param("name")
	}
	return name
}

// changeTag recolors and renames a tag as the caller's role allows.
func (h *Handler) changeTag(c echo.Context, name string, req tagRequest) (annotation.Tag, error) {
	u, _ := currentUser(c)
	if req.Name == nil && req.Color == nil {
		return annotation.Tag{}, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "Send name, color or both."}
	}
	if req.Name != nil && !can(u.Role, actManageTags) {
		return annotation.Tag{}, forbidden("Only admins can rename and merge tags.")
	}
	if req.Color != nil && !can(u.Role, actColorTags) {
		return annotation.Tag{}, forbidden("Only editors and admins can change a tag's color.")
	}
	// A tag used only on documents hidden from the caller answers as one
	// that does not exist, and is left as it is.
	t, err := h.visibleTag(c, name)
	if err != nil {
		return annotation.Tag{}, err
	}
	if req.Color != nil {
		if _, err = h.store.SetTagColor(t.Name, *req.Color); err != nil {
			return annotation.Tag{}, err
		}
	}
	if req.Name != nil {
		to, err := annotation.NormalizeTagName(*req.Name)
		if err != nil {
			return annotation.Tag{}, err
		}
		t, err = h.store.RenameTag(t.Name, to, req.Merge, author(u), h.now())
		if errors.Is(err, store.ErrConflict) {
			return annotation.Tag{}, &apiError{Status: http.StatusConflict, Code: "tag_exists",
				Message: "A tag named " + to + " exists already. Merge the two to move everything over."}
		}
		if err != nil {
			return annotation.Tag{}, err
		}
	}
	// The answer counts what the caller may see, as the registry does.
	return h.visibleTag(c, t.Name)
}

// tagsPage shows the tag registry.
func (h *Handler) tagsPage(c echo.Context) error {
	return h.renderTags(c, http.StatusOK, "")
}

func (h *Handler) renderTags(c echo.Context, status int, msg string) error {
	tags, err := h.visibleTags(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	v := views.TagsPage{
		Page: h.page(c, "Tags"), Palette: annotation.Palette, Error: msg,
		CanRename: can(u.Role, actManageTags), CanColor: can(u.Role, actColorTags),
	}
	v.Page.Nav = "tags"
	for _, t := range tags {
		v.Tags = append(v.Tags, views.TagRow{
			Name: t.Name, Color: t.Color, Count: t.Count,
			Action:     "/tags/" + url.PathEscape(t.Name),
			ThreadsURL: "/threads?" + url.Values{"tag": {t.Name}}.Encode(),
		})
	}
	return h.render(c, status, views.TagRegistry(v))
}

// tagForm handles the tag page's forms: a color, or a new name with an
// optional merge.
func (h *Handler) tagForm(c echo.Context) error {
	var req tagRequest
	if v := c.FormValue("color"); v != "" {
		req.Color = &v
	}
	if v, ok := c.Request().PostForm["name"]; ok {
		name := strings.Join(v, "")
		req.Name = &name
		req.Merge = c.FormValue("merge") == "true"
	}
	if _, err := h.changeTag(c, tagParam(c), req); err != nil {
		ae := classify(err)
		if ae == nil || ae.Status == http.StatusNotFound {
			return err
		}
		return h.renderTags(c, ae.Status, sentence(ae.Message))
	}
	return c.Redirect(http.StatusSeeOther, "/tags")
}
