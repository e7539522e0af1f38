package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fhirlens/fhirlens/internal/jsonindent"
	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/report"
)

// writeReports prints the reports, showing findings of severity minLevel
// and worse; the text summary still counts every finding.
func writeReports(w io.Writer, format string, reports []*validator.Report, color bool, minLevel validator.Severity) error {
	if format != "text" {
		filtered := make([]*validator.Report, len(reports))
		for i, r := range reports {
			c := *r
			c.Findings = slices.DeleteFunc(slices.Clone(r.Findings), func(f validator.Finding) bool { return f.Severity > minLevel })
			filtered[i] = &c
		}
		reports = filtered
	}
	switch format {
	case "json":
		// streamed: each report marshalled compact a chunk at a time and
		// indented on the way out (json.MarshalIndent's bytes, without a
		// copy of the whole output)
		x := jsonindent.New(w, "  ")
		x.WriteString("[")
		for i, r := range reports {
			if i > 0 {
				x.WriteString(",")
			}
			if err := r.WriteJSON(x); err != nil {
				return err
			}
		}
		x.WriteString("]\n")
		return x.Flush()
	case "outcome":
		if len(reports) == 1 {
			return reports[0].WriteOperationOutcome(w)
		}
		return validator.WriteOutcomeBundle(w, reports)
	}
	for _, r := range reports {
		writeText(w, r, color, minLevel)
	}
	if len(reports) > 1 {
		var total [4]int
		for _, r := range reports {
			c := r.Counts()
			for i := range total {
				total[i] += c[i]
			}
		}
		fmt.Fprintf(w, "%d files: %s\n", len(reports), summary(total, color))
	}
	return nil
}

var sevColor = [...]string{"\x1b[1;31m", "\x1b[31m", "\x1b[33m", "\x1b[36m"}

// writeText prints one report: a heading per resource that has findings,
// then one line per finding, then a summary line.
func writeText(w io.Writer, r *validator.Report, color bool, minLevel validator.Severity) {
	paint := func(s validator.Severity, text string) string {
		if !color {
			return text
		}
		return sevColor[s] + text + "\x1b[0m"
	}
	fmt.Fprintf(w, "%s\n", safeText(r.Source))
	current := -2
	hidden := 0
	for _, is := range r.Findings {
		if is.Severity > minLevel {
			hidden++
			continue
		}
		if is.Resource != current {
			current = is.Resource
			if is.Resource >= 0 {
				res := r.Resources[is.Resource]
				label := safeText(res.Type)
				if res.ID != "" {
					label += "/" + shortID(res.ID)
				}
				fmt.Fprintf(w, "  %s (line %d)\n", label, res.Line)
			} else {
				fmt.Fprintf(w, "  input\n")
			}
		}
		loc := "file" // a finding about the input as a whole has no position
		if is.Line > 0 {
			loc = fmt.Sprintf("%d:%d", is.Line, is.Col)
		}
		where := safeText(is.Expression)
		if where != "" {
			where += ": "
		}
		fmt.Fprintf(w, "    %-8s %s %s%s [%s]\n", loc, paint(is.Severity, is.Severity.String()), where, safeText(is.Message), safeText(is.Rule))
	}
	for _, o := range r.Summary.Omitted {
		if o.Severity > minLevel {
			hidden += o.Count
			continue
		}
		fmt.Fprintf(w, "    %s\n", validator.OmittedText(o))
	}
	note := ""
	if hidden > 0 {
		note = fmt.Sprintf(" (%d not shown, see --level)", hidden)
	}
	fmt.Fprintf(w, "  %s, %s%s\n", plural(r.Summary.Resources, "resource"), summary(r.Counts(), color), note)
}

