//go:build js && wasm

package main

import (
	"fmt"

	"github.com/fhirlens/fhirlens/validator"
	"github.com/hack-pad/safejs"
)

// settings are the reference validator's options the page offers
// (validate's options {securityChecks, noExampleUrls, allowComments,
// anyExtensions}); the zero value is the reference validator's defaults.
type settings struct {
	securityChecks, noExampleURLs, allowComments, anyExtensions bool
}

func settingsFrom(v safejs.Value) settings {
	return settings{
		securityChecks: boolProp(v, "securityChecks"),
		noExampleURLs:  boolProp(v, "noExampleUrls"),
		allowComments:  boolProp(v, "allowComments"),
		anyExtensions:  boolProp(v, "anyExtensions"),
	}
}

func (st settings) apply(o *validator.Options) {
	o.SecurityChecks = st.securityChecks
	o.DisallowExampleURLs = st.noExampleURLs
	o.AllowComments = st.allowComments
	if st.anyExtensions {
		o.ExtensionDomains = append(o.ExtensionDomains, "any")
	}
}

// validatorWithSettings is the validator for non-default settings (with the
// loaded guides and the chosen profile, when there are), made once per
// combination and kept.
func (s *service) validatorWithSettings(profileURL string, st settings) (*validator.Validator, error) {
	key := fmt.Sprintf("%p|%s|%+v", s.gs.set, profileURL, st)
	if v := s.settingsValidators[key]; v != nil {
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
	if s.settingsValidators == nil {
		s.settingsValidators = map[string]*validator.Validator{}
	}
	s.settingsValidators[key] = v
	return v, nil
}
