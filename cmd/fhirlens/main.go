// Command fhirlens validates FHIR R4 JSON and serves the browser app.
// Each subcommand lives in its own file; this one only dispatches.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `fhirlens — FHIR R4 validator and record viewer

usage:
  fhirlens validate [--format text|json|outcome] FILE...|-   check FHIR JSON (resource, Bundle, ndjson)
  fhirlens fhirpath [--format text|json] EXPRESSION FILE|-   evaluate a FHIRPath expression on a resource
  fhirlens serve [--addr 127.0.0.1:8080]                      serve the browser app
  fhirlens version                                           print the version and FHIR version

Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.
`

// commands maps a subcommand to its implementation, which returns the exit code.
var commands = map[string]func(args []string, stdin io.Reader, stdout, stderr io.Writer) int{
	"validate": runValidate,
	"fhirpath": runFHIRPath,
	"serve": func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
		return runServe(args, stdout, stderr)
	},
	"version": runVersion,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "fhirlens: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return cmd(args[1:], stdin, stdout, stderr)
}
