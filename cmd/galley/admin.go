package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"galley/annotation"
	"galley/handlers"
	"galley/store"
)

// userAdd adds a user: galley user add NAME --role ROLE --password-stdin.
func userAdd(args []string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	role := fs.String("role", handlers.RoleEditor, "admin, editor, commenter or viewer")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	name, err := positional(fs, args, "user NAME")
	if err != nil {
		return err
	}
	if err := handlers.CheckUserName(name); err != nil {
		return usageError{err.Error()}
	}
	if !handlers.ValidRole(*role) {
		return usageError{fmt.Sprintf("role %q is not one of admin, editor, commenter, viewer", *role)}
	}
	hash, err := passwordFromStdin(*fromStdin)
	if err != nil {
		return err
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(store.User{Name: name, Role: *role, PasswordHash: hash})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("a user named %q already exists", name)
	}
	if err != nil {
		return err
	}
	fmt.Printf("Added %s (%s).\n", u.Name, u.Role)
	return nil
}

// passwordFromStdin reads a new password from standard input (the first
// line), checks the rules and hashes it. fromStdin is the --password-stdin
// flag, which says the operator meant to.
func passwordFromStdin(fromStdin bool) (string, error) {
	if !fromStdin {
		return "", usageError{"give the password on standard input with --password-stdin"}
	}
	password, err := readPassword(os.Stdin)
	if err != nil {
		return "", err
	}
	if err := handlers.CheckPasswordRules(password); err != nil {
		return "", err
	}
	return handlers.HashPassword(password)
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// tokenCreate prints a new API token once: galley token create --user NAME.
func tokenCreate(args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	user := fs.String("user", "", "the user the token acts as")
	label := fs.String("name", "cli", "a label to recognize the token by")
	ttl := fs.Duration("expires", 0, "lifetime, e.g. 720h (0: never expires)")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *user == "" {
		return usageError{"token create needs --user NAME"}
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByName(*user)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no user named %q", *user)
	}
	if err != nil {
		return err
	}
	token, hash, err := handlers.NewSecret()
	if err != nil {
		return err
	}
	t := store.Token{UserID: u.ID, Name: *label}
	if *ttl > 0 {
		t.Expires = time.Now().UTC().Add(*ttl)
	}
	if _, err := db.CreateToken(hash, t); err != nil {
		return err
	}
	fmt.Println(token)
	return nil
}

// importArticle adds an article from a file: galley import FILE.
func importArticle(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	title := fs.String("title", "", "title (default: the article's headline)")
	file, err := positional(fs, args, "FILE")
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	doc, err := annotation.NewDocument(string(raw), *title)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UTC()
	doc.Created, doc.Modified = now, now
	doc.Source = file
	doc, err = db.CreateDocument(doc)
	if err != nil {
		return err
	}
	fmt.Printf("%s\t%s\n", doc.ID, doc.Title)
	return nil
}

// backup copies a database that no server holds: galley backup FILE.
func backup(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	file, err := positional(fs, args, "FILE")
	if err != nil {
		return err
	}
	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	n, err := db.Backup(f)
	if cerr := f.Sync(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(file)
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Printf("Wrote %d bytes to %s.\n", n, file)
	return nil
}

// restore replaces a stopped database with a backup, after checking the
// backup: galley restore FILE. The replaced database is kept beside it.
func restore(args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	dbPath := dbFlag(fs)
	file, err := positional(fs, args, "backup FILE")
	if err != nil {
		return err
	}
	info, kept, err := store.Restore(*dbPath, file, time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("Restored %s from %s: %d documents, %d annotations, %d users (%d bytes, checked).\n",
		*dbPath, file, info.Documents, info.Annotations, info.Users, info.Bytes)
	if kept != "" {
		fmt.Printf("The database it replaced is kept as %s.\n", kept)
	}
	return nil
}
