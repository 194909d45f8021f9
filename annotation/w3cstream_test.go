package annotation

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// decodeWhole is the reading ScanW3C streams: the whole input decoded into
// one value first, then walked. It is the oracle of the streaming tests.
func decodeWhole(data []byte) ([]W3CItem, []ItemError) {
	var items []W3CItem
	var errs []ItemError
	d := &w3cDecoder{
		emit:   func(it W3CItem) { items = append(items, it) },
		report: func(e ItemError) { errs = append(errs, e) },
	}
	var root any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, []ItemError{{Index: -1, Message: "the file is not JSON: " + err.Error()}}
	}
	// Anything after the value, even a stray "}" or "]" (which
	// Decoder.More would not see), is refused.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, []ItemError{{Index: -1, Message: "the file holds more than one JSON value"}}
	}
	d.root(root)
	return items, errs
}

// fatal reports whether errs is the one error of an input that is not
// one JSON value.
func fatal(errs []ItemError) bool {
	return len(errs) == 1 && errs[0].Index == -1 && (strings.HasPrefix(errs[0].Message, "the file is not JSON") ||
		errs[0].Message == "the file holds more than one JSON value")
}

// sortedErrors orders errors by index and message: a collection's total is
// judged where it stands in the input, so the order of the document's
// errors may differ from the oracle's.
func sortedErrors(errs []ItemError) []ItemError {
	out := slices.Clone(errs)
	slices.SortStableFunc(out, func(a, b ItemError) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), strings.Compare(a.Message, b.Message))
	})
	return out
}

// checkScanMatchesWhole fails unless ScanW3C, reading data in pieces of
// every size, finds what decodeWhole finds.
func checkScanMatchesWhole(t *testing.T, name string, data []byte) {
	t.Helper()
	wantItems, wantErrs := decodeWhole(data)
	for _, pieces := range []string{"whole", "one byte at a time"} {
		var r io.Reader = bytes.NewReader(data)
		if pieces != "whole" {
			r = iotest.OneByteReader(r)
		}
		var items []W3CItem
		var errs []ItemError
		err := ScanW3C(r, func(it W3CItem) error { items = append(items, it); return nil }, func(e ItemError) { errs = append(errs, e) })
		if err != nil {
			items, errs = nil, []ItemError{{Index: -1, Message: err.Error()}}
		}
		if fatal(wantErrs) || fatal(errs) {
			// Both must refuse the input; the words may differ.
			if !fatal(wantErrs) || !fatal(errs) {
				t.Errorf("%s (%s): scan says %+v, whole says %+v", name, pieces, errs, wantErrs)
			}
			continue
		}
		if !reflect.DeepEqual(items, wantItems) {
			t.Errorf("%s (%s): items differ:\nscan  %+v\nwhole %+v", name, pieces, items, wantItems)
		}
		if got, want := sortedErrors(errs), sortedErrors(wantErrs); !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s): errors differ:\nscan  %+v\nwhole %+v", name, pieces, got, want)
		}
	}
}

