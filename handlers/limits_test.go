package handlers

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// testClock is a time the limiter tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// remembered is how many keys l holds.
func remembered(l *limiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// TestLimiterFloodKeepsLocks: a locked key stays locked however many other
// keys arrive, the table never grows past its bound, keys it cannot hold
// share one overflow allowance (so a flood of new names cannot be used to
// guess freely either), and once buckets refill they make room again.
func TestLimiterFloodKeepsLocks(t *testing.T) {
	clk := &testClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	l := newLimiter(10, 15*time.Minute, 10, clk.Now) // the account limit
	for range 10 {
		l.fail("victim")
	}
	if _, ok := l.check("victim"); ok {
		t.Fatal("ten failures did not lock the key")
	}
	for i := range 4 * maxLimiterKeys {
		l.fail(fmt.Sprintf("flood-%d", i))
		if i%1000 == 0 {
			clk.advance(100 * time.Millisecond) // the flood takes a while
		}
	}
	if n := remembered(l); n > maxLimiterKeys {
		t.Fatalf("the limiter holds %d keys, more than %d", n, maxLimiterKeys)
	}
	if wait, ok := l.check("victim"); ok || wait <= 0 {
		t.Fatalf("the flood unlocked the key (ok %v, wait %v)", ok, wait)
	}
	// A name the full table cannot hold is judged by the shared overflow,
	// which the flood drained: no free guesses at untracked names.
	if _, ok := l.check("untracked"); ok {
		t.Error("with the table full of live buckets, an unknown key may still be tried")
	}
	if _, ok := l.take("untracked"); ok {
		t.Error("with the table full of live buckets, an unknown key may still take")
	}

	// Still locked a minute later; the window heals everything.
	clk.advance(time.Minute)
	if _, ok := l.check("victim"); ok {
		t.Fatal("the key unlocked a minute after the flood")
	}
	clk.advance(15 * time.Minute)
	if _, ok := l.check("victim"); !ok {
		t.Fatal("the key is still locked after the window")
	}
	if _, ok := l.take("after-the-flood"); !ok {
		t.Fatal("refilled buckets did not make room for a new key")
	}
	if n := remembered(l); n > maxLimiterKeys {
		t.Fatalf("the limiter holds %d keys, more than %d", n, maxLimiterKeys)
	}
}

// TestLimiterDropsOnlyRefilledBuckets: when the table is full, the buckets
// that refilled make room and the others stay; a check never adds a key.
func TestLimiterDropsOnlyRefilledBuckets(t *testing.T) {
	clk := &testClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	l := newLimiter(60, time.Minute, 2, clk.Now) // a token a second, bursts of 2
	l.capacity = 4
	for _, k := range []string{"a", "b"} {
		l.fail(k)
	}
	clk.advance(500 * time.Millisecond)
	for _, k := range []string{"c", "d"} {
		l.fail(k)
		l.fail(k) // empty: 2 s to refill
	}
	// Keys the full table cannot hold share one allowance of 2.
	if _, ok := l.take("x"); !ok {
		t.Fatal("the overflow allowance refused its first key")
	}
	l.fail("y")
	if _, ok := l.check("new"); ok {
		t.Fatal("a full table of live buckets and a spent overflow let a new key through")
	}
	clk.advance(time.Second) // a and b refilled; c and d hold half a token
	if _, ok := l.take("e"); !ok {
		t.Fatal("refilled buckets did not make room")
	}
	l.mu.Lock()
	_, a := l.buckets["a"]
	_, c := l.buckets["c"]
	_, d := l.buckets["d"]
	l.mu.Unlock()
	if a || !c || !d {
		t.Errorf("after the sweep: a kept %v, c kept %v, d kept %v; want only live buckets kept", a, c, d)
	}
	before := remembered(l)
	if _, ok := l.check("unknown"); !ok {
		t.Error("an unknown key with room in the table was refused")
	}
	if remembered(l) != before {
		t.Error("a check added a key")
	}
}
