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

// The FHIR version of an input, when neither --core, --ig nor --fhir-version
// fixes it: validator.DetectVersion chooses between R4 and STU3 by what the
// input shows, and a validator per version is made on first need.
var stu3Validator struct {
	once sync.Once
	v    *validator.Validator
	err  error
}

func pickValidator(data []byte, r4 *validator.Validator, o *validateOptions) *validator.Validator {
	r4defs, err := definitions.R4()
	if err != nil {
		return r4
	}
	s3, err := stu3.Load()
	if err != nil || validator.DetectVersion(data, r4defs, s3) != 1 {
		return r4
	}
	stu3Validator.once.Do(func() {
		stu3Validator.v, stu3Validator.err = validator.New(validator.Options{SkipInvariants: o.noInv, Definitions: s3, Jobs: o.jobs})
	})
	if stu3Validator.err != nil {
		return r4
	}
	return stu3Validator.v
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
