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
		rep := v.Validate(context.Background(), "big.json", b.Bytes())
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
