package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Session is a signed-in browser, stored under the hash of its cookie token
// so that a copy of the database does not hold usable cookies.
type Session struct {
	UserID  string    `json:"user_id"`
	CSRF    string    `json:"csrf"` // per-session CSRF token, random, chosen by the caller
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// LastSeen is when the session was last used, written at most every
	// few minutes (see TouchSession); zero means Created.
	LastSeen time.Time `json:"last_seen,omitzero"`
}

// CreateSession stores s under tokenHash, the SHA-256 of the cookie token
// computed by the caller. A hash already in use is an ErrConflict.
func (db *DB) CreateSession(tokenHash []byte, s Session) error {
	if s.Expires.IsZero() {
		return errors.New("store: create session: the session has no expiry")
	}
	s.Created = s.Created.UTC()
	s.Expires = s.Expires.UTC()
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return putNew(tx.Bucket(bucketSessions), tokenHash, s)
	})
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session returns the session stored under tokenHash, or ErrNotFound when
// there is none or it has expired (now is not before Expires).
func (db *DB) Session(tokenHash []byte, now time.Time) (Session, error) {
	var s Session
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketSessions), tokenHash, &s)
	})
	if err == nil && !now.Before(s.Expires) {
		err = fmt.Errorf("%w: the session expired at %s", ErrNotFound, s.Expires.Format(time.RFC3339))
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	return s, nil
}

// DeleteSession removes the session stored under tokenHash; a missing one is
// not an error.
func (db *DB) DeleteSession(tokenHash []byte) error {
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		if len(tokenHash) == 0 {
			return nil
		}
		return tx.Bucket(bucketSessions).Delete(tokenHash)
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes every session that has expired by now and
// returns how many it removed. Session never returns expired sessions, so
// this only reclaims space; a server runs it now and then.
func (db *DB) DeleteExpiredSessions(now time.Time) (int, error) {
	n := 0
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		var expired [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var s Session
			if err := decodeJSON(k, v, &s); err != nil {
				return err
			}
			if !now.Before(s.Expires) {
				expired = append(expired, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}

// putNew stores v at key, refusing an empty key or one already present.
func putNew(b *bbolt.Bucket, key []byte, v any) error {
	if len(key) == 0 {
		return errors.New("the token hash is empty")
	}
	if b.Get(key) != nil {
		return fmt.Errorf("%w: the token hash is already in use", ErrConflict)
	}
	return putJSON(b, key, v)
}

// TouchSession records that the session stored under tokenHash was used at
// now. A session that is gone is not an error: there is nothing to keep
// alive.
func (db *DB) TouchSession(tokenHash []byte, now time.Time) error {
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		var s Session
		if err := getJSON(b, tokenHash, &s); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			return err
		}
		s.LastSeen = now.UTC()
		return putJSON(b, tokenHash, s)
	})
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// deleteUserSessions deletes every session of a user but the one stored
// under keep (nil keeps none). Sessions are few, so it scans them all, which
// also catches sessions made before any index could list them.
func deleteUserSessions(tx *bbolt.Tx, userID string, keep []byte) error {
	b := tx.Bucket(bucketSessions)
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s Session
		if err := decodeJSON(k, v, &s); err != nil {
			return err
		}
		if s.UserID == userID && !bytes.Equal(k, keep) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
