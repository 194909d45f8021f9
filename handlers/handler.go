// Package handlers is the only package that knows HTTP: it builds the echo
// server, its middleware and routes, and turns requests into calls on the
// store and the views.
package handlers

import (
	"context"
	"io"
	"log/slog"
	"net"
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
	Users() ([]store.User, error)
	CreateSession(tokenHash []byte, s store.Session) error
	Session(tokenHash []byte, now time.Time) (store.Session, error)
	DeleteSession(tokenHash []byte) error
	TokenByHash(tokenHash []byte, now time.Time) (store.Token, error)
	TouchSession(tokenHash []byte, now time.Time) error
	CreateUser(u store.User) (store.User, error)
	SetUserDisabled(id string, disabled bool) (store.User, error)
	SetUserRole(id, role string) (store.User, error)
	SetPassword(id, hash string, keep []byte) (store.User, error)
	RecordSignIn(id string, at time.Time, rehash string) (store.User, error)
	CreateToken(tokenHash []byte, t store.Token) (store.Token, error)
	Tokens(userID string) ([]store.Token, error)
	RevokeToken(id, userID string) (store.Token, error)

	CreateDocument(doc annotation.Document) (annotation.Document, error)
	Document(id string) (annotation.Document, error)
	Documents() ([]store.DocumentSummary, error)
	// DocumentHead and DocumentHeads read document records without their
	// text, for the read check.
	DocumentHead(id string) (annotation.Document, error)
	DocumentHeads() ([]annotation.Document, error)
	SetDocumentAccess(docID string, restricted bool, members []string) (annotation.Document, error)

	CreateAnnotation(a annotation.Annotation) (annotation.Annotation, error)
	Annotation(id string) (annotation.Annotation, error)
	Annotations(docID string) ([]annotation.Annotation, error)
	EditAnnotation(id string, version int, e store.AnnotationEdit) (annotation.Annotation, error)
	SetAnnotationStatus(id string, version int, status annotation.Status, actor annotation.Author, at time.Time) (annotation.Annotation, error)
	DeleteAnnotation(id string, d store.Deletion) (annotation.Annotation, bool, error)

	Thread(annID string) (annotation.Thread, error)
	Threads(docID string) ([]annotation.Thread, error)
	FindThreads(f annotation.Filter, offset, limit int) ([]store.DocumentThread, int, error)
	CreateReply(r annotation.Reply) (annotation.Reply, error)
	Reply(id string) (annotation.Reply, error)
	EditReply(id string, version int, comment string, actor annotation.Author, at time.Time) (annotation.Reply, error)
	DeleteReply(id string, version int, actor annotation.Author, at time.Time) (annotation.Reply, bool, error)

	Tags() ([]annotation.Tag, error)
	Tag(name string) (annotation.Tag, error)
	SetTagColor(name, color string) (annotation.Tag, error)
	RenameTag(from, to string, merge bool, actor annotation.Author, at time.Time) (annotation.Tag, error)

	SetDocumentStatus(docID string, step annotation.ReviewStep) (annotation.Document, error)

	// ReviseDocument stores a new revision with its annotations carried
	// into it, in one transaction.
	ReviseDocument(docID string, r store.NewRevision) (annotation.Document, annotation.RevisionCounts, error)
	Revision(docID string, n int) (annotation.Revision, error)
	RevisionHistory(docID string) ([]annotation.Revision, error)
	RejectSuggestion(id string, version int, actor annotation.Author, at time.Time) (annotation.Annotation, error)
	ConfirmAnchor(id string, version int, actor annotation.Author, at time.Time) (annotation.Annotation, error)
	AttachAnnotation(id string, version int, revision int, sel annotation.Selector, actor annotation.Author, at time.Time) (annotation.Annotation, error)
	Events(docID string, after uint64, limit int) ([]annotation.Event, error)
	RecentEvents(docID string, limit int) ([]annotation.Event, uint64, error)
	// SubscribeEvents signals after each commit that logged events of the
	// document; the subscriber then reads them with Events.
	SubscribeEvents(docID string) (<-chan struct{}, func())

	// Backup writes a consistent snapshot of the whole database to w.
	Backup(w io.Writer) (int64, error)

	// Exports read threads in bounded steps; imports store a plan at once.
	ThreadsAfter(docID, after string, limit int) ([]annotation.Thread, error)
	CountThreads(docID string) (threads, replies int, err error)
	SeekItem(docID string, offset int) (after string, skip, total int, err error)
	ImportThreads(docID string, revision int, plan annotation.ImportPlan) (store.ImportResult, error)
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
	// AccountFailures is how many failed sign-ins one account name may
	// have per AccountWindow before sign-in to it answers 429 (unknown
	// names alike, so the answer does not tell whether an account
	// exists); 10 per 15 minutes when zero.
	AccountFailures int
	AccountWindow   time.Duration
	// WriteRate is how many state changes one user may make per minute,
	// in bursts of WriteBurst; 120 and 60 when zero. A negative WriteRate
	// turns the limit off (benchmarks and load tests).
	WriteRate  int
	WriteBurst int
	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For names the client. Empty: the peer address is the
	// client, and the header is ignored.
	TrustedProxies []*net.IPNet
	// SessionIdle ends a session unused for this long; 12 hours when zero.
	SessionIdle time.Duration
	// Logger receives the request log and internal errors; nothing is
	// logged when it is nil.
	Logger *slog.Logger
	// Now tells the time; time.Now when nil. Tests set it.
	Now func() time.Time
	// BaseURL is the desk's public address, the base of the IRIs in W3C
	// exports (say https://galley.example.org). Empty means the address
	// each request came to.
	BaseURL string
	// Streams ends the live event streams when it is done, so that a
	// graceful shutdown does not wait on them (serve cancels it from
	// http.Server.RegisterOnShutdown). Nil means never.
	Streams context.Context
	// Heartbeat is how often an idle event stream sends a comment to keep
	// proxies and the client's connection awake; 15 seconds when zero.
	Heartbeat time.Duration
	// CORSOrigins are the origins (https://app.example.org) whose browser
	// clients may call the Web Annotation Protocol and the JSON API with a
	// Bearer token. None when empty.
	CORSOrigins []string
	// ProtocolPageSize is how many items a page of an Annotation
	// Container holds; exchange.PageSize when zero.
	ProtocolPageSize int
	// MaxStreams is how many live event streams one user may hold open at
	// once; more answer 429. 32 when zero.
	MaxStreams int
}

