package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"galley/handlers"
)

// heldStream is an open event stream and the way to hang it up.
type heldStream struct {
	events <-chan sseEvent
	cancel context.CancelFunc
}

// holdStream opens an event stream over real HTTP and fails unless it is
// accepted (the answer's header comes once the server has taken a slot).
func holdStream(t *testing.T, base, token, docID string) heldStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	events, res := openStream(t, ctx, base, token, docID)
	if res.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("stream answered %d, want 200", res.StatusCode)
	}
	return heldStream{events: events, cancel: cancel}
}

// streamAnswer opens an event stream and, when it is refused, returns the
// refusal; an accepted stream is hung up at once.
func streamAnswer(t *testing.T, base, token, docID string) (status int, retryAfter string, body apiErr) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/documents/"+docID+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(data, &body); err != nil {
			t.Fatalf("refusal %d is not JSON: %s", res.StatusCode, data)
		}
	}
	return res.StatusCode, res.Header.Get("Retry-After"), body
}

// waitEnded waits until a stream's connection has closed.
func waitEnded(t *testing.T, s heldStream) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the stream did not end")
		}
	}
}

// holdWhenFree opens a stream, retrying while it is refused for want of a
// slot: the server frees a slot when it notices that a stream ended, which
// takes a moment.
func holdWhenFree(t *testing.T, base, token, docID string) heldStream {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithCancel(context.Background())
		events, res := openStream(t, ctx, base, token, docID)
		if res.StatusCode == http.StatusOK {
			t.Cleanup(cancel)
			return heldStream{events: events, cancel: cancel}
		}
		cancel()
		if res.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("stream answered %d, want 200 once a slot is free", res.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wantFull fails unless one more stream is refused with 429.
func wantFull(t *testing.T, base, token, docID string) {
	t.Helper()
	if status, _, body := streamAnswer(t, base, token, docID); status != http.StatusTooManyRequests {
		t.Fatalf("with every slot held, one more stream answered %d %+v", status, body)
	}
}

// TestLiveStreamsPerUser: one user holds at most MaxStreams (32) live event
// streams at once, over real connections; one more answers 429
// too_many_streams with Retry-After, while other users are not affected.
// A slot comes back when a stream ends, whether the client hangs up, the
// user's access ends, or the server shuts the streams down.
func TestLiveStreamsPerUser(t *testing.T) {
	app := newTestApp(t, func(c *handlers.Config) { c.Heartbeat = 20 * time.Millisecond })
	srv := app.newServer()
	viewer := app.tokens["viewer"]

	held := make([]heldStream, 0, 32)
	for range 32 {
		held = append(held, holdStream(t, srv.URL, viewer, app.sample.ID))
	}
	status, retry, body := streamAnswer(t, srv.URL, viewer, app.sample.ID)
	if status != http.StatusTooManyRequests || body.Error.Code != "too_many_streams" || body.Error.Message == "" {
		t.Fatalf("stream 33 answered %d %+v, want 429 too_many_streams", status, body)
	}
	if n, err := strconv.Atoi(retry); err != nil || n < 1 {
		t.Errorf("429 with Retry-After %q, want whole seconds", retry)
	}
	// Another user is not affected.
	holdStream(t, srv.URL, app.tokens["commenter"], app.sample.ID).cancel()

	t.Run("client hangs up", func(t *testing.T) {
		held[0].cancel()
		held[0] = holdWhenFree(t, srv.URL, viewer, app.sample.ID)
		wantFull(t, srv.URL, viewer, app.sample.ID)
	})

	t.Run("access ends", func(t *testing.T) {
		// Move 16 of the viewer's streams to a document that is then
		// restricted away from them: those streams end and free slots.
		rec := app.do(http.MethodPost, "/api/documents", "editor", map[string]any{"text": "Short piece\n\nA paragraph to read.", "title": "Short piece"})
		wantStatus(t, rec, http.StatusCreated)
		other := decode[documentBody](t, rec)
		for i := range 16 {
			held[i].cancel()
			held[i] = holdWhenFree(t, srv.URL, viewer, other.ID)
		}
		wantFull(t, srv.URL, viewer, app.sample.ID)
		wantStatus(t, app.do(http.MethodPatch, "/api/documents/"+other.ID, "editor", map[string]any{"restricted": true}), http.StatusOK)
		for i := range 16 {
			waitEnded(t, held[i])
			held[i] = holdWhenFree(t, srv.URL, viewer, app.sample.ID)
		}
		wantFull(t, srv.URL, viewer, app.sample.ID)
	})

	t.Run("shutdown", func(t *testing.T) {
		app.endStreams()
		for _, s := range held {
			waitEnded(t, s)
		}
		// Every slot is free: a new stream is let in (and ends at once,
		// since the server is shutting its streams down).
		holdWhenFree(t, srv.URL, viewer, app.sample.ID)
	})
}
