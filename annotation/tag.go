package annotation

import (
	"slices"
	"strings"
	"time"
)

// Tag is an entry of the tag registry: the spelling shown everywhere, the
// highlight color of annotations whose first tag it is, and how many
// annotations carry it.
type Tag struct {
	Name    string    `json:"name"`
	Color   string    `json:"color"`
	Count   int       `json:"count"`
	Created time.Time `json:"created"`
}

// Palette is the set of tag colors: light highlight tones that keep black
// text readable. The names are what the API and the style sheet use.
var Palette = []string{"yellow", "green", "blue", "pink", "orange", "purple", "teal", "red", "lime", "gray"}

// NeutralColor is the highlight color of annotations without tags.
const NeutralColor = "neutral"

// ValidColor reports whether c is a palette color.
func ValidColor(c string) bool { return slices.Contains(Palette, c) }

// TagKey is the registry key of a tag name: tags are the same ignoring case.
func TagKey(name string) string { return strings.ToLower(name) }

// NextColor picks the color for a new tag: the palette color fewest tags
// use now, the earliest in the palette on a tie, so colors spread evenly.
// It never picks gray, which reads as resolved; people may choose it.
func NextColor(used map[string]int) string {
	best := Palette[0]
	for _, c := range Palette[1:] {
		if c != "gray" && used[c] < used[best] {
			best = c
		}
	}
	return best
}

// NormalizeTagName checks a single tag name, as NormalizeTags does for a
// list, and returns it trimmed.
func NormalizeTagName(name string) (string, error) {
	tags, err := NormalizeTags([]string{name})
	if err != nil {
		return "", err
	}
	if len(tags) == 0 {
		return "", invalid("a tag name may not be empty")
	}
	return tags[0], nil
}

// RenameTag replaces the tag from (ignoring case) by to in tags, keeping its
// place; when tags already carry to, from is dropped instead. It reports
// whether anything changed.
func RenameTag(tags []string, from, to string) ([]string, bool) {
	i := slices.IndexFunc(tags, func(t string) bool { return strings.EqualFold(t, from) })
	if i < 0 {
		return tags, false
	}
	out := slices.Clone(tags)
	j := slices.IndexFunc(out, func(t string) bool { return strings.EqualFold(t, to) })
	switch {
	case j == i:
		if out[i] == to {
			return tags, false
		}
		out[i] = to
	case j >= 0:
		out = slices.Delete(out, i, i+1)
	default:
		out[i] = to
	}
	return out, true
}
