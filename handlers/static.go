package handlers

import (
	"net/http"

	"galley/static"

	"github.com/labstack/echo/v4"
)

// serveStatic serves an embedded file. Asked for at its current address,
// /static/{hash}/{name}, it may be cached for a year; at /static/{name}, or
// with a hash that is no longer current (a page from before an upgrade),
// the browser must revalidate.
func serveStatic(c echo.Context) error {
	a, ok := static.Lookup(c.Param("name"))
	if !ok {
		return echo.ErrNotFound
	}
	hd := c.Response().Header()
	if c.Param("hash") == a.Hash {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
		hd.Set("ETag", `"`+a.Hash+`"`)
		if c.Request().Header.Get("If-None-Match") == `"`+a.Hash+`"` {
			return c.NoContent(http.StatusNotModified)
		}
	}
	return c.Blob(http.StatusOK, a.ContentType, a.Data)
}
