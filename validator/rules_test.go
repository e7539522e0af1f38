package validator

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// TestEmittedRulesAreRegistered validates every input the project has (the
// golden inputs, the bundle and record fixtures, the samples) and checks that
// every rule a finding carries — kept or only counted — is in the registry.
// The R4 examples are checked the same way in TestR4ExamplesConformance.
func TestEmittedRulesAreRegistered(t *testing.T) {
	v, err := New(Options{MaxPerRule: -1})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".golden") || strings.HasSuffix(path, ".txt") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		checkRulesRegistered(t, path, v.Validate(context.Background(), FileInput(filepath.Base(path), data)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d inputs found under ../testdata", n)
	}
}

func checkRulesRegistered(t *testing.T, name string, rep *Report) {
	t.Helper()
	for _, f := range rep.Findings {
		if _, ok := finding.Lookup(f.Rule); !ok {
			t.Errorf("%s: rule %q (%s) is not registered with finding.Define", name, f.Rule, f.Message)
		}
	}
	for _, o := range rep.Summary.Omitted {
		if _, ok := finding.Lookup(o.Rule); !ok {
			t.Errorf("%s: rule %q is not registered with finding.Define", name, o.Rule)
		}
	}
}

// ruleLike is the shape of a rule id written as a literal: "json.syntax",
// "bundle.fullurl-format".
var ruleLike = regexp.MustCompile(`^[a-z]+\.[a-z][a-zA-Z0-9-]*$`)

// TestRuleLiteralsAreRegistered is the static half: every string literal in
// the engine's (non-test) sources that looks like a rule id of a registered
// family ("json.", "primitive.", "ref." ...) must itself be registered, so a
// rule that no test input happens to trigger cannot be emitted unregistered
// either (a misspelt id fails here).
func TestRuleLiteralsAreRegistered(t *testing.T) {
	prefixes := map[string]bool{}
	for _, r := range finding.Rules() {
		if i := strings.IndexByte(r.ID, '.'); i > 0 {
			prefixes[r.ID[:i+1]] = true
		}
	}
	checked := 0
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path == "report" {
			return filepath.SkipDir // renders reports: its dotted names (JUnit properties) are not rules
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !ruleLike.MatchString(s) || !prefixes[s[:strings.IndexByte(s, '.')+1]] {
				return true
			}
			checked++
			if _, ok := finding.Lookup(s); !ok {
				t.Errorf("%s: %q looks like a rule id but is not registered", fset.Position(lit.Pos()), s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d rule literals found: is the scan looking in the right place?", checked)
	}
	t.Logf("%d rule-id literals checked", checked)
}
