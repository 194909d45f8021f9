package annotation_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"galley/annotation"
)

// TestEventTypesListsEveryType reads the package's source for the
// constants of type EventType: the browser listens only to the types in
// EventTypes, so a type declared but missing there would never reach a
// live page.
func TestEventTypesListsEveryType(t *testing.T) {
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "EventType" {
					continue
				}
				for _, v := range vs.Values {
					s, err := strconv.Unquote(v.(*ast.BasicLit).Value)
					if err != nil {
						t.Fatal(err)
					}
					declared = append(declared, s)
				}
			}
		}
	}
	if len(declared) == 0 {
		t.Fatal("found no EventType constants in the source")
	}
	var listed []string
	for _, e := range annotation.EventTypes {
		listed = append(listed, string(e))
	}
	slices.Sort(declared)
	slices.Sort(listed)
	if !slices.Equal(declared, listed) {
		t.Errorf("EventTypes lists %q; the declared types are %q", listed, declared)
	}
}
