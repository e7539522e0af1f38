package main

import (
	"strings"
	"sync"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/definitions/stu3"
	"github.com/fhirlens/fhirlens/validator/profile"
	"github.com/tidwall/gjson"
)

// versionPicker chooses the validator of an input's FHIR version when
// neither --core, --ig nor --fhir-version fixes it: validator.DetectInputVersionLazily
// chooses between R4 and STU3 by what the input shows. The STU3 validator is
// made on first need, with the same options as the R4 one.
type versionPicker struct {
	r4   *validator.Validator
	opts validator.Options // the R4 validator's
	once sync.Once
	stu3 *validator.Validator // nil when it cannot be made
}

func (p *versionPicker) pick(in validator.Input) (*validator.Validator, validator.Input) {
	r4defs, err := definitions.R4()
	if err != nil {
		return p.r4, in
	}
	// in keeps the JSON parse, which Validate uses: the input is parsed
	// once. STU3 is decoded only for input R4 does not fit exactly.
	var s3 *definitions.Set
	version, in := validator.DetectInputVersionLazily(in, p.opts.AllowComments, r4defs, func() []*definitions.Set {
		if s3, err = stu3.Load(); err != nil {
			return nil
		}
		return []*definitions.Set{s3}
	})
	if version != 1 {
		return p.r4, in
	}
	p.once.Do(func() {
		opts := p.opts
		opts.Definitions = s3
		p.stu3, _ = validator.New(opts)
	})
	if p.stu3 == nil {
		return p.r4, in
	}
	return p.stu3, in
}

// guidesVersion is the FHIR version the guides declare: a manifest's
// fhirVersions, else the fhirVersion of their first StructureDefinition.
func guidesVersion(guides []*profile.Guide) string {
	for _, g := range guides {
		if g.FHIRVersion != "" {
			return definitions.MajorMinor(g.FHIRVersion)
		}
	}
	for _, g := range guides {
		for _, f := range g.Files {
			if f.Kind == "StructureDefinition" {
				if v := gjson.GetBytes(f.Data, "fhirVersion").String(); v != "" && !strings.HasPrefix(v, "4.") {
					return definitions.MajorMinor(v)
				}
			}
		}
	}
	return ""
}