// summary is the one wording of counts (as the page and the report): fatal
// findings are counted as errors, numbers have thousands separators.
func summary(c [4]int, color bool) string {
	out := strings.Join([]string{plural(c[validator.Fatal]+c[validator.Error], "error"),
		plural(c[validator.Warning], "warning"), plural(c[validator.Information], "note")}, ", ")
	if c[validator.Fatal]+c[validator.Error] == 0 {
		out = "valid: " + out
	}
	return out
}

func runVersion(_ []string, _ io.Reader, stdout, _ io.Writer) int {
	t := report.ToolOf(version, commit)
	fmt.Fprintf(stdout, "fhirlens %s", t.Version)
	if t.Commit != "" {
		fmt.Fprintf(stdout, " (commit %s)", t.Commit)
	}
	fmt.Fprintf(stdout, ", FHIR %s definitions (%s %s)\n", "4.0.1", report.EmbeddedR4().Name, report.EmbeddedR4().Version)
	return 0
}

// version is set at build time with -ldflags "-X main.version=..." (make
// build sets it to what the web app's footer shows); the default says it
// is a development build.
var version = "dev"

// commit is set at build time with -ldflags "-X main.commit=..." (the git
// commit the binary was built from).
var commit = ""

func plural(n int, word string) string { return report.Plural(n, word) }

// writeSummary prints the findings per rule with counts, errors first and
// then the most frequent, then the totals.
func writeSummary(w io.Writer, reports []*validator.Report, minLevel validator.Severity) {
	type row struct {
		rule     string
		severity validator.Severity
		count    int
		files    int
		example  string
	}
	index := map[string]int{}
	var rows []row
	var total [4]int
	resources := 0
	for _, r := range reports {
		resources += r.Summary.Resources
		c := r.Counts()
		for i := range total {
			total[i] += c[i]
		}
		seen := map[string]bool{}
		add := func(rule string, sev validator.Severity, n int, example string) {
			if sev > minLevel {
				return
			}
			i, ok := index[rule]
			if !ok {
				i = len(rows)
				index[rule] = i
				rows = append(rows, row{rule: rule, severity: sev, example: example})
			}
			rows[i].count += n
			rows[i].severity = min(rows[i].severity, sev)
			if !seen[rule] {
				seen[rule] = true
				rows[i].files++
			}
		}
		for _, is := range r.Findings {
			add(is.Rule, is.Severity, 1, is.Message)
		}
		for _, o := range r.Summary.Omitted { // counted beyond --max-per-rule
			add(o.Rule, o.Severity, o.Count, "")
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		sa, sb := max(a.severity, validator.Error), max(b.severity, validator.Error) // fatal and error alike
		if sa != sb {
			return int(sa) - int(sb)
		}
		if a.count != b.count {
			return b.count - a.count
		}
		return strings.Compare(a.rule, b.rule)
	})
	width := len("rule")
	for _, r := range rows {
		width = max(width, len(r.rule))
	}
	fmt.Fprintf(w, "%-*s  %-8s %7s %6s  %s\n", width, "rule", "severity", "count", "files", "summary")
	for _, r := range rows {
		fmt.Fprintf(w, "%-*s  %-8s %7s %6s  %s\n", width, safeText(r.rule), report.SeverityWord(r.severity.String()), report.Num(r.count), report.Num(r.files), safeText(ruleSummary(r.rule, r.example)))
	}
	fmt.Fprintf(w, "%s, %s: %s\n", plural(len(reports), "file"), plural(resources, "resource"), strings.TrimPrefix(summary(total, false), "valid: "))
}

// ruleSummary is a rule's one-line summary; until every rule has one in
// the registry, an example message stands in (an invariant's message is
// its description).
func ruleSummary(rule, example string) string {
	if s, ok := strings.CutPrefix(example, strings.TrimPrefix(rule, "invariant:")+": "); ok {
		return s
	}
	if reg, ok := finding.Lookup(rule); ok && reg.ID == rule && reg.Summary != "" {
		return reg.Summary
	}
	if r := []rune(example); len(r) > 100 {
		example = string(r[:97]) + "..."
	}
	return "e.g. " + example
}
