package bundle

import (
	"strconv"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// unreachable gives, entry by entry (in document order), the findings about
// the entries of a document that cannot be reached from the Composition (the
// first entry) by following resolved references; one is built only when
// asked for. Like the reference validator it first follows references
// forwards, then also admits entries that point into what was reached (a
// Provenance targeting the Composition); those are reported separately
// unless they are Provenances, which normally point backwards. An entry
// reached neither way is an error (documents.html#content: a document is
// the Composition and the resources it references, directly or not; the
// reference validator errs too). Linear in entries + edges.
func (g *Graph) unreachable() func() (finding.Finding, bool) {
	n := len(g.Entries)
	if n == 0 {
		return func() (finding.Finding, bool) { return finding.Finding{}, false }
	}
	// Adjacency in compressed form: forward and backward edges per entry.
	fwdStart, fwd := g.adjacency(n, func(e *edge) (int, int) { return e.FromEntry, e.ToEntry })
	revStart, rev := g.adjacency(n, func(e *edge) (int, int) { return e.ToEntry, e.FromEntry })

	const (
		unseen = iota
		forward
		reverse
	)
	state := make([]uint8, n)
	queue := make([]int32, 0, n)
	visit := func(i int32, how uint8) {
		if state[i] == unseen {
			state[i] = how
			queue = append(queue, i)
		}
	}
	visit(0, forward)
	for q := 0; q < len(queue); q++ {
		i := queue[q]
		for _, j := range fwd[fwdStart[i]:fwdStart[i+1]] {
			visit(j, forward)
		}
	}
	// Entries that point at what was reached, and everything they reach.
	for q := 0; q < len(queue); q++ {
		i := queue[q]
		for _, j := range rev[revStart[i]:revStart[i+1]] {
			visit(j, reverse)
		}
		if state[i] == reverse {
			for _, j := range fwd[fwdStart[i]:fwdStart[i+1]] {
				visit(j, reverse)
			}
		}
	}
	i := 0
	return func() (finding.Finding, bool) {
		for ; i < n; i++ {
			e := &g.Entries[i]
			if e.Resource < 0 || state[i] == forward || state[i] == reverse && e.Type == "Provenance" {
				continue
			}
			what := "entry " + strconv.Itoa(i) + " (" + orUnknown(e.Type) + describeID(e) + ")"
			at := i
			i++
			if state[at] == reverse {
				return newFinding(g.tree, finding.Information, "informational", "doc.reverse-only", e.Node, g.entryPath(at), what+" is not reachable from the Composition by following references; it is only linked by references of its own into the document, which readers following the Composition will not see"), true
			}
			return newFinding(g.tree, finding.Error, "informational", "doc.unreachable", e.Node, g.entryPath(at), what+" is not reachable from the Composition, directly or through other entries; every resource of a document should be referenced from it (for example from a section.entry) or be left out"), true
		}
		return finding.Finding{}, false
	}
}

// adjacency builds a compressed adjacency list of the entry-to-entry edges
// (self references and unresolved edges left out), by counting sort.
func (g *Graph) adjacency(n int, ends func(*edge) (int, int)) (start []int32, to []int32) {
	start = make([]int32, n+1)
	for k := range g.edges {
		a, b := ends(&g.edges[k])
		if a >= 0 && b >= 0 && a != b && a < n && b < n {
			start[a+1]++
		}
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	to = make([]int32, start[n])
	fill := make([]int32, n)
	for k := range g.edges {
		a, b := ends(&g.edges[k])
		if a >= 0 && b >= 0 && a != b && a < n && b < n {
			to[start[a]+fill[a]] = int32(b)
			fill[a]++
		}
	}
	return start, to
}

func describeID(e *Entry) string {
	switch {
	case e.FullURL != "":
		return " " + e.FullURL
	case e.ID != "":
		return "/" + e.ID
	}
	return ""
}
