package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/fhirlens/fhirlens/validator"
)

const rulesUsage = `usage: fhirlens rules [--format text|json]

Lists every rule fhirlens can report: its id (the [rule] of each finding),
the OperationOutcome issue code, the default severity, what it checks and
where it comes from (a FHIR invariant, a section of the specification, the
HL7 reference validator's grading, or fhirlens itself). The invariants are
those of the embedded R4 definitions.
`

func rulesFlags() (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	format := fs.String("format", "text", "output `format`: text or json")
	return fs, format
}

// ruleJSON is one rule as `fhirlens rules --format json` writes it.
type ruleJSON struct {
	ID           string `json:"id"`
	Code         string `json:"code"`
	Severity     string `json:"severity"`
	Summary      string `json:"summary"`
	Source       string `json:"source"`
	BestPractice bool   `json:"bestPractice,omitempty"`
}

func runRules(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs, format := rulesFlags()
	rest, code, done := parseFlags(fs, rulesUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(rest) > 0 {
		return usageError(stderr, "rules", "unexpected argument %q", rest[0])
	}
	v, err := validator.New(validator.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens rules:", err)
		return 2
	}
	rules := v.Rules()
	switch *format {
	case "json":
		out := make([]ruleJSON, len(rules))
		for i, r := range rules {
			out[i] = ruleJSON{ID: r.ID, Code: r.Code, Severity: r.Severity.String(), Summary: r.Summary, Source: r.Source, BestPractice: r.BestPractice}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, "fhirlens rules:", err)
			return 2
		}
	case "text":
		width := 0
		for _, r := range rules {
			width = max(width, len(r.ID))
		}
		for _, r := range rules {
			fmt.Fprintf(stdout, "%-*s  %-11s %-13s %s (%s)\n", width, r.ID, r.Severity, r.Code, safeText(r.Summary), r.Source)
		}
		fmt.Fprintf(stdout, "%d rules\n", len(rules))
	default:
		return usageError(stderr, "rules", "unknown format %q (text or json)", *format)
	}
	return 0
}
