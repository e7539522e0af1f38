package profile_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fhirlens/fhirlens/internal/golden"
	"github.com/fhirlens/fhirlens/internal/sharedtest"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/profile"
)

var usCore struct {
	once sync.Once
	v    *validator.Validator
	set  *profile.Set
	err  error
}

// usCoreValidator is a validator with US Core 3.1.0 loaded from the shared
// reference data.
func usCoreValidator(t testing.TB) (*validator.Validator, *profile.Set) {
	t.Helper()
	dir := sharedtest.Dir(t)
	usCore.once.Do(func() {
		v, set, err := loadGuides(filepath.Join(dir, "fhir", "hl7.fhir.us.core-3.1.0.tgz"))
		usCore.v, usCore.set, usCore.err = v, set, err
	})
	if usCore.err != nil {
		t.Fatal(usCore.err)
	}
	return usCore.v, usCore.set
}

func loadGuides(paths ...string) (*validator.Validator, *profile.Set, error) {
	r4, err := definitions.R4()
	if err != nil {
		return nil, nil, err
	}
	defs := r4.Clone()
	var guides []*profile.Guide
	for _, p := range paths {
		g, err := profile.Load(p, "")
		if err != nil {
			return nil, nil, err
		}
		guides = append(guides, g)
	}
	if err := profile.AddToDefinitions(defs, guides); err != nil {
		return nil, nil, err
	}
	set := profile.NewSet(defs, guides)
	v, err := validator.New(validator.Options{Definitions: defs, Guides: set})
	return v, set, err
}

// findingsText renders a report's findings one a line, for golden files.
func findingsText(rep *validator.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "%d:%d %s %s [%s] %s", f.Line, f.Col, f.Severity, f.Expression, f.Rule, f.Message)
		if f.Profile != "" {
			fmt.Fprintf(&b, " {profile %s}", f.Profile)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestGolden validates hand-made broken instances (each broken in known
// ways) against their guide — US Core 3.1.0 from the shared reference data,
// and a small differential-only guide folder in testdata (its snapshot is
// generated) — and compares the findings with their .golden files. Run with
// -update to accept new output.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		inputs string
		guide  func(t *testing.T) *validator.Validator
	}{
		{"testdata/uscore", func(t *testing.T) *validator.Validator { v, _ := usCoreValidator(t); return v }},
		{"testdata/closed", func(t *testing.T) *validator.Validator {
			v, _, err := loadGuides("testdata/closed-guide")
			if err != nil {
				t.Fatal(err)
			}
			return v
		}},
	} {
		t.Run(filepath.Base(tc.inputs), func(t *testing.T) {
			v := tc.guide(t)
			inputs, err := filepath.Glob(tc.inputs + "/*.json")
			if err != nil || len(inputs) == 0 {
				t.Fatalf("no inputs: %v", err)
			}
			for _, in := range inputs {
				t.Run(filepath.Base(in), func(t *testing.T) {
					data, err := os.ReadFile(in)
					if err != nil {
						t.Fatal(err)
					}
					got := findingsText(v.Validate(context.Background(), validator.FileInput(filepath.Base(in), data)))
					golden.Check(t, strings.TrimSuffix(in, ".json")+".golden", got)
				})
			}
		})
	}
}
