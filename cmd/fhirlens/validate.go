package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fhirlens/fhirlens/validator"
)

const validateUsage = `usage: fhirlens validate [--format text|json|outcome] [--no-invariants] FILE...|-

Validates FHIR R4 JSON: a resource, a Bundle, or ndjson (one resource per
line). "-" reads standard input. Formats:
  text     findings grouped by file and resource, with a summary (default)
  json     the reports as a JSON array
  outcome  one OperationOutcome per input; several inputs give a collection
           Bundle of OperationOutcomes in input order
Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.

`

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("validate", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, validateUsage); flags.PrintDefaults() }
	format := flags.String("format", "text", "output `format`: text, json or outcome")
	noInv := flags.Bool("no-invariants", false, "skip FHIRPath invariants (structure, types and codes only)")
	color := flags.String("color", "auto", "colour the text output: auto, always or never")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() == 0 {
		fmt.Fprintln(stderr, "fhirlens validate: no input files (use - for standard input)")
		flags.Usage()
		return 2
	}
	switch *format {
	case "text", "json", "outcome":
	default:
		fmt.Fprintf(stderr, "fhirlens validate: unknown format %q (text, json or outcome)\n", *format)
		return 2
	}
	v, err := validator.New(validator.Options{SkipInvariants: *noInv})
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens validate:", err)
		return 2
	}
	var reports []*validator.Report
	ioFailed := false
	for _, name := range flags.Args() {
		data, err := readInput(name, stdin)
		if err != nil {
			fmt.Fprintln(stderr, "fhirlens validate:", err)
			ioFailed = true
			continue
		}
		reports = append(reports, v.Validate(context.Background(), name, data))
	}
	if err := writeReports(stdout, *format, reports, useColor(*color, stdout)); err != nil {
		fmt.Fprintln(stderr, "fhirlens validate:", err)
		return 2
	}
	switch {
	case ioFailed:
		return 2
	case anyErrors(reports):
		return 1
	}
	return 0
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

func anyErrors(reports []*validator.Report) bool {
	for _, r := range reports {
		if r.HasErrors() {
			return true
		}
	}
	return false
}

func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" || strings.EqualFold(os.Getenv("TERM"), "dumb") {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
