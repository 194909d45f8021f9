package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"galley/annotation"
)

// Tags returns the tag registry, most used first, then by name.
func (db *DB) Tags() ([]annotation.Tag, error) {
	list := []annotation.Tag{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketTags).ForEach(func(k, v []byte) error {
			var t annotation.Tag
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			list = append(list, t)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: tags: %w", err)
	}
	slices.SortFunc(list, func(a, b annotation.Tag) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(annotation.TagKey(a.Name), annotation.TagKey(b.Name))
	})
	return list, nil
}

// Tag returns the registry entry of a tag name, ignoring case.
func (db *DB) Tag(name string) (annotation.Tag, error) {
	var t annotation.Tag
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketTags), tagKey(name), &t)
	})
	if err != nil {
		return annotation.Tag{}, fmt.Errorf("store: tag %q: %w", name, err)
	}
	return t, nil
}

// SetTagColor changes a tag's color, a palette name.
func (db *DB) SetTagColor(name, color string) (annotation.Tag, error) {
	var t annotation.Tag
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		if !annotation.ValidColor(color) {
			return &annotation.InvalidError{Message: fmt.Sprintf("color %q is not one of %s", color, strings.Join(annotation.Palette, ", "))}
		}
		if err := getJSON(tx.Bucket(bucketTags), tagKey(name), &t); err != nil {
			return err
		}
		t.Color = color
		return putJSON(tx.Bucket(bucketTags), tagKey(t.Name), t)
	})
	if err != nil {
		return annotation.Tag{}, fmt.Errorf("store: set color of tag %q: %w", name, err)
	}
	return t, nil
}

// RenameTag renames the tag from to to (a normalized name) on every
// annotation that carries it, in one transaction, bumping each one's
// version and logging tag.renamed once per document touched. A rename that
// only changes case respells the tag. When to names another existing tag,
// the two merge if merge is true (the annotations carrying both keep one),
// and the rename is an ErrConflict otherwise. The renamed tag keeps its
// color; a merged one takes the color of the tag merged into. It returns
// the resulting registry entry.
func (db *DB) RenameTag(from, to string, merge bool, actor annotation.Author, at time.Time) (annotation.Tag, error) {
	var result annotation.Tag
	var docs []string
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		docs = nil
		tags := tx.Bucket(bucketTags)
		var src annotation.Tag
		if err := getJSON(tags, tagKey(from), &src); err != nil {
			return err
		}
		var dst annotation.Tag
		sameKey := annotation.TagKey(from) == annotation.TagKey(to)
		merged := false
		switch err := getJSON(tags, tagKey(to), &dst); {
		case err == nil && !sameKey:
			if !merge {
				return fmt.Errorf("%w: the tag %q exists already; merge the two instead", ErrConflict, dst.Name)
			}
			merged = true
		case err == nil || errors.Is(err, ErrNotFound):
			// A new name, or a new spelling: the tag keeps its color and
			// its count moves over annotation by annotation.
			dst = annotation.Tag{Name: to, Color: src.Color, Created: src.Created}
			if sameKey {
				dst.Count = src.Count
			}
			if err := putJSON(tags, tagKey(to), dst); err != nil {
				return err
			}
		default:
			return err
		}
		// Collect first: putAnnotation rewrites the index being read.
		var ids []string
		prefix := valuePrefix(annotation.TagKey(src.Name))
		c := tx.Bucket(bucketTagAnns).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		touched := map[string]bool{}
		for _, id := range ids {
			var a annotation.Annotation
			if err := getJSON(tx.Bucket(bucketAnnotations), []byte(id), &a); err != nil {
				return fmt.Errorf("tag_annotations entry for %s: %w", id, err)
			}
			next, changed := annotation.RenameTag(a.Tags, src.Name, dst.Name)
			if !changed {
				continue
			}
			a.Tags = next
			a.Version++
			a.Modified = at.UTC()
			if err := putAnnotation(tx, &a); err != nil {
				return err
			}
			if !touched[a.Document] {
				touched[a.Document] = true
				docs = append(docs, a.Document)
			}
		}
		if !sameKey {
			if err := tags.Delete(tagKey(src.Name)); err != nil {
				return err
			}
		}
		slices.Sort(docs)
		for _, doc := range docs {
			ev := &annotation.Event{Type: annotation.EventTagRenamed, Document: doc, Actor: actor, Time: at.UTC(),
				From: src.Name, To: dst.Name, Merged: merged}
			if err := appendEvent(tx, ev); err != nil {
				return err
			}
		}
		return getJSON(tags, tagKey(to), &result)
	})
	if err != nil {
		return annotation.Tag{}, fmt.Errorf("store: rename tag %q to %q: %w", from, to, err)
	}
	db.hub.notify(docs...)
	return result, nil
}

// retag moves annotation id from the tags old to the tags new: it updates
// tag_annotations and the registry's counts, adds unknown tags to the
// registry with a color of their own (created at), and returns new spelled as the
// registry spells each tag.
func retag(tx *bbolt.Tx, id string, old, new []string, at time.Time) ([]string, error) {
	tags := tx.Bucket(bucketTags)
	index := tx.Bucket(bucketTagAnns)
	oldKeys := make(map[string]bool, len(old))
	for _, t := range old {
		oldKeys[annotation.TagKey(t)] = true
	}
	newKeys := make(map[string]bool, len(new))
	out := make([]string, 0, len(new))
	for _, name := range new {
		key := annotation.TagKey(name)
		newKeys[key] = true
		var t annotation.Tag
		switch err := getJSON(tags, []byte(key), &t); {
		case errors.Is(err, ErrNotFound):
			color, err := nextColor(tags)
			if err != nil {
				return nil, err
			}
			t = annotation.Tag{Name: name, Color: color, Created: at.UTC()}
		case err != nil:
			return nil, err
		}
		out = append(out, t.Name)
		if oldKeys[key] {
			continue
		}
		t.Count++
		if err := putJSON(tags, []byte(key), t); err != nil {
			return nil, err
		}
		if err := index.Put(valueKey(key, id), []byte{}); err != nil {
			return nil, err
		}
	}
	for key := range oldKeys {
		if newKeys[key] {
			continue
		}
		var t annotation.Tag
		if err := getJSON(tags, []byte(key), &t); err != nil {
			return nil, fmt.Errorf("tag %q of annotation %s: %w", key, id, err)
		}
		t.Count = max(0, t.Count-1)
		if err := putJSON(tags, []byte(key), t); err != nil {
			return nil, err
		}
		if err := index.Delete(valueKey(key, id)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nextColor picks the color of a new tag from the registry's current use.
func nextColor(tags *bbolt.Bucket) (string, error) {
	used := map[string]int{}
	err := tags.ForEach(func(k, v []byte) error {
		var t struct {
			Color string `json:"color"`
		}
		if err := decodeJSON(k, v, &t); err != nil {
			return err
		}
		used[t.Color]++
		return nil
	})
	return annotation.NextColor(used), err
}
