package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fhirlens/fhirlens/validator"
)

// writeReports prints the reports, showing findings of severity minLevel
// and worse; the text summary still counts every finding.
func writeReports(w io.Writer, format string, reports []*validator.Report, color bool, minLevel validator.Severity) error {
	if format != "text" {
		filtered := make([]*validator.Report, len(reports))
		for i, r := range reports {
			c := *r
			c.Issues = slices.DeleteFunc(slices.Clone(r.Issues), func(is validator.Issue) bool { return is.Severity > minLevel })
			filtered[i] = &c
		}
		reports = filtered
	}
	switch format {
	case "json":
		b, err := json.MarshalIndent(reports, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case "outcome":
		var b []byte
		var err error
		if len(reports) == 1 {
			b, err = reports[0].OperationOutcome()
		} else {
			b, err = validator.OutcomeBundle(reports)
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
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
	fmt.Fprintf(w, "%s\n", r.Source)
	current := -2
	hidden := 0
	for _, is := range r.Issues {
		if is.Severity > minLevel {
			hidden++
			continue
		}
		if is.Resource != current {
			current = is.Resource
			if is.Resource >= 0 {
				res := r.Resources[is.Resource]
				label := res.Type
				if res.ID != "" {
					label += "/" + res.ID
				}
				fmt.Fprintf(w, "  %s (line %d)\n", label, res.Line)
			} else {
				fmt.Fprintf(w, "  input\n")
			}
		}
		loc := fmt.Sprintf("%d:%d", is.Line, is.Col)
		where := is.Expression
		if where != "" {
			where += ": "
		}
		fmt.Fprintf(w, "    %-8s %s %s%s [%s]\n", loc, paint(is.Severity, is.Severity.String()), where, is.Message, is.Rule)
	}
	note := ""
	if hidden > 0 {
		note = fmt.Sprintf(" (%d not shown, see --level)", hidden)
	}
	fmt.Fprintf(w, "  %s, %s%s\n", plural(len(r.Resources), "resource"), summary(r.Counts(), color), note)
}

func summary(c [4]int, color bool) string {
	var parts []string
	add := func(n int, word string) { parts = append(parts, plural(n, word)) }
	if c[validator.Fatal] > 0 {
		add(c[validator.Fatal], "fatal error")
	}
	add(c[validator.Error], "error")
	add(c[validator.Warning], "warning")
	add(c[validator.Information], "note")
	out := strings.Join(parts, ", ")
	if c[validator.Fatal]+c[validator.Error] == 0 {
		out = "valid: " + out
	}
	return out
}

func runVersion(_ []string, _ io.Reader, stdout, _ io.Writer) int {
	v, err := validator.New(validator.Options{})
	if err != nil {
		fmt.Fprintln(stdout, "fhirlens (definitions failed to load:", err, ")")
		return 2
	}
	fmt.Fprintf(stdout, "fhirlens %s, FHIR %s definitions\n", version, v.FHIRVersion())
	return 0
}

// version is set at build time with -ldflags "-X main.version=..."; the
// default says it is a development build.
var version = "dev"

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
