package w3ctest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"galley/internal/w3ctest"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	suiteDir = filepath.Join("..", "..", "testdata", "w3c-annotation")
	casesDir = filepath.Join("..", "..", "testdata", "w3c-cases")
)

func jsonFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no JSON files in %s (%v)", dir, err)
	}
	return files
}

func checkFile(t *testing.T, s *w3ctest.Suite, file string) *w3ctest.Report {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return s.Check(filepath.Base(file), data)
}

// failed maps the pointer of each failed object to the assertions it broke
// (or its problem).
func failed(rep *w3ctest.Report) map[string][]string {
	out := map[string][]string{}
	for _, r := range rep.Results {
		switch {
		case r.Problem != "":
			out[r.Pointer] = []string{"problem: " + r.Problem}
		case r.Failed():
			out[r.Pointer] = r.FailedAssertions()
		}
	}
	return out
}

// TestSuiteLoads checks the counts of the upstream MUST manifests at the
// recorded commit, so a partial copy of the suite cannot go unnoticed.
func TestSuiteLoads(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	if len(s.Annotation) != 54 || len(s.Collection) != 10 || len(s.Page) != 15 {
		t.Fatalf("%d annotation, %d collection, %d page assertions; want 54, 10, 15", len(s.Annotation), len(s.Collection), len(s.Page))
	}
	if _, err := w3ctest.Load("no-such-suite"); err == nil {
		t.Fatal("Load of a missing folder succeeded")
	}
}

// TestW3CCorrectSamples: the W3C's correct samples pass, except three that
// use Composite, List and Independents, which the Recommendation moved to a
// non-normative appendix (the schemas follow it). collection1.json embeds
// the same three at items 10 to 12.
func TestW3CCorrectSamples(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	knownMismatch := map[string]map[string]bool{
		"anno11.json":      {"": true},
		"anno12.json":      {"": true},
		"anno13.json":      {"": true},
		"collection1.json": {"/first/items/10": true, "/first/items/11": true, "/first/items/12": true},
	}
	checked, mismatches := 0, 0
	for _, f := range jsonFiles(t, filepath.Join(suiteDir, "samples", "correct")) {
		rep := checkFile(t, s, f)
		checked += len(rep.Results)
		for ptr, fails := range failed(rep) {
			if knownMismatch[filepath.Base(f)][ptr] {
				mismatches++
				if !slices.Equal(fails, []string{"3.2-targetObjectsRecognized"}) {
					t.Errorf("%s#%s: want only 3.2-targetObjectsRecognized, got %v", f, ptr, fails)
				}
				continue
			}
			t.Errorf("%s#%s: a correct sample failed: %v", f, ptr, fails)
		}
	}
	if checked != 91 || mismatches != 6 {
		t.Errorf("%d objects checked in the correct samples, %d failed; want 91 and the 6 known mismatches", checked, mismatches)
	}
}

