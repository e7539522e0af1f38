package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRulesCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"rules"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, id := range []string{"json.syntax", "element.unknown", "bdl-7", "dom-6", "xhtml.element", "primitive.date"} {
		if !strings.Contains(out.String(), "\n"+id+" ") && !strings.HasPrefix(out.String(), id+" ") {
			t.Errorf("rules does not list %s", id)
		}
	}
	out.Reset()
	if code := run([]string{"rules", "--format", "json"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rules []ruleJSON
	if err := json.Unmarshal(out.Bytes(), &rules); err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.ID == "" || r.Code == "" || r.Summary == "" || r.Source == "" || r.Severity == "" {
			t.Errorf("incomplete rule %+v", r)
		}
	}
	if len(rules) < 300 {
		t.Errorf("only %d rules", len(rules))
	}
}

// TestMaxPerRule: beyond --max-per-rule findings are counted and said, in
// the text and in the JSON summary, and the counts stay exact.
func TestMaxPerRule(t *testing.T) {
	in := filepath.Join(t.TempDir(), "three.ndjson")
	line := `{"resourceType":"Basic","code":{"text":"x"}}` + "\n"
	if err := os.WriteFile(in, []byte(line+line+line), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"validate", "--max-per-rule", "1", in}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"and 2 more warnings of dom-6 (counted, not listed)", "3 resources", "3 warnings"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run([]string{"validate", "--format", "json", "--max-per-rule", "1", in}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var reps []struct {
		Findings []json.RawMessage
		Summary  struct {
			Warning int
			Omitted []struct {
				Rule  string
				Count int
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &reps); err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || len(reps[0].Findings) != 1 || reps[0].Summary.Warning != 3 ||
		len(reps[0].Summary.Omitted) != 1 || reps[0].Summary.Omitted[0].Count != 2 || reps[0].Summary.Omitted[0].Rule != "dom-6" {
		t.Errorf("json report %+v", reps)
	}
}
