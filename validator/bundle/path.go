package bundle

import (
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// pathOf builds the FHIRPath of node n below the graph's root, for findings
// about references that came without a path. It is only called for
// findings, so counting array positions here does not cost the linear bound.
func (g *Graph) pathOf(n jsontree.ID, from int) string {
	t := g.tree
	stop, prefix := g.root, g.Path
	if from >= 0 && from < len(g.Entries) {
		stop, prefix = g.Entries[from].Node, g.entryPath(from)
	}
	var parts []string
	for c := n; c != stop && c != jsontree.None; c = t.Parent(c) {
		p := t.Parent(c)
		if p == jsontree.None {
			break
		}
		if t.Kind(p) == jsontree.Array {
			i := 0
			for s := t.First(p); s != c && s != jsontree.None; s = t.Next(s) {
				i++
			}
			parts = append(parts, "["+strconv.Itoa(i)+"]")
			continue
		}
		parts = append(parts, "."+t.Key(c))
	}
	var b strings.Builder
	b.WriteString(prefix)
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
	}
	return b.String()
}
