// Package bundle checks what lives between the resources of a FHIR Bundle:
// the entry rules (fullUrl, request/response, document and message shape,
// bdl-* invariants), and reference resolution. It indexes a bundle once
// (fullUrl, type/id, versions) so that resolving every reference is linear in
// entries + references, and exposes the resolved graph for the record viewer.
package bundle

import (
	"slices"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// noFinding is a grade that reports nothing.
const noFinding finding.Severity = 255

// newFinding is a finding at node n of the tree, without its line and
// column (emit sets them on the findings kept). The offset is the tree's: a
// caller that placed the tree inside a larger input (an ndjson line) shifts
// it; Resource is left to the caller (-1).
func newFinding(t *jsontree.Tree, sev finding.Severity, code, rule string, n jsontree.ID, path, msg string) finding.Finding {
	off := 0
	if n >= 0 && int(n) < t.Len() {
		off = t.Offset(n)
	}
	return finding.Finding{Severity: sev, Code: code, Rule: rule, Expression: path, Offset: off,
		Message: msg, Resource: -1}
}

// emit passes f to s if s admits it, located (line and column) only then.
func emit(t *jsontree.Tree, s finding.Sink, f finding.Finding) {
	if s.Admit(f.Rule, f.Severity) {
		f.Line, f.Col = t.Position(f.Offset)
		s.Keep(f)
	}
}

// collect is a Sink keeping every finding, for the slice-returning checks.
type collect struct{ out []finding.Finding }

func (c *collect) Admit(string, finding.Severity) bool { return true }
func (c *collect) Keep(f finding.Finding)              { c.out = append(c.out, f) }

// merger streams findings to a Sink in document order: each batch passed to
// next is sorted (stably, by offset) and must not start before the batches
// before it; the findings from pending, already in document order, are
// merged in (on equal offsets the pending finding, found first, goes first).
type merger struct {
	t *jsontree.Tree
	s finding.Sink
	// pending gives the next finding to merge in, false when there is none;
	// nil when there are none at all.
	pending func() (finding.Finding, bool)
	head    finding.Finding
	started bool // head has been read from pending
	has     bool // head is a finding not emitted yet
}

// fromSlice is a pending source over findings in document order.
func fromSlice(fs []finding.Finding) func() (finding.Finding, bool) {
	return func() (finding.Finding, bool) {
		if len(fs) == 0 {
			return finding.Finding{}, false
		}
		f := fs[0]
		fs = fs[1:]
		return f, true
	}
}

func (m *merger) peek() bool {
	if !m.started {
		m.started = true
		if m.pending != nil {
			m.head, m.has = m.pending()
		}
	}
	return m.has
}

func (m *merger) pop() {
	emit(m.t, m.s, m.head)
	m.head, m.has = m.pending()
}

// next merges batch in. With prefix, the batch's expressions are relative
// to it (an entry's path), joined only for the findings kept.
func (m *merger) next(batch []finding.Finding, prefix func() string) {
	for _, f := range sortFindings(batch) {
		m.upTo(f.Offset)
		if prefix == nil {
			emit(m.t, m.s, f)
		} else if m.s.Admit(f.Rule, f.Severity) {
			f.Expression = prefix() + f.Expression
			f.Line, f.Col = m.t.Position(f.Offset)
			m.s.Keep(f)
		}
	}
}

// upTo emits the pending findings at or before offset.
func (m *merger) upTo(offset int) {
	for m.peek() && m.head.Offset <= offset {
		m.pop()
	}
}

// flush emits what is left of pending.
func (m *merger) flush() {
	for m.peek() {
		m.pop()
	}
}

// NativeInvariants are the core invariant keys this package checks itself,
// reporting at the offending entry or element rather than at the Bundle. A
// caller that also evaluates the FHIRPath invariants of the definitions can
// skip these keys to avoid reporting the same problem twice.
var NativeInvariants = []string{
	"bdl-1", "bdl-2", "bdl-3", "bdl-4", "bdl-5", "bdl-7", "bdl-8",
	"bdl-9", "bdl-10", "bdl-11", "bdl-12", "ref-1",
}

// sortFindings puts findings in document order; ties keep the order found.
func sortFindings(fs []finding.Finding) []finding.Finding {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int { return a.Offset - b.Offset })
	return fs
}
