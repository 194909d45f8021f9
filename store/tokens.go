package store

import (
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"
	"go.etcd.io/bbolt"
)

// Token is an API bearer token, stored under the hash of its secret.
type Token struct {
	ID      string    `json:"id"`
	UserID  string    `json:"user_id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"` // zero means never
}

// CreateToken stores t under tokenHash, the SHA-256 of the secret computed
// by the caller, and returns it with its assigned ID and, when zero, Created.
// A hash already in use is an ErrConflict.
func (db *DB) CreateToken(tokenHash []byte, t Token) (Token, error) {
	t.ID = ulid.Make().String()
	if t.Created.IsZero() {
		t.Created = time.Now()
	}
	t.Created = t.Created.UTC()
	if !t.Expires.IsZero() {
		t.Expires = t.Expires.UTC()
	}
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return putNew(tx.Bucket(bucketTokens), tokenHash, t)
	})
	if err != nil {
		return Token{}, fmt.Errorf("store: create token: %w", err)
	}
	return t, nil
}

// TokenByHash returns the token stored under tokenHash, or ErrNotFound when
// there is none or it has expired (it has an expiry and now is not before it).
func (db *DB) TokenByHash(tokenHash []byte, now time.Time) (Token, error) {
	var t Token
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketTokens), tokenHash, &t)
	})
	if err == nil && !t.Expires.IsZero() && !now.Before(t.Expires) {
		err = fmt.Errorf("%w: the token expired at %s", ErrNotFound, t.Expires.Format(time.RFC3339))
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}
