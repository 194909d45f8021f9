package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
	"go.etcd.io/bbolt"
)

// User is an account that can sign in.
type User struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Role         string    `json:"role"` // admin, editor, commenter or viewer; the store does not check it
	PasswordHash string    `json:"password_hash"`
	Disabled     bool      `json:"disabled"`
	Created      time.Time `json:"created"`
	// LastSignIn is when the user last signed in with a password; zero
	// when never.
	LastSignIn time.Time `json:"last_sign_in,omitzero"`
}

// CreateUser stores a new user and returns it with its assigned ID and, when
// zero, Created. A name already taken, ignoring case, is an ErrConflict.
func (db *DB) CreateUser(u User) (User, error) {
	u.ID = ulid.Make().String()
	if u.Created.IsZero() {
		u.Created = time.Now()
	}
	u.Created = u.Created.UTC()
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		return putUser(tx, u, nil)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// UpdateUser replaces the stored user with the same ID, keeping the name
// index in step when the name changes. A zero Created keeps the stored one.
// It returns ErrNotFound for an unknown ID and ErrConflict when the new name
// belongs to another user.
func (db *DB) UpdateUser(u User) error {
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		old, err := getUser(tx, u.ID)
		if err != nil {
			return err
		}
		if u.Created.IsZero() {
			u.Created = old.Created
		}
		u.Created = u.Created.UTC()
		return putUser(tx, u, &old)
	})
	if err != nil {
		return fmt.Errorf("store: update user %s: %w", u.ID, err)
	}
	return nil
}

// User returns the user with the given ID.
func (db *DB) User(id string) (User, error) {
	var u User
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		var err error
		u, err = getUser(tx, id)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("store: user %s: %w", id, err)
	}
	return u, nil
}

// UserByName returns the user with the given name, ignoring case.
func (db *DB) UserByName(name string) (User, error) {
	var u User
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		id := tx.Bucket(bucketUsersByName).Get(userNameKey(name))
		if id == nil {
			return ErrNotFound
		}
		var err error
		u, err = getUser(tx, string(id))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("store: user named %q: %w", name, err)
	}
	return u, nil
}

// Users returns every user sorted by name, ignoring case.
func (db *DB) Users() ([]User, error) {
	users := []User{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var u User
			if err := decodeJSON(k, v, &u); err != nil {
				return err
			}
			users = append(users, u)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	slices.SortFunc(users, func(a, b User) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return users, nil
}

// CountUsers returns how many users exist, disabled ones included.
func (db *DB) CountUsers() (int, error) {
	n := 0
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketUsers).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// getUser reads one user record.
func getUser(tx *bbolt.Tx, id string) (User, error) {
	var u User
	if err := getJSON(tx.Bucket(bucketUsers), []byte(id), &u); err != nil {
		return User{}, err
	}
	return u, nil
}

// putUser writes u and its name index entry, removing the entry of old's
// name when it differs. old is nil for a new user. A name that another user
// holds, ignoring case, is an ErrConflict.
func putUser(tx *bbolt.Tx, u User, old *User) error {
	if !validID(u.ID) {
		return fmt.Errorf("invalid user id %q", u.ID)
	}
	if strings.TrimSpace(u.Name) == "" {
		return errors.New("the user name is empty")
	}
	byName := tx.Bucket(bucketUsersByName)
	key := userNameKey(u.Name)
	if holder := byName.Get(key); holder != nil && !bytes.Equal(holder, []byte(u.ID)) {
		return fmt.Errorf("%w: the name %q is already taken", ErrConflict, u.Name)
	}
	if old != nil {
		if oldKey := userNameKey(old.Name); !bytes.Equal(oldKey, key) {
			if err := byName.Delete(oldKey); err != nil {
				return err
			}
		}
	}
	if err := byName.Put(key, []byte(u.ID)); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketUsers), []byte(u.ID), u)
}

// changeUser applies change to the stored user with the given id in one
// transaction and returns the user as stored.
func (db *DB) changeUser(id, what string, change func(tx *bbolt.Tx, u *User) error) (User, error) {
	var u User
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		old, err := getUser(tx, id)
		if err != nil {
			return err
		}
		u = old
		if err := change(tx, &u); err != nil {
			return err
		}
		return putUser(tx, u, &old)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: %s of user %s: %w", what, id, err)
	}
	return u, nil
}

// SetUserDisabled disables or enables a user. Disabling also deletes every
// session and API token of the user in the same transaction, so they stop
// working at once and do not come back when the user is enabled again.
func (db *DB) SetUserDisabled(id string, disabled bool) (User, error) {
	return db.changeUser(id, "set disabled", func(tx *bbolt.Tx, u *User) error {
		u.Disabled = disabled
		if !disabled {
			return nil
		}
		if err := deleteUserSessions(tx, u.ID, nil); err != nil {
			return err
		}
		return deleteUserTokens(tx, u.ID)
	})
}

// SetUserRole changes a user's role; the store does not check the name.
func (db *DB) SetUserRole(id, role string) (User, error) {
	return db.changeUser(id, "set role", func(_ *bbolt.Tx, u *User) error {
		u.Role = role
		return nil
	})
}

// SetPassword replaces a user's password hash and, in the same
// transaction, ends every session of the user but the one stored under
// keep (nil ends them all). API tokens are kept: they are revoked one by
// one, or all at once by disabling the user.
func (db *DB) SetPassword(id, hash string, keep []byte) (User, error) {
	return db.changeUser(id, "set password", func(tx *bbolt.Tx, u *User) error {
		u.PasswordHash = hash
		return deleteUserSessions(tx, u.ID, keep)
	})
}

// RecordSignIn notes a successful sign-in at the given time and, when
// rehash is not empty, stores it as the new password hash (a hash made
// with stronger parameters than the stored one).
func (db *DB) RecordSignIn(id string, at time.Time, rehash string) (User, error) {
	return db.changeUser(id, "record sign-in", func(_ *bbolt.Tx, u *User) error {
		u.LastSignIn = at.UTC()
		if rehash != "" {
			u.PasswordHash = rehash
		}
		return nil
	})
}
