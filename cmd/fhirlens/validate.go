package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/profile"
)

const validateUsage = `usage: fhirlens validate [FLAGS] FILE|FOLDER...|-

Validates FHIR JSON (a resource, a Bundle, or ndjson: one resource per
line) or FHIR XML, R4 or STU3: the version is detected per input (from its
resource types and elements, a declared fhirVersion, STU3 profile URLs) or
from the guides; --fhir-version fixes it. A folder stands for its regular
.json, .ndjson and .xml files (.gz files are decompressed, all members);
"-" reads standard input.
An input over --max-input (default 2 GB, after decompression) or needing
more memory than the process may use is refused with a message. Formats:
  text     findings grouped by file and resource, with a summary (default)
  json     the reports as a JSON array
  outcome  one OperationOutcome per input; several inputs give a collection
           Bundle of OperationOutcomes in input order
--ig loads an implementation guide: a FHIR package (.tgz), a folder of
conformance resources, or a package id found in the local package cache
(~/.fhir/packages); its dependencies are read from the other guides and the
cache. Resources are then checked against the guides' profiles they claim in
meta.profile, and against each --profile URL of their type.
The reference validator's settings have the same names here
(--security-checks, --allow-example-urls=false, --allow-comments,
--allowed-extension-domain, --allow-any-extensions) and the same defaults.
Every input is validated to the end and every count is exact; beyond
--max-per-rule findings of one rule are counted, not listed ("and 81,997
more warnings of dom-6").
Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.
`

// validateOptions are the flags of "fhirlens validate".
type validateOptions struct {
	format, color, level, core string
	fhirVersion                string
	noInv, summary             bool
	maxPerRule, jobs           int
	igs, profiles              multiFlag
	lim                        inputLimits
	ref                        referenceOptions
}

// referenceOptions are the HL7 reference validator's settings, named as
// its command line names them; the defaults are its defaults.
type referenceOptions struct {
	securityChecks, exampleURLs, comments, anyExtensions bool
	extensionDomains                                     multiFlag
}

func (r *referenceOptions) register(flags *flag.FlagSet) {
	flags.BoolVar(&r.securityChecks, "security-checks", false, "strings that look like they hold HTML tags are errors, not notes (reference validator -security-checks)")
	flags.BoolVar(&r.exampleURLs, "allow-example-urls", true, "accept URLs of example domains (example.org, acme.com) and their extensions without definitions; =false makes them errors (-allow-example-urls)")
	flags.BoolVar(&r.comments, "allow-comments", false, "accept // and /* */ comments in JSON without a finding (-allow-comments)")
	flags.Var(&r.extensionDomains, "allowed-extension-domain", "accept extensions under this URL `prefix` without a loaded definition (repeatable; -allowed-extension-domain)")
	flags.BoolVar(&r.anyExtensions, "allow-any-extensions", false, "accept every extension without a loaded definition (-allow-any-extensions)")
}

// apply sets the validator options the flags name.
func (r *referenceOptions) apply(o *validator.Options) {
	o.SecurityChecks = r.securityChecks
	o.DisallowExampleURLs = !r.exampleURLs
	o.AllowComments = r.comments
	o.ExtensionDomains = append(o.ExtensionDomains, r.extensionDomains...)
	if r.anyExtensions {
		o.ExtensionDomains = append(o.ExtensionDomains, "any")
	}
}

