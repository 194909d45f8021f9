package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"galley/internal/w3ctest"
)

// galleyCLI runs the galley binary on the test database and returns its
// standard output; it fails the test when the command fails.
func (env *testEnv) galleyCLI(args ...string) string {
	env.t.Helper()
	cmd := exec.Command(env.bin, append(args, "-db", env.db)...)
	cmd.Env = append(os.Environ(), "GALLEY_BASE_URL=https://galley.example.org")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		env.t.Fatalf("galley %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
	}
	return string(out)
}

// sampleID finds the sample article's id in a native export of everything.
func (env *testEnv) sampleID() string {
	env.t.Helper()
	var all struct {
		Documents []struct {
			Document struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"document"`
		} `json:"documents"`
	}
	if err := json.Unmarshal([]byte(env.galleyCLI("export", "--all", "--format", "native")), &all); err != nil {
		env.t.Fatal(err)
	}
	for _, d := range all.Documents {
		if d.Document.Title == "Beijing slams spying on Huawei" {
			return d.Document.ID
		}
	}
	env.t.Fatal("no sample article in the export")
	return ""
}

// TestExportAndImportCommands imports a Hypothesis annotation with the
// command line, exports the document in both formats, and checks the W3C
// file with the W3C's own schemas.
func TestExportAndImportCommands(t *testing.T) {
	env := newTestEnv(t)
	id := env.sampleID()
	fixture := filepath.Join("..", "..", "testdata", "hypothesis-annotation.json")
	out := env.galleyCLI("import-annotations", id, fixture)
	if !strings.Contains(out, "imported 1 annotations (0 exact, 1 fuzzy, 0 orphaned)") {
		t.Fatalf("import said: %s", out)
	}
	if out := env.galleyCLI("import-annotations", id, fixture); !strings.Contains(out, "imported 0 annotations") || !strings.Contains(out, "1 already imported") {
		t.Fatalf("second import said: %s", out)
	}

	w3c := filepath.Join(t.TempDir(), "export.jsonld")
	env.galleyCLI("export", id, "--format", "w3c", "-o", w3c)
	data, err := os.ReadFile(w3c)
	if err != nil {
		t.Fatal(err)
	}
	// The collection, its page and the imported annotation.
	w3ctest.MustLoad(t, filepath.Join("..", "..", "testdata", "w3c-annotation")).
		RequireValid(t, 3, w3ctest.Doc{Name: "export.jsonld", Data: data})
	if !strings.Contains(string(data), `"id":"https://galley.example.org/documents/`) {
		t.Errorf("the export's IRIs do not use GALLEY_BASE_URL:\n%.400s", data)
	}

	var native struct {
		Offsets struct {
			Unit string `json:"unit"`
		} `json:"offsets"`
		Annotations []struct {
			Anchor string `json:"anchor"`
			Via    string `json:"via"`
		} `json:"annotations"`
	}
	if err := json.Unmarshal([]byte(env.galleyCLI("export", id, "--format", "native")), &native); err != nil {
		t.Fatal(err)
	}
	if native.Offsets.Unit != "unicode code points" || len(native.Annotations) != 1 ||
		native.Annotations[0].Anchor != "fuzzy" || !strings.HasPrefix(native.Annotations[0].Via, "https://hypothes.is/") {
		t.Fatalf("native export: %+v", native)
	}

	cmd := exec.Command(env.bin, "export", "NO-SUCH-DOC", "-db", env.db)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), `there is no document "NO-SUCH-DOC"`) {
		t.Fatalf("export of an unknown document: %v\n%s", err, out)
	}
}
