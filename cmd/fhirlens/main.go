// Command fhirlens validates FHIR (R4 or STU3, JSON or XML), writes
// conformance reports and serves the browser app.
// Each subcommand lives in its own file; this one only dispatches and
// writes the top-level help, generated from the subcommands' flag sets.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand: its synopsis, its flag set (built by the same
// function the subcommand parses with, so the help cannot drift) and its
// implementation, which returns the exit code.
type command struct {
	name, args, summary string
	flags               func() *flag.FlagSet // nil: no flags
	run                 func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands in the order the help lists them.
var commands []command

func init() {
	commands = []command{
		{"validate", "FILE|FOLDER...|-", "check FHIR JSON or XML (resource, Bundle, ndjson)",
			func() *flag.FlagSet { fs, _ := validateFlags(); return fs }, runValidate},
		{"report", "INPUT|FOLDER... --out DIR", "write a conformance report (JSON, HTML, SARIF, JUnit)",
			func() *flag.FlagSet { fs, _ := reportFlags(); return fs }, runReport},
		{"verify", "report.json [INPUT|FOLDER...]", "re-run a report and say whether anything changed",
			func() *flag.FlagSet { fs, _ := verifyFlags(); return fs }, runVerify},
		{"snapshot", "INPUT...", "generate the snapshots of differential-only profiles (--diff: compare with supplied ones)",
			func() *flag.FlagSet { fs, _ := snapshotFlags(); return fs }, runSnapshot},
		{"fhirpath", "EXPRESSION FILE|-", "evaluate a FHIRPath expression on a resource",
			func() *flag.FlagSet { fs, _ := fhirpathFlags(); return fs }, runFHIRPath},
		{"convert", "FILE|-", "convert a resource between FHIR JSON and XML (canonical form)",
			func() *flag.FlagSet { fs, _ := convertFlags(); return fs }, runConvert},
		{"rules", "", "list every rule fhirlens reports (id, code, severity, summary, source)",
			func() *flag.FlagSet { fs, _ := rulesFlags(); return fs }, runRules},
		{"serve", "", "serve the browser app",
			func() *flag.FlagSet { fs, _ := serveFlags(); return fs },
			func(args []string, _ io.Reader, stdout, stderr io.Writer) int { return runServe(args, stdout, stderr) }},
		{"version", "", "print the version and commit (as the web app's footer) and the FHIR version", nil, runVersion},
		{"help", "[COMMAND]", "print this help, or a command's", nil, runHelp},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeHelp(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		writeHelp(stdout)
		return 0
	case "-version", "--version":
		return runVersion(nil, stdin, stdout, stderr)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "fhirlens: unknown command %q\n", args[0])
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	if s := suggest(strings.TrimLeft(args[0], "-"), names); s != "" {
		fmt.Fprintf(stderr, "did you mean 'fhirlens %s'?\n", s)
	}
	fmt.Fprintln(stderr, "run 'fhirlens help' for the commands")
	return 2
}

// runHelp prints the top-level help, or a command's own help.
func runHelp(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeHelp(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] && c.flags != nil {
			return c.run([]string{"--help"}, stdin, stdout, stderr)
		}
	}
	return run(args, stdin, stdout, stderr)
}

// writeHelp writes the top-level help: every command with its flags.
func writeHelp(w io.Writer) {
	fmt.Fprint(w, "fhirlens — FHIR validator (R4 and STU3, JSON and XML), conformance reports and record viewer\n\nusage: fhirlens COMMAND [FLAGS] [ARGUMENTS]   (flags may also follow the arguments)\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "fhirlens %s", c.name)
		if c.args != "" {
			fmt.Fprintf(w, " %s", c.args)
		}
		fmt.Fprintf(w, "\n    %s\n", c.summary)
		if c.flags != nil {
			writeFlags(w, c.flags(), "    ")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "'fhirlens COMMAND --help' says more about a command.\nExit status: 0 no errors, 1 errors found (or, for verify, a changed report), 2 usage or I/O error.\n")
}
