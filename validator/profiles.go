package validator

import (
	"fmt"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// noteProfiles counts the profiles a resource claims in meta.profile. The
// validator checks every resource against its base definition only, so the
// report says which claimed profiles were not checked rather than let a
// clean result suggest the resource conforms to them.
func (w *walker) noteProfiles(resource jsontree.ID) {
	t := w.tree
	meta := t.Get(resource, "meta")
	if meta == jsontree.None || t.Kind(meta) != jsontree.Object {
		return
	}
	profiles := t.Get(meta, "profile")
	if profiles == jsontree.None || t.Kind(profiles) != jsontree.Array {
		return
	}
	for p := t.First(profiles); p != jsontree.None; p = t.Next(p) {
		if t.Kind(p) != jsontree.String {
			continue
		}
		url := t.Str(p)
		if base := strings.TrimPrefix(url, coreExtensionBase); base != url && w.defs.Type(base) != nil {
			continue // the core definition itself: that is what was checked
		}
		if w.rep.profiles == nil {
			w.rep.profiles = map[string]int{}
		}
		w.rep.profiles[strings.Clone(url)]++
	}
}

// reportProfiles adds one note listing the claimed profiles not checked.
func (r *Report) reportProfiles() {
	if len(r.profiles) == 0 {
		return
	}
	_, list := countList(r.profiles, profileName)
	r.Issues = append(r.Issues, Issue{Severity: Information, Code: "informational", Rule: "profile.not-checked",
		Resource: -1, Line: 1, Col: 1,
		Message: fmt.Sprintf("resources claim profiles in meta.profile that were not checked (resources were checked against the base FHIR %s definitions only): %s", r.FHIRVersion, list)})
}

// profileName shortens a canonical URL to its last segment for the list.
func profileName(url string) string {
	if i := strings.LastIndexByte(strings.TrimRight(url, "/"), '/'); i >= 0 && i < len(url)-1 {
		return url[i+1:]
	}
	return url
}
