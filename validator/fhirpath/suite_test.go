package fhirpath

import (
	"bufio"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

var updateSkip = flag.Bool("update-skip", false, "append newly failing suite tests to testdata/skip.txt under '# unclassified'")

type suiteXML struct {
	Groups []struct {
		Name  string      `xml:"name,attr"`
		Tests []suiteTest `xml:",any"`
	} `xml:"group"`
}

type suiteTest struct {
	XMLName   xml.Name
	Name      string `xml:"name,attr"`
	InputFile string `xml:"inputfile,attr"`
	Predicate string `xml:"predicate,attr"`
	Mode      string `xml:"mode,attr"`
	Expr      struct {
		Text    string `xml:",chardata"`
		Invalid string `xml:"invalid,attr"`
	} `xml:"expression"`
	Outputs []struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"output"`
}

// readSkipList reads testdata/skip.txt: "# cause" headers, then test names.
func readSkipList(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join("testdata", "skip.txt"))
	if err != nil {
		if os.IsNotExist(err) {
			return map[string]string{}
		}
		t.Fatal(err)
	}
	defer f.Close()
	skip := map[string]string{}
	cause := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			cause = strings.TrimSpace(strings.TrimPrefix(line, "#"))
		default:
			skip[line] = cause
		}
	}
	return skip
}

// TestOfficialSuite runs the FHIRPath R4 test suite and requires ≥ 95%.
func TestOfficialSuite(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "fhirpath")
	defs := r4(t)
	data, err := os.ReadFile(filepath.Join(dir, "tests-fhir-r4.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suite suiteXML
	if err := xml.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	skip := readSkipList(t)
	trees := map[string]*jsontree.Tree{}
	loadInput := func(name string) (*jsontree.Tree, error) {
		if name == "" {
			name = "empty"
		}
		if tr, ok := trees[name]; ok {
			return tr, nil
		}
		src := []byte(`{}`)
		if name != "empty" {
			b, err := os.ReadFile(filepath.Join(dir, "input", strings.TrimSuffix(name, filepath.Ext(name))+".json"))
			if err != nil {
				return nil, err
			}
			src = b
		}
		tr, probs := jsontree.Parse(src, jsontree.Options{})
		if tr == nil {
			return nil, fmt.Errorf("parse %s: %v", name, probs)
		}
		trees[name] = tr
		return tr, nil
	}
	total, passed := 0, 0
	var newFailures []string
	seen := map[string]bool{}
	for _, g := range suite.Groups {
		for i, tc := range g.Tests {
			if tc.XMLName.Local != "test" && tc.XMLName.Local != "modeTest" {
				continue
			}
			name := tc.Name
			if name == "" {
				name = fmt.Sprintf("%s#%d", g.Name, i+1)
			}
			seen[name] = true
			total++
			reason := runSuiteCase(defs, tc, loadInput)
			_, listed := skip[name]
			switch {
			case reason == "" && listed:
				t.Errorf("%s: passes now; remove it from testdata/skip.txt", name)
				passed++
			case reason == "":
				passed++
			case !listed:
				t.Errorf("%s: %s\n  expression: %s", name, reason, tc.Expr.Text)
				newFailures = append(newFailures, name)
			}
		}
	}
	for name := range skip {
		if !seen[name] {
			t.Errorf("skip list names %q, which is not in the suite", name)
		}
	}
	rate := 100 * float64(passed) / float64(total)
	t.Logf("FHIRPath R4 suite: %d of %d tests pass (%.1f%%)", passed, total, rate)
	if rate < 95 {
		t.Errorf("pass rate %.1f%% is below 95%%", rate)
	}
	if *updateSkip && len(newFailures) > 0 {
		sort.Strings(newFailures)
		f, err := os.OpenFile(filepath.Join("testdata", "skip.txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fmt.Fprintf(f, "\n# unclassified\n%s\n", strings.Join(newFailures, "\n"))
	}
}

// runSuiteCase returns "" when the test passes, else why not.
func runSuiteCase(defs *definitions.Set, tc suiteTest, load func(string) (*jsontree.Tree, error)) (reason string) {
	defer func() {
		if r := recover(); r != nil {
			reason = fmt.Sprintf("panic: %v", r)
		}
	}()
	tree, err := load(tc.InputFile)
	if err != nil {
		return "input: " + err.Error()
	}
	expr, err := Compile(tc.Expr.Text)
	invalid := tc.Expr.Invalid != ""
	if err != nil {
		if invalid {
			return ""
		}
		return "compile: " + err.Error()
	}
	env := &Env{Defs: defs, Tree: tree, Focus: tree.Root(), Now: time.Now(), Strict: tc.Mode == "strict"}
	res, err := expr.Evaluate(context.Background(), env)
	if err != nil {
		if invalid {
			return ""
		}
		return "evaluate: " + err.Error()
	}
	if invalid {
		return fmt.Sprintf("expected an error, got %s", describeCollection(res))
	}
	if tc.Predicate == "true" {
		res = Collection{Boolean(len(res) > 0)}
	}
	if len(res) != len(tc.Outputs) {
		return fmt.Sprintf("expected %d items, got %s", len(tc.Outputs), describeCollection(res))
	}
	for i, out := range tc.Outputs {
		if !outputMatches(res[i], out.Type, strings.TrimSpace(out.Text)) {
			return fmt.Sprintf("item %d: expected %s %q, got %s", i, out.Type, out.Text, describeCollection(res))
		}
	}
	return ""
}

func outputMatches(v Value, typ, want string) bool {
	ev := &evaluator{env: &Env{}}
	p := ev.primitive(v)
	switch typ {
	case "boolean", "integer", "string", "code", "id", "":
		if s, ok := stringOf(p); ok {
			if typ == "" {
				return literalOutput(p) == want || s == want
			}
			return s == want
		}
	case "decimal":
		d, ok1 := toDecimal(p)
		w, ok2 := parseDecimal(want)
		return ok1 && ok2 && d.Cmp(w) == 0
	case "date", "dateTime", "time":
		return literalText(p) == want
	case "Quantity":
		return literalText(p) == want
	}
	return false
}

// literalOutput is how untyped suite outputs are written: literals without
// the quotes of strings.
func literalOutput(v Value) string {
	if _, ok := v.(String); ok {
		return string(v.(String))
	}
	return literalText(v)
}

func describeCollection(c Collection) string {
	ev := &evaluator{env: &Env{}}
	parts := make([]string, len(c))
	for i, v := range c {
		p := ev.primitive(v)
		if _, ok := p.(Node); ok {
			parts[i] = v.TypeName()
			continue
		}
		parts[i] = v.TypeName() + " " + literalText(p)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
