package profile_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator"
)

// TestUSCoreExamples validates the US Core 3.1.1 examples against US Core
// 3.1.0: every error must be one of the real defects of the examples listed
// in testdata/uscore-example-defects.txt (file, rule, reason), and every
// listed defect must still be found (the list can only shrink).
func TestUSCoreExamples(t *testing.T) {
	v, _ := usCoreValidator(t)
	dir := filepath.Join(sharedtest.Dir(t), "ig", "us-core-3.1.1-examples")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) < 50 {
		t.Fatalf("US Core examples missing in %s (%d files): %v", dir, len(files), err)
	}
	listed := readDefects(t, "testdata/uscore-example-defects.txt")
	seen := map[string]bool{}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rep := v.Validate(context.Background(), validator.FileInput(filepath.Base(f), data))
		for _, is := range rep.Findings {
			if is.Profile != "" {
				checked++
			}
			if !is.Severity.IsError() {
				continue
			}
			key := filepath.Base(f) + "\t" + is.Rule
			if _, ok := listed[key]; !ok {
				t.Errorf("%s: unexpected error %s at %s: %s", filepath.Base(f), is.Rule, is.Expression, is.Message)
			}
			seen[key] = true
		}
	}
	for key := range listed {
		if !seen[key] {
			t.Errorf("listed defect %q is no longer found: remove it from the list", key)
		}
	}
	t.Logf("%d examples, %d findings from profiles (warnings and listed defects), %d listed defects", len(files), checked, len(listed))
}

// TestIPSExamples validates the IPS examples against their claimed IPS
// profiles: no errors, and the two dependencies that are not available are
// each reported once.
func TestIPSExamples(t *testing.T) {
	pkg := filepath.Join(sharedtest.Dir(t), "ig", "hl7.fhir.uv.ips-2.0.0-ballot-unofficial.tgz")
	v, set, err := loadGuides(pkg)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, p := range set.Problems {
		if strings.Contains(p, "dependency") {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) != 2 || !strings.Contains(missing[0], "hl7.fhir.uv.extensions.r4#5.1.0") || !strings.Contains(missing[1], "hl7.terminology.r4#6.0.2") {
		t.Errorf("missing dependencies reported as %q, want one line each for hl7.fhir.uv.extensions.r4 and hl7.terminology.r4", missing)
	}
	n, claims := 0, 0
	sharedtest.EachJSON(t, "ig/hl7.fhir.uv.ips-2.0.0-ballot-unofficial.tgz", func(name string, data []byte) {
		if !strings.HasPrefix(name, "package/example/") {
			return
		}
		n++
		if strings.Contains(string(data), "StructureDefinition/") {
			claims++
		}
		rep := v.Validate(context.Background(), validator.FileInput(name, data))
		for _, is := range rep.Findings {
			if is.Severity.IsError() {
				t.Errorf("%s: %s at %s: %s", name, is.Rule, is.Expression, is.Message)
			}
		}
	})
	if n < 30 {
		t.Fatalf("only %d IPS examples found", n)
	}
	t.Logf("%d IPS examples (%d naming profiles) validated without errors", n, claims)
}

func readDefects(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || parts[2] == "" {
			t.Fatalf("%s: %q is not file<TAB>rule<TAB>reason", path, line)
		}
		out[parts[0]+"\t"+parts[1]] = parts[2]
	}
	return out
}