// Handler holds what every request handler needs.
type Handler struct {
	store Store
	cfg   Config
	log   *slog.Logger
	// loginLimit counts sign-in attempts per address, accountLimit failed
	// sign-ins per account name, writeLimit state changes per user.
	loginLimit, accountLimit, writeLimit *limiter
	// streams counts each user's open event streams.
	streams *streamSlots
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
	if cfg.Streams == nil {
		cfg.Streams = context.Background()
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.AccountFailures == 0 {
		cfg.AccountFailures = 10
	}
	if cfg.AccountWindow == 0 {
		cfg.AccountWindow = 15 * time.Minute
	}
	if cfg.WriteRate == 0 {
		cfg.WriteRate = 120
	}
	if cfg.WriteBurst == 0 {
		cfg.WriteBurst = 60
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 12 * time.Hour
	}
	if cfg.MaxStreams == 0 {
		cfg.MaxStreams = 32
	}
	h := &Handler{store: s, cfg: cfg, log: log, streams: newStreamSlots(cfg.MaxStreams)}
	h.loginLimit = newLimiter(cfg.LoginRate, time.Minute, 2*cfg.LoginRate, h.now)
	h.accountLimit = newLimiter(cfg.AccountFailures, cfg.AccountWindow, cfg.AccountFailures, h.now)
	h.writeLimit = newLimiter(cfg.WriteRate, time.Minute, cfg.WriteBurst, h.now)

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	// Trust only the peer address, unless proxies are configured: then
	// X-Forwarded-For is read only when the peer is one of them, so rate
	// limits cannot be dodged with a forged header.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	e.HTTPErrorHandler = h.handleError
	h.routes(e)
	return e
}

func (h *Handler) now() time.Time { return h.cfg.Now().UTC() }
