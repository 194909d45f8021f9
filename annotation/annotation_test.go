package annotation_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"galley/annotation"
)

func TestNew(t *testing.T) {
	const doc = "Huawei Technologies condemned the alleged infiltration, \u5317\u4eac said. \U0001F389"
	text := annotation.NewText(doc)
	start, end := spanOf(t, doc, "condemned")
	cjkStart, cjkEnd := spanOf(t, doc, "\u5317\u4eac")
	draft := func(change func(*annotation.Draft)) annotation.Draft {
		d := annotation.Draft{Start: start, End: end, Exact: "condemned"}
		if change != nil {
			change(&d)
		}
		return d
	}
	manyTags := func(n int) []string {
		tags := make([]string, n)
		for i := range tags {
			tags[i] = fmt.Sprintf("tag %d", i)
		}
		return tags
	}
	tests := []struct {
		name           string
		draft          annotation.Draft
		wantErr        error
		wantMotivation annotation.Motivation
		wantTags       []string
	}{
		{
			name:           "comment",
			draft:          draft(func(d *annotation.Draft) { d.Comment = "Source?" }),
			wantMotivation: annotation.Commenting,
			wantTags:       []string{},
		},
		{
			name:           "highlight: no comment",
			draft:          draft(nil),
			wantMotivation: annotation.Highlighting,
			wantTags:       []string{},
		},
		{
			name:           "highlight: blank comment",
			draft:          draft(func(d *annotation.Draft) { d.Comment = " \n\t" }),
			wantMotivation: annotation.Highlighting,
			wantTags:       []string{},
		},
		{
			name:           "explicit motivation wins",
			draft:          draft(func(d *annotation.Draft) { d.Comment = "note"; d.Motivation = "highlighting" }),
			wantMotivation: annotation.Highlighting,
			wantTags:       []string{},
		},
		{
			name: "non-ASCII quote",
			draft: draft(func(d *annotation.Draft) {
				d.Start, d.End, d.Exact, d.Comment = cjkStart, cjkEnd, "\u5317\u4eac", "\u8bf7\u6838\u5b9e \U0001F389"
			}),
			wantMotivation: annotation.Commenting,
			wantTags:       []string{},
		},
		{
			name: "tags normalized",
			draft: draft(func(d *annotation.Draft) {
				d.Tags = []string{"  Fact   check ", "fact CHECK", "Sources", "sources", "", "   ", "line\nbreak", "\u5317\u4eac"}
			}),
			wantMotivation: annotation.Highlighting,
			wantTags:       []string{"Fact check", "Sources", "line break", "\u5317\u4eac"},
		},
		{
			name:           "tagging with tags",
			draft:          draft(func(d *annotation.Draft) { d.Motivation = "tagging"; d.Tags = []string{"legal"} }),
			wantMotivation: annotation.Tagging,
			wantTags:       []string{"legal"},
		},
		{
			name:           "suggestion",
			draft:          draft(func(d *annotation.Draft) { d.Motivation = "editing"; d.Replacement = "denounced" }),
			wantMotivation: annotation.Editing,
			wantTags:       []string{},
		},
		{
			name:           "suggestion to delete",
			draft:          draft(func(d *annotation.Draft) { d.Motivation = "editing" }),
			wantMotivation: annotation.Editing,
			wantTags:       []string{},
		},
		{
			name:           "20 tags",
			draft:          draft(func(d *annotation.Draft) { d.Tags = manyTags(20) }),
			wantMotivation: annotation.Highlighting,
			wantTags:       manyTags(20),
		},
		{
			name:           "21 tags, one a duplicate",
			draft:          draft(func(d *annotation.Draft) { d.Tags = append(manyTags(20), "TAG 3") }),
			wantMotivation: annotation.Highlighting,
			wantTags:       manyTags(20),
		},
		{
			name:           "longest tag, counted in code points",
			draft:          draft(func(d *annotation.Draft) { d.Tags = []string{strings.Repeat("\u5317", annotation.MaxTagLength)} }),
			wantMotivation: annotation.Highlighting,
			wantTags:       []string{strings.Repeat("\u5317", annotation.MaxTagLength)},
		},
		{
			name:           "longest comment, counted in code points",
			draft:          draft(func(d *annotation.Draft) { d.Comment = strings.Repeat("\U0001F389", annotation.MaxCommentLength) }),
			wantMotivation: annotation.Commenting,
			wantTags:       []string{},
		},
		{name: "missing exact", draft: draft(func(d *annotation.Draft) { d.Exact = "" }), wantErr: annotation.ErrInvalid},
		{name: "mismatching exact", draft: draft(func(d *annotation.Draft) { d.Exact = "condemns" }), wantErr: annotation.ErrQuoteMismatch},
		{name: "out of range", draft: draft(func(d *annotation.Draft) { d.End = text.Len() + 1 }), wantErr: annotation.ErrOutOfRange},
		{name: "inverted", draft: draft(func(d *annotation.Draft) { d.Start, d.End = end, start }), wantErr: annotation.ErrInverted},
		{name: "empty span", draft: draft(func(d *annotation.Draft) { d.End = d.Start }), wantErr: annotation.ErrEmptySpan},
		{name: "invalid motivation", draft: draft(func(d *annotation.Draft) { d.Motivation = "liking" }), wantErr: annotation.ErrInvalid},
		{
			name:    "replacement without editing",
			draft:   draft(func(d *annotation.Draft) { d.Comment = "x"; d.Replacement = "denounced" }),
			wantErr: annotation.ErrInvalid,
		},
		{
			name:    "replacement with default motivation",
			draft:   draft(func(d *annotation.Draft) { d.Replacement = "denounced" }),
			wantErr: annotation.ErrInvalid,
		},
		{
			name: "replacement too long",
			draft: draft(func(d *annotation.Draft) {
				d.Motivation = "editing"
				d.Replacement = strings.Repeat("x", annotation.MaxReplacementLength+1)
			}),
			wantErr: annotation.ErrInvalid,
		},
		{name: "tagging without tags", draft: draft(func(d *annotation.Draft) { d.Motivation = "tagging"; d.Tags = []string{" "} }), wantErr: annotation.ErrInvalid},
		{name: "tag with a comma", draft: draft(func(d *annotation.Draft) { d.Tags = []string{"a,b"} }), wantErr: annotation.ErrInvalid},
		{name: "tag with a control character", draft: draft(func(d *annotation.Draft) { d.Tags = []string{"a\x00b"} }), wantErr: annotation.ErrInvalid},
		{
			name:    "tag too long",
			draft:   draft(func(d *annotation.Draft) { d.Tags = []string{strings.Repeat("\u5317", annotation.MaxTagLength+1)} }),
			wantErr: annotation.ErrInvalid,
		},
		{name: "too many tags", draft: draft(func(d *annotation.Draft) { d.Tags = manyTags(annotation.MaxTags + 1) }), wantErr: annotation.ErrInvalid},
		{
			name:    "comment too long",
			draft:   draft(func(d *annotation.Draft) { d.Comment = strings.Repeat("\U0001F389", annotation.MaxCommentLength+1) }),
			wantErr: annotation.ErrInvalid,
		},
		{name: "comment not UTF-8", draft: draft(func(d *annotation.Draft) { d.Comment = "bad \xff" }), wantErr: annotation.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := annotation.New(text, "doc1", 3, tt.draft)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("New error = %v, want %v", err, tt.wantErr)
				}
				if err.Error() == "" {
					t.Errorf("error has no message")
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			sel, err := text.Select(tt.draft.Start, tt.draft.End, tt.draft.Exact)
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			want := annotation.Annotation{
				Document:    "doc1",
				Revision:    3,
				Start:       sel.Start,
				End:         sel.End,
				Exact:       sel.Exact,
				Prefix:      sel.Prefix,
				Suffix:      sel.Suffix,
				Motivation:  tt.wantMotivation,
				Comment:     tt.draft.Comment,
				Replacement: tt.draft.Replacement,
				Status:      annotation.StatusOpen,
				Anchor:      annotation.AnchorExact,
				Version:     1,
			}
			want.Tags = tt.wantTags
			if !reflect.DeepEqual(got, want) {
				t.Errorf("New =\n %+v\nwant\n %+v", got, want)
			}
			if got.Tags == nil {
				t.Errorf("Tags is nil, want an empty slice so that JSON has []")
			}
			if sp := got.Span(); sp != (annotation.Span{Start: sel.Start, End: sel.End}) {
				t.Errorf("Span() = %+v", sp)
			}
		})
	}
}

