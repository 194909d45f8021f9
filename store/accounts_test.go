package store

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// assertTokenIndex checks that user_tokens lists exactly the stored tokens.
func assertTokenIndex(t *testing.T, db *DB) {
	t.Helper()
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		indexed := 0
		err := tx.Bucket(bucketUserTokens).ForEach(func(k, hash []byte) error {
			indexed++
			var tok Token
			if err := getJSON(tx.Bucket(bucketTokens), hash, &tok); err != nil {
				t.Errorf("index entry %q: %v", k, err)
				return nil
			}
			if !bytes.Equal(k, childKey(tok.UserID, tok.ID)) {
				t.Errorf("index key %q for token %s of %s", k, tok.ID, tok.UserID)
			}
			return nil
		})
		if n := tx.Bucket(bucketTokens).Stats().KeyN; n != indexed {
			t.Errorf("%d tokens, %d index entries", n, indexed)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTokensIndexRevokeAndDisable(t *testing.T) {
	db := openTestDB(t)
	alice, err := db.CreateUser(User{Name: "alice", Role: "editor", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := db.CreateUser(User{Name: "bob", Role: "viewer", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a1, _ := db.CreateToken([]byte("hash-a1"), Token{UserID: alice.ID, Name: "one"})
	a2, _ := db.CreateToken([]byte("hash-a2"), Token{UserID: alice.ID, Name: "two"})
	b1, _ := db.CreateToken([]byte("hash-b1"), Token{UserID: bob.ID, Name: "bob's"})
	assertTokenIndex(t, db)
	if got, _ := db.Tokens(alice.ID); len(got) != 2 || got[0].ID != a1.ID || got[1].ID != a2.ID {
		t.Fatalf("alice's tokens %+v", got)
	}
	if all, _ := db.Tokens(""); len(all) != 3 {
		t.Fatalf("all tokens %+v", all)
	}
	// Bob cannot revoke Alice's token by its id.
	if _, err := db.RevokeToken(a1.ID, bob.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoke another's token: %v", err)
	}
	if _, err := db.RevokeToken(a1.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenByHash([]byte("hash-a1"), now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked token still found: %v", err)
	}
	if _, err := db.RevokeToken(b1.ID, ""); err != nil {
		t.Fatal(err)
	}
	assertTokenIndex(t, db)

	// Disabling ends sessions and tokens in one go; a password change keeps
	// the session it names.
	for _, h := range []string{"s1", "s2", "s3"} {
		if err := db.CreateSession([]byte(h), Session{UserID: alice.ID, CSRF: "c", Created: now, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateSession([]byte("bob-s"), Session{UserID: bob.ID, CSRF: "c", Created: now, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetPassword(alice.ID, "new", []byte("s1")); err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]bool{"s1": true, "s2": false, "s3": false, "bob-s": true} {
		if _, err := db.Session([]byte(h), now); (err == nil) != want {
			t.Errorf("session %s after the password change: %v", h, err)
		}
	}
	if _, err := db.SetUserDisabled(alice.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session([]byte("s1"), now); !errors.Is(err, ErrNotFound) {
		t.Errorf("session of a disabled user: %v", err)
	}
	if got, _ := db.Tokens(alice.ID); len(got) != 0 {
		t.Errorf("tokens of a disabled user: %+v", got)
	}
	if _, err := db.Session([]byte("bob-s"), now); err != nil {
		t.Errorf("bob's session: %v", err)
	}
	assertTokenIndex(t, db)
}

// TestOpenIndexesOldTokens: a file from before the user_tokens bucket gets
// its tokens indexed when opened.
func TestOpenIndexesOldTokens(t *testing.T) {
	db := openTestDB(t)
	path := db.Path()
	u, _ := db.CreateUser(User{Name: "old", Role: "viewer", PasswordHash: "x"})
	tok, err := db.CreateToken([]byte("hash-old"), Token{UserID: u.ID, Name: "old"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bucketUserTokens) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, _ := db.Tokens(u.ID); len(got) != 1 || got[0].ID != tok.ID {
		t.Fatalf("tokens after the migration: %+v", got)
	}
	assertTokenIndex(t, db)
}

func TestDocumentAccess(t *testing.T) {
	db := openTestDB(t)
	doc := createTestDocument(t, db)
	u, _ := db.CreateUser(User{Name: "m", Role: "viewer", PasswordHash: "x"})
	if _, err := db.SetDocumentAccess(doc.ID, true, []string{"no-such-user"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown member: %v", err)
	}
	got, err := db.SetDocumentAccess(doc.ID, true, []string{u.ID, u.ID})
	if err != nil || !got.Restricted || len(got.Members) != 1 {
		t.Fatalf("restrict: %+v %v", got, err)
	}
	full, err := db.Document(doc.ID)
	if err != nil || !full.Restricted || full.Text != doc.Text {
		t.Fatalf("document after restricting: %+v %v", full, err)
	}
	got, err = db.SetDocumentAccess(doc.ID, false, []string{u.ID})
	if err != nil || got.Restricted || got.Members != nil {
		t.Fatalf("open again: %+v %v", got, err)
	}
}