// TestW3CIncorrectSamples: every incorrect sample fails. Most also carry an
// accidental defect (a trailing comma, or an id with two values), so each is
// repaired too, and the defect it was written for must still be caught,
// except in five whose defect no MUST assertion covers.
func TestW3CIncorrectSamples(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	notCaughtByMust := map[string]bool{
		"anno14.json": true, // bad format value (SHOULD be a media type)
		"anno15.json": true, // bad language value (SHOULD be BCP 47)
		"anno23.json": true, // two processingLanguage values
		"anno26.json": true, // creator is a number
		"anno27.json": true, // generator is a number
	}
	trailingComma := regexp.MustCompile(`,(\s*[}\]])`)
	files := jsonFiles(t, filepath.Join(suiteDir, "samples", "incorrect"))
	if len(files) != 39 {
		t.Errorf("%d incorrect samples, want 39", len(files))
	}
	caughtAfterRepair := 0
	for _, f := range files {
		base := filepath.Base(f)
		if rep := checkFile(t, s, f); rep.Failed() == 0 {
			t.Errorf("%s: an incorrect sample passed:\n%s", f, rep)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw = trailingComma.ReplaceAll(raw, []byte("$1"))
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
		if err != nil {
			continue // anno1.json is not JSON on purpose
		}
		if obj, ok := doc.(map[string]any); ok && base != "anno7.json" { // anno7 is about the two ids
			if ids, ok := obj["id"].([]any); ok && len(ids) == 2 {
				obj["id"] = ids[0]
			}
		}
		fixed, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		rep := s.Check(base+" (repaired)", fixed)
		caught := rep.Failed() > 0
		if caught == notCaughtByMust[base] {
			t.Errorf("%s: after repair caught=%v, want %v:\n%s", f, caught, !notCaughtByMust[base], rep)
		}
		if caught {
			caughtAfterRepair++
		}
	}
	if caughtAfterRepair != 33 {
		t.Errorf("%d repaired samples caught, want 33", caughtAfterRepair)
	}
}

// TestValidCases: our examples and valid cases pass, every object of them.
func TestValidCases(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	want := map[string]int{ // objects checked: annotations, collections, pages
		"examples/collection.json": 4, "examples/comment.json": 1, "examples/edit-suggestion.json": 1,
		"examples/highlight.json": 1, "examples/reply.json": 1, "examples/tags.json": 1,
		"valid/array.json": 2, "valid/comment-commenting.json": 1, "valid/page.json": 2,
		"valid/reply-replying.json": 1, "valid/tags-tagging.json": 1, "valid/text-selectors.json": 1,
	}
	files := append(jsonFiles(t, filepath.Join(casesDir, "examples")), jsonFiles(t, filepath.Join(casesDir, "valid"))...)
	if len(files) != len(want) {
		t.Errorf("%d valid files, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		rel := filepath.ToSlash(strings.TrimPrefix(f, casesDir+string(filepath.Separator)))
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Check(rel, data).Expect(want[rel]); err != nil {
			t.Error(err)
		}
	}
}

// TestInvalidCases: each of our invalid cases fails, at the object and for
// the reasons it was written for, and nothing else in it fails.
func TestInvalidCases(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	// file -> pointer of the failing object -> assertions among its failures
	want := map[string]map[string][]string{
		"body-and-bodyvalue.json":         {"": {"3.2.5-notBodyBodyValue"}},
		"broken-comment.json":             {"": {"3.1-annotationContextValidated", "3.3.1-annotationCreatedValidated", "4.2.4-textQuoteSelectorValid"}},
		"collection-bad-item.json":        {"/first/items/1": {"3.1-targetKeyFound"}},
		"collection-bad-total.json":       {"": {"5.1-collectionTotalValidated"}},
		"no-target.json":                  {"": {"3.1-targetKeyFound"}},
		"position-selector-negative.json": {"": {"4.2-TextDataPositionSelectorValid"}},
		"reply-target-not-iri.json":       {"": {"3.2-targetObjectsRecognized"}},
		"textualbody-two-values.json":     {"": {"3.2-bodyObjectsRecognized"}},
		"wrong-type.json":                 {"": {"3.1-annotationTypeValidated"}},
	}
	files := jsonFiles(t, filepath.Join(casesDir, "invalid"))
	if len(files) != len(want) {
		t.Errorf("%d invalid files, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		exp, ok := want[filepath.Base(f)]
		if !ok {
			t.Errorf("%s: no expectation recorded", f)
			continue
		}
		rep := checkFile(t, s, f)
		got := failed(rep)
		if len(got) != len(exp) {
			t.Errorf("%s: failed objects %v, want failures at %v", f, got, exp)
		}
		for ptr, names := range exp {
			for _, n := range names {
				if !slices.Contains(got[ptr], n) {
					t.Errorf("%s#%s: want %s among %v", f, ptr, n, got[ptr])
				}
			}
		}
		if err := rep.Expect(rep.Passed()); err == nil {
			t.Errorf("%s: Expect accepted a report with failures", f)
		}
	}
}

// TestReport checks what a failing test prints: one FAIL line per failed
// object with its place and every broken assertion, then the counts.
func TestReport(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	data, err := os.ReadFile(filepath.Join(casesDir, "invalid", "collection-bad-item.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep := s.CheckAll(
		w3ctest.Doc{Name: "coll.json", Data: data},
		w3ctest.Doc{Name: "broken.json", Data: []byte(`{"type":`)},
		w3ctest.Doc{Name: "empty.json", Data: []byte(`[]`)},
	)
	text := rep.String()
	for _, want := range []string{
		`FAIL coll.json#/first/items/1 annotation id="https://review.example.org/annotations/t-coll-bad": [3.1-targetKeyFound] `,
		"FAIL broken.json document: not valid JSON: ",
		"FAIL empty.json document: an empty array: no annotation to check",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if !strings.HasSuffix(text, "\n3 passed, 3 failed") || rep.Passed() != 3 || rep.Failed() != 3 {
		t.Errorf("counts: %d passed, %d failed; report:\n%s", rep.Passed(), rep.Failed(), text)
	}
	err = rep.Expect(3)
	if err == nil || !strings.Contains(err.Error(), "3 passed, 3 failed; want 3 passed, 0 failed") {
		t.Errorf("Expect(3) = %v", err)
	}
	// A passing report with the wrong count fails too: a test that meant
	// to check eight objects and found four must not pass.
	ok := s.Check("one.json", mustRead(t, filepath.Join(casesDir, "examples", "comment.json")))
	if ok.Expect(1) != nil || ok.Expect(2) == nil {
		t.Errorf("Expect on one passing object: %v, %v", ok.Expect(1), ok.Expect(2))
	}
}

// TestIRIFormat checks the one format rule of our own: absolute IRIs, no
// white space.
func TestIRIFormat(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	for _, tt := range []struct {
		id   string
		pass bool
	}{
		{"https://galley.example.org/annotations/01H", true},
		{"https://galley.example.org/annotations/über", true},
		{"urn:uuid:6d7c2ba2-4d67-4f3a-9d3e-0c1f2a3b4c5d", true},
		{"https://galley.example.org/annotations/a b", false},
		{"annotations/01H", false},
	} {
		doc := `{"@context":"http://www.w3.org/ns/anno.jsonld","type":"Annotation","id":` + quote(tt.id) + `,"target":"https://x.example/doc"}`
		rep := s.Check("iri.json", []byte(doc))
		if (rep.Failed() == 0) != tt.pass {
			t.Errorf("id %q: pass=%v, want %v:\n%s", tt.id, rep.Failed() == 0, tt.pass, rep)
		}
	}
}

// TestPartOfAsIRI: a page whose partOf is the Collection's IRI passes (the
// model allows it; seven page assertions would wrongly reject it), while a
// described partOf is still checked.
func TestPartOfAsIRI(t *testing.T) {
	s := w3ctest.MustLoad(t, suiteDir)
	const ctx = `"@context":"http://www.w3.org/ns/anno.jsonld"`
	page := `{` + ctx + `,"id":"https://x.example/c/?page=1","type":"AnnotationPage","partOf":"https://x.example/c/","startIndex":0,"items":[]}`
	if err := s.Check("page.json", []byte(page)).Expect(1); err != nil {
		t.Error(err)
	}
	bad := `{` + ctx + `,"id":"https://x.example/c/?page=1","type":"AnnotationPage","partOf":{"id":"https://x.example/c/","total":"many"},"startIndex":0,"items":[]}`
	if got := failed(s.Check("page.json", []byte(bad))); !slices.Contains(got[""], "5.2-pageTotalValidated") {
		t.Errorf("a described partOf with a bad total: failures %v", got)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
