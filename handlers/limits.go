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
// limiter remembers, so memory stays bounded whatever a client sends (a
// key costs about 200 bytes).
const maxLimiterKeys = 10000

// limiter is a token bucket per key (an address, an account name, a user),
// reading the time from the handler's clock so tests can move it.
//
// It never forgets a key that still holds something back: only a bucket
// that has refilled to its burst (and so is exactly what a new key would
// get) is ever dropped. When every remembered bucket is still in use, a
// new key gets no bucket of its own; all such keys share one overflow
// bucket, with the allowance of a single key. That fails closed: a flood of
// new keys can neither push out an account's lock nor open an untracked
// account to unlimited guessing (the overflow runs dry at once), and the
// price is that, while the table is full of live buckets, keys it does not
// know wait with the flood (429 with Retry-After). Buckets refill within
// the window, so keeping the table full needs a sustained flood, which
// the per-address limit makes expensive; it ends by itself when the flood
// does.
type limiter struct {
	mu       sync.Mutex
	limit    rate.Limit
	burst    int
	capacity int
	now      func() time.Time
	buckets  map[string]*rate.Limiter
	// overflow is the one bucket of every key the table had no room for.
	overflow *rate.Limiter
	// nextSweep is the earliest time a remembered bucket may have
	// refilled: a full table is not searched for room before then, so a
	// flood costs one pass over the table per refill, not one per key.
	nextSweep time.Time
}

// newLimiter allows n events per window per key, in bursts of up to burst.
func newLimiter(n int, window time.Duration, burst int, now func() time.Time) *limiter {
	limit := rate.Limit(float64(n) / window.Seconds())
	return &limiter{limit: limit, burst: burst, capacity: maxLimiterKeys, now: now,
		buckets: map[string]*rate.Limiter{}, overflow: rate.NewLimiter(limit, burst)}
}

// bucket returns the key's bucket, making it if there is room (dropping
// refilled buckets to make some), else the shared overflow bucket. The
// caller holds mu.
func (l *limiter) bucket(key string, now time.Time) *rate.Limiter {
	if b, ok := l.buckets[key]; ok {
		return b
	}
	if !l.makeRoom(now) {
		return l.overflow
	}
	b := rate.NewLimiter(l.limit, l.burst)
	l.buckets[key] = b
	// Once it has spent a token, the new bucket refills one token's time
	// from now at the earliest.
	if refill := now.Add(l.tokenTime(1)); l.nextSweep.IsZero() || refill.Before(l.nextSweep) {
		l.nextSweep = refill
	}
	return b
}

// makeRoom reports whether the table has room for one more key, dropping
// the buckets that have refilled when it is full. Buckets still holding
// something back are never dropped. The caller holds mu.
func (l *limiter) makeRoom(now time.Time) bool {
	if len(l.buckets) < l.capacity {
		return true
	}
	if now.Before(l.nextSweep) {
		return false
	}
	var next time.Time
	for k, b := range l.buckets {
		tokens := b.TokensAt(now)
		if tokens >= float64(l.burst) {
			delete(l.buckets, k)
			continue
		}
		if full := now.Add(l.tokenTime(float64(l.burst) - tokens)); next.IsZero() || full.Before(next) {
			next = full
		}
	}
	l.nextSweep = next
	return len(l.buckets) < l.capacity
}

// tokenTime is how long the bucket takes to refill n tokens, rounded up
// to the next millisecond so that a sweep then finds them refilled.
func (l *limiter) tokenTime(n float64) time.Duration {
	return time.Duration(n/float64(l.limit)*float64(time.Second)) + time.Millisecond
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
// otherwise how long until it has. A key the table does not know has its
// whole allowance, unless the table is full of live buckets: it is then
// judged by the overflow bucket its failures would spend.
func (l *limiter) check(key string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, known := l.buckets[key]
	if !known {
		if l.makeRoom(now) {
			return 0, true
		}
		b = l.overflow
	}
	tokens := b.TokensAt(now)
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
