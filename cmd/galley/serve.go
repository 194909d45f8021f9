package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"galley/handlers"
	"galley/store"
)

// serve runs the desk until SIGINT or SIGTERM, then finishes in-flight
// requests (for at most 10 seconds) and closes the database.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	defAddr := os.Getenv("GALLEY_ADDR")
	if defAddr == "" {
		defAddr = ":8080"
	}
	addr := fs.String("addr", defAddr, "address to listen on (or GALLEY_ADDR)")
	dbPath := dbFlag(fs)
	base := fs.String("base-url", os.Getenv("GALLEY_BASE_URL"), "the desk's public address, the base of exported IRIs (default: the address each request came to; or GALLEY_BASE_URL)")
	secure := fs.Bool("secure-cookies", os.Getenv("GALLEY_SECURE_COOKIES") == "1", "mark cookies Secure (serve behind TLS)")
	writeRate := fs.Int("write-rate", envInt("GALLEY_WRITE_RATE", 120), "state changes one user may make per minute, in bursts of half as many; 0 turns the limit off, for load tests (or GALLEY_WRITE_RATE)")
	proxies := fs.String("trusted-proxy", os.Getenv("GALLEY_TRUSTED_PROXIES"), "CIDRs of reverse proxies whose X-Forwarded-For names the client, comma-separated (default none: the peer address is the client; or GALLEY_TRUSTED_PROXIES)")
	corsOrigins := fs.String("cors-origins", os.Getenv("GALLEY_CORS_ORIGINS"), "origins (https://app.example.org) whose browser clients may use the Web Annotation Protocol and the API with a Bearer token, comma-separated (default none; or GALLEY_CORS_ORIGINS)")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	origins, err := parseOrigins(*corsOrigins)
	if err != nil {
		return usageError{err.Error()}
	}
	trusted, err := parseCIDRs(*proxies)
	if err != nil {
		return usageError{err.Error()}
	}

	// Past a file size limit the kernel sends SIGXFSZ, which would kill the
	// server; ignored, the write fails with EFBIG and the user is told.
	signal.Ignore(syscall.SIGXFSZ)

	db, err := openDB(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	login, err := ensureAdmin(db)
	if err != nil {
		return err
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// Live event streams end when shutdown begins, so that Shutdown need
	// not wait for clients that never hang up.
	streams, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	e := handlers.New(db, handlers.Config{SecureCookies: *secure, Logger: logger, Streams: streams, BaseURL: *base,
		TrustedProxies: trusted, CORSOrigins: origins, WriteRate: writeLimit(*writeRate), WriteBurst: max(1, *writeRate/2)})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	srv.RegisterOnShutdown(endStreams)

	fmt.Printf("Galley is serving %s on %s\n", *dbPath, displayURL(ln.Addr()))
	if login != "" {
		fmt.Print(login)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go sweepSessions(ctx, db, logger)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Println("Shutting down: finishing requests in flight…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// displayURL turns a listening address into a URL a person can open.
func displayURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// ensureAdmin creates the admin account on a database with no users. The
// password comes from GALLEY_ADMIN_PASSWORD or is generated and shown once.
// It returns what to print about signing in, or "" when users exist.
func ensureAdmin(db *store.DB) (string, error) {
	n, err := db.CountUsers()
	if err != nil || n > 0 {
		return "", err
	}
	password := os.Getenv("GALLEY_ADMIN_PASSWORD")
	generated := password == ""
	if generated {
		token, _, err := handlers.NewSecret()
		if err != nil {
			return "", err
		}
		password = token[:20]
	} else if err := handlers.CheckPasswordRules(password); err != nil {
		return "", fmt.Errorf("GALLEY_ADMIN_PASSWORD: %w", err)
	}
	hash, err := handlers.HashPassword(password)
	if err != nil {
		return "", err
	}
	if _, err := db.CreateUser(store.User{Name: "admin", Role: handlers.RoleAdmin, PasswordHash: hash}); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("Created the first account. Sign in as \"admin\"")
	if generated {
		fmt.Fprintf(&b, " with the password %s\n(shown only this once; set GALLEY_ADMIN_PASSWORD to choose it).\n", password)
	} else {
		b.WriteString(" with the password from GALLEY_ADMIN_PASSWORD.\n")
	}
	return b.String(), nil
}

// sweepSessions deletes expired sessions once an hour until ctx ends.
func sweepSessions(ctx context.Context, db *store.DB, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n, err := db.DeleteExpiredSessions(time.Now()); err != nil {
				log.Error("deleting expired sessions", "error", err)
			} else if n > 0 {
				log.Info("deleted expired sessions", "count", n)
			}
		}
	}
}

// parseCIDRs reads a comma-separated list of networks (a bare address is
// one host).
func parseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("trusted proxy %q is not an address or a CIDR", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an address or a CIDR", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// envInt reads a whole number from the environment, or def when unset or
// not a number.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// writeLimit turns the -write-rate flag into handlers.Config.WriteRate,
// where a negative number, not zero, turns the limit off.
func writeLimit(perMinute int) int {
	if perMinute <= 0 {
		return -1
	}
	return perMinute
}

// parseOrigins reads a comma-separated list of origins: a scheme and a
// host, with no path. "*" is refused: a desk names the sites it trusts.
func parseOrigins(s string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(s, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return nil, fmt.Errorf("-cors-origins: %q is not an origin such as https://app.example.org", o)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}
