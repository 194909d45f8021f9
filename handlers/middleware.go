package handlers

import (
	"log/slog"
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
