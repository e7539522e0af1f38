package fhirpath

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestByteBudget: expressions whose strings double stop with the memory
// limit, within a bounded allocation (runtime.MemStats), not by exhausting
// memory; their item counts alone never reach the work limit.
func TestByteBudget(t *testing.T) {
	tree := parseDoc(t, samplePatient)
	for _, src := range []string{
		`'a'.repeat($this + $this)`,
		`'a'.repeat($this & $this)`,
		`'ab'.repeat(replace('a', 'aa'))`,
		`'ab'.repeat(replaceMatches('a', 'aa'))`,
		`(1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31 | 32 | 33 | 34 | 35 | 36 | 37 | 38 | 39 | 40).aggregate($total & $total, 'x')`,
		`'abc'.repeat($this.encode('hex'))`,
		`'<'.repeat($this.escape('html'))`,
		`'a'.repeat(($this | 'b').join($this))`,
	} {
		t.Run(src, func(t *testing.T) {
			e, err := Compile(src)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = e.Evaluate(context.Background(), &Env{Tree: tree})
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "evaluation exceeded the memory limit (32 MB of strings)") &&
				!strings.Contains(err.Error(), "evaluation exceeded the work limit") { // replaceMatches also counts its matches
				t.Fatalf("error %v, want the memory limit", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4*DefaultMaxBytes {
				t.Errorf("allocated %d MB, want at most 4× the %d MB byte budget", alloc>>20, DefaultMaxBytes>>20)
			}
		})
	}
}

// TestMembershipCharged: 'in' and 'contains' charge the items they scan.
func TestMembershipCharged(t *testing.T) {
	tree := parseDoc(t, samplePatient)
	var items []string
	for i := range 300 {
		items = append(items, fmt.Sprint(i))
	}
	coll := "'" + strings.Join(items, ",") + "'.split(',')"
	// Per item, 301 items unioned and 301 scanned: 180,600 > 100,000, while
	// the unions alone (90,300) fit. The collection depends on $this, so it
	// is not indexed.
	for _, src := range []string{coll + ".where(($this + 'x') in (" + coll + " | $this)).count()", coll + ".where((" + coll + " | $this) contains ($this + 'x')).count()"} {
		e, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Evaluate(context.Background(), &Env{Tree: tree, MaxWork: 100_000}); err == nil || !strings.Contains(err.Error(), "work limit") {
			t.Errorf("%.40s…: error %v, want the work limit", src, err)
		}
		if got, err := e.Evaluate(context.Background(), &Env{Tree: tree, MaxWork: 1_000_000}); err != nil || len(got) != 1 || got[0] != Integer(0) {
			t.Errorf("%.40s… with room: %v, %v; want 0", src, got, err)
		}
	}
}

// TestMembershipIndexed: a string looked up in a collection that does not
// depend on the item (dom-3's shape) is found through an index built once,
// with the same answers as the scan.
func TestMembershipIndexed(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"resourceType":"List","contained":[`)
	const n = 3000
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"resourceType":"Basic","id":"c%d"}`, i)
	}
	b.WriteString(`],"entry":[`)
	for i := range n - 1 { // c<n-1> is not referenced
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"item":{"reference":"#c%d"}}`, i)
	}
	b.WriteString(`]}`)
	tree := parseDoc(t, b.String())
	e, err := Compile(`contained.where(('#' + id in %resource.descendants().reference).not()).id`)
	if err != nil {
		t.Fatal(err)
	}
	// Scanning would charge n × (descendants) ≈ 3000 × 9000 items.
	got, err := e.Evaluate(context.Background(), &Env{Tree: tree, MaxWork: 200_000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || fmt.Sprint(ev0(got)) != fmt.Sprintf("c%d", n-1) {
		t.Errorf("unreferenced contained = %v, want [c%d]", got, n-1)
	}
}

func ev0(c Collection) any {
	if n, ok := c[0].(Node); ok {
		v, _ := n.Value()
		return v
	}
	return c[0]
}
