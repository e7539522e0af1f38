//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/profile"
	"github.com/tidwall/gjson"
)

// guideState is what the loaded implementation guides make: the core plus
// their definitions, their profiles, and a validator per chosen profile and settings.
type guideState struct {
	guides     []*profile.Guide
	defs       *definitions.Set
	set        *profile.Set
	validators map[string]*validator.Validator // by profile URL ("" for claims only) and settings
}

// runGuide loads a guide (a .tgz in j.data, or files in j.files) or removes
// one (j.name is its key), rebuilds the definitions and answers with the
// list of guides.
func (s *service) runGuide(j *job) {
	<-s.validatorReady
	msg := message{"type": "guides", "id": j.id}
	switch j.kind {
	case jobAddGuide:
		var g *profile.Guide
		var err error
		if j.files != nil {
			// No FHIR version yet: a package.json among the files names it,
			// else each XML resource is read as the version it declares and
			// guidesCore picks the core from the profiles' fhirVersion.
			g = &profile.Guide{Name: j.name, Source: j.name}
			for _, f := range j.files {
				g.AddFile(f.Name, f.Data)
			}
		} else {
			g, err = profile.LoadPackage(bytes.NewReader(j.data), j.name)
		}
		if err != nil {
			msg["error"] = err.Error()
			break
		}
		if len(g.Files) == 0 {
			msg["error"] = j.name + " holds no StructureDefinition, ValueSet or CodeSystem: it is not an implementation guide"
			break
		}
		kept := s.gs.guides[:0:0]
		for _, old := range s.gs.guides {
			if old.ID() != g.ID() {
				kept = append(kept, old)
			}
		}
		if err := s.rebuildGuides(append(kept, g)); err != nil {
			msg["error"] = err.Error()
			break
		}
		msg["added"] = g.ID()
	case jobRemoveGuide:
		var kept []*profile.Guide
		for _, old := range s.gs.guides {
			if old.ID() != j.name {
				kept = append(kept, old)
			}
		}
		if err := s.rebuildGuides(kept); err != nil {
			msg["error"] = err.Error()
		}
	}
	msg["guides"] = s.guideList()
	s.post(msg)
}

// rebuildGuides makes the definitions and profiles of a list of guides.
func (s *service) rebuildGuides(guides []*profile.Guide) error {
	if len(guides) == 0 {
		s.gs = guideState{}
		return nil
	}
	base, err := guidesCore(guides) // R4, or STU3 for STU3 guides (xml.go)
	if err != nil {
		return err
	}
	defs := base.Clone()
	if err := profile.AddToDefinitions(defs, guides); err != nil {
		return err
	}
	s.gs = guideState{guides: guides, defs: defs, set: profile.NewSet(defs, guides), validators: map[string]*validator.Validator{}}
	return nil
}

// validatorFor returns the validator for the loaded guides, a chosen profile
// ("" for the meta.profile claims only) and the page's settings, made once per
// combination and kept until the guides change; nil when no guide is loaded,
// no profile chosen and the settings are the defaults (the core validator).
func (s *service) validatorFor(profileURL string, st settings) (*validator.Validator, error) {
	if s.gs.set == nil && profileURL == "" && st == (settings{}) {
		return nil, nil
	}
	key := fmt.Sprintf("%s|%+v", profileURL, st)
	if v := s.gs.validators[key]; v != nil {
		return v, nil
	}
	opts := validator.Options{}
	if s.gs.set != nil {
		opts.Definitions, opts.Guides = s.gs.defs, s.gs.set
	}
	if profileURL != "" {
		if s.gs.set == nil {
			return nil, fmt.Errorf("the profile %s is not in a loaded guide", profileURL)
		}
		if p, err := s.gs.set.Profile(profileURL); p == nil {
			if err == nil {
				err = fmt.Errorf("the profile %s is not in a loaded guide", profileURL)
			}
			return nil, err
		}
		opts.Profiles = []string{profileURL}
	}
	st.apply(&opts)
	v, err := validator.New(opts)
	if err != nil {
		return nil, err
	}
	if s.gs.validators == nil {
		s.gs.validators = map[string]*validator.Validator{}
	}
	s.gs.validators[key] = v
	return v, nil
}

// guideList describes the loaded guides as JSON for the page: key, name,
// version, profile count, the resource profiles for the picker, problems.
func (s *service) guideList() string {
	type prof struct {
		URL   string `json:"url"`
		Name  string `json:"name"`
		Title string `json:"title,omitempty"`
		Type  string `json:"type"`
	}
	type guide struct {
		Key      string   `json:"key"`
		Name     string   `json:"name"`
		Version  string   `json:"version"`
		Profiles int      `json:"profiles"`
		Resource []prof   `json:"resourceProfiles"`
		Problems []string `json:"problems"`
	}
	out := []guide{}
	for _, g := range s.gs.guides {
		gd := guide{Key: g.ID(), Name: g.Name, Version: g.Version, Profiles: g.ProfileCount(), Resource: []prof{}, Problems: []string{}}
		gd.Problems = append(gd.Problems, g.Problems...)
		for _, f := range g.Files {
			if f.Kind != "StructureDefinition" || gjson.GetBytes(f.Data, "derivation").String() != "constraint" ||
				gjson.GetBytes(f.Data, "kind").String() != "resource" {
				continue
			}
			r := gjson.GetManyBytes(f.Data, "name", "title", "type")
			gd.Resource = append(gd.Resource, prof{URL: f.URL, Name: r[0].String(), Title: r[1].String(), Type: r[2].String()})
		}
		sort.Slice(gd.Resource, func(i, j int) bool { return gd.Resource[i].URL < gd.Resource[j].URL })
		out = append(out, gd)
	}
	if s.gs.set != nil {
		// Set-level problems (missing dependencies) go with the first guide that has them.
		for _, p := range s.gs.set.Problems {
			for i := range out {
				if len(p) > len(out[i].Key) && p[:len(out[i].Key)] == out[i].Key {
					if !contains(out[i].Problems, p[len(out[i].Key)+2:]) {
						out[i].Problems = append(out[i].Problems, p[len(out[i].Key)+2:])
					}
					break
				}
			}
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
