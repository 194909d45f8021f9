package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// maxBody bounds every request body but imports; an uploaded article fits
// well inside.
const maxBody = "4MiB"

// importRoute is the route of W3C imports, whose bodies may be larger.
const importRoute = "/api/documents/:id/import"

// routes registers every route of the desk, so the whole surface reads at a
// glance.
func (h *Handler) routes(e *echo.Echo) {
	// Security headers first, so that every answer carries them, the
	// trailing-slash redirects included.
	e.Pre(h.securityHeaders)
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		RedirectCode: http.StatusMovedPermanently,
		// An Annotation Container's IRI ends with a slash.
		Skipper: func(c echo.Context) bool { return containerPathPattern.MatchString(c.Request().URL.Path) },
	}))
	// CORS for the origins the operator listed, preflight included, before
	// routing (a preflight carries no credentials).
	if cors := h.cors(); cors != nil {
		e.Pre(cors)
	}
	e.Use(middleware.RequestID())
	e.Use(h.requestLog())
	e.Use(middleware.Recover())
	e.Use(refuseQueryCredentials)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: maxBody,
		// An import may be larger; importAnnotations sets its own bound.
		Skipper: func(c echo.Context) bool { return c.Path() == importRoute },
	}))
	e.Use(h.authenticate)

	e.GET("/healthz", h.healthz)
	e.GET("/static/:name", serveStatic)
	e.GET("/static/:hash/:name", serveStatic)

	e.GET("/login", h.loginPage)
	e.POST("/login", h.login, sameSiteOnly, h.limitLoginAddress)

	// Pages: signed-in users only, state changes need the CSRF token.
	pages := e.Group("", h.requireUser, h.csrf, h.limitWrites, h.guardReads)
	pages.POST("/logout", h.logout)
	pages.GET("/", h.documentsPage)
	pages.GET("/documents/new", h.newDocumentPage, h.allow(actCreateDocument))
	pages.POST("/documents", h.createDocumentForm, h.allow(actCreateDocument))
	pages.GET("/documents/:id", h.readerPage)
	pages.GET("/documents/:id/fragments", h.readerFragments)
	pages.POST("/documents/:id/status", h.statusForm, h.allow(actSetStatus))
	pages.POST("/documents/:id/access", h.accessForm, h.allow(actRestrict))
	pages.POST("/annotations/:id/replies", h.replyForm, h.allow(actAnnotate))
	pages.POST("/annotations/:id/resolve", h.resolveForm, h.allow(actAnnotate))
	pages.POST("/annotations/:id/reopen", h.reopenForm, h.allow(actAnnotate))
	pages.GET("/documents/:id/revise", h.revisePage, h.allow(actRevise))
	pages.POST("/documents/:id/revise", h.reviseForm, h.allow(actRevise))
	pages.GET("/documents/:id/history", h.historyPage)
	pages.POST("/annotations/:id/accept", h.acceptForm, h.allow(actDecide))
	pages.POST("/annotations/:id/reject", h.rejectForm, h.allow(actDecide))
	pages.POST("/annotations/:id/confirm", h.confirmForm, h.allow(actAnnotate))
	pages.GET("/threads", h.threadsPage)
	pages.GET("/tags", h.tagsPage)
	pages.POST("/tags/:name", h.tagForm, h.allow(actColorTags))

	// One's own account: password and API tokens.
	pages.GET("/account", h.accountPage)
	pages.POST("/account/password", h.changeOwnPassword)
	pages.POST("/account/tokens", h.createOwnToken, h.allow(actOwnTokens))
	pages.POST("/account/tokens/:token/revoke", h.revokeOwnToken, h.allow(actOwnTokens))

	// Administration.
	e.GET("/admin/backup", h.backup, h.requireUser, h.allow(actBackup))
	admin := e.Group("/admin", h.requireUser, h.csrf, h.limitWrites, h.allow(actManageUsers))
	admin.GET("/users", h.usersPage)
	admin.POST("/users", h.addUser)
	admin.POST("/users/:user/role", h.setUserRole)
	admin.POST("/users/:user/password", h.resetUserPassword)
	admin.POST("/users/:user/disable", h.disableUser)
	admin.POST("/users/:user/enable", h.enableUser)
	admin.POST("/tokens/:token/revoke", h.revokeAnyToken)

	// W3C Web Annotation Protocol: each document is an Annotation
	// Container, each annotation and reply an item in it. Session cookie
	// (with CSRF token) or Bearer token; a browser asking for HTML is sent
	// to the reader.
	proto := []echo.MiddlewareFunc{h.protocolHTML, h.requireUser, h.csrf, h.limitWrites, requireJSON, h.guardReads}
	annotate := append(slices.Clone(proto), h.allow(actAnnotate))
	e.GET("/documents/:id/annotations/", h.getContainer, proto...)
	e.HEAD("/documents/:id/annotations/", h.getContainer, proto...)
	e.OPTIONS("/documents/:id/annotations/", h.optionsContainer, proto...)
	e.POST("/documents/:id/annotations/", h.postContainer, annotate...)
	e.GET("/documents/:id/annotations/:item", h.getItem, proto...)
	e.HEAD("/documents/:id/annotations/:item", h.getItem, proto...)
	e.OPTIONS("/documents/:id/annotations/:item", h.optionsItem, proto...)
	e.PUT("/documents/:id/annotations/:item", h.putItem, annotate...)
	e.DELETE("/documents/:id/annotations/:item", h.deleteItem, annotate...)
	// The container without its slash, and the IRIs exports gave before
	// items lived in containers, lead to where they are now.
	e.GET("/documents/:id/annotations", h.toContainer, h.requireUser, h.guardReads)
	e.GET("/annotations/:id", h.toItem, h.requireUser, h.guardReads)
	e.GET("/replies/:id", h.toItem, h.requireUser, h.guardReads)

	// JSON API: session cookie (with CSRF token) or Bearer token.
	api := e.Group("/api", h.requireUser, h.csrf, h.limitWrites, requireJSON, h.guardReads)
	api.GET("/documents", h.listDocuments)
	api.POST("/documents", h.createDocument, h.allow(actCreateDocument))
	api.GET("/documents/:id", h.getDocument)
	api.PATCH("/documents/:id", h.updateDocument, h.allow(actRestrict))
	api.GET("/documents/:id/export", h.exportDocument)
	api.GET("/export", h.exportAll)
	api.POST(strings.TrimPrefix(importRoute, "/api"), h.importAnnotations, h.allow(actImport))
	api.GET("/documents/:id/annotations", h.listAnnotations)
	api.POST("/documents/:id/annotations", h.createAnnotation, h.allow(actAnnotate))
	api.GET("/documents/:id/events", h.streamEvents)
	api.POST("/documents/:id/status", h.setStatus, h.allow(actSetStatus))
	api.PUT("/documents/:id/text", h.reviseText, h.allow(actRevise))
	api.GET("/documents/:id/revisions", h.listRevisions)
	api.GET("/documents/:id/revisions/:rev", h.getRevision)
	api.GET("/annotations/:id", h.getAnnotation)
	api.PATCH("/annotations/:id", h.editAnnotation, h.allow(actAnnotate))
	api.DELETE("/annotations/:id", h.deleteAnnotation, h.allow(actAnnotate))
	api.POST("/annotations/:id/resolve", h.resolveAnnotation, h.allow(actAnnotate))
	api.POST("/annotations/:id/reopen", h.reopenAnnotation, h.allow(actAnnotate))
	api.POST("/annotations/:id/accept", h.acceptAnnotation, h.allow(actDecide))
	api.POST("/annotations/:id/reject", h.rejectAnnotation, h.allow(actDecide))
	api.POST("/annotations/:id/confirm", h.confirmAnnotation, h.allow(actAnnotate))
	api.POST("/annotations/:id/anchor", h.attachAnnotation, h.allow(actAnnotate))
	api.POST("/annotations/:id/replies", h.createReply, h.allow(actAnnotate))
	api.GET("/replies/:id", h.getReply)
	api.PATCH("/replies/:id", h.editReply, h.allow(actAnnotate))
	api.DELETE("/replies/:id", h.deleteReply, h.allow(actAnnotate))
	api.GET("/threads", h.listThreads)
	api.GET("/tags", h.listTags)
	api.PATCH("/tags/:name", h.updateTag, h.allow(actColorTags))
}

func (h *Handler) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}
