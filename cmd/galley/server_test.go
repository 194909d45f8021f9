package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"galley/internal/galleyproc"
)

// These helpers run the real galley binary, as an operator would, for the
// reliability tests: crashes, shutdown, full disks.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// galleyBinary builds the command once per test run and returns its path.
func galleyBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "galley-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath, buildErr = galleyproc.Build(context.Background(), dir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// testEnv is a database prepared with the galley CLI: a user "writer"
// (editor) with an API token, and the sample article.
type testEnv struct {
	t          *testing.T
	bin        string
	db         string
	token      string // the editor's
	adminToken string
}

// newTestEnv creates the database through the command line, as an operator
// would before the first start.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	env := &testEnv{t: t, bin: galleyBinary(t), db: filepath.Join(t.TempDir(), "galley.db")}
	env.token = env.addUser("writer", "editor")
	env.adminToken = env.addUser("keeper", "admin")
	return env
}

// addUser adds a user with the CLI and returns a new API token for it.
func (env *testEnv) addUser(name, role string) string {
	t := env.t
	t.Helper()
	add := exec.Command(env.bin, "user", "add", name, "--role", role, "--password-stdin", "-db", env.db)
	add.Stdin = strings.NewReader("a long enough password\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("galley user add: %v\n%s", err, out)
	}
	out, err := exec.Command(env.bin, "token", "create", "--user", name, "-db", env.db).Output()
	if err != nil {
		t.Fatalf("galley token create: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// server is a running galley process.
type server struct {
	t      *testing.T
	proc   *galleyproc.Server
	url    string
	output *lockedBuffer // what it printed, for failure messages
}

// lockedBuffer collects a process's output for failure messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs "galley serve" on a free loopback port, behind an optional
// wrapper command (prlimit, strace), and waits until /healthz answers. The
// server is killed when the test ends, if it still runs.
func (env *testEnv) start(wrapper ...string) *server {
	t := env.t
	t.Helper()
	output := &lockedBuffer{}
	proc, err := galleyproc.Start(context.Background(), galleyproc.Config{
		Bin: env.bin, DB: env.db, Wrapper: wrapper,
		Env:    []string{"GALLEY_ADMIN_PASSWORD=admin password 123"},
		Stdout: output, Stderr: output,
	})
	if err != nil {
		t.Fatalf("start galley: %v\n%s", err, output)
	}
	t.Cleanup(proc.Kill)
	return &server{t: t, proc: proc, url: proc.URL, output: output}
}

// signal sends sig to the server's process group and waits for it to end,
// failing the test if it does not end within a minute (a hang, not a
// performance check).
func (s *server) signal(sig syscall.Signal) error {
	s.t.Helper()
	s.proc.Signal(sig)
	select {
	case <-s.proc.Done():
		return s.proc.Err()
	case <-time.After(time.Minute):
		s.proc.Kill()
		s.t.Fatalf("galley did not exit a minute after %v\n%s", sig, s.output)
		return nil
	}
}

// client is an HTTP client with a Bearer token, sized for many writers.
type client struct {
	http  *http.Client
	base  string
	token string
}

func (env *testEnv) client(s *server) *client {
	return &client{
		http:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second},
		base:  s.url,
		token: env.token,
	}
}

// call sends a JSON request and decodes a JSON answer into out (when not
// nil). It returns the status, or an error when no answer came.
// header holds name, value pairs to send.
func (c *client) call(ctx context.Context, method, path string, body, out any, header ...string) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, nil, err
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return res.StatusCode, data, fmt.Errorf("decode %s: %w", data, err)
		}
	}
	return res.StatusCode, data, nil
}

// apiDocument is what the tests read of a document.
type apiDocument struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// sampleDocument finds the sample article through the API.
func (c *client) sampleDocument(t *testing.T) apiDocument {
	t.Helper()
	var list struct {
		Documents []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"documents"`
	}
	if code, body, err := c.call(context.Background(), http.MethodGet, "/api/documents", nil, &list); err != nil || code != http.StatusOK {
		t.Fatalf("list documents: %d %s %v", code, body, err)
	}
	for _, d := range list.Documents {
		if d.Title == "Beijing slams spying on Huawei" {
			var doc apiDocument
			if code, body, err := c.call(context.Background(), http.MethodGet, "/api/documents/"+d.ID, nil, &doc); err != nil || code != http.StatusOK {
				t.Fatalf("get document: %d %s %v", code, body, err)
			}
			return doc
		}
	}
	t.Fatalf("the sample article is not in %+v", list.Documents)
	return apiDocument{}
}

// apiAnnotation is what the tests compare of an annotation.
type apiAnnotation struct {
	ID      string   `json:"id"`
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Exact   string   `json:"exact"`
	Comment string   `json:"comment"`
	Tags    []string `json:"tags"`
	Version int      `json:"version"`
	Replies []struct {
		ID      string `json:"id"`
		Comment string `json:"comment"`
	} `json:"replies"`
}

// annotations lists every annotation of a document.
func (c *client) annotations(t *testing.T, docID string) []apiAnnotation {
	t.Helper()
	var list struct {
		Annotations []apiAnnotation `json:"annotations"`
	}
	if code, body, err := c.call(context.Background(), http.MethodGet, "/api/documents/"+docID+"/annotations", nil, &list); err != nil || code != http.StatusOK {
		t.Fatalf("list annotations: %d %s %v", code, body, err)
	}
	return list.Annotations
}
