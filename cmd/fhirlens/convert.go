package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/definitions/stu3"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
)

const convertUsage = `usage: fhirlens convert [--to json|xml] [--fhir-version 3.0|4.0] [-o FILE] FILE|-

Converts one FHIR resource between JSON and XML, in canonical form (elements
in definition order, two-space indentation): XML input gives JSON, JSON
input gives XML, unless --to says otherwise (--to json on JSON input gives
its canonical JSON). The FHIR version is detected from the input; use
--fhir-version when it cannot tell. Exit status: 0 converted, 2 the input
could not be read or converted.

`

func convertFlags() (*flag.FlagSet, *convertOptions) {
	o := &convertOptions{}
	flags := flag.NewFlagSet("convert", flag.ContinueOnError)
	flags.StringVar(&o.to, "to", "", "output `format`: json or xml (default: the other one)")
	flags.StringVar(&o.version, "fhir-version", "", "FHIR `version` of the input: 3.0 (STU3) or 4.0 (R4); detected when not given")
	flags.StringVar(&o.out, "out", "", "write to this `file` instead of standard output (as report and snapshot take --out)")
	flags.StringVar(&o.out, "o", "", "short for --out")
	return flags, o
}

type convertOptions struct{ to, version, out string }

// runConvert implements "fhirlens convert". It returns the exit code.
func runConvert(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, o := convertFlags()
	pos, code, done := parseFlags(flags, convertUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(pos) != 1 {
		return usageError(stderr, "convert", "want one input FILE (or -), got %d arguments", len(pos))
	}
	if o.to != "" && o.to != "json" && o.to != "xml" {
		return usageError(stderr, "convert", "unknown format %q (json or xml)", o.to)
	}
	name := pos[0]
	data, err := readInput(name, stdin, defaultLimits())
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens convert:", err)
		return 2
	}
	isXML := fhirxml.LooksLikeXML(data)
	target := o.to
	if target == "" {
		target = "xml"
		if isXML {
			target = "json"
		}
	}
	defs, err := coreFor(o.version, data)
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens convert:", err)
		return 2
	}
	result, err := convert(data, isXML, target, defs)
	if err != nil {
		fmt.Fprintf(stderr, "fhirlens convert: %s: %v\n", name, err)
		return 2
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, result, 0o644); err != nil {
			fmt.Fprintln(stderr, "fhirlens convert:", err)
			return 2
		}
		return 0
	}
	if _, err := stdout.Write(result); err != nil {
		return 2
	}
	return 0
}

func convert(data []byte, isXML bool, target string, defs *definitions.Set) ([]byte, error) {
	switch {
	case isXML && target == "json":
		j, err := fhirxml.ToJSON(data, defs)
		if err != nil {
			return nil, err
		}
		return fhirxml.Indent(j), nil
	case isXML: // XML → canonical XML
		j, err := fhirxml.ToJSON(data, defs)
		if err != nil {
			return nil, err
		}
		return fhirxml.ToXML(j, defs)
	case target == "xml":
		return fhirxml.ToXML(data, defs)
	}
	return fhirxml.CanonicalJSON(data, defs)
}

// coreFor returns the core definitions for an input: the --fhir-version
// given, else the version the input shows (R4 or STU3).
func coreFor(version string, data []byte) (*definitions.Set, error) {
	if version != "" {
		return definitions.Core(version)
	}
	r4, err := definitions.R4()
	if err != nil {
		return nil, err
	}
	// STU3 is decoded only for input R4 does not fit exactly.
	var s3 *definitions.Set
	var s3err error
	v, _ := validator.DetectInputVersionLazily(validator.Input{Data: data}, false, r4, func() []*definitions.Set {
		if s3, s3err = stu3.Load(); s3err != nil {
			return nil
		}
		return []*definitions.Set{s3}
	})
	if s3err != nil {
		return nil, s3err
	}
	if v == 1 {
		return s3, nil
	}
	return r4, nil
}
