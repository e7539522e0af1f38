//go:build js && wasm

package main

import (
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
