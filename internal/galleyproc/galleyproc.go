// Package galleyproc builds the galley command and runs it as a server on a
// loopback port, as an operator would: for the command's own tests and for
// galley-bench, which both measure the real binary.
package galleyproc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Package is the import path of the galley command.
const Package = "galley/cmd/galley"

// startTimeout bounds how long Start waits for a server to answer.
const startTimeout = 30 * time.Second

// Build compiles the galley command into dir and returns the binary's path.
// It runs the go command found on PATH, so it works from inside the module:
// in tests and under go run.
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "galley")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, Package).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", Package, err, out)
	}
	return bin, nil
}

// Config describes one server process.
type Config struct {
	Bin     string    // the galley binary
	DB      string    // the database it serves
	Flags   []string  // more flags for serve, such as -write-rate 0
	Wrapper []string  // a command to run it under (prlimit, strace) with its arguments
	Env     []string  // added to this process's environment
	Stdout  io.Writer // receives each line the server prints; nil discards them
	Stderr  io.Writer // receives its standard error; nil discards it
}

// Server is a running galley server.
type Server struct {
	URL  string // http://127.0.0.1:PORT
	PID  int    // of the process started (the wrapper, when there is one)
	done chan struct{}
	err  error // how the process ended; set when done is closed
}

// Start runs `galley serve` on a free loopback port, in a process group of
// its own, and waits until /healthz answers 200: at most 30 seconds, and no
// longer than ctx. When it fails, the process is ended.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	args := append(append([]string{}, cfg.Wrapper...), cfg.Bin, "serve", "-addr", "127.0.0.1:0", "-db", cfg.DB)
	cmd := exec.Command(args[0], append(args[1:], cfg.Flags...)...)
	cmd.Env = append(os.Environ(), cfg.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = cfg.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s serve: %w", cfg.Bin, err)
	}
	s := &Server{PID: cmd.Process.Pid, done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		// Read to the end, so the server never blocks on a full pipe.
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if cfg.Stdout != nil {
				fmt.Fprintln(cfg.Stdout, line)
			}
			if i := strings.Index(line, " on http://"); i >= 0 && strings.HasPrefix(line, "Galley is serving") {
				select {
				case urls <- line[i+len(" on "):]:
				default:
				}
			}
		}
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()

	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	select {
	case s.URL = <-urls:
	case <-s.done:
		return nil, fmt.Errorf("the server exited before serving: %v", s.err)
	case <-startCtx.Done():
		s.Kill()
		return nil, fmt.Errorf("the server did not start within %s", startTimeout)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	for {
		err := healthy(startCtx, client, s.URL)
		if err == nil {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("the server exited: %v", s.err)
		case <-startCtx.Done():
			s.Kill()
			return nil, fmt.Errorf("the server never answered /healthz: %w", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func healthy(ctx context.Context, client *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz answered %s", res.Status)
	}
	return nil
}

// Done is closed when the process has ended.
func (s *Server) Done() <-chan struct{} { return s.done }

// Err is how the process ended (nil for exit status 0); valid once Done is
// closed.
func (s *Server) Err() error { return s.err }

// Signal sends sig to the server's process group.
func (s *Server) Signal(sig syscall.Signal) {
	_ = syscall.Kill(-s.PID, sig)
}

// Kill ends the process group with SIGKILL, if it still runs, and waits
// until the process has ended.
func (s *Server) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	s.Signal(syscall.SIGKILL)
	<-s.done
}

// ErrStopTimeout is returned by Stop when the server ignored SIGTERM.
var ErrStopTimeout = errors.New("galleyproc: the server did not stop after SIGTERM and was killed")

// Stop sends SIGTERM to the process group and waits for the process to end;
// after grace it kills the group and returns ErrStopTimeout. Otherwise it
// returns how the process ended.
func (s *Server) Stop(grace time.Duration) error {
	select {
	case <-s.done:
		return s.err
	default:
	}
	s.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return s.err
	case <-time.After(grace):
		s.Kill()
		return ErrStopTimeout
	}
}
