package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/internal/synthea"
)

// --jobs N gives, byte for byte, the output of --jobs 1: on a folder of
// mixed inputs (JSON, XML, broken files, a generated ndjson large enough to
// be split into chunks) plus a missing file, in every format.
func TestValidateJobsSameOutput(t *testing.T) {
	dir := t.TempDir()
	srcs, err := filepath.Glob("../../testdata/validate/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		if strings.HasSuffix(src, ".golden") {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	nd, err := synthea.NDJSON(filepath.Join(sharedtest.Dir(t), "corpus", "synthea-10-patients"), 2<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "synthea.ndjson"), nd, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "outcome"} {
		var outs []string
		for _, jobs := range []string{"1", "2", "4"} {
			var out, errOut bytes.Buffer
			code := run([]string{"validate", "--color", "never", "--max-per-rule", "5", "--jobs", jobs, "--format", format,
				dir, filepath.Join(dir, "missing.json")}, strings.NewReader(""), &out, &errOut)
			if out.Len() < 10000 || !strings.Contains(errOut.String(), "missing.json") {
				t.Fatalf("%s, --jobs %s: %d bytes of output, stderr %q", format, jobs, out.Len(), errOut.String())
			}
			outs = append(outs, string(rune('0'+code))+"\n"+errOut.String()+"\n"+out.String())
		}
		for i := 1; i < len(outs); i++ {
			if outs[i] != outs[0] {
				n := 0
				for n < len(outs[0]) && n < len(outs[i]) && outs[0][n] == outs[i][n] {
					n++
				}
				t.Errorf("%s: run %d differs from --jobs 1 at byte %d: %.200q vs %.200q", format, i, n, outs[0][n:], outs[i][n:])
			}
		}
	}
}
