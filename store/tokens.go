package store

import (
	"bytes"
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

// Expired reports whether the token has an expiry and now is not before it.
func (t Token) Expired(now time.Time) bool {
	return !t.Expires.IsZero() && !now.Before(t.Expires)
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
		if err := putNew(tx.Bucket(bucketTokens), tokenHash, t); err != nil {
			return err
		}
		return tx.Bucket(bucketUserTokens).Put(childKey(t.UserID, t.ID), tokenHash)
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
	if err == nil && t.Expired(now) {
		err = fmt.Errorf("%w: the token expired at %s", ErrNotFound, t.Expires.Format(time.RFC3339))
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}

// Tokens returns the API tokens of a user, oldest first, expired ones
// included; an empty userID returns every user's tokens.
func (db *DB) Tokens(userID string) ([]Token, error) {
	tokens := []Token{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var prefix []byte
		if userID != "" {
			prefix = childPrefix(userID)
		}
		tb := tx.Bucket(bucketTokens)
		c := tx.Bucket(bucketUserTokens).Cursor()
		for k, hash := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, hash = c.Next() {
			var t Token
			if err := getJSON(tb, hash, &t); err != nil {
				return fmt.Errorf("token of index entry %q: %w", k, err)
			}
			tokens = append(tokens, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	return tokens, nil
}

// RevokeToken deletes the token with the given id. With a userID, only that
// user's token is found: another user's token id is an ErrNotFound, exactly
// like an unknown one. An empty userID finds any user's token.
func (db *DB) RevokeToken(id, userID string) (Token, error) {
	var t Token
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		idx := tx.Bucket(bucketUserTokens)
		var key, hash []byte
		if userID != "" {
			key = childKey(userID, id)
			hash = idx.Get(key)
		} else {
			suffix := []byte(keySeparator + id)
			c := idx.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if bytes.HasSuffix(k, suffix) {
					key, hash = bytes.Clone(k), v
					break
				}
			}
		}
		if id == "" || hash == nil {
			return ErrNotFound
		}
		hash = bytes.Clone(hash)
		if err := getJSON(tx.Bucket(bucketTokens), hash, &t); err != nil {
			return err
		}
		if err := tx.Bucket(bucketTokens).Delete(hash); err != nil {
			return err
		}
		return idx.Delete(key)
	})
	if err != nil {
		return Token{}, fmt.Errorf("store: revoke token %s: %w", id, err)
	}
	return t, nil
}

// deleteUserTokens deletes every token of a user and its index entries.
func deleteUserTokens(tx *bbolt.Tx, userID string) error {
	idx := tx.Bucket(bucketUserTokens)
	prefix := childPrefix(userID)
	var keys, hashes [][]byte
	c := idx.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		keys, hashes = append(keys, bytes.Clone(k)), append(hashes, bytes.Clone(v))
	}
	for i := range keys {
		if err := tx.Bucket(bucketTokens).Delete(hashes[i]); err != nil {
			return err
		}
		if err := idx.Delete(keys[i]); err != nil {
			return err
		}
	}
	return nil
}
