// Package w3ctest checks Web Annotation JSON-LD against the MUST assertions
// of the W3C Web Annotation test suite, kept unmodified in the repository's
// testdata/w3c-annotation. It is for tests only.
//
// The suite's assertions are draft-04 JSON Schemas that name themselves and
// each other by bare file names ("annotations.json",
// "id.json#/definitions/stringUri"). The W3C harness resolved them all in one
// flat namespace; so does this package, by registering every definitions file
// and every assertion under one made-up base URL that is never fetched.
//
// On top of the W3C data this package makes two decisions, both described in
// testdata/w3c-annotation/README.md: "format": "uri" accepts absolute IRIs
// but no white space (as the W3C harness did), and seven page assertions that
// only inspect a Collection description in "partOf" are skipped when "partOf"
// is the Collection's IRI, which the model allows. SHOULD and MAY assertions
// are not run: they never fail a document.
package w3ctest

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// flatBase is the namespace the suite's bare ids resolve in; ".invalid"
// names no real host, and no loader is installed, so nothing is fetched.
const flatBase = "https://w3c-annotation-suite.invalid/"

// The MUST manifests of the suite, relative to its folder.
const (
	annotationMusts = "annotations/annotationMusts.test"
	collectionMusts = "collections/collectionMusts.test"
	pageMusts       = "collections/pages/pageMusts.test"
)

// Kinds of checked objects.
const (
	KindAnnotation = "annotation"
	KindCollection = "collection"
	KindPage       = "page"
	kindDocument   = "document" // a whole input that could not be read as one of the above
)

// partOfOnlyPageChecks are the MUST page assertions that only inspect a
// Collection description embedded in a page's partOf; they wrongly reject
// a partOf given as an IRI.
var partOfOnlyPageChecks = map[string]bool{
	"5.2-pageTotalValidated":      true,
	"5.2-pageLabelValidated":      true,
	"5.2-pageFirstValidated":      true,
	"5.2-pageLastValidated":       true,
	"3.3.1-pageCreatedValidated":  true,
	"3.3.1-pageModifiedValidated": true,
	"3.3.6-pageRightsValidated":   true,
}

// Assertion is one compiled MUST assertion of the suite.
type Assertion struct {
	Name    string // file name without .json, e.g. "3.1-targetKeyFound"
	Message string // the assertion's errorMessage, or its title
	schema  *jsonschema.Schema
}

// Suite holds the compiled MUST assertions for each kind of object.
type Suite struct {
	Annotation []*Assertion
	Collection []*Assertion
	Page       []*Assertion
}

// Load reads and compiles the MUST assertions of the suite in dir (the
// folder holding definitions/, annotations/ and collections/).
func Load(dir string) (*Suite, error) {
	c, err := newCompiler(filepath.Join(dir, "definitions"))
	if err != nil {
		return nil, err
	}
	var s Suite
	for _, g := range []struct {
		manifest string
		into     *[]*Assertion
	}{
		{annotationMusts, &s.Annotation},
		{collectionMusts, &s.Collection},
		{pageMusts, &s.Page},
	} {
		files, err := manifestFiles(filepath.Join(dir, filepath.FromSlash(g.manifest)))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			a, err := compileAssertion(c, dir, f)
			if err != nil {
				return nil, err
			}
			*g.into = append(*g.into, a)
		}
	}
	return &s, nil
}

