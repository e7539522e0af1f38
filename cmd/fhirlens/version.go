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
// neither --core, --ig nor --fhir-version fixes it: validator.DetectVersion
// chooses between R4 and STU3 by what the input shows. The STU3 validator is
// made on first need, with the same options as the R4 one.
type versionPicker struct {
	r4   *validator.Validator
	opts validator.Options // the R4 validator's
	once sync.Once
	stu3 *validator.Validator // nil when it cannot be made
}

func (p *versionPicker) pick(data []byte) *validator.Validator {
	r4defs, err := definitions.R4()
	if err != nil {
		return p.r4
	}
	s3, err := stu3.Load()
	if err != nil || validator.DetectVersion(data, r4defs, s3) != 1 {
		return p.r4
	}
	p.once.Do(func() {
		opts := p.opts
		opts.Definitions = s3
		p.stu3, _ = validator.New(opts)
	})
	if p.stu3 == nil {
		return p.r4
	}
	return p.stu3
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
