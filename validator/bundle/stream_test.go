package bundle

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/internal/hostile"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// TestCheckEntriesToKeepsOnlyKept: streaming the entry rules into a List
// that keeps 10 per rule counts every finding, keeps the first 10 of what
// CheckEntries returns, and allocates far less than one finding per entry
// (a Finding alone is over 100 bytes; each was stored before issue 17).
func TestCheckEntriesToKeepsOnlyKept(t *testing.T) {
	const n = 50_000
	tree, _ := jsontree.Parse(hostile.EntriesWithoutFullURL(n), jsontree.Options{})
	g := Index(tree, tree.Root())
	all := g.CheckEntries()
	if len(all) != n {
		t.Fatalf("CheckEntries: %d findings, want %d", len(all), n)
	}
	var l finding.List
	l.KeepPerRule = 10
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g.CheckEntriesTo(&l)
	runtime.ReadMemStats(&after)
	if got := l.Errors(); got != n {
		t.Errorf("counted %d errors, want %d", got, n)
	}
	if !slices.Equal(l.Findings, all[:10]) {
		t.Errorf("kept %v, want the first 10 of CheckEntries", l.Findings)
	}
	if per := float64(after.TotalAlloc-before.TotalAlloc) / n; per > 16 {
		t.Errorf("CheckEntriesTo allocated %.0f bytes per entry, want < 16 (nothing stored per finding not kept)", per)
	}
}

// TestCheckReferencesToOrder: in a document, the unreachable entries
// (known only after every reference is resolved) are merged by offset into
// the references' findings: the stream is in document order and complete.
func TestCheckReferencesToOrder(t *testing.T) {
	const n = 200
	var b strings.Builder
	b.WriteString(`{"resourceType":"Bundle","type":"document","identifier":{"system":"urn:x","value":"1"},"timestamp":"2020-01-01T00:00:00Z","entry":[`)
	b.WriteString(`{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000000","resource":{"resourceType":"Composition","section":[{"entry":[`)
	for i := 2; i <= n; i += 2 {
		if i > 2 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"reference":"urn:uuid:00000000-0000-4000-8000-%012d"}`, i)
	}
	b.WriteString(`]}]}}`)
	for i := 1; i <= n; i++ {
		// odd entries are unreachable and refer to nothing in the bundle
		fmt.Fprintf(&b, `,{"fullUrl":"urn:uuid:00000000-0000-4000-8000-%012d","resource":{"resourceType":"Basic","id":"b%d","subject":{"reference":"urn:uuid:00000000-0000-4000-8000-9%011d"}}}`, i, i, i)
	}
	b.WriteString(`]}`)
	tree := parse(t, b.String())
	g := Index(tree, tree.Root())
	fs := g.CheckReferences(CollectReferences(tree, tree.Root()), Options{})
	var unreachable, unresolved int
	for _, f := range fs {
		switch f.Rule {
		case "doc.unreachable":
			unreachable++
		case "ref.unresolved":
			unresolved++
		}
	}
	if unreachable != n/2 || unresolved != n {
		t.Errorf("%d unreachable, %d unresolved; want %d and %d", unreachable, unresolved, n/2, n)
	}
	if !slices.IsSortedFunc(fs, func(a, b finding.Finding) int { return a.Offset - b.Offset }) {
		t.Error("findings are not in document order")
	}
}
