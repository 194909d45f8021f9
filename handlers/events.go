package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"galley/annotation"

	"github.com/labstack/echo/v4"
)

// Live event streams.
const (
	// eventBatch is how many events one read of the log takes.
	eventBatch = 200
	// streamWriteTimeout bounds each write to a stream, so that a client
	// that stopped reading is dropped rather than held forever.
	streamWriteTimeout = 30 * time.Second
	// streamRetry is how long a browser waits before reconnecting, in ms.
	streamRetry = 2000
)

// streamEvents answers GET /api/documents/{id}/events with Server-Sent
// Events: first every event after the one the client names (the
// Last-Event-ID header a reconnecting browser sends, or ?after=ID), then
// each new event as its commit lands. Without either it starts from now.
// Comments keep an idle connection alive. The stream ends when the client
// goes away or the server shuts down. It holds no read transaction between
// reads of the log, so a slow client never blocks the database. One user
// holds at most MaxStreams streams at once (429 too_many_streams beyond).
func (h *Handler) streamEvents(c echo.Context) error {
	docID := c.Param("id")
	if _, err := h.store.Document(docID); err != nil {
		return err
	}
	after, given, err := resumePoint(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if !h.streams.acquire(u.ID) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(streamRetryAfter))
		return &apiError{Status: http.StatusTooManyRequests, Code: "too_many_streams",
			Message: "You have " + strconv.Itoa(h.streams.max) + " live event streams open, the most one user may have. " +
				"Close a reader tab or a stream you no longer need, then try again."}
	}
	// However the stream ends (the client leaves, access ends, the server
	// shuts down, a write fails), its slot is given back.
	defer h.streams.release(u.ID)
	// Subscribe before reading the log: a commit between the two is then
	// signalled, never missed.
	signal, unsubscribe := h.store.SubscribeEvents(docID)
	defer unsubscribe()
	if !given {
		if _, after, err = h.store.RecentEvents(docID, 1); err != nil {
			return err
		}
	}

	w := c.Response()
	rc := http.NewResponseController(w)
	// The server's read and write timeouts suit requests, not streams: the
	// stream reads nothing more, so the read deadline goes, and every write
	// gets a deadline of its own instead of the server's WriteTimeout.
	if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	hd := w.Header()
	hd.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	write := func(s string) error {
		if err := rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		if _, err := w.Write([]byte(s)); err != nil {
			return err
		}
		return rc.Flush()
	}
	// send writes every event after the cursor, in batches.
	send := func() error {
		if !h.stillReads(c, docID) {
			return errAccessEnded
		}
		for {
			evs, err := h.store.Events(docID, after, eventBatch)
			if err != nil {
				return err
			}
			var b strings.Builder
			for _, ev := range evs {
				writeEvent(&b, ev)
				after = ev.ID
			}
			if b.Len() > 0 {
				if err := write(b.String()); err != nil {
					return err
				}
			}
			if len(evs) < eventBatch {
				return nil
			}
		}
	}

	ctx := c.Request().Context()
	if err := write("retry: " + strconv.Itoa(streamRetry) + "\n\n"); err != nil {
		return nil
	}
	if err := send(); err != nil {
		h.log.Debug("event stream ended", "document", docID, "error", err)
		return nil
	}
	tick := time.NewTicker(h.cfg.Heartbeat)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case <-h.cfg.Streams.Done():
			return nil
		case <-signal:
			err = send()
		case <-tick.C:
			if !h.stillReads(c, docID) {
				err = errAccessEnded
				break
			}
			err = write(": keep-alive\n\n")
		}
		if err != nil {
			// The response has begun: there is no one left to tell.
			h.log.Debug("event stream ended", "document", docID, "error", err)
			return nil
		}
	}
}

// streamRetryAfter is the Retry-After, in seconds, of a stream refused
// because its user has too many open.
const streamRetryAfter = 10

// streamSlots counts each user's open event streams, so that one user
// cannot hold thousands of connections, goroutines and subscriptions.
type streamSlots struct {
	mu   sync.Mutex
	max  int
	open map[string]int // user id -> open streams; absent when none
}

func newStreamSlots(perUser int) *streamSlots {
	return &streamSlots{max: perUser, open: map[string]int{}}
}

// acquire takes one of the user's slots, if one is free.
func (s *streamSlots) acquire(userID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[userID] >= s.max {
		return false
	}
	s.open[userID]++
	return true
}

// release gives a slot back.
func (s *streamSlots) release(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[userID] <= 1 {
		delete(s.open, userID)
		return
	}
	s.open[userID]--
}

// errAccessEnded ends an event stream whose caller may no longer read the
// document: signed out, disabled, token revoked or document restricted.
var errAccessEnded = errors.New("the caller may no longer read the document")

// resumePoint reads where a stream resumes: Last-Event-ID, else ?after.
func resumePoint(c echo.Context) (after uint64, given bool, err error) {
	raw := strings.TrimSpace(c.Request().Header.Get("Last-Event-ID"))
	if raw == "" {
		raw = strings.TrimSpace(c.QueryParam("after"))
	}
	if raw == "" {
		return 0, false, nil
	}
	after, err = strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return 0, false, &apiError{Status: http.StatusBadRequest, Code: "bad_event_id",
			Message: "Last-Event-ID (or after) must be the id of an event of this stream."}
	}
	return after, true, nil
}

// writeEvent writes one event in the text/event-stream format. The JSON
// has no line breaks, so it fits in one data line.
func writeEvent(b *strings.Builder, ev annotation.Event) {
	data, _ := json.Marshal(ev)
	b.WriteString("id: ")
	b.WriteString(strconv.FormatUint(ev.ID, 10))
	b.WriteString("\nevent: ")
	b.WriteString(string(ev.Type))
	b.WriteString("\ndata: ")
	b.Write(data)
	b.WriteString("\n\n")
}
