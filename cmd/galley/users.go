package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"galley/handlers"
	"galley/store"
)

// userCommand runs galley user SUBCOMMAND.
func userCommand(args []string) error {
	if len(args) == 0 {
		return usageError{"user: give a subcommand: add, list, set-role, disable, enable, reset-password"}
	}
	switch args[0] {
	case "add":
		return userAdd(args[1:])
	case "list":
		return userList(args[1:])
	case "set-role":
		return userSetRole(args[1:])
	case "disable":
		return userSetDisabled(args[1:], true)
	case "enable":
		return userSetDisabled(args[1:], false)
	case "reset-password":
		return userResetPassword(args[1:])
	}
	return usageError{fmt.Sprintf("user: unknown subcommand %q", args[0])}
}

// tokenCommand runs galley token SUBCOMMAND.
func tokenCommand(args []string) error {
	if len(args) == 0 {
		return usageError{"token: give a subcommand: create, list, revoke"}
	}
	switch args[0] {
	case "create":
		return tokenCreate(args[1:])
	case "list":
		return tokenList(args[1:])
	case "revoke":
		return tokenRevoke(args[1:])
	}
	return usageError{fmt.Sprintf("token: unknown subcommand %q", args[0])}
}

// namedUser opens the database and finds a user by name.
func namedUser(dbPath, name string) (*store.DB, store.User, error) {
	db, err := openDB(dbPath)
	if err != nil {
		return nil, store.User{}, err
	}
	u, err := db.UserByName(name)
	if errors.Is(err, store.ErrNotFound) {
		db.Close()
		return nil, store.User{}, fmt.Errorf("there is no user named %q", name)
	}
	if err != nil {
		db.Close()
		return nil, store.User{}, err
	}
	return db, u, nil
}

// userList prints every user: galley user list.
func userList(args []string) error {
	fs := flag.NewFlagSet("user list", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.Users()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tSTATUS\tCREATED\tLAST SIGN-IN")
	for _, u := range users {
		status, last := "active", "never"
		if u.Disabled {
			status = "disabled"
		}
		if !u.LastSignIn.IsZero() {
			last = u.LastSignIn.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, status, u.Created.Format(time.RFC3339), last)
	}
	return w.Flush()
}

// userSetRole changes a role: galley user set-role NAME ROLE.
func userSetRole(args []string) error {
	fs := flag.NewFlagSet("user set-role", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usageError{"user set-role needs NAME ROLE"}
	}
	if !handlers.ValidRole(rest[1]) {
		return usageError{fmt.Sprintf("role %q is not one of admin, editor, commenter, viewer", rest[1])}
	}
	db, u, err := namedUser(*dbPath, rest[0])
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.SetUserRole(u.ID, rest[1]); err != nil {
		return err
	}
	fmt.Printf("%s is now %s.\n", u.Name, rest[1])
	return nil
}

// userSetDisabled disables or enables a user: galley user disable|enable
// NAME. Disabling ends the user's sessions and deletes their API tokens.
func userSetDisabled(args []string, disabled bool) error {
	verb := "enable"
	if disabled {
		verb = "disable"
	}
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	dbPath := dbFlag(fs)
	name, err := positional(fs, args, "user NAME")
	if err != nil {
		return err
	}
	db, u, err := namedUser(*dbPath, name)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.SetUserDisabled(u.ID, disabled); err != nil {
		return err
	}
	if disabled {
		fmt.Printf("Disabled %s; their sessions and API tokens are gone.\n", u.Name)
	} else {
		fmt.Printf("Enabled %s.\n", u.Name)
	}
	return nil
}

// userResetPassword sets a new password from standard input and ends the
// user's sessions: galley user reset-password NAME --password-stdin.
func userResetPassword(args []string) error {
	fs := flag.NewFlagSet("user reset-password", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	name, err := positional(fs, args, "user NAME")
	if err != nil {
		return err
	}
	hash, err := passwordFromStdin(*fromStdin)
	if err != nil {
		return err
	}
	db, u, err := namedUser(*dbPath, name)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.SetPassword(u.ID, hash, nil); err != nil {
		return err
	}
	fmt.Printf("Reset the password of %s; their sessions have ended.\n", u.Name)
	return nil
}

// tokenList prints API tokens (never their secrets): galley token list
// [--user NAME].
func tokenList(args []string) error {
	fs := flag.NewFlagSet("token list", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	user := fs.String("user", "", "only this user's tokens")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	userID := ""
	if *user != "" {
		u, err := db.UserByName(*user)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("there is no user named %q", *user)
		}
		if err != nil {
			return err
		}
		userID = u.ID
	}
	tokens, err := db.Tokens(userID)
	if err != nil {
		return err
	}
	users, err := db.Users()
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSER\tLABEL\tCREATED\tEXPIRES")
	for _, t := range tokens {
		exp := "never"
		if !t.Expires.IsZero() {
			exp = t.Expires.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, names[t.UserID], t.Name, t.Created.Format(time.RFC3339), exp)
	}
	return w.Flush()
}

// tokenRevoke deletes an API token by id: galley token revoke ID.
func tokenRevoke(args []string) error {
	fs := flag.NewFlagSet("token revoke", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	id, err := positional(fs, args, "token ID")
	if err != nil {
		return err
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := db.RevokeToken(id, "")
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no token with id %q", id)
	}
	if err != nil {
		return err
	}
	fmt.Printf("Revoked token %s (%s).\n", t.ID, t.Name)
	return nil
}
