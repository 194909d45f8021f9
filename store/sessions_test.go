package store

import (
	"reflect"
	"testing"
	"time"
)

func TestSessionExpiry(t *testing.T) {
	db := openTestDB(t)
	s := Session{UserID: "u1", CSRF: "csrf-token", Created: day, Expires: day.Add(time.Hour)}
	if err := db.CreateSession([]byte("hash-1"), s); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		hash string
		now  time.Time
		want error
	}{
		{"at creation", "hash-1", day, nil},
		{"just before expiry", "hash-1", s.Expires.Add(-time.Nanosecond), nil},
		{"at expiry", "hash-1", s.Expires, ErrNotFound},
		{"after expiry", "hash-1", s.Expires.Add(time.Minute), ErrNotFound},
		{"unknown hash", "hash-2", day, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Session([]byte(tt.hash), tt.now)
			wantErr(t, err, tt.want)
			if tt.want == nil && !reflect.DeepEqual(got, s) {
				t.Errorf("Session = %+v, want %+v", got, s)
			}
		})
	}
}

func TestSessionCreateAndDelete(t *testing.T) {
	db := openTestDB(t)
	s := Session{UserID: "u1", CSRF: "c", Created: day, Expires: day.Add(time.Hour)}
	if err := db.CreateSession([]byte("hash"), s); err != nil {
		t.Fatal(err)
	}
	wantErr(t, db.CreateSession([]byte("hash"), s), ErrConflict)
	if err := db.CreateSession(nil, s); err == nil {
		t.Error("CreateSession accepted an empty hash")
	}
	if err := db.CreateSession([]byte("other"), Session{UserID: "u1"}); err == nil {
		t.Error("CreateSession accepted a session without expiry")
	}
	if err := db.DeleteSession([]byte("hash")); err != nil {
		t.Fatal(err)
	}
	_, err := db.Session([]byte("hash"), day)
	wantErr(t, err, ErrNotFound)
	for _, hash := range [][]byte{[]byte("hash"), []byte("never"), nil} {
		if err := db.DeleteSession(hash); err != nil {
			t.Errorf("DeleteSession(%q) = %v, want nil", hash, err)
		}
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	db := openTestDB(t)
	for i, expires := range []time.Time{day.Add(-time.Hour), day, day.Add(time.Hour), day.Add(-time.Minute), day.Add(time.Minute)} {
		s := Session{UserID: "u1", Created: day.Add(-2 * time.Hour), Expires: expires}
		if err := db.CreateSession([]byte{byte(i)}, s); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.DeleteExpiredSessions(day)
	if err != nil || n != 3 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 3", n, err)
	}
	for i, want := range []error{ErrNotFound, ErrNotFound, nil, ErrNotFound, nil} {
		_, err := db.Session([]byte{byte(i)}, day.Add(-3*time.Hour))
		wantErr(t, err, want)
	}
}

func TestTokenExpiry(t *testing.T) {
	db := openTestDB(t)
	forever, err := db.CreateToken([]byte("forever"), Token{UserID: "u1", Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	hourly, err := db.CreateToken([]byte("hourly"), Token{UserID: "u1", Name: "script", Created: day, Expires: day.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if forever.ID == "" || forever.Created.IsZero() || forever.ID == hourly.ID {
		t.Fatalf("CreateToken did not assign ID and Created: %+v, %+v", forever, hourly)
	}
	_, err = db.CreateToken([]byte("hourly"), Token{UserID: "u2"})
	wantErr(t, err, ErrConflict)

	tests := []struct {
		name string
		hash string
		now  time.Time
		want Token
		err  error
	}{
		{"no expiry, far future", "forever", day.AddDate(100, 0, 0), forever, nil},
		{"before expiry", "hourly", day.Add(59 * time.Minute), hourly, nil},
		{"at expiry", "hourly", day.Add(time.Hour), Token{}, ErrNotFound},
		{"after expiry", "hourly", day.Add(2 * time.Hour), Token{}, ErrNotFound},
		{"unknown hash", "nope", day, Token{}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.TokenByHash([]byte(tt.hash), tt.now)
			wantErr(t, err, tt.err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("TokenByHash = %+v, want %+v", got, tt.want)
			}
		})
	}
}
