package annotation_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"galley/annotation"
)

// render writes a word diff as text with [-deleted-] and {+inserted+}.
func render(pieces []annotation.DiffPiece) string {
	var b strings.Builder
	for _, p := range pieces {
		switch p.Kind {
		case annotation.DiffEqual:
			b.WriteString(p.Text)
		case annotation.DiffDelete:
			b.WriteString("[-" + p.Text + "-]")
		case annotation.DiffInsert:
			b.WriteString("{+" + p.Text + "+}")
		}
	}
	return b.String()
}

// checkPieces fails unless the pieces rebuild both texts, are not empty,
// and no two neighbours share a kind.
func checkPieces(t *testing.T, a, b string, pieces []annotation.DiffPiece) {
	t.Helper()
	var old, cur strings.Builder
	for i, p := range pieces {
		if p.Text == "" {
			t.Errorf("piece %d is empty", i)
		}
		if i > 0 && pieces[i-1].Kind == p.Kind {
			t.Errorf("pieces %d and %d are both %s", i-1, i, p.Kind)
		}
		if i > 0 && pieces[i-1].Kind == annotation.DiffInsert && p.Kind == annotation.DiffDelete {
			t.Errorf("piece %d is a deletion right after an insertion", i)
		}
		if p.Kind != annotation.DiffInsert {
			old.WriteString(p.Text)
		}
		if p.Kind != annotation.DiffDelete {
			cur.WriteString(p.Text)
		}
	}
	if old.String() != a {
		t.Errorf("equal and deleted pieces give %q, want %q", old.String(), a)
	}
	if cur.String() != b {
		t.Errorf("equal and inserted pieces give %q, want %q", cur.String(), b)
	}
}

func TestWordDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"identical", "The spokesman said so.", "The spokesman said so.", "The spokesman said so."},
		{"both empty", "", "", ""},
		{"from nothing", "", "New text.", "{+New text.+}"},
		{"to nothing", "Old text.", "", "[-Old text.-]"},
		{"one word replaced whole", "The spokesman said so.", "The minister said so.", "The [-spokesman-]{+minister+} said so."},
		{"a word inserted", "Huawei condemned it.", "Huawei strongly condemned it.", "Huawei {+strongly +}condemned it."},
		{"a word deleted", "Huawei strongly condemned it.", "Huawei condemned it.", "Huawei [-strongly -]condemned it."},
		{"a typo fixed shows the word", "He recieved it.", "He received it.", "He [-recieved-]{+received+} it."},
		{"punctuation", "Yes, he said.", "Yes; he said!", "Yes[-,-]{+;+} he said[-.-]{+!+}"},
		{"a paragraph deleted", "One.\n\nTwo two.\n\nThree.", "One.\n\nThree.", "One.\n\n[-Two two.\n\n-]Three."},
		{"a paragraph inserted", "One.\n\nThree.", "One.\n\nTwo.\n\nThree.", "One.\n\n{+Two.\n\n+}Three."},
		{"unicode words", "Beijing 北京 said 😀 hi", "Beijing 上海 said 😀 hello", "Beijing [-北京-]{+上海+} said 😀 [-hi-]{+hello+}"},
		{"edits in two paragraphs", "Alpha beta.\n\nGamma delta.", "Alpha BETA.\n\nGamma delta epsilon.",
			"Alpha [-beta-]{+BETA+}.\n\nGamma delta{+ epsilon+}."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := annotation.WordDiff(tt.a, tt.b)
			checkPieces(t, tt.a, tt.b, got)
			if r := render(got); r != tt.want {
				t.Errorf("WordDiff = %s\nwant       %s", r, tt.want)
			}
		})
	}
}

// TestWordDiffRandomEdits checks on random edits of the sample article
// that the pieces always rebuild both texts.
func TestWordDiffRandomEdits(t *testing.T) {
	raw := readArticle(t, sampleArticle)
	base := annotation.Parse(raw).Text
	words := strings.Fields(base)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 50 {
		r := []rune(base)
		for range 1 + rng.IntN(6) {
			at := rng.IntN(len(r))
			cut := min(len(r), at+rng.IntN(80))
			ins := []rune(strings.Join([]string{words[rng.IntN(len(words))], words[rng.IntN(len(words))]}, " "))
			if rng.IntN(3) == 0 {
				ins = nil
			}
			r = append(r[:at], append(ins, r[cut:]...)...)
		}
		got := annotation.WordDiff(base, string(r))
		checkPieces(t, base, string(r), got)
		if t.Failed() {
			t.Fatalf("case %d failed", i)
		}
	}
}