func TestInvalidError(t *testing.T) {
	_, err := annotation.NormalizeTags([]string{"a,b"})
	var inv *annotation.InvalidError
	if !errors.As(err, &inv) || inv.Message == "" || !errors.Is(err, annotation.ErrInvalid) {
		t.Fatalf("NormalizeTags error %v is not an InvalidError matching ErrInvalid", err)
	}
	if errors.Is(annotation.ErrQuoteMismatch, annotation.ErrInvalid) {
		t.Errorf("selector errors should stay distinct from ErrInvalid")
	}
}

func TestParseMotivation(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		comment string
		want    annotation.Motivation
		wantErr bool
	}{
		{name: "empty without comment", in: "", want: annotation.Highlighting},
		{name: "empty with comment", in: "", comment: "why?", want: annotation.Commenting},
		{name: "commenting", in: "commenting", want: annotation.Commenting},
		{name: "highlighting", in: "highlighting", comment: "x", want: annotation.Highlighting},
		{name: "tagging", in: "tagging", want: annotation.Tagging},
		{name: "editing", in: "editing", want: annotation.Editing},
		{name: "unknown", in: "bookmarking", wantErr: true},
		{name: "padded", in: " commenting", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := annotation.ParseMotivation(tt.in, tt.comment)
			if tt.wantErr {
				if !errors.Is(err, annotation.ErrInvalid) {
					t.Fatalf("ParseMotivation(%q) error = %v, want ErrInvalid", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseMotivation(%q, %q) = %q, %v; want %q", tt.in, tt.comment, got, err, tt.want)
			}
		})
	}
}

