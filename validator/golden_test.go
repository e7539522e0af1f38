package validator

import (
	"context"
	"fmt"
	"github.com/fhirlens/fhirlens/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGolden validates every project-authored instance in
// ../testdata/validate (each broken in one known way) and compares the
// findings with its .golden file. Run with -update to accept new output.
func TestGolden(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := filepath.Glob("../testdata/validate/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			rep := v.Validate(context.Background(), FileInput(filepath.Base(in), data))
			got := goldenText(rep)
			golden.Check(t, in+".golden", got)
		})
	}
	if n == 0 {
		t.Fatal("no golden inputs found")
	}
}

func goldenText(rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format=%s resources=%d\n", rep.Format, len(rep.Resources))
	for _, r := range rep.Resources {
		fmt.Fprintf(&b, "resource %s/%s at %s line %d\n", r.Type, r.ID, r.Expression, r.Line)
	}
	for _, i := range rep.Findings {
		fmt.Fprintf(&b, "%d:%d %s [%s %s] %s: %s\n", i.Line, i.Col, i.Severity, i.Code, i.Rule, i.Expression, i.Message)
	}
	return b.String()
}

// FuzzValidate: no input may panic (a panic is recovered into an
// engine.panic issue, which this test treats as a failure), and every issue
// must point inside the input.
func FuzzValidate(f *testing.F) {
	inputs, _ := filepath.Glob("../testdata/validate/*")
	for _, in := range inputs {
		if data, err := os.ReadFile(in); err == nil && !strings.HasSuffix(in, ".golden") && len(data) < 4096 {
			f.Add(data)
		}
	}
	v, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := v.Validate(context.Background(), FileInput("fuzz.json", data))
		for _, i := range rep.Findings {
			if i.Rule == "engine.panic" {
				t.Fatalf("panic on %q: %s", data, i.Message)
			}
			if i.Offset < 0 || i.Offset > len(data) {
				t.Fatalf("issue offset %d outside input of %d bytes: %+v", i.Offset, len(data), i)
			}
		}
	})
}
