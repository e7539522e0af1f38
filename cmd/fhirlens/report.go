package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/report"
)

const reportUsage = `usage: fhirlens report [FLAGS] INPUT|FOLDER... --out DIR

Validates the inputs and writes a conformance report anyone can re-run to
DIR: report.json (versions, hashes, options, verdicts, every finding),
report.html (one self-contained page), report.sarif (SARIF 2.1.0, for
code-scanning tools) and report.junit.xml (a test case per input, for CI).
The same inputs and options give byte-identical files; nothing in them
depends on the clock unless --date is given.

A file in a FOLDER is named by its path inside the folder. Inputs in
folders per system (plugfest/SupplierA/..., plugfest/SupplierB/...) add a
plugfest matrix: a row per system, a column per profile (or resource type).
Exit status: 0 every input conforms, 1 some input has errors, 2 usage or I/O error.
`

const verifyUsage = `usage: fhirlens verify [FLAGS] report.json [INPUT|FOLDER...]

Re-runs a report with its own options and says whether the verdicts and
findings are the same (exit 0) or what changed (exit 1): an input's hash,
a verdict, a finding, the definitions or a guide's version. Without INPUTs
the report's input names are read relative to the current folder; guides
(--ig) and another core (--core) must be given again.
Exit status: 0 same, 1 changed, 2 usage or I/O error.
`

type reportOptions struct {
	out, core, date string
	noInv           bool
	igs, profiles   multiFlag
}

func reportFlags() (*flag.FlagSet, *reportOptions) {
	o := &reportOptions{}
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.StringVar(&o.out, "out", "", "write the report files to this `folder` (created if needed)")
	defineRunFlags(fs, o)
	fs.StringVar(&o.date, "date", "", "a `date` to print in the report (none by default, so re-runs are byte-identical)")
	return fs, o
}

func verifyFlags() (*flag.FlagSet, *reportOptions) {
	o := &reportOptions{}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.StringVar(&o.core, "core", "", "the core `package` (.tgz) the report was made with, when not the embedded R4")
	fs.Var(&o.igs, "ig", "an implementation guide `package` (.tgz) the report was made with (repeatable)")
	return fs, o
}

// defineRunFlags are the flags that decide the verdicts.
func defineRunFlags(fs *flag.FlagSet, o *reportOptions) {
	fs.StringVar(&o.core, "core", "", "validate against this core `package` (.tgz) instead of the embedded R4")
	fs.Var(&o.igs, "ig", "add an implementation guide `package` (.tgz) (repeatable)")
	fs.Var(&o.profiles, "profile", "report a verdict for this profile `url` over every resource (repeatable)")
	fs.BoolVar(&o.noInv, "no-invariants", false, "skip FHIRPath invariants")
}

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, o := reportFlags()
	inputs, code, done := parseFlags(flags, reportUsage, args, stdout, stderr)
	if done {
		return code
	}
	if o.out == "" {
		return usageError(stderr, "report", "--out DIR is required (the folder for the report files)")
	}
	if len(inputs) == 0 {
		return usageError(stderr, "report", "no inputs")
	}
	rep, err := makeReport(o, inputs, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens report:", err)
		return 2
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		fmt.Fprintln(stderr, "fhirlens report:", err)
		return 2
	}
	for _, f := range report.Files(rep) {
		if err := os.WriteFile(filepath.Join(o.out, f.Name), f.Data, 0o644); err != nil {
			fmt.Fprintln(stderr, "fhirlens report:", err)
			return 2
		}
	}
	s := rep.Summary
	fmt.Fprintf(stdout, "%s conform, %s fail (%s); report in %s\n", report.Plural(s.Conform, "input"),
		report.Num(s.Inputs-s.Conform), report.CountsLine(report.Counts{Errors: s.Errors, Warnings: s.Warnings, Notes: s.Notes}, s.Resources), o.out)
	if s.Conform < s.Inputs {
		return 1
	}
	return 0
}

