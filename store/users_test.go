package store

import (
	"reflect"
	"testing"
)

func TestUserRoundTrip(t *testing.T) {
	db := openTestDB(t)
	u, err := db.CreateUser(User{Name: "Ann", Role: "editor", PasswordHash: "$argon2id$x"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || u.Created.IsZero() {
		t.Fatalf("CreateUser did not assign ID and Created: %+v", u)
	}
	assertIndexes(t, db)

	byID, err := db.User(u.ID)
	if err != nil || !reflect.DeepEqual(byID, u) {
		t.Errorf("User = %+v, %v; want %+v", byID, err, u)
	}
	for _, name := range []string{"Ann", "ann", "ANN"} {
		byName, err := db.UserByName(name)
		if err != nil || !reflect.DeepEqual(byName, u) {
			t.Errorf("UserByName(%q) = %+v, %v; want %+v", name, byName, err, u)
		}
	}
	for _, id := range []string{"", "nobody", "a/b"} {
		_, err := db.User(id)
		wantErr(t, err, ErrNotFound)
	}
	_, err = db.UserByName("Bob")
	wantErr(t, err, ErrNotFound)
}

func TestCreateUserNameConflict(t *testing.T) {
	db := openTestDB(t)
	if _, err := db.CreateUser(User{Name: "Ann", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		user string
		want error
	}{
		{"same name", "Ann", ErrConflict},
		{"lower case", "ann", ErrConflict},
		{"upper case", "ANN", ErrConflict},
		{"another name", "Anna", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreateUser(User{Name: tt.user, Role: "viewer"})
			wantErr(t, err, tt.want)
			assertIndexes(t, db)
		})
	}
	if n, err := db.CountUsers(); err != nil || n != 2 {
		t.Errorf("CountUsers = %d, %v; want 2", n, err)
	}
	if _, err := db.CreateUser(User{Name: "  "}); err == nil {
		t.Error("CreateUser accepted a blank name")
	}
}

func TestUpdateUser(t *testing.T) {
	db := openTestDB(t)
	ann, err := db.CreateUser(User{Name: "Ann", Role: "editor"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := db.CreateUser(User{Name: "Bob", Role: "viewer"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		change  func(u User) User
		want    error
		lookups map[string]string // name -> id, "" meaning not found
	}{
		{
			name:    "disable",
			change:  func(u User) User { u.Disabled = true; return u },
			lookups: map[string]string{"ann": ann.ID, "bob": bob.ID},
		},
		{
			name:    "change the case of the name",
			change:  func(u User) User { u.Name = "ANN"; return u },
			lookups: map[string]string{"Ann": ann.ID},
		},
		{
			name:    "rename",
			change:  func(u User) User { u.Name = "Annabel"; return u },
			lookups: map[string]string{"ann": "", "annabel": ann.ID, "bob": bob.ID},
		},
		{
			name:    "rename to a taken name",
			change:  func(u User) User { u.Name = "bOB"; return u },
			want:    ErrConflict,
			lookups: map[string]string{"annabel": ann.ID, "bob": bob.ID},
		},
		{
			name:   "unknown id",
			change: func(u User) User { u.ID = "01NOSUCHUSER"; return u },
			want:   ErrNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			current, err := db.User(ann.ID)
			if err != nil {
				t.Fatal(err)
			}
			changed := tt.change(current)
			err = db.UpdateUser(changed)
			wantErr(t, err, tt.want)
			assertIndexes(t, db)
			if tt.want == nil {
				if got, err := db.User(ann.ID); err != nil || !reflect.DeepEqual(got, changed) {
					t.Errorf("User = %+v, %v; want %+v", got, err, changed)
				}
			}
			for name, id := range tt.lookups {
				got, err := db.UserByName(name)
				if id == "" {
					wantErr(t, err, ErrNotFound)
					continue
				}
				if err != nil || got.ID != id {
					t.Errorf("UserByName(%q) = %s, %v; want %s", name, got.ID, err, id)
				}
			}
		})
	}
}

func TestUsersSortedByName(t *testing.T) {
	db := openTestDB(t)
	users, err := db.Users()
	if err != nil || len(users) != 0 || users == nil {
		t.Fatalf("Users on an empty database = %#v, %v; want an empty list", users, err)
	}
	for _, name := range []string{"carol", "Bob", "ann", "Dave"} {
		if _, err := db.CreateUser(User{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	users, err = db.Users()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if want := []string{"ann", "Bob", "carol", "Dave"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Users names = %v, want %v", names, want)
	}
	if n, err := db.CountUsers(); err != nil || n != 4 {
		t.Errorf("CountUsers = %d, %v; want 4", n, err)
	}
	assertIndexes(t, db)
}
