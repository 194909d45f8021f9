package w3ctest

import (
	"sync"
	"testing"
)

var (
	loadMu sync.Mutex
	loaded = map[string]*Suite{}
)

// MustLoad is Load for tests: it loads the suite in dir once per test
// binary and fails t when the suite cannot be loaded. There is no skip: a
// test that needs the suite fails without it.
func MustLoad(t testing.TB, dir string) *Suite {
	t.Helper()
	loadMu.Lock()
	defer loadMu.Unlock()
	if s, ok := loaded[dir]; ok {
		return s
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("loading the W3C Web Annotation suite: %v", err)
	}
	loaded[dir] = s
	return s
}

// RequireValid checks docs and fails t, with the whole report, unless no
// object failed and exactly want objects (annotations, collections and
// pages) passed.
func (s *Suite) RequireValid(t testing.TB, want int, docs ...Doc) {
	t.Helper()
	if err := s.CheckAll(docs...).Expect(want); err != nil {
		t.Fatal(err)
	}
}