// makeReport validates the inputs with the options and builds the report.
func makeReport(o *reportOptions, args []string, stdin io.Reader) (*report.Report, error) {
	meta := report.Meta{Tool: report.ToolOf(version, commit), Date: o.date,
		Options: report.Options{Invariants: !o.noInv, Profiles: slices.Clone(o.profiles)}}
	meta.Definitions.Core = report.EmbeddedR4()
	if o.core != "" {
		data, err := os.ReadFile(o.core)
		if err != nil {
			return nil, err
		}
		if meta.Definitions.Core, err = report.PackageOf(data); err != nil {
			return nil, fmt.Errorf("%s: %w", o.core, err)
		}
	}
	for _, ig := range o.igs {
		data, err := os.ReadFile(ig)
		if err != nil {
			return nil, err
		}
		p, err := report.PackageOf(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ig, err)
		}
		meta.Definitions.Guides = append(meta.Definitions.Guides, p)
	}
	defs, guides, err := loadDefinitions(o.core, "", o.igs)
	if err != nil {
		return nil, err
	}
	v, err := validator.New(validator.Options{SkipInvariants: o.noInv, Definitions: defs, Guides: guides})
	if err != nil {
		return nil, err
	}
	meta.Definitions.FHIRVersion = v.FHIRVersion()
	files, plugfest, err := namedInputs(args)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("nothing to validate: the folders given hold no .json, .ndjson or .xml files (nor .gz of them)")
	}
	meta.Plugfest = plugfest
	sources := make([]report.Source, 0, len(files))
	for _, f := range files {
		data, err := readInput(f.path, stdin, defaultLimits())
		if err != nil {
			return nil, err
		}
		sources = append(sources, report.Source{Name: f.name, Data: data, Report: v.Validate(context.Background(), validator.FileInput(f.name, data))})
	}
	return report.Build(meta, sources), nil
}

type namedInput struct{ path, name string }

// namedInputs expands folders into their FHIR files and names each input
// as the report shows it: a file given directly by its path as given, a
// file in a folder by its path inside the folder. Every input being in a
// subfolder of a folder given makes a plugfest (the subfolder is the system).
func namedInputs(args []string) ([]namedInput, bool, error) {
	var out []namedInput
	plugfest := true
	for _, a := range args {
		st, err := os.Stat(a)
		if a == "-" || err != nil || !st.IsDir() {
			out = append(out, namedInput{a, filepath.ToSlash(filepath.Clean(a))})
			plugfest = false
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			n := strings.TrimSuffix(d.Name(), ".gz")
			if d.IsDir() || !(strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".ndjson") || strings.HasSuffix(n, ".xml")) {
				return nil
			}
			rel, err := filepath.Rel(a, p)
			if err != nil {
				return err
			}
			name := filepath.ToSlash(rel)
			if !strings.Contains(name, "/") {
				plugfest = false
			}
			out = append(out, namedInput{p, name})
			return nil
		})
		if err != nil {
			return nil, false, err
		}
	}
	return out, plugfest && len(out) > 0, nil
}

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, o := verifyFlags()
	pos, code, done := parseFlags(flags, verifyUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(pos) == 0 {
		return usageError(stderr, "verify", "no report.json given")
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens verify:", err)
		return 2
	}
	old, err := report.Read(data)
	if err != nil {
		fmt.Fprintf(stderr, "fhirlens verify: %s: %v\n", pos[0], err)
		return 2
	}
	o.noInv = !old.Options.Invariants
	o.profiles = slices.Clone(old.Options.Profiles)
	o.date = old.Date
	inputs := pos[1:]
	if len(inputs) == 0 {
		for _, in := range old.Inputs {
			inputs = append(inputs, filepath.FromSlash(in.Name))
		}
	}
	if len(old.Definitions.Guides) > len(o.igs) {
		var names []string
		for _, g := range old.Definitions.Guides {
			names = append(names, g.Name+"#"+g.Version)
		}
		return usageError(stderr, "verify", "the report was made with %s: give each with --ig", strings.Join(names, ", "))
	}
	fresh, err := makeReport(o, inputs, stdin)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "fhirlens verify: %v (give the inputs after the report, as they were given to fhirlens report)\n", err)
		} else {
			fmt.Fprintln(stderr, "fhirlens verify:", err)
		}
		return 2
	}
	diffs := report.Compare(old, fresh)
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "verified: %s, the same verdicts and findings (%s)\n", report.Plural(len(fresh.Inputs), "input"),
			report.CountsLine(report.Counts{Errors: fresh.Summary.Errors, Warnings: fresh.Summary.Warnings, Notes: fresh.Summary.Notes}, fresh.Summary.Resources))
		return 0
	}
	fmt.Fprintf(stdout, "changed: %s\n", report.Plural(len(diffs), "difference"))
	for _, d := range diffs {
		fmt.Fprintf(stdout, "  %s\n", d)
	}
	return 1
}
