package validator

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// perRule counts a report's findings by rule, kept and omitted together.
func perRule(rep *Report) map[string]int {
	m := map[string]int{}
	for _, f := range rep.Findings {
		m[f.Rule]++
	}
	for _, o := range rep.Summary.Omitted {
		m[o.Rule] += o.Count
	}
	return m
}

// TestNoCapExactCounts validates a generated bundle with far more findings
// than the old 50,000-issue cap — in the walk (dom-6 on every resource) and
// in the bundle stage (bdl-5 on every empty entry) — and checks that
// validation ran to the end: every count is exact while what is kept stays
// bounded per rule.
func TestNoCapExactCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 60,000-entry bundle")
	}
	const withResource, empty = 40000, 20000
	var b bytes.Buffer
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	for i := 0; i < withResource+empty; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if i%3 == 2 {
			b.WriteString(`{"fullUrl":"urn:uuid:00000000-0000-4000-8000-` + fmt.Sprintf("%012d", i) + `"}`)
			continue
		}
		fmt.Fprintf(&b, `{"fullUrl":"urn:uuid:00000000-0000-4000-8000-%012d","resource":{"resourceType":"Basic","id":"b%d","code":{"text":"x"}}}`, i, i)
	}
	b.WriteString(`]}`)
	for _, keep := range []int{0, 10} {
		v, err := New(Options{MaxPerRule: keep})
		if err != nil {
			t.Fatal(err)
		}
		rep := v.Validate(context.Background(), FileInput("big.json", b.Bytes()))
		got := perRule(rep)
		if got["dom-6"] != withResource || got["bdl-5"] != empty {
			t.Errorf("keep %d: dom-6 %d (want %d), bdl-5 %d (want %d); all: %v", keep, got["dom-6"], withResource, got["bdl-5"], empty, got)
		}
		if rep.Summary.Warning != withResource || rep.Summary.Error != empty || rep.Summary.Fatal != 0 {
			t.Errorf("keep %d: summary %+v", keep, rep.Summary)
		}
		if rep.Summary.Resources != withResource {
			t.Errorf("keep %d: %d resources, want %d", keep, rep.Summary.Resources, withResource)
		}
		limit := keep
		if limit == 0 {
			limit = finding.DefaultKeepPerRule
		}
		if len(rep.Findings) != 2*limit {
			t.Errorf("keep %d: %d findings kept, want %d", keep, len(rep.Findings), 2*limit)
		}
		if rep.Omitted() != withResource+empty-2*limit {
			t.Errorf("keep %d: %d omitted", keep, rep.Omitted())
		}
	}
}

// TestNarrativeFindingsAtTheirOwnPlace: a narrative with an onclick
// attribute and a <script> element gives two findings, each at its own
// line and column inside the div string (escapes counted), not one at the
// start of the string.
func TestNarrativeFindingsAtTheirOwnPlace(t *testing.T) {
	src := "{\"resourceType\":\"Patient\",\n\"text\":{\"status\":\"generated\",\n" +
		`"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p onclick=\"x()\">Hi</p>\n<script>alert(1)</script></div>"}}`
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := v.Validate(context.Background(), FileInput("narrative.json", []byte(src)))
	var got []Finding
	for _, f := range rep.Findings {
		if f.Rule == "xhtml.attribute" || f.Rule == "xhtml.element" {
			got = append(got, f)
		}
	}
	if len(got) != 2 {
		t.Fatalf("want 2 narrative findings, got %+v", rep.Findings)
	}
	wantCol := func(s string) int { // 1-based column on line 3 of the raw JSON
		lines := bytes.Split([]byte(src), []byte("\n"))
		return bytes.Index(lines[2], []byte(s)) + 1
	}
	want := []struct {
		rule string
		col  int
	}{{"xhtml.attribute", wantCol(`onclick`)}, {"xhtml.element", wantCol(`<script>`)}}
	for i, w := range want {
		f := got[i]
		if f.Rule != w.rule || f.Line != 3 || f.Col != w.col || f.Expression != "Patient.text.div" {
			t.Errorf("finding %d: %s at %d:%d %s, want %s at 3:%d", i, f.Rule, f.Line, f.Col, f.Expression, w.rule, w.col)
		}
		if f.Offset != bytes.Index([]byte(src), []byte(map[int]string{0: "onclick", 1: "<script>"}[i])) {
			t.Errorf("finding %d: offset %d", i, f.Offset)
		}
	}
}
