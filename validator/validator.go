// Package validator checks FHIR JSON against the definitions of a FHIR
// version: bytes → a tree with positions → a walk against the definitions →
// a report of findings. Findings are collected, never thrown: a Go error from
// this package means the engine itself could not run.
package validator

import (
	"context"
	"fmt"
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
	// Progress, when set, is called now and then with resources done of total.
	Progress func(done, total int)
	// MaxPerRule bounds the findings kept per rule and severity; the rest
	// are counted (Report.Summary) but not stored, so validation always runs
	// to the end in bounded memory. 0 means finding.DefaultKeepPerRule, a
	// negative value keeps every finding.
	MaxPerRule int
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
	return v, nil
}

// Validate checks one input (a resource, a Bundle or ndjson) named source.
// It never panics: an internal failure becomes a fatal finding in the report.
func (v *Validator) Validate(ctx context.Context, source string, data []byte) (rep *Report) {
	rep = &Report{Source: source, FHIRVersion: v.defs.FHIRVersion, Bytes: len(data)}
	rep.list.KeepPerRule = v.opts.MaxPerRule
	defer func() {
		if p := recover(); p != nil {
			rep.add(Finding{Severity: Fatal, Code: "exception", Rule: "engine.panic", Resource: -1,
				Message: fmt.Sprintf("internal error in fhirlens (please report it with the input): %v", p)})
		}
		rep.finish()
	}()
	v.run(ctx, rep, data)
	rep.reportUnverified()
	rep.reportProfiles()
	return rep
}

// FHIRVersion is the version of the definitions in use ("4.0.1").
func (v *Validator) FHIRVersion() string { return v.defs.FHIRVersion }