func TestLess(t *testing.T) {
	ann := func(id string, start, end int) annotation.Annotation {
		return annotation.Annotation{ID: id, Start: start, End: end}
	}
	tests := []struct {
		name string
		a, b annotation.Annotation
		want int // sign
	}{
		{name: "earlier start first", a: ann("b", 1, 2), b: ann("a", 5, 90), want: -1},
		{name: "later start after", a: ann("a", 5, 6), b: ann("b", 1, 90), want: 1},
		{name: "same start, longer first", a: ann("b", 3, 10), b: ann("a", 3, 5), want: -1},
		{name: "same start, shorter after", a: ann("a", 3, 5), b: ann("b", 3, 10), want: 1},
		{name: "same span, by id", a: ann("01A", 3, 5), b: ann("01B", 3, 5), want: -1},
		{name: "same span, by id reversed", a: ann("01B", 3, 5), b: ann("01A", 3, 5), want: 1},
		{name: "equal", a: ann("01A", 3, 5), b: ann("01A", 3, 5), want: 0},
	}
	sign := func(n int) int { return min(max(n, -1), 1) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sign(annotation.Less(tt.a, tt.b)); got != tt.want {
				t.Errorf("Less(%+v, %+v) has sign %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := sign(annotation.Less(tt.b, tt.a)); got != -tt.want {
				t.Errorf("Less is not antisymmetric: reversed sign %d", got)
			}
		})
	}

	list := []annotation.Annotation{
		ann("e", 40, 41), ann("c", 10, 12), ann("d", 10, 12), ann("b", 10, 30), ann("a", 0, 100), ann("f", 40, 45),
	}
	slices.SortFunc(list, annotation.Less)
	var order []string
	for _, a := range list {
		order = append(order, a.ID)
	}
	if want := []string{"a", "b", "c", "d", "f", "e"}; !slices.Equal(order, want) {
		t.Errorf("reading order = %v, want %v", order, want)
	}
}

func TestHasTag(t *testing.T) {
	a := annotation.Annotation{Tags: []string{"Fact check", "\u5317\u4eac"}}
	tests := []struct {
		tag  string
		want bool
	}{
		{"Fact check", true},
		{"fact CHECK", true},
		{"\u5317\u4eac", true},
		{"fact", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			if got := a.HasTag(tt.tag); got != tt.want {
				t.Errorf("HasTag(%q) = %v, want %v", tt.tag, got, tt.want)
			}
		})
	}
}