// validateFlags builds the flag set of "fhirlens validate" (also used by the
// top-level help).
func validateFlags() (*flag.FlagSet, *validateOptions) {
	o := &validateOptions{lim: defaultLimits()}
	flags := flag.NewFlagSet("validate", flag.ContinueOnError)
	flags.StringVar(&o.format, "format", "text", "output `format`: text, json or outcome")
	flags.BoolVar(&o.noInv, "no-invariants", false, "skip FHIRPath invariants (structure, types and codes only)")
	flags.StringVar(&o.color, "color", "auto", "colour the text output: auto, always or never")
	flags.StringVar(&o.level, "level", "information", "show findings of this `severity` and worse: error, warning or information")
	flags.StringVar(&o.core, "core", "", "validate against this core `package` (.tgz, e.g. the STU3 core) instead of the embedded R4")
	flags.StringVar(&o.fhirVersion, "fhir-version", "", "FHIR `version` of the inputs and guides: 4.0 (R4) or 3.0 (STU3); detected when not given")
	flags.Var(&o.igs, "ig", "load an implementation `guide` (.tgz, folder or name#version from the package cache); its profiles are enforced (repeatable)")
	flags.Var(&o.profiles, "profile", "check each resource of the profile's type against this profile `URL` of a loaded guide (repeatable)")
	flags.Var(sizeFlag{&o.lim.MaxBytes}, "max-input", "refuse an input larger than this `size` after decompression (e.g. 512MB, 4GB)")
	flags.Int64Var(&o.lim.MaxRatio, "max-ratio", o.lim.MaxRatio, "refuse a .gz input expanding more than `N` times its compressed size (past 64 MB)")
	flags.IntVar(&o.maxPerRule, "max-per-rule", 0, fmt.Sprintf("list at most `N` findings per rule and severity in each input, counting the rest (0: %d, -1: all)", finding.DefaultKeepPerRule))
	flags.BoolVar(&o.summary, "summary", false, "print the findings per rule with counts instead of one line each")
	flags.IntVar(&o.jobs, "jobs", runtime.NumCPU(), "validate on `N` cores: files, and the records of an ndjson file, in parallel (the output is the same as with --jobs 1)")
	o.ref.register(flags)
	return flags, o
}

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, o := validateFlags()
	inputs, code, done := parseFlags(flags, validateUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(inputs) == 0 {
		return usageError(stderr, "validate", "no input files (use - for standard input)")
	}
	switch o.format {
	case "text", "json", "outcome":
	default:
		return usageError(stderr, "validate", "unknown format %q (text, json or outcome)", o.format)
	}
	if o.summary && o.format != "text" {
		return usageError(stderr, "validate", "--summary is a text format; it cannot be combined with --format %s", o.format)
	}
	var minLevel validator.Severity
	if err := minLevel.UnmarshalText([]byte(o.level)); err != nil || minLevel == validator.Fatal {
		return usageError(stderr, "validate", "unknown level %q (error, warning or information)", o.level)
	}
	defs, guides, err := loadDefinitions(o.core, o.fhirVersion, o.igs)
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens validate:", err)
		return 2
	}
	if guides != nil {
		for _, p := range guides.Problems {
			fmt.Fprintln(stderr, "fhirlens validate: warning:", p)
		}
	}
	for _, u := range o.profiles {
		if p, err := guides.Profile(u); p == nil {
			if err == nil {
				err = fmt.Errorf("profile %s is not in the loaded guides (give its guide with --ig)", u)
			}
			fmt.Fprintln(stderr, "fhirlens validate:", err)
			return 2
		}
	}
	if o.jobs < 1 {
		return usageError(stderr, "validate", "--jobs must be at least 1")
	}
	vopts := validator.Options{SkipInvariants: o.noInv, Definitions: defs, Guides: guides, Profiles: o.profiles, MaxPerRule: o.maxPerRule, Jobs: o.jobs}
	o.ref.apply(&vopts)
	v, err := validator.New(vopts)
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens validate:", err)
		return 2
	}
	applyMemoryLimit(o.lim)
	names, err := expandInputs(inputs, func(note string) { fmt.Fprintln(stderr, "fhirlens validate: note:", note) })
	if err != nil {
		fmt.Fprintln(stderr, "fhirlens validate:", err)
		return 2
	}
	if len(names) == 0 {
		fmt.Fprintln(stderr, "fhirlens validate: nothing to validate: the folders given hold no FHIR files")
		return 2
	}
	pick := func(in validator.Input) (*validator.Validator, validator.Input) { return v, in }
	if o.core == "" && len(o.igs) == 0 && o.fhirVersion == "" {
		pick = (&versionPicker{r4: v, opts: vopts}).pick
	}
	reports, ioFailed := validateAll(names, stdin, stderr, pick, o)
	out := bufio.NewWriterSize(stdout, 64<<10) // the text output is many small writes
	if o.summary {
		writeSummary(out, reports, minLevel)
	} else if err := writeReports(out, o.format, reports, useColor(o.color, stdout), minLevel); err != nil {
		out.Flush()
		fmt.Fprintln(stderr, "fhirlens validate:", err)
		return 2
	}
	if err := out.Flush(); err != nil {
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

// validateAll reads and validates the inputs, o.jobs at a time, each with
// the validator pick gives for it, and returns their reports in input
// order; read errors are printed in input order too, so the output is the
// same whatever o.jobs is.
func validateAll(names []string, stdin io.Reader, stderr io.Writer, pick func(validator.Input) (*validator.Validator, validator.Input), o *validateOptions) ([]*validator.Report, bool) {
	type result struct {
		rep *validator.Report
		err error
	}
	results := make([]result, len(names))
	one := func(i int) {
		data, err := readInput(names[i], stdin, o.lim)
		if err != nil {
			results[i].err = err
			return
		}
		vv, in := pick(validator.FileInput(names[i], data))
		results[i].rep = vv.Validate(context.Background(), in)
	}
	if jobs := min(o.jobs, len(names)); jobs <= 1 {
		for i := range names {
			one(i)
		}
	} else {
		next := make(chan int)
		var wg sync.WaitGroup
		for range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					one(i)
				}
			}()
		}
		for i := range names {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	var reports []*validator.Report
	ioFailed := false
	for _, r := range results {
		if r.err != nil {
			fmt.Fprintln(stderr, "fhirlens validate:", r.err)
			ioFailed = true
			continue
		}
		reports = append(reports, r.rep)
	}
	return reports, ioFailed
}

// loadDefinitions builds the definitions from packages given on the command
// line (nil, no flags: the embedded R4) and the profiles of the guides.
func loadDefinitions(core, version string, igs []string) (*definitions.Set, *profile.Set, error) {
	if core == "" && len(igs) == 0 {
		if version == "" {
			return nil, nil, nil // the version is picked per input
		}
		set, err := definitions.Core(version)
		return set, nil, err
	}
	var set *definitions.Set
	cache := profile.CacheDir()
	var guides []*profile.Guide
	for _, ig := range igs {
		g, err := profile.Load(ig, cache)
		if err != nil {
			return nil, nil, err
		}
		guides = append(guides, g)
	}
	if core == "" && version == "" {
		version = guidesVersion(guides)
	}
	if core != "" {
		f, err := os.Open(core)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		if set, err = definitions.LoadPackage(f); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", core, err)
		}
	} else {
		if version == "" {
			version = "4.0"
		}
		base, err := definitions.Core(version)
		if err != nil {
			return nil, nil, err
		}
		set = base.Clone() // the embedded set is shared and read-only: extend a copy
	}
	guides = profile.ResolveDependencies(guides, cache)
	if err := profile.AddToDefinitions(set, guides); err != nil {
		return nil, nil, err
	}
	return set, profile.NewSet(set, guides), nil
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

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
