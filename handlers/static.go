package handlers

import (
	"net/http"

	"galley/static"

	"github.com/labstack/echo/v4"
)

// serveStatic serves an embedded file. Asked for with its current hash, it
// may be cached for a year; otherwise the browser must revalidate.
func serveStatic(c echo.Context) error {
	a, ok := static.Lookup(c.Param("name"))
	if !ok {
		return echo.ErrNotFound
	}
	if c.QueryParam("v") == a.Hash {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "no-cache")
		c.Response().Header().Set("ETag", `"`+a.Hash+`"`)
		if c.Request().Header.Get("If-None-Match") == `"`+a.Hash+`"` {
			return c.NoContent(http.StatusNotModified)
		}
	}
	return c.Blob(http.StatusOK, a.ContentType, a.Data)
}
