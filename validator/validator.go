// Package validator checks FHIR JSON (a resource, a Bundle, ndjson) and FHIR
// XML against the definitions of a FHIR version: bytes → a tree with
// positions → a walk against the definitions → a report of findings.
// Findings are collected, never thrown: a Go error from this package means
// the engine itself could not run.
//
//	v, err := validator.New(validator.Options{}) // embedded R4; reuse it, it is safe for concurrent use
//	rep := v.Validate(ctx, validator.Input{Name: "p.json", Data: data, Format: validator.FormatJSON})
//	for _, f := range rep.Findings { fmt.Println(f) } // rep.Summary has the exact counts
//
// Every finding names its rule (finding.Lookup describes it); beyond
// Options.MaxPerRule findings of one rule are counted, not kept.
package validator

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/profile"
)

// Options configure a Validator. The zero value validates against the
// embedded R4 definitions with every check on.
type Options struct {
	// Definitions to validate against; nil means the embedded R4 core.
	Definitions *definitions.Set
	// SkipInvariants turns off FHIRPath constraint evaluation.
	SkipInvariants bool
	// Guides are the profiles of loaded implementation guides: meta.profile
	// claims they hold are enforced, extension contexts checked.
	Guides *profile.Set
	// Profiles are canonical URLs of Guides' profiles to check every
	// (not contained) resource of their type against (--profile).
	Profiles []string
	// BundleProfiles check chosen entries of a Bundle against a profile
	// (the reference validator's -bundle RULE PROFILE).
	BundleProfiles []BundleProfile
	// DisallowExampleURLs makes URLs of example domains (example.org,
	// acme.com) errors and extensions there unknown (the reference
	// validator's -allow-example-urls false).
	DisallowExampleURLs bool
	// ExtensionDomains are URL prefixes whose extensions may be used without
	// a loaded definition; "any" allows every extension (the reference
	// validator's -allowed-extension-domain and -allow-any-extensions).
	ExtensionDomains []string
	// SecurityChecks makes strings that look like they hold HTML tags errors
	// rather than notes (the reference validator's -security-checks).
	SecurityChecks bool
	// AllowComments accepts comments in JSON (// and /* */) without a
	// finding (the reference validator's -allow-comments).
	AllowComments bool
	// MaxPerRule bounds the findings kept per rule and severity; the rest
	// are counted (Report.Summary) but not stored, so validation always runs
	// to the end in bounded memory. 0 means finding.DefaultKeepPerRule, a
	// negative value keeps every finding.
	MaxPerRule int
	// Jobs is how many goroutines validate the records of one ndjson input
	// at once (chunks of records, merged in order: the report is the same
	// as a serial run's). 0 or 1 validates on the calling goroutine.
	Jobs int
}

// Validator is safe for concurrent use; create it once and reuse it.
type Validator struct {
	opts    Options
	defs    *definitions.Set
	targets sync.Map // *definitions.Element → []string, see targetsOf

	resourceTypes map[string]bool // concrete resource type names, for bundle URLs

	constraintsMu sync.RWMutex
	constraints   map[constraintKey][]compiledConstraint // see constraintsFor
}