// streamCases are inputs that exercise the streaming paths: members in
// every order, pages nested and given by IRI, wrong kinds where pages and
// items belong.
var streamCases = map[string]string{
	"array":                   `[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}, 3, "https://x.example/a"]`,
	"empty array":             `[]`,
	"annotation":              `{"type":"Annotation","bodyValue":"x","target":{"selector":{"type":"TextPositionSelector","start":1,"end":2}}}`,
	"annotation with items":   `{"items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}],"target":{"selector":{"type":"TextQuoteSelector","exact":"b"}}}`,
	"page":                    `{"type":"AnnotationPage","items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}]}`,
	"page, type last":         `{"items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}],"next":{"items":[{"bodyValue":1}]},"type":"AnnotationPage"}`,
	"page, next before items": `{"type":"AnnotationPage","next":{"items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"second"}}}]},"items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"first"}}}]}`,
	"page, next only":         `{"type":"AnnotationPage","next":{"type":"AnnotationPage","items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}]}}`,
	"page, next before type":  `{"next":{"items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"b"}}}]},"type":"AnnotationPage","items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}]}`,
	"page, items an object":   `{"type":"AnnotationPage","items":{"a":[1,2]},"next":[1]}`,
	"page, items a string":    `{"type":"AnnotationPage","items":"x","next":"https://x.example/p2"}`,
	"page, nested next kinds": `{"type":"AnnotationPage","items":[],"next":{"items":[],"next":{"items":null,"next":5}}}`,
	"collection":              `{"type":"AnnotationCollection","total":2,"first":{"type":"AnnotationPage","items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}],"next":{"items":[{"motivation":"replying","target":"https://x.example/a/1"}]}}}`,
	"collection, total last":  `{"type":"AnnotationCollection","first":{"items":[{"target":5},{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}]},"total":"two"}`,
	"collection, type last":   `{"total":1,"first":{"items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}]},"type":["AnnotationCollection"]}`,
	"collection, wrong total": `{"type":"AnnotationCollection","total":3,"first":{"items":[]}}`,
	"collection, first IRI":   `{"type":"AnnotationCollection","total":3,"first":"https://x.example/p1"}`,
	"collection, first array": `{"type":"AnnotationCollection","first":[{"items":[]}]}`,
	"collection, no first":    `{"type":"AnnotationCollection","total":0,"label":{"deep":[[[1]]]}}`,
	"collection, first null":  `{"type":"oa:AnnotationCollection","first":null,"total":0}`,
	"collection, extra keys":  `{"@context":"http://www.w3.org/ns/anno.jsonld","id":"https://x.example/c","type":"AnnotationCollection","label":"L","total":1,"first":{"id":"p","type":"AnnotationPage","partOf":{"id":"c","total":1},"startIndex":0,"items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}]},"last":"p"}`,
	"scalar":                  `"hello"`,
	"null":                    `null`,
	"not JSON":                `{"type":`,
	"two values":              `{} {}`,
	"syntax error late":       `{"type":"AnnotationPage","items":[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}}, {"x":}]}`,
	"truncated":               `[{"target":{"selector":{"type":"TextQuoteSelector","exact":"a"}}},`,
	"white space":             " \n\t[ {\"target\" : {\"selector\" : {\"type\" : \"TextQuoteSelector\" , \"exact\" : \"a\"}}} ] \n",
}

func TestScanW3CMatchesWholeDecode(t *testing.T) {
	for name, in := range streamCases {
		checkScanMatchesWhole(t, name, []byte(in))
	}
	// The conformance kit's files, and the fuzz seeds of DecodeW3C.
	var files []string
	for _, dir := range []string{"examples", "testdata/valid", "testdata/invalid"} {
		found, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", dir, "*.json"))
		files = append(files, found...)
	}
	files = append(files, filepath.Join("..", "testdata", "hypothesis-annotation.json"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		checkScanMatchesWhole(t, file, data)
	}
}

// TestScanW3CLongChain reads a collection of many embedded pages, each
// inside the one before, and a large array.
func TestScanW3CLongChain(t *testing.T) {
	var b strings.Builder
	const pages = 400
	b.WriteString(`{"type":"AnnotationCollection","total":` + fmt.Sprint(pages) + `,"first":`)
	for i := range pages {
		fmt.Fprintf(&b, `{"type":"AnnotationPage","items":[{"id":"urn:x:%d","target":{"selector":{"type":"TextPositionSelector","start":%d,"end":%d}}}],"next":`, i, i, i+1)
	}
	b.WriteString("null")
	b.WriteString(strings.Repeat("}", pages+1))
	checkScanMatchesWhole(t, "chain", []byte(b.String()))
	items, errs := DecodeW3C([]byte(b.String()))
	if len(items) != pages || len(errs) != 0 || items[pages-1].ID != fmt.Sprintf("urn:x:%d", pages-1) {
		t.Fatalf("%d items, errors %v", len(items), errs)
	}
}

// FuzzScanW3C checks that the streaming reader finds what reading the
// whole input finds, whatever the input, read whole or byte by byte.
func FuzzScanW3C(f *testing.F) {
	for _, in := range streamCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScanMatchesWhole(t, "input", data)
	})
}
