// Command galley serves the editorial review desk and administers its
// database.
//
//	galley [serve] [-addr :8080] [-db galley.db]
//	galley user add NAME --role admin|editor|commenter|viewer --password-stdin
//	galley user list|set-role NAME ROLE|disable NAME|enable NAME|reset-password NAME --password-stdin
//	galley token create --user NAME
//	galley token list [--user NAME] | revoke ID
//	galley import FILE
//	galley export DOC_ID --format w3c|native
//	galley import-annotations DOC_ID FILE
//	galley backup FILE
//	galley restore FILE
//
// The benchmarks are a command of their own: cmd/galley-bench.
package main

import (
	"errors"
	"fmt"
	"os"
)

const usage = `Galley: an editorial review desk for articles.

Usage:
  galley [serve] [-addr ADDR] [-db FILE]      serve the desk (default :8080, galley.db)
  galley user add NAME --role ROLE --password-stdin
                                              add a user (roles: admin, editor, commenter, viewer)
  galley user list                            list users with role, status and last sign-in
  galley user set-role NAME ROLE              change a user's role
  galley user disable NAME                    disable a user; their sessions and tokens end at once
  galley user enable NAME                     let a disabled user sign in again
  galley user reset-password NAME --password-stdin
                                              set a new password; the user's sessions end
  galley token create --user NAME [--name LABEL] [--expires 720h]
                                              print a new API token for a user, once
  galley token list [--user NAME]             list API tokens (ids and labels, never secrets)
  galley token revoke ID                      revoke an API token
  galley import FILE [-title TITLE]           add an article from a .txt or .md file
  galley export DOC_ID [--format w3c|native] [-o FILE] [--base-url URL]
  galley export --all [--format w3c|native]   export annotations (W3C JSON-LD or the annotated article)
  galley import-annotations DOC_ID FILE       import W3C annotations (one, an array, a page or a collection)
  galley backup FILE                          copy the database to FILE (server stopped;
                                              a running server serves GET /admin/backup)
  galley restore FILE                         check a backup, then make it the database
                                              (server stopped; the old file is kept)

Every command takes -db FILE (or GALLEY_DB); serve takes -addr (or GALLEY_ADDR).
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "galley: %v\n\n%s", err, usage)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "galley: %v\n", err)
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(args []string) error {
	if len(args) == 0 {
		return serve(nil)
	}
	switch args[0] {
	case "serve":
		return serve(args[1:])
	case "user":
		return userCommand(args[1:])
	case "token":
		return tokenCommand(args[1:])
	case "import":
		return importArticle(args[1:])
	case "export":
		return exportCommand(args[1:])
	case "import-annotations":
		return importAnnotationsCommand(args[1:])
	case "backup":
		return backup(args[1:])
	case "restore":
		return restore(args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return nil
	}
	if args[0] != "" && args[0][0] == '-' {
		return serve(args)
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