// New prepares a validator.
func New(opts Options) (*Validator, error) {
	defs := opts.Definitions
	if defs == nil {
		var err error
		if defs, err = definitions.R4(); err != nil {
			return nil, fmt.Errorf("loading R4 definitions: %w", err)
		}
	}
	v := &Validator{opts: opts, defs: defs, resourceTypes: map[string]bool{}}
	for _, name := range defs.TypeNames {
		if t := defs.Types[name]; t.Kind == "resource" && !t.Abstract {
			v.resourceTypes[name] = true
		}
	}
	for _, b := range opts.BundleProfiles {
		if _, _, err := b.parse(v.resourceTypes); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// BundleProfile picks Bundle entries to check against Profile by Rule:
// "Type" (every entry holding a resource of that type), "Type:N" (the N-th
// of them, from 0) or "N" (entry N, from 0).
type BundleProfile struct {
	Rule    string
	Profile string
}

// parse reads the rule: the type ("" for any) and the index (-1 for all).
func (b BundleProfile) parse(types map[string]bool) (typ string, index int, err error) {
	typ, num, hasNum := strings.Cut(b.Rule, ":")
	if !hasNum {
		if n, err := strconv.Atoi(b.Rule); err == nil {
			return "", n, nil
		}
		num = ""
	}
	index = -1
	if num != "" {
		if index, err = strconv.Atoi(num); err != nil || index < 0 {
			return "", 0, fmt.Errorf("bundle rule %q: %q is not an entry index", b.Rule, num)
		}
	}
	if typ == "" || !types[typ] {
		return "", 0, fmt.Errorf("bundle rule %q: %q is not a resource type", b.Rule, typ)
	}
	return typ, index, nil
}

// Format says how an input is written.
type Format string

const (
	// FormatAuto detects the format: XML by its first character, ndjson when
	// a complete JSON object is followed by more on the next lines, else JSON.
	FormatAuto Format = ""
	// FormatJSON is one FHIR JSON resource (a Bundle for several).
	FormatJSON Format = "json"
	// FormatNDJSON is newline-delimited JSON: one resource per line.
	FormatNDJSON Format = "ndjson"
	// FormatXML is one FHIR XML resource.
	FormatXML Format = "xml"
)

// Input is one thing to validate: its bytes, a name for the report
// (Report.Source: a file name, a URL, any label) and how it is written.
type Input struct {
	Name   string
	Data   []byte
	Format Format

	parsed *parsedJSON // set by DetectInputVersion
}

// FileInput is an input named like a file, whose extension gives its
// format: .ndjson (and .jsonl) ndjson, .xml XML, .json JSON; anything else
// is detected (FormatAuto). A .gz suffix is ignored: decompress first.
func FileInput(name string, data []byte) Input {
	ext := strings.ToLower(strings.TrimSuffix(strings.ToLower(name), ".gz"))
	f := FormatAuto
	switch {
	case strings.HasSuffix(ext, ".ndjson"), strings.HasSuffix(ext, ".jsonl"):
		f = FormatNDJSON
	case strings.HasSuffix(ext, ".xml"):
		f = FormatXML
	}
	return Input{Name: name, Data: data, Format: f}
}

// A CallOption changes one Validate call.
type CallOption func(*callOptions)

type callOptions struct {
	progress func(done, total int)
}

// WithProgress has Validate call fn now and then with the resources done
// of the total expected (total may grow, or be 0 when unknown), from the
// goroutine that called Validate.
func WithProgress(fn func(done, total int)) CallOption {
	return func(c *callOptions) { c.progress = fn }
}

// Validate checks one input: a resource, a Bundle, ndjson or FHIR XML. It
// never panics: an internal failure becomes a fatal finding in the report.
// The Validator may be used by several goroutines at once; each call has
// its own options (progress).
func (v *Validator) Validate(ctx context.Context, in Input, opts ...CallOption) (rep *Report) {
	var c callOptions
	for _, o := range opts {
		o(&c)
	}
	data := in.Data
	rep = &Report{Source: in.Name, FHIRVersion: v.defs.FHIRVersion, Bytes: len(data), progress: c.progress}
	rep.list.KeepPerRule = v.opts.MaxPerRule
	defer func() {
		if p := recover(); p != nil {
			rep.add(panicked(p))
		}
		rep.finish()
	}()
	v.run(ctx, rep, data, in.Format, in.parsed)
	rep.reportUnverified()
	rep.reportProfiles()
	return rep
}

// Definitions are the definitions this validator checks against.
func (v *Validator) Definitions() *definitions.Set { return v.defs }

// FHIRVersion is the version of the definitions in use ("4.0.1").
func (v *Validator) FHIRVersion() string { return v.defs.FHIRVersion }
