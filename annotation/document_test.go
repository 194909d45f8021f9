package annotation_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"galley/annotation"
)

func TestNewDocument(t *testing.T) {
	sample := readArticle(t, sampleArticle)
	longHeading := strings.Repeat("long heading ", 30) // 390 code points
	tests := []struct {
		name      string
		raw       string
		title     string
		wantTitle string
		wantErr   bool
	}{
		{name: "title from the headline", raw: sample, wantTitle: "Beijing slams spying on Huawei"},
		{name: "explicit title wins", raw: sample, title: "Huawei spying row", wantTitle: "Huawei spying row"},
		{name: "explicit title normalized", raw: sample, title: "  Huawei spying row \r\n", wantTitle: "  Huawei spying row"},
		{name: "blank title ignored", raw: sample, title: " \r\n\t", wantTitle: "Beijing slams spying on Huawei"},
		{name: "title from the first line", raw: "A plain note\nwith two lines.", wantTitle: "A plain note"},
		{name: "unicode article", raw: readArticle(t, unicodeArticle), wantTitle: "Cafe\u0301 culture \U0001F389 blooms in \u5317\u4eac"},
		{
			name:      "long heading shortened, not refused",
			raw:       "# " + longHeading + "\n\nBody.",
			wantTitle: annotation.TitleFrom(longHeading),
		},
		{name: "empty text", raw: "", wantErr: true},
		{name: "blank text", raw: " \r\n\r\n\t\uFEFF", wantErr: true},
		{name: "invalid UTF-8", raw: "Headline\n\nBody \xff\xfe.", wantErr: true},
		{name: "explicit title too long", raw: sample, title: strings.Repeat("\u5317", annotation.MaxTitleLength+1), wantErr: true},
		{name: "text too long", raw: strings.Repeat("0123456789abcde\n", annotation.MaxTextLength/16+1), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := annotation.NewDocument(tt.raw, tt.title)
			if tt.wantErr {
				if !errors.Is(err, annotation.ErrInvalid) {
					t.Fatalf("NewDocument error = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewDocument: %v", err)
			}
			if doc.Title != tt.wantTitle {
				t.Errorf("Title = %q, want %q", doc.Title, tt.wantTitle)
			}
			if n := utf8.RuneCountInString(doc.Title); n > annotation.MaxTitleLength {
				t.Errorf("Title has %d code points", n)
			}
			art := annotation.Parse(tt.raw)
			if doc.Text != art.Text || !slices.Equal(doc.Blocks, art.Blocks) ||
				doc.Byline != art.Byline || doc.Dateline != art.Dateline {
				t.Errorf("document text, blocks or metadata differ from Parse")
			}
			if doc.Status != annotation.StatusDraft || doc.Revision != 1 {
				t.Errorf("Status, Revision = %q, %d; want draft, 1", doc.Status, doc.Revision)
			}
		})
	}
}

func TestNewDocumentSample(t *testing.T) {
	doc, err := annotation.NewDocument(readArticle(t, sampleArticle), "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Byline != "By Chen Weihua and Cai Chunying in Washington and Zhang Yuwei in New York" ||
		doc.Dateline != "Tuesday, March 25, 2014, 09:47" {
		t.Errorf("Byline, Dateline = %q, %q", doc.Byline, doc.Dateline)
	}
	checkBlocks(t, annotation.Article{Text: doc.Text, Blocks: doc.Blocks})
}

func TestParseDocStatus(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{in: "draft"},
		{in: "in_review"},
		{in: "changes_requested"},
		{in: "approved"},
		{in: "", wantErr: true},
		{in: "published", wantErr: true},
		{in: "Approved", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := annotation.ParseDocStatus(tt.in)
			if tt.wantErr {
				if !errors.Is(err, annotation.ErrInvalid) {
					t.Errorf("ParseDocStatus(%q) error = %v, want ErrInvalid", tt.in, err)
				}
				return
			}
			if err != nil || string(got) != tt.in {
				t.Errorf("ParseDocStatus(%q) = %q, %v", tt.in, got, err)
			}
		})
	}
}
