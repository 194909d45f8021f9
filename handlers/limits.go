package handlers

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// maxLimiterKeys bounds how many keys (addresses, account names, users) a
// limiter remembers; beyond it, keys whose bucket has refilled are dropped
// first, so memory stays bounded whatever a client sends.
const maxLimiterKeys = 10000

// limiter is a token bucket per key (an address, an account name, a user),
// reading the time from the handler's clock so tests can move it.
type limiter struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	now     func() time.Time
	buckets map[string]*rate.Limiter
}

// newLimiter allows n events per window per key, in bursts of up to burst.
func newLimiter(n int, window time.Duration, burst int, now func() time.Time) *limiter {
	return &limiter{limit: rate.Limit(float64(n) / window.Seconds()), burst: burst, now: now,
		buckets: map[string]*rate.Limiter{}}
}

// bucket returns the key's bucket, making it (and making room) if needed.
// The caller holds mu.
func (l *limiter) bucket(key string, now time.Time) *rate.Limiter {
	if b, ok := l.buckets[key]; ok {
		return b
	}
	if len(l.buckets) >= maxLimiterKeys {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, k)
			}
		}
		for k := range l.buckets {
			if len(l.buckets) < maxLimiterKeys {
				break
			}
			delete(l.buckets, k)
		}
	}
	b := rate.NewLimiter(l.limit, l.burst)
	l.buckets[key] = b
	return b
}

// take spends one event of key's allowance; when none is left it spends
// nothing and says how long to wait.
func (l *limiter) take(key string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	r := l.bucket(key, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// check reports whether key has an event left, without spending it, and
// otherwise how long until it has.
func (l *limiter) check(key string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	tokens := l.bucket(key, now).TokensAt(now)
	if tokens >= 1 {
		return 0, true
	}
	return time.Duration((1 - tokens) / float64(l.limit) * float64(time.Second)), false
}

// fail spends one event of key's allowance, whatever is left: a failed
// sign-in counts even when the caller was not stopped.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.bucket(key, now).ReserveN(now, 1)
}

// tooManyAttempts is the 429 of every limit, with Retry-After in whole
// seconds (at least one).
func tooManyAttempts(c echo.Context, wait time.Duration) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return &apiError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
		Message: "Too many attempts. Wait " + strconv.Itoa(secs) + " seconds and try again."}
}

// limitLoginAddress refuses sign-in attempts beyond the per-address rate.
// The address is what the IPExtractor says: the peer, or the client named
// by a configured proxy, never a header anyone can forge.
func (h *Handler) limitLoginAddress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if wait, ok := h.loginLimit.take(c.RealIP()); !ok {
			return tooManyAttempts(c, wait)
		}
		return next(c)
	}
}

// limitWrites refuses a user's state changes beyond the per-user write
// rate. Reads are not limited.
func (h *Handler) limitWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		u, ok := currentUser(c)
		if !ok || h.cfg.WriteRate < 0 {
			return next(c)
		}
		if wait, ok := h.writeLimit.take(u.ID); !ok {
			return tooManyAttempts(c, wait)
		}
		return next(c)
	}
}

// accountKey is the key of an account name in the sign-in limiter: the
// name as the store looks it up, whether or not the account exists.
func accountKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }
