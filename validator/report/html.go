package report

import (
	"bytes"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
)

// HTML writes report.html: one self-contained page (inline style, no
// script, no external resource) that prints well: the summary table first,
// then the findings of each input grouped by rule, errors first.
func (r *Report) HTML() []byte {
	var b bytes.Buffer
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	e := html.EscapeString
	w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	w("<title>FHIR conformance report · fhirlens</title>\n<style>%s</style>\n</head>\n<body>\n", reportCSS)
	w("<h1>FHIR conformance report</h1>\n")
	w("<p class=\"verdict %s\">%s</p>\n", verdictClass(r.Summary.Conform == r.Summary.Inputs), e(r.summaryLine()))
	w("<dl class=\"meta\">\n<dt>Checked by</dt><dd>fhirlens %s", e(r.Tool.Version))
	if r.Tool.Commit != "" {
		w(" (commit <code>%s</code>)", e(r.Tool.Commit))
	}
	w("</dd>\n")
	if r.Date != "" {
		w("<dt>Date</dt><dd>%s</dd>\n", e(r.Date))
	}
	w("<dt>Definitions</dt><dd>FHIR %s: %s</dd>\n", e(r.Definitions.FHIRVersion), packageHTML(r.Definitions.Core))
	for _, g := range r.Definitions.Guides {
		w("<dt>Guide</dt><dd>%s</dd>\n", packageHTML(g))
	}
	inv := "on"
	if !r.Options.Invariants {
		inv = "off (--no-invariants)"
	}
	w("<dt>FHIRPath invariants</dt><dd>%s</dd>\n", inv)
	for _, p := range r.Options.Profiles {
		w("<dt>Profile</dt><dd><code>%s</code></dd>\n", e(p))
	}
	w("</dl>\n")
	w("<p class=\"note\">Re-run it: <code>fhirlens verify report.json</code> with the same inputs says whether the verdicts and findings are still the same.</p>\n")

	if r.Matrix != nil {
		r.matrixHTML(&b)
	}

	w("<h2>Inputs</h2>\n<table class=\"inputs\">\n<thead><tr><th>Input</th><th>Verdict</th><th class=\"n\">Resources</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th><th class=\"n\">Notes</th><th>Size · sha256</th></tr></thead>\n<tbody>\n")
	for i, in := range r.Inputs {
		name := e(in.Name)
		if len(in.Findings) > 0 {
			name = fmt.Sprintf("<a href=\"#in-%d\">%s</a>", i+1, name)
		}
		w("<tr><td>%s</td><td class=\"%s\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"hash\">%s bytes · <code title=\"sha256 %s\">%.16s…</code></td></tr>\n",
			name, verdictClass(in.Verdict == Conforms), in.Verdict, Num(in.Counts.Resources), Num(in.Counts.Errors), Num(in.Counts.Warnings), Num(in.Counts.Notes), Num(in.Size), in.SHA256, in.SHA256)
		for _, p := range in.Profiles {
			w("<tr class=\"profile\"><td>↳ profile <code>%s</code></td><td class=\"%s\">%s</td><td class=\"n\">%s</td><td colspan=\"4\"></td></tr>\n",
				e(p.URL), verdictClass(p.Verdict == Conforms), p.Verdict, Num(p.Resources))
		}
	}
	w("</tbody>\n</table>\n")

	w("<h2>Findings</h2>\n")
	var clean []string
	for i, in := range r.Inputs {
		if len(in.Findings) == 0 {
			clean = append(clean, in.Name)
			continue
		}
		w("<section id=\"in-%d\">\n<h3>%s <span class=\"%s\">%s</span></h3>\n<p class=\"counts\">%s</p>\n",
			i+1, e(in.Name), verdictClass(in.Verdict == Conforms), in.Verdict, e(CountsLine(in.Counts, in.Counts.Resources)))
		for _, g := range GroupByRule(in.Findings) {
			rule := r.rule(g.Rule)
			open := ""
			if g.Severity == "fatal" || g.Severity == "error" {
				open = " open"
			}
			w("<details%s><summary><span class=\"sev %s\">%s</span> <b>%s</b> · %s", open, sevClass(g.Severity), SeverityWord(g.Severity), e(g.Rule), Num(len(g.Findings)))
			if rule.Summary != "" {
				w(" · %s", e(rule.Summary))
			}
			if rule.BestPractice {
				w(" <span class=\"bp\">best practice</span>")
			}
			w("</summary>\n<ol>\n")
			for _, f := range g.Findings {
				w("<li><span class=\"loc\">%s</span> ", e(locationText(f)))
				if f.Resource >= 0 && f.Resource < len(in.Resources) {
					w("<span class=\"res\">%s</span> ", e(resourceLabel(in.Resources[f.Resource])))
				}
				if f.Expression != "" {
					w("<code>%s</code>: ", e(f.Expression))
				}
				w("%s</li>\n", e(f.Message))
			}
			w("</ol>\n</details>\n")
		}
		for _, o := range in.Omitted {
			w("<p class=\"note\">and %s more %s of <b>%s</b>, counted but not listed (the engine keeps a limited number per rule)</p>\n",
				Num(o.Count), Plural(o.Count, SeverityWord(o.Severity))[len(Num(o.Count))+1:], e(o.Rule))
		}
		w("</section>\n")
	}
	if len(clean) > 0 {
		w("<p class=\"clean\">%s conform with no findings: %s</p>\n", e(Plural(len(clean), "file")), e(strings.Join(clean, ", ")))
	}
	w("</body>\n</html>\n")
	return b.Bytes()
}

func (r *Report) matrixHTML(b *bytes.Buffer) {
	m := r.Matrix
	e := html.EscapeString
	fmt.Fprintf(b, "<h2>Plugfest matrix</h2>\n<table class=\"matrix\">\n<thead><tr><th>System</th>")
	for _, c := range m.Columns {
		fmt.Fprintf(b, "<th>%s</th>", e(c))
	}
	fmt.Fprintf(b, "</tr></thead>\n<tbody>\n")
	for _, row := range m.Rows {
		fmt.Fprintf(b, "<tr><th><a href=\"#in-%d\">%s</a></th>", row.First+1, e(row.System))
		for _, c := range row.Cells {
			if c.Resources == 0 {
				fmt.Fprintf(b, "<td class=\"none\">—</td>")
				continue
			}
			fmt.Fprintf(b, "<td class=\"%s\"><a href=\"#in-%d\">%s</a><br><small>%s of %s · %s, %s</small></td>",
				verdictClass(c.Verdict == Conforms), c.First+1, c.Verdict, Num(c.Failing), Num(c.Resources),
				Plural(c.Errors, "error"), Plural(c.Warnings, "warning"))
		}
		fmt.Fprintf(b, "</tr>\n")
	}
	fmt.Fprintf(b, "</tbody>\n</table>\n<p class=\"note\">A cell fails when any resource of that kind from that system has an error; “n of m” counts the failing resources.</p>\n")
}

func (r *Report) rule(id string) Rule {
	i, ok := slices.BinarySearchFunc(r.Rules, id, func(ru Rule, id string) int { return strings.Compare(ru.ID, id) })
	if ok {
		return r.Rules[i]
	}
	return Rule{ID: id}
}

func (r *Report) summaryLine() string {
	s := r.Summary
	fails := s.Inputs - s.Conform
	line := fmt.Sprintf("%s: %s conform", Plural(s.Inputs, "input"), Num(s.Conform))
	if fails > 0 {
		line += fmt.Sprintf(", %s fail", Num(fails))
	}
	return line + " · " + CountsLine(Counts{Errors: s.Errors, Warnings: s.Warnings, Notes: s.Notes}, s.Resources)
}

// CountsLine is the one wording of counts used everywhere: "391 resources:
// 4 errors, 989 warnings, 1 note" (fatal findings count as errors).
func CountsLine(c Counts, resources int) string {
	return fmt.Sprintf("%s: %s, %s, %s", Plural(resources, "resource"), Plural(c.Errors, "error"), Plural(c.Warnings, "warning"), Plural(c.Notes, "note"))
}

// Plural writes "1 file", "2 files", "1,500 files".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return Num(n) + " " + word + "s"
}

// Num formats an integer with thousands separators: 17212 → "17,212".
func Num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// SeverityWord is the word shown for a severity: fatal and error are both
// "error" (a fatal one stopped the check early; the message says so).
func SeverityWord(sev string) string {
	switch sev {
	case "fatal", "error":
		return "error"
	case "information":
		return "note"
	}
	return sev
}

// Group is the findings of one rule within an input.
type Group struct {
	Rule     string
	Severity string // the worst severity in the group
	Findings []Finding
}

// GroupByRule groups findings by rule: groups with errors first, then by
// size (largest first), then by rule id; findings keep document order.
func GroupByRule(fs []Finding) []Group {
	index := map[string]int{}
	var groups []Group
	for _, f := range fs {
		i, ok := index[f.Rule]
		if !ok {
			i = len(groups)
			index[f.Rule] = i
			groups = append(groups, Group{Rule: f.Rule, Severity: f.Severity})
		}
		g := &groups[i]
		g.Findings = append(g.Findings, f)
		if severityRank(f.Severity) < severityRank(g.Severity) {
			g.Severity = f.Severity
		}
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		if d := severityRank(SeverityWord(a.Severity)) - severityRank(SeverityWord(b.Severity)); d != 0 {
			return d
		}
		if d := len(b.Findings) - len(a.Findings); d != 0 {
			return d
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return groups
}

func severityRank(s string) int {
	switch s {
	case "fatal":
		return 0
	case "error":
		return 1
	case "warning":
		return 2
	}
	return 3
}

func locationText(f Finding) string {
	if f.Line == 0 {
		return "file"
	}
	return fmt.Sprintf("%d:%d", f.Line, f.Col)
}

func resourceLabel(r Resource) string {
	if r.ID != "" {
		return r.Type + "/" + r.ID
	}
	return r.Type
}

func packageHTML(p Package) string {
	return fmt.Sprintf("%s %s <code class=\"hash\">sha256 %s</code>", html.EscapeString(p.Name), html.EscapeString(p.Version), html.EscapeString(p.SHA256))
}

func verdictClass(ok bool) string {
	if ok {
		return "pass"
	}
	return "fail"
}

func sevClass(sev string) string { return SeverityWord(sev) }

const reportCSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;max-width:72rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #d0d7de}h3{font-size:1rem;margin:1rem 0 .25rem}
code{font:12px ui-monospace,Menlo,Consolas,monospace}.hash code,code.hash{word-break:break-all;color:#57606a}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#116329;font-weight:600}.fail{color:#a40e26;font-weight:600}td.none{color:#8c959f;text-align:center}
.verdict{font-size:1.1rem;padding:.5rem .75rem;border-radius:6px;background:#f6f8fa}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}dl.meta dt{color:#57606a}dl.meta dd{margin:0}
.note{color:#57606a;font-size:.9em}tr.profile td{font-size:.9em}
details{margin:.25rem 0;border:1px solid #d0d7de;border-radius:6px;padding:.25rem .5rem}summary{cursor:pointer}
details ol{margin:.25rem 0;padding-left:2rem}li{margin:.1rem 0}.loc{color:#57606a;font:12px ui-monospace,monospace}.res{color:#0550ae}
.sev{display:inline-block;min-width:4.5em;font-weight:600}.sev.error{color:#a40e26}.sev.warning{color:#9a6700}.sev.note{color:#0550ae}
.bp{font-size:.8em;border:1px solid #d0d7de;border-radius:4px;padding:0 .3em;color:#57606a}.clean{color:#116329}
@media print{body{margin:0;max-width:none;font-size:11px}details{break-inside:avoid-page;border:none;padding:0}a{color:inherit;text-decoration:none}}
`
