package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// maxBody bounds every request body; an uploaded article fits well inside.
const maxBody = "4MiB"

// routes registers every route of the desk, so the whole surface reads at a
// glance.
func (h *Handler) routes(e *echo.Echo) {
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(h.requestLog())
	e.Use(middleware.Recover())
	e.Use(securityHeaders)
	e.Use(middleware.BodyLimit(maxBody))
	e.Use(h.authenticate)

	e.GET("/healthz", h.healthz)
	e.GET("/static/:name", serveStatic)

	loginLimit := middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate:      rate.Limit(float64(h.cfg.LoginRate) / 60),
			Burst:     2 * h.cfg.LoginRate,
			ExpiresIn: 10 * time.Minute,
		}),
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			return &apiError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
				Message: "Too many sign-in attempts from your address. Wait a minute and try again."}
		},
	})
	e.GET("/login", h.loginPage)
	e.POST("/login", h.login, sameSiteOnly, loginLimit)

	// Pages: signed-in users only, state changes need the CSRF token.
	pages := e.Group("", h.requireUser, h.csrf)
	pages.POST("/logout", h.logout)
	pages.GET("/", h.documentsPage)
	pages.GET("/documents/new", h.newDocumentPage, h.allow(actCreateDocument))
	pages.POST("/documents", h.createDocumentForm, h.allow(actCreateDocument))
	pages.GET("/documents/:id", h.readerPage)
	pages.GET("/documents/:id/fragments", h.readerFragments)

	// Administration.
	e.GET("/admin/backup", h.backup, h.requireUser, h.allow(actBackup))

	// JSON API: session cookie (with CSRF token) or Bearer token.
	api := e.Group("/api", h.requireUser, h.csrf, requireJSON)
	api.GET("/documents", h.listDocuments)
	api.POST("/documents", h.createDocument, h.allow(actCreateDocument))
	api.GET("/documents/:id", h.getDocument)
	api.GET("/documents/:id/annotations", h.listAnnotations)
	api.POST("/documents/:id/annotations", h.createAnnotation, h.allow(actAnnotate))
	api.GET("/annotations/:id", h.getAnnotation)
}

func (h *Handler) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}
