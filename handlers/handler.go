// Package handlers is the only package that knows HTTP: it builds the echo
// server, its middleware and routes, and turns requests into calls on the
// store and the views.
package handlers

import (
	"io"
	"log/slog"
	"time"

	"galley/annotation"
	"galley/store"

	"github.com/labstack/echo/v4"
)

// Store is what the handlers need from persistence. The bbolt store
// implements it; another backend could, so no handler depends on bbolt.
type Store interface {
	User(id string) (store.User, error)
	UserByName(name string) (store.User, error)
	CreateSession(tokenHash []byte, s store.Session) error
	Session(tokenHash []byte, now time.Time) (store.Session, error)
	DeleteSession(tokenHash []byte) error
	TokenByHash(tokenHash []byte, now time.Time) (store.Token, error)

	CreateDocument(doc annotation.Document) (annotation.Document, error)
	Document(id string) (annotation.Document, error)
	Documents() ([]store.DocumentSummary, error)

	CreateAnnotation(a annotation.Annotation) (annotation.Annotation, error)
	Annotation(id string) (annotation.Annotation, error)
	Annotations(docID string) ([]annotation.Annotation, error)

	// Backup writes a consistent snapshot of the whole database to w.
	Backup(w io.Writer) (int64, error)
}

// Config holds the settings of the HTTP layer.
type Config struct {
	// SecureCookies marks session cookies Secure and gives them the
	// __Host- prefix; set it when the desk is served over TLS.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts; 14 days when zero.
	SessionTTL time.Duration
	// LoginRate is how many sign-in attempts one address may make per
	// minute, with bursts of twice as many; 10 when zero.
	LoginRate int
	// Logger receives the request log and internal errors; nothing is
	// logged when it is nil.
	Logger *slog.Logger
	// Now tells the time; time.Now when nil. Tests set it.
	Now func() time.Time
}

// Handler holds what every request handler needs.
type Handler struct {
	store Store
	cfg   Config
	log   *slog.Logger
}

// New builds the whole HTTP stack: middleware, error handling and routes.
func New(s Store, cfg Config) *echo.Echo {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 14 * 24 * time.Hour
	}
	if cfg.LoginRate == 0 {
		cfg.LoginRate = 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Handler{store: s, cfg: cfg, log: log}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	// Trust only the peer address: no proxy headers, so rate limits cannot
	// be dodged with a forged X-Forwarded-For.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = h.handleError
	h.routes(e)
	return e
}

func (h *Handler) now() time.Time { return h.cfg.Now().UTC() }