// newCompiler returns a draft-04 compiler that checks formats, as the W3C
// harness (ajv) did, and knows every definitions file by its bare name.
func newCompiler(defsDir string) (*jsonschema.Compiler, error) {
	entries, err := os.ReadDir(defsDir)
	if err != nil {
		return nil, fmt.Errorf("w3ctest: schema definitions: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: "uri", Validate: validateIRI})
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		doc, err := readJSON(filepath.Join(defsDir, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(flatBase+e.Name(), doc); err != nil {
			return nil, fmt.Errorf("w3ctest: %s: %w", e.Name(), err)
		}
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("w3ctest: no schema definitions in %s", defsDir)
	}
	return c, nil
}

// manifestFiles returns the assertion files a *.test manifest lists, in
// order.
func manifestFiles(p string) ([]string, error) {
	doc, err := readJSON(p)
	if err != nil {
		return nil, err
	}
	m, _ := doc.(map[string]any)
	list, _ := m["assertions"].([]any)
	var files []string
	for _, x := range list {
		f, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("w3ctest: %s: an assertion that is not a file name: %v", p, x)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("w3ctest: %s lists no assertions", p)
	}
	return files, nil
}

// compileAssertion compiles one assertion file, registered under its bare
// file name so that its relative id and $refs resolve beside the
// definitions. It refuses what the MUST manifests do not use (other levels,
// expected results or outcomes), rather than run it wrongly.
func compileAssertion(c *jsonschema.Compiler, dir, rel string) (*Assertion, error) {
	doc, err := readJSON(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("w3ctest: %s is not a JSON object", rel)
	}
	str := func(k string) string { s, _ := obj[k].(string); return s }
	if lvl, exp, on := str("assertionType"), str("expectedResult"), str("onUnexpectedResult"); lvl != "must" || exp != "valid" || on != "failAndContinue" {
		return nil, fmt.Errorf("w3ctest: %s: assertionType %q, expectedResult %q, onUnexpectedResult %q; only must, valid, failAndContinue are supported", rel, lvl, exp, on)
	}
	loc := flatBase + path.Base(rel)
	if err := c.AddResource(loc, doc); err != nil {
		return nil, fmt.Errorf("w3ctest: %s: %w", rel, err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("w3ctest: compiling %s: %w", rel, err)
	}
	msg := strings.TrimSpace(str("errorMessage"))
	for _, p := range []string{"ERROR:", "Error:"} {
		msg = strings.TrimSpace(strings.TrimPrefix(msg, p))
	}
	if msg == "" {
		msg = str("title")
	}
	return &Assertion{Name: strings.TrimSuffix(path.Base(rel), ".json"), Message: strings.Join(strings.Fields(msg), " "), schema: sch}, nil
}

func readJSON(p string) (any, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("w3ctest: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("w3ctest: %s: %w", p, err)
	}
	return doc, nil
}

// validateIRI is the check for the suite's "format": "uri": an absolute IRI
// (non-ASCII allowed) with no white space or control characters. The
// library's own check lets white space through; the W3C harness did not.
func validateIRI(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return errors.New("contains white space or a control character")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if !u.IsAbs() {
		return errors.New("not an absolute IRI (no scheme)")
	}
	return nil
}

// Failure is a MUST assertion an object does not meet.
type Failure struct {
	Assertion string // its name, e.g. "3.1-targetKeyFound"
	Message   string // what the suite says is wrong
	Detail    string // the schema validator's explanation
}

// Result is the outcome for one checked object.
type Result struct {
	Doc      string // name of the input document
	Pointer  string // JSON Pointer of the object in it; "" for the root
	Kind     string // KindAnnotation, KindCollection, KindPage
	ID       string // the object's id, when it has a string one
	Failures []Failure
	Problem  string // a failure before any schema: not JSON, wrong shape
}

// Failed reports whether the object broke a MUST assertion or could not be
// checked.
func (r Result) Failed() bool { return r.Problem != "" || len(r.Failures) > 0 }

// Label names the object: document, pointer, kind and id.
func (r Result) Label() string {
	s := r.Doc
	if r.Pointer != "" {
		s += "#" + r.Pointer
	}
	s += " " + r.Kind
	if r.ID != "" {
		s += " id=" + strconv.Quote(r.ID)
	}
	return s
}

// FailedAssertions lists the names of the assertions the object broke.
func (r Result) FailedAssertions() []string {
	names := make([]string, 0, len(r.Failures))
	for _, f := range r.Failures {
		names = append(names, f.Assertion)
	}
	return names
}

// Report is the outcome for one or more documents: every annotation,
// collection and page found in them.
type Report struct {
	Results  []Result
	IRIItems int // page items given only as IRIs: nothing to check
}

// Passed counts the objects that met every MUST assertion.
func (r *Report) Passed() int { return len(r.Results) - r.Failed() }

// Failed counts the objects that broke one or could not be checked.
func (r *Report) Failed() int {
	n := 0
	for _, res := range r.Results {
		if res.Failed() {
			n++
		}
	}
	return n
}

// String is one FAIL line per failed object, naming every assertion it
// broke, then the line "N passed, M failed".
func (r *Report) String() string {
	var b strings.Builder
	for _, res := range r.Results {
		if !res.Failed() {
			continue
		}
		if res.Problem != "" {
			fmt.Fprintf(&b, "FAIL %s: %s\n", res.Label(), res.Problem)
			continue
		}
		parts := make([]string, 0, len(res.Failures))
		for _, f := range res.Failures {
			parts = append(parts, fmt.Sprintf("[%s] %s", f.Assertion, f.Message))
		}
		fmt.Fprintf(&b, "FAIL %s: %s\n", res.Label(), strings.Join(parts, " | "))
	}
	if r.IRIItems > 0 {
		fmt.Fprintf(&b, "note: %d page items were bare IRIs and could not be checked\n", r.IRIItems)
	}
	fmt.Fprintf(&b, "%d passed, %d failed", r.Passed(), r.Failed())
	return b.String()
}

// Expect returns nil when no object failed and exactly want objects passed;
// otherwise an error holding the whole report.
func (r *Report) Expect(want int) error {
	if r.Failed() == 0 && r.Passed() == want {
		return nil
	}
	return fmt.Errorf("W3C validation: %d passed, %d failed; want %d passed, 0 failed:\n%s", r.Passed(), r.Failed(), want, r)
}

// Check checks one document: an annotation, a JSON array of annotations, an
// AnnotationCollection (with its embedded first page and the pages embedded
// as next) or an AnnotationPage. name labels it in the report.
func (s *Suite) Check(name string, data []byte) *Report {
	rep := &Report{}
	s.add(rep, name, data)
	return rep
}

// CheckAll checks several documents (a collection and its other pages, say)
// into one report; docs holds name, data pairs.
func (s *Suite) CheckAll(docs ...Doc) *Report {
	rep := &Report{}
	for _, d := range docs {
		s.add(rep, d.Name, d.Data)
	}
	return rep
}

// Doc is one named input document.
type Doc struct {
	Name string
	Data []byte
}

func (s *Suite) add(rep *Report, name string, data []byte) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		rep.Results = append(rep.Results, Result{Doc: name, Kind: kindDocument, Problem: "not valid JSON: " + err.Error()})
		return
	}
	s.addValue(rep, name, doc)
}

// addValue checks a parsed document.
func (s *Suite) addValue(rep *Report, name string, doc any) {
	switch t := doc.(type) {
	case []any:
		if len(t) == 0 {
			rep.Results = append(rep.Results, Result{Doc: name, Kind: kindDocument, Problem: "an empty array: no annotation to check"})
		}
		for i, el := range t {
			ptr := "/" + strconv.Itoa(i)
			obj, ok := el.(map[string]any)
			if !ok {
				rep.Results = append(rep.Results, Result{Doc: name, Pointer: ptr, Kind: KindAnnotation, Problem: "an array element that is not an object"})
				continue
			}
			rep.Results = append(rep.Results, s.checkObject(name, ptr, KindAnnotation, obj))
		}
	case map[string]any:
		switch {
		case hasType(t, "AnnotationCollection"):
			rep.Results = append(rep.Results, s.checkObject(name, "", KindCollection, t))
			if first, ok := t["first"].(map[string]any); ok {
				s.walkPage(rep, name, "/first", first, t["@context"])
			}
		case hasType(t, "AnnotationPage"):
			s.walkPage(rep, name, "", t, nil)
		default:
			rep.Results = append(rep.Results, s.checkObject(name, "", KindAnnotation, t))
		}
	default:
		rep.Results = append(rep.Results, Result{Doc: name, Kind: kindDocument, Problem: "neither an object nor an array"})
	}
}

// walkPage checks a page, its annotations, and the pages embedded as its
// next (a parsed document is a tree, so the chain ends). ctx is the
// @context of the enclosing document: in JSON-LD it also applies to
// embedded objects that have none of their own.
func (s *Suite) walkPage(rep *Report, name, ptr string, page map[string]any, ctx any) {
	for page != nil {
		page = withContext(page, ctx)
		rep.Results = append(rep.Results, s.checkObject(name, ptr, KindPage, page))
		ctx = page["@context"]
		items, _ := page["items"].([]any)
		for i, el := range items {
			iptr := ptr + "/items/" + strconv.Itoa(i)
			switch it := el.(type) {
			case string:
				rep.IRIItems++
			case map[string]any:
				rep.Results = append(rep.Results, s.checkObject(name, iptr, KindAnnotation, withContext(it, ctx)))
			default:
				rep.Results = append(rep.Results, Result{Doc: name, Pointer: iptr, Kind: KindAnnotation, Problem: "a page item that is neither an object nor an IRI"})
			}
		}
		page, _ = page["next"].(map[string]any)
		ptr += "/next"
	}
}

// checkObject runs the MUST assertions of kind on obj.
func (s *Suite) checkObject(name, ptr, kind string, obj map[string]any) Result {
	r := Result{Doc: name, Pointer: ptr, Kind: kind}
	r.ID, _ = obj["id"].(string)
	list := s.Annotation
	switch kind {
	case KindCollection:
		list = s.Collection
	case KindPage:
		list = s.Page
	}
	for _, a := range list {
		if kind == KindPage && partOfOnlyPageChecks[a.Name] {
			if _, isObj := obj["partOf"].(map[string]any); !isObj {
				continue
			}
		}
		if err := a.schema.Validate(any(obj)); err != nil {
			r.Failures = append(r.Failures, Failure{Assertion: a.Name, Message: a.Message, Detail: err.Error()})
		}
	}
	return r
}

func hasType(obj map[string]any, want string) bool {
	switch t := obj["type"].(type) {
	case string:
		return t == want
	case []any:
		return slices.Contains(t, any(want))
	}
	return false
}

// withContext returns obj with ctx as its @context when it has none; obj
// itself is not changed.
func withContext(obj map[string]any, ctx any) map[string]any {
	if ctx == nil {
		return obj
	}
	if _, ok := obj["@context"]; ok {
		return obj
	}
	cp := make(map[string]any, len(obj)+1)
	for k, v := range obj {
		cp[k] = v
	}
	cp["@context"] = ctx
	return cp
}
