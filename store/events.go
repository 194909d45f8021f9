package store

import (
	"bytes"
	"fmt"
	"sync"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

// Events returns a document's events with ids greater than after, oldest
// first, at most limit of them (all when limit <= 0). It returns
// ErrNotFound when the document does not exist.
func (db *DB) Events(docID string, after uint64, limit int) ([]annotation.Event, error) {
	out := []annotation.Event{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if !documentExists(tx, docID) {
			return ErrNotFound
		}
		prefix := childPrefix(docID)
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(eventKey(docID, after+1)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if limit > 0 && len(out) == limit {
				break
			}
			var ev annotation.Event
			if err := decodeJSON(k, v, &ev); err != nil {
				return err
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: events of document %s: %w", docID, err)
	}
	return out, nil
}

// RecentEvents returns a document's latest limit events, oldest first, and
// the id of its latest event (0 when it has none).
func (db *DB) RecentEvents(docID string, limit int) ([]annotation.Event, uint64, error) {
	var out []annotation.Event
	var last uint64
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if !documentExists(tx, docID) {
			return ErrNotFound
		}
		prefix := childPrefix(docID)
		c := tx.Bucket(bucketEvents).Cursor()
		// The first key past the document's events (the separator plus
		// one), then backwards.
		end := append(bytes.Clone(prefix[:len(prefix)-1]), keySeparator[0]+1)
		k, _ := c.Seek(end)
		var v []byte
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Prev() {
			var ev annotation.Event
			if err := decodeJSON(k, v, &ev); err != nil {
				return err
			}
			if last == 0 {
				last = ev.ID
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: recent events of document %s: %w", docID, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, last, nil
}

// SubscribeEvents returns a channel that receives a signal (coalesced: at
// most one waits) after each commit that logged events of the document, and
// a function that ends the subscription. The signal carries no event: the
// subscriber reads what it has not seen with Events, so nothing is lost
// between signals. A backend on PostgreSQL would send the same signal with
// LISTEN/NOTIFY.
func (db *DB) SubscribeEvents(docID string) (<-chan struct{}, func()) {
	return db.hub.subscribe(docID)
}

// appendEvent gives ev the next event id and stores it under its document.
func appendEvent(tx *bbolt.Tx, ev *annotation.Event) error {
	b := tx.Bucket(bucketEvents)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	ev.ID = seq
	return putJSON(b, eventKey(ev.Document, seq), ev)
}

// hub tells subscribers that a document has new events, after the commit
// that wrote them.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

func newHub() *hub { return &hub{subs: map[string]map[chan struct{}]struct{}{}} }

func (h *hub) subscribe(docID string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[docID] == nil {
		h.subs[docID] = map[chan struct{}]struct{}{}
	}
	h.subs[docID][ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[docID], ch)
			if len(h.subs[docID]) == 0 {
				delete(h.subs, docID)
			}
			h.mu.Unlock()
		})
	}
}

// notify signals every subscriber of the documents without blocking: a
// subscriber with a signal pending needs no second one.
func (h *hub) notify(docIDs ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range docIDs {
		for ch := range h.subs[id] {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
