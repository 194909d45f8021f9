package main

import (
	"os"
	"testing"
)

// TestMain turns the per-user write limit off for every server the tests
// start: they drive many writes from few users on purpose.
func TestMain(m *testing.M) {
	os.Setenv("GALLEY_WRITE_RATE", "0")
	os.Exit(m.Run())
}
