package main

import (
	"bytes"
	"encoding/json"
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
