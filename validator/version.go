package validator

import (
	"bytes"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// DetectVersion says which of the candidate core definitions (R4 first,
// say, then STU3) an input is written against, by what the input shows:
// a declared fhirVersion (StructureDefinition, CapabilityStatement,
// ImplementationGuide), profiles claimed under an STU3 path, and otherwise
// the resource types and elements each version knows. It returns the index
// of the best candidate; ties, and inputs that cannot be read, go to the
// first.
func DetectVersion(data []byte, candidates ...*definitions.Set) int {
	i, _ := DetectInputVersion(Input{Data: data}, false, candidates...)
	return i
}

// DetectInputVersion is DetectVersion for an input about to be validated:
// the input it returns keeps the JSON parse, which Validate then uses
// instead of parsing the same bytes again, when the validator's
// AllowComments is allowComments.
func DetectInputVersion(in Input, allowComments bool, candidates ...*definitions.Set) (int, Input) {
	if len(candidates) < 2 {
		return 0, in
	}
	tree, in := parseForVersion(in, allowComments, candidates[0])
	if tree == nil {
		return 0, in
	}
	return versionOf(tree, candidates), in
}

// DetectInputVersionLazily is DetectInputVersion with the candidates after
// the first loaded only when they can matter: an input whose every
// resource type and element the first knows, with no declared fhirVersion
// or STU3 profile path pointing elsewhere, is the first's whatever the
// others are (scores are never negative and ties go to the first), so the
// others are not loaded (the CLI then never decodes STU3 for R4 input).
// others returns the remaining candidates; the index is into first+others.
func DetectInputVersionLazily(in Input, allowComments bool, first *definitions.Set, others func() []*definitions.Set) (int, Input) {
	tree, in := parseForVersion(in, allowComments, first)
	if tree == nil || fitsFirst(tree, first) {
		return 0, in
	}
	rest := others()
	if len(rest) == 0 {
		return 0, in
	}
	return versionOf(tree, append([]*definitions.Set{first}, rest...)), in
}

// parseForVersion parses an input for version detection; the JSON parse is
// kept in the returned input for Validate.
func parseForVersion(in Input, allowComments bool, first *definitions.Set) (*jsontree.Tree, Input) {
	data := in.Data
	var tree *jsontree.Tree
	if fhirxml.LooksLikeXML(data) {
		tree, _ = fhirxml.Parse(data, first)
	} else {
		if in.Format == FormatAuto || in.Format == FormatJSON {
			var probs []Finding
			tree, probs = jsontree.Parse(data, jsontree.Options{AllowComments: allowComments})
			in.parsed = &parsedJSON{data: data, tree: tree, probs: probs, allowComments: allowComments}
		}
		if nl := bytes.IndexByte(data, '\n'); tree == nil && nl > 0 && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
			// ndjson: the first line decides
			tree, _ = jsontree.Parse(data[:nl], jsontree.Options{AllowComments: allowComments})
		}
		if tree == nil && in.parsed == nil {
			tree, _ = jsontree.Parse(data, jsontree.Options{AllowComments: allowComments})
		}
	}
	return tree, in
}

// fitsFirst says whether versionOf would choose first whatever the other
// candidates: it follows versionOf with first alone and fails on anything
// that could favour another candidate (an unknown resource type or element,
// a declared fhirVersion not first's, a profile under an STU3 path).
func fitsFirst(tree *jsontree.Tree, first *definitions.Set) bool {
	for n := jsontree.ID(0); int(n) < tree.Len(); n++ {
		if tree.Kind(n) != jsontree.Object {
			continue
		}
		rt := tree.Get(n, "resourceType")
		if rt == jsontree.None || tree.Kind(rt) != jsontree.String {
			continue
		}
		if fv := tree.Get(n, "fhirVersion"); fv != jsontree.None && tree.Kind(fv) == jsontree.String {
			// versionOf returns at the first declaration a candidate matches.
			return first.FHIRVersion != "" && strings.HasPrefix(tree.Str(fv), first.FHIRVersion[:3])
		}
		typ := first.Type(tree.Str(rt))
		if typ == nil || typ.Kind != "resource" {
			return false
		}
		for m := tree.First(n); m != jsontree.None; m = tree.Next(m) {
			k := strings.TrimPrefix(tree.Key(m), "_")
			if k != "resourceType" && typ.Root.Child(k) == nil {
				return false
			}
		}
		if meta := tree.Get(n, "meta"); meta != jsontree.None && !strings.HasPrefix(first.FHIRVersion, "3.") {
			if ps := tree.Get(meta, "profile"); ps != jsontree.None {
				for p := tree.First(ps); p != jsontree.None; p = tree.Next(p) {
					if tree.Kind(p) == jsontree.String && strings.Contains(tree.Str(p), "/STU3/") {
						return false
					}
				}
			}
		}
	}
	return true
}

// versionOf scores a parsed input against each candidate: see DetectVersion.
func versionOf(tree *jsontree.Tree, candidates []*definitions.Set) int {
	scores := make([]int, len(candidates))
	for n := jsontree.ID(0); int(n) < tree.Len(); n++ {
		if tree.Kind(n) != jsontree.Object {
			continue
		}
		rt := tree.Get(n, "resourceType")
		if rt == jsontree.None || tree.Kind(rt) != jsontree.String {
			continue
		}
		name := tree.Str(rt)
		if fv := tree.Get(n, "fhirVersion"); fv != jsontree.None && tree.Kind(fv) == jsontree.String {
			for i, c := range candidates {
				if c.FHIRVersion != "" && strings.HasPrefix(tree.Str(fv), c.FHIRVersion[:3]) {
					return i
				}
			}
		}
		for i, c := range candidates {
			typ := c.Type(name)
			if typ == nil || typ.Kind != "resource" {
				scores[i] += 20
				continue
			}
			for m := tree.First(n); m != jsontree.None; m = tree.Next(m) {
				k := strings.TrimPrefix(tree.Key(m), "_")
				if k != "resourceType" && typ.Root.Child(k) == nil {
					scores[i]++
				}
			}
		}
		if meta := tree.Get(n, "meta"); meta != jsontree.None {
			if ps := tree.Get(meta, "profile"); ps != jsontree.None {
				for p := tree.First(ps); p != jsontree.None; p = tree.Next(p) {
					if tree.Kind(p) == jsontree.String && strings.Contains(tree.Str(p), "/STU3/") {
						for i, c := range candidates {
							if !strings.HasPrefix(c.FHIRVersion, "3.") {
								scores[i] += 5
							}
						}
					}
				}
			}
		}
	}
	best := 0
	for i := range scores {
		if scores[i] < scores[best] {
			best = i
		}
	}
	return best
}
