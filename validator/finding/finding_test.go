package finding

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{Fatal, Error, Warning, Information} {
		b, _ := s.MarshalText()
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%v: round trip gave %v, %v", s, back, err)
		}
	}
	var s Severity
	if err := s.UnmarshalText([]byte("bad")); err == nil {
		t.Error("unknown severity accepted")
	}
	if !Error.IsError() || !Fatal.IsError() || Warning.IsError() {
		t.Error("IsError wrong")
	}
}

func TestRegistry(t *testing.T) {
	id := Define(Rule{ID: "test.rule-a", Code: "value", Severity: Error, Summary: "a", Source: "fhirlens"})
	if r, ok := Lookup(id); !ok || r.Summary != "a" {
		t.Fatalf("Lookup(%q) = %+v, %v", id, r, ok)
	}
	if _, ok := Lookup("test.nope"); ok {
		t.Fatal("unregistered rule found")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("duplicate Define did not panic")
			}
		}()
		Define(Rule{ID: "test.rule-a"})
	}()
	rules := Rules()
	for i := 1; i < len(rules); i++ {
		if rules[i-1].ID >= rules[i].ID {
			t.Fatalf("Rules not sorted: %q before %q", rules[i-1].ID, rules[i].ID)
		}
	}
}

func TestListKeepsPerRuleAndCountsAll(t *testing.T) {
	tests := []struct {
		keep, n, wantKept int
	}{
		{keep: 0, n: 5, wantKept: 5},
		{keep: 3, n: 5, wantKept: 3},
		{keep: -1, n: 2500, wantKept: 2500},
		{keep: 0, n: DefaultKeepPerRule + 7, wantKept: DefaultKeepPerRule},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.keep, "/", tc.n), func(t *testing.T) {
			l := List{KeepPerRule: tc.keep}
			for i := 0; i < tc.n; i++ {
				l.Add(Finding{Rule: "r", Severity: Warning, Offset: i})
			}
			l.Add(Finding{Rule: "other", Severity: Error})
			if got := len(l.Findings); got != tc.wantKept+1 {
				t.Errorf("kept %d, want %d", got, tc.wantKept+1)
			}
			c := l.Counts()
			if c[Warning] != tc.n || c[Error] != 1 || l.Errors() != 1 {
				t.Errorf("counts %v", c)
			}
			om := l.Omitted()
			if tc.n > tc.wantKept {
				if len(om) != 1 || om[0].Count != tc.n-tc.wantKept || om[0].Rule != "r" {
					t.Errorf("omitted %+v", om)
				}
			} else if len(om) != 0 {
				t.Errorf("omitted %+v, want none", om)
			}
		})
	}
}

func TestListMerge(t *testing.T) {
	var a, b List
	a.KeepPerRule, b.KeepPerRule = 2, 2
	for i := 0; i < 3; i++ {
		a.Add(Finding{Rule: "r", Severity: Warning})
		b.Add(Finding{Rule: "r", Severity: Warning})
	}
	a.Merge(&b)
	if len(a.Findings) != 2 || a.Counts()[Warning] != 6 {
		t.Fatalf("kept %d, counts %v", len(a.Findings), a.Counts())
	}
	if om := a.Omitted(); len(om) != 1 || om[0].Count != 4 {
		t.Fatalf("omitted %+v", om)
	}
}

func TestListError(t *testing.T) {
	var l List
	if l.Error() != nil {
		t.Fatal("empty list gave an error")
	}
	l.Add(Finding{Severity: Warning, Rule: "w", Message: "just a warning"})
	if l.Error() != nil {
		t.Fatal("warnings gave an error")
	}
	l.Add(Finding{Severity: Error, Rule: "e", Line: 3, Col: 4, Expression: "Patient.name", Message: "bad"})
	l.Add(Finding{Severity: Error, Rule: "e", Message: "worse"})
	want := "3:4 error Patient.name: bad [e] (and 1 more)"
	if got := l.Error().Error(); got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func ExampleList() {
	var l List
	l.KeepPerRule = 1
	l.Add(Finding{Severity: Warning, Rule: "invariant:dom-6", Expression: "Patient", Message: "A resource should have narrative"})
	l.Add(Finding{Severity: Warning, Rule: "invariant:dom-6", Expression: "Observation", Message: "A resource should have narrative"})
	fmt.Println(len(l.Findings), l.Counts()[Warning])
	for _, o := range l.Omitted() {
		fmt.Printf("and %d more %s\n", o.Count, o.Rule)
	}
	// Output:
	// 1 2
	// and 1 more invariant:dom-6
}

func TestEnsureAndAdmit(t *testing.T) {
	id := Ensure(Rule{ID: "test.ensure", Summary: "first"})
	Ensure(Rule{ID: id, Summary: "second"}) // first registration wins, no panic
	if r, _ := Lookup(id); r.Summary != "first" {
		t.Errorf("Ensure replaced a rule: %+v", r)
	}
	l := List{KeepPerRule: 1}
	if !l.Admit("r", Error) || l.Admit("r", Error) {
		t.Fatal("Admit should admit the first and refuse the second")
	}
	l.Keep(Finding{Rule: "r", Severity: Error})
	if len(l.Findings) != 1 || l.Errors() != 2 || len(l.Omitted()) != 1 {
		t.Errorf("kept %d, errors %d, omitted %+v", len(l.Findings), l.Errors(), l.Omitted())
	}
}

// Merging the lists of consecutive parts gives exactly the list of the whole:
// the same kept findings, counts and order of omitted rules (parallel
// validation merges per-chunk lists and must match a serial run).
func TestListMergeExact(t *testing.T) {
	rules := []string{"a", "b", "c"}
	for seed := 0; seed < 200; seed++ {
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		var all []Finding
		for i := r.IntN(40); i > 0; i-- {
			all = append(all, Finding{Rule: rules[r.IntN(len(rules))], Severity: Severity(1 + r.IntN(2)), Offset: i})
		}
		var whole, merged List
		whole.KeepPerRule, merged.KeepPerRule = 3, 3
		for _, f := range all {
			whole.Add(f)
		}
		for start := 0; start < len(all); {
			end := min(len(all), start+1+r.IntN(8))
			part := List{KeepPerRule: 3}
			for _, f := range all[start:end] {
				part.Add(f)
			}
			merged.Merge(&part)
			start = end
		}
		if !reflect.DeepEqual(whole.Findings, merged.Findings) || whole.Counts() != merged.Counts() ||
			!reflect.DeepEqual(whole.Omitted(), merged.Omitted()) {
			t.Fatalf("seed %d: whole %v %v %v, merged %v %v %v", seed, whole.Findings, whole.Counts(), whole.Omitted(),
				merged.Findings, merged.Counts(), merged.Omitted())
		}
	}
}
