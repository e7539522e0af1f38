package report

import (
	"fmt"
	"slices"
	"strings"
)

// maxListed bounds the findings listed per input in a comparison.
const maxListed = 10

// Compare says how fresh (a re-run) differs from old: definitions, guides,
// options, inputs (added, removed, changed bytes), verdicts and findings.
// The tool version and the date are not compared: a new fhirlens that
// gives the same verdicts and findings verifies the report.
func Compare(old, fresh *Report) []string {
	var d []string
	add := func(format string, a ...any) { d = append(d, fmt.Sprintf(format, a...)) }
	if o, n := old.Definitions.Core, fresh.Definitions.Core; o != n {
		add("core definitions: %s %s (sha256 %.12s) → %s %s (sha256 %.12s)", o.Name, o.Version, o.SHA256, n.Name, n.Version, n.SHA256)
	}
	guides := func(r *Report) map[string]Package {
		m := map[string]Package{}
		for _, g := range r.Definitions.Guides {
			m[g.Name] = g
		}
		return m
	}
	og, ng := guides(old), guides(fresh)
	for _, g := range old.Definitions.Guides {
		n, ok := ng[g.Name]
		switch {
		case !ok:
			add("guide %s %s: not used in the re-run", g.Name, g.Version)
		case n.Version != g.Version:
			add("guide %s: version %s → %s", g.Name, g.Version, n.Version)
		case n.SHA256 != g.SHA256:
			add("guide %s %s: package changed (sha256 %.12s → %.12s)", g.Name, g.Version, g.SHA256, n.SHA256)
		}
	}
	for _, g := range fresh.Definitions.Guides {
		if _, ok := og[g.Name]; !ok {
			add("guide %s %s: not in the report", g.Name, g.Version)
		}
	}
	if old.Options.Invariants != fresh.Options.Invariants || !slices.Equal(old.Options.Profiles, fresh.Options.Profiles) {
		add("options: %+v → %+v", old.Options, fresh.Options)
	}
	byName := map[string]*Input{}
	for i := range fresh.Inputs {
		byName[fresh.Inputs[i].Name] = &fresh.Inputs[i]
	}
	seen := map[string]bool{}
	for i := range old.Inputs {
		o := &old.Inputs[i]
		seen[o.Name] = true
		n := byName[o.Name]
		if n == nil {
			add("%s: in the report, not in the re-run", o.Name)
			continue
		}
		if o.SHA256 != n.SHA256 {
			add("%s: the input changed (sha256 %.12s…, %s bytes → %.12s…, %s bytes)", o.Name, o.SHA256, Num(o.Size), n.SHA256, Num(n.Size))
		}
		if o.Verdict != n.Verdict {
			add("%s: verdict %s → %s", o.Name, o.Verdict, n.Verdict)
		}
		if o.Counts != n.Counts {
			add("%s: %s → %s", o.Name, CountsLine(o.Counts, o.Counts.Resources), CountsLine(n.Counts, n.Counts.Resources))
		}
		for _, p := range o.Profiles {
			j := slices.IndexFunc(n.Profiles, func(q Profile) bool { return q.URL == p.URL })
			if j < 0 {
				add("%s: profile %s no longer claimed", o.Name, p.URL)
			} else if n.Profiles[j].Verdict != p.Verdict {
				add("%s: profile %s verdict %s → %s", o.Name, p.URL, p.Verdict, n.Profiles[j].Verdict)
			}
		}
		gone, came := findingDiff(o.Findings, n.Findings)
		for k, f := range gone {
			if k == maxListed {
				add("%s: … %s more no longer found", o.Name, Num(len(gone)-maxListed))
				break
			}
			add("%s: no longer found: %s", o.Name, findingText(f))
		}
		for k, f := range came {
			if k == maxListed {
				add("%s: … %s more new", o.Name, Num(len(came)-maxListed))
				break
			}
			add("%s: new: %s", o.Name, findingText(f))
		}
	}
	for _, n := range fresh.Inputs {
		if !seen[n.Name] {
			add("%s: in the re-run, not in the report", n.Name)
		}
	}
	return d
}

// findingDiff returns the findings only in a and only in b, compared as
// multisets of (rule, severity, location, message), in document order.
func findingDiff(a, b []Finding) (onlyA, onlyB []Finding) {
	count := map[Finding]int{}
	for _, f := range b {
		count[f]++
	}
	for _, f := range a {
		if count[f] > 0 {
			count[f]--
		} else {
			onlyA = append(onlyA, f)
		}
	}
	count = map[Finding]int{}
	for _, f := range a {
		count[f]++
	}
	for _, f := range b {
		if count[f] > 0 {
			count[f]--
		} else {
			onlyB = append(onlyB, f)
		}
	}
	return onlyA, onlyB
}

func findingText(f Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", locationText(f), f.Severity)
	if f.Expression != "" {
		fmt.Fprintf(&b, " %s:", f.Expression)
	}
	fmt.Fprintf(&b, " %s [%s]", f.Message, f.Rule)
	return b.String()
}
