package annotation

import "testing"

// TestNextColorNeverGray: gray reads as resolved, so a new tag never gets
// it on its own, even when every other color is used more.
func TestNextColorNeverGray(t *testing.T) {
	used := map[string]int{}
	for _, c := range Palette {
		used[c] = 3
	}
	used["gray"] = 0
	if got := NextColor(used); got == "gray" {
		t.Fatalf("NextColor(%v) = gray", used)
	}
	used["teal"] = 1
	if got := NextColor(used); got != "teal" {
		t.Errorf("NextColor picks %q, want the least used color teal", got)
	}
}
