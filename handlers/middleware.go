package handlers

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// contentSecurityPolicy allows only the desk's own script and style.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// strictTransportSecurity tells browsers to reach the desk only over HTTPS
// for two years, subdomains included. It is sent only with SecureCookies:
// a desk served over plain HTTP must not pin itself to HTTPS.
const strictTransportSecurity = "max-age=63072000; includeSubDomains"

// securityHeaders sets the headers every answer carries. Everything but the
// cache-busted static files is private and not stored. With SecureCookies
// (the desk is served over TLS) every answer also carries HSTS.
func (h *Handler) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		if h.cfg.SecureCookies {
			hd.Set("Strict-Transport-Security", strictTransportSecurity)
		}
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// requestLog logs one line per request with its id, status and duration.
func (h *Handler) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogStatus: true, LogLatency: true, LogRequestID: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			h.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("id", v.RequestID), slog.String("method", v.Method), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency))
			return nil
		},
	})
}

// queryCredentials are the fields that carry a credential somewhere on the
// desk: the sign-in form's name and password, the current and new
// passwords of the account and admin forms, and API tokens. They belong in
// a request body (or, for a token, the Authorization header), never in the
// URL, which access logs, proxies and browser history keep.
var queryCredentials = []string{"username", "password", "current", "access_token", "token"}

// refuseQueryCredentials answers 400 to any request whose query string
// names a credential, before anything reads it: a sign-in with the
// password in the URL fails loudly instead of working, so the habit never
// takes root. The handlers read credentials from the body only as well.
func refuseQueryCredentials(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw := c.Request().URL.RawQuery
		if raw == "" {
			return next(c)
		}
		for key := range c.QueryParams() {
			if slices.Contains(queryCredentials, strings.ToLower(key)) {
				return &apiError{Status: http.StatusBadRequest, Code: "credentials_in_url",
					Message: "Credentials must not be sent in the URL, where logs and browser history keep them. " +
						"Send the user name and password in the request body (a form post) and API tokens in the Authorization header, " +
						"and change a password that was sent this way."}
			}
		}
		return next(c)
	}
}
