package finding

import (
	"fmt"
	"sort"
)

// DefaultKeepPerRule is how many findings of one rule and severity a List
// keeps by default; the rest are counted, never dropped from the counts.
const DefaultKeepPerRule = 1000

// List collects findings. Every finding is counted; at most KeepPerRule of
// each (rule, severity) are kept, so a 1 GB export with millions of dom-6
// warnings is validated to the end in bounded memory and still reports exact
// counts ("and 81,997 more dom-6").
//
// The zero value keeps DefaultKeepPerRule per rule. A List is not safe for
// concurrent use; merge per-worker lists with Merge.
type List struct {
	// KeepPerRule bounds the findings kept per (rule, severity); 0 means
	// DefaultKeepPerRule, a negative value keeps everything.
	KeepPerRule int

	Findings []Finding

	counts  [4]int
	perRule map[ruleKey]*tally // one lookup per finding: millions are counted
	order   []ruleKey          // first appearance of each omitted (rule, severity), for stable output
	orderAt []int              // len(Findings) when each of order was first omitted (for an exact Merge)
}

// tally counts the findings of one (rule, severity): all, and those not kept.
type tally struct{ all, omitted int }

type ruleKey struct {
	rule string
	sev  Severity
}

// Omitted is the number of findings of one rule and severity that were
// counted but not kept.
type Omitted struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Count    int      `json:"count"`
}

func (l *List) keep() int {
	if l.KeepPerRule == 0 {
		return DefaultKeepPerRule
	}
	return l.KeepPerRule
}

// Add counts f and keeps it unless its rule has reached the limit. It
// reports whether f was kept.
func (l *List) Add(f Finding) bool {
	if !l.Admit(f.Rule, f.Severity) {
		return false
	}
	l.Findings = append(l.Findings, f)
	return true
}

// Admit counts one finding of rule and severity and reports whether it is
// to be kept. A caller that builds findings lazily (their location and
// message cost something) calls Admit first and Keep only when it returns
// true; everyone else calls Add.
func (l *List) Admit(rule string, sev Severity) bool {
	k := ruleKey{rule, sev}
	t := l.tally(k)
	if lim := l.keep(); lim >= 0 && t.all >= lim {
		l.omitN(k, t, 1)
		return false
	}
	l.count(k, t, 1)
	return true
}

// Sink takes findings one at a time, in document order, from a stage that
// builds them lazily: Admit counts a finding of rule and severity and says
// whether it is to be kept; only then does the stage build its location and
// pass it to Keep. *List is one; the walk wraps it to place a stage's
// findings in the whole input. A stage that streams into a Sink stores
// nothing per finding beyond what Keep keeps.
type Sink interface {
	Admit(rule string, sev Severity) bool
	Keep(f Finding)
}

// Keep appends a finding that Admit has counted and admitted.
func (l *List) Keep(f Finding) { l.Findings = append(l.Findings, f) }

// Counts returns the number of findings of each severity, indexed by
// Severity: all of them, kept or not.
func (l *List) Counts() [4]int { return l.counts }

// Errors returns the number of fatal and error findings.
func (l *List) Errors() int { return l.counts[Fatal] + l.counts[Error] }

// Omitted lists what was counted but not kept, in order of first omission.
func (l *List) Omitted() []Omitted {
	out := make([]Omitted, 0, len(l.order))
	for _, k := range l.order {
		out = append(out, Omitted{Rule: k.rule, Severity: k.sev, Count: l.perRule[k].omitted})
	}
	return out
}

// Merge appends other's findings and counts after l's, exactly as if
// other's findings had been added to l in the order other saw them: the
// per-rule limit applies to the union, and the order of Omitted is the one a
// single List would have had (other records where each rule was first
// omitted among its kept findings). Parallel validation relies on this to
// give output identical to a serial run.
func (l *List) Merge(other *List) {
	next := 0 // other's next omitted (rule, severity), in order of first omission
	flush := func(upTo int) {
		for ; next < len(other.order) && other.orderAt[next] <= upTo; next++ {
			k := other.order[next]
			l.omitN(k, l.tally(k), other.perRule[k].omitted)
		}
	}
	for i, f := range other.Findings {
		flush(i)
		l.Add(f)
	}
	flush(len(other.Findings))
}

// tally is the count of k, created on first use.
func (l *List) tally(k ruleKey) *tally {
	t := l.perRule[k]
	if t == nil {
		if l.perRule == nil {
			l.perRule = map[ruleKey]*tally{}
		}
		t = &tally{}
		l.perRule[k] = t
	}
	return t
}

// count counts n findings of k (whose tally is t).
func (l *List) count(k ruleKey, t *tally, n int) {
	if int(k.sev) < len(l.counts) {
		l.counts[k.sev] += n
	}
	t.all += n
}

// omitN counts n findings of k (whose tally is t) as counted and not kept.
func (l *List) omitN(k ruleKey, t *tally, n int) {
	l.count(k, t, n)
	if t.omitted == 0 {
		l.order = append(l.order, k)
		l.orderAt = append(l.orderAt, len(l.Findings))
	}
	t.omitted += n
}

// Sort puts the kept findings in document order (by byte offset); ties keep
// the order in which they were found.
func (l *List) Sort() {
	sort.SliceStable(l.Findings, func(i, j int) bool { return l.Findings[i].Offset < l.Findings[j].Offset })
}

// Error returns the findings as a Go error in go/scanner's style: the first
// finding, and "and N more" when there are others. Use it where a caller
// wants an error (loading a definition, compiling an expression); nil when
// there are no errors or fatals.
func (l *List) Error() error {
	var first *Finding
	for i := range l.Findings {
		if l.Findings[i].Severity.IsError() {
			first = &l.Findings[i]
			break
		}
	}
	if first == nil {
		return nil
	}
	n := l.Errors() - 1
	if n == 0 {
		return fmt.Errorf("%s", first.String())
	}
	return fmt.Errorf("%s (and %d more)", first.String(), n)
}

// String formats a finding as "line:col severity expression: message [rule]".
func (f Finding) String() string {
	loc := ""
	if f.Line > 0 {
		loc = fmt.Sprintf("%d:%d ", f.Line, f.Col)
	}
	expr := ""
	if f.Expression != "" {
		expr = f.Expression + ": "
	}
	return fmt.Sprintf("%s%s %s%s [%s]", loc, f.Severity, expr, f.Message, f.Rule)
}
