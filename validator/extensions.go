package validator

import (
	"fmt"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

const coreExtensionBase = "http://hl7.org/fhir/StructureDefinition/"

// toolingExtensions are core-namespace extensions that validators put in
// OperationOutcomes (published with the FHIR tooling, not the R4 package);
// this validator writes them itself.
var toolingExtensions = setOf(extLine, extCol, extRule, extFile,
	"http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-server",
	"http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-slicetext")

// checkExtension holds an extension to its definition when the definitions
// know its url: the value types it allows and whether it may nest
// extensions (a missing value is ext-1's finding). An unknown url in the
// core namespace is a warning (likely a typo, or an extension of the
// extensions pack, which is not loaded); other unknown urls are errors
// unless allowed (see unknownExtension).
func (w *walker) checkExtension(n jsontree.ID) {
	t := w.tree
	urlNode := t.Get(n, "url")
	if urlNode == jsontree.None || t.Kind(urlNode) != jsontree.String {
		return
	}
	url := t.Str(urlNode)
	if !strings.Contains(url, ":") {
		return // a sub-extension of a complex extension: named relative to its parent
	}
	w.checkExampleURL(urlNode, url, "url")
	if base, version, ok := strings.Cut(url, "|"); ok {
		w.report(n, false, ruleExtensionVersion, fmt.Sprintf(
			"the extension url must not carry a version ('|%s'): use %s", version, base))
		url = base
	}
	def := w.defs.Profile(url)
	if def == nil || def.Root == nil {
		if strings.HasPrefix(url, coreExtensionBase) {
			if !toolingExtensions[url] && w.defs.Type(strings.TrimPrefix(url, coreExtensionBase)) == nil {
				l := w.push("url")
				w.report(urlNode, false, ruleExtensionUnknown,
					fmt.Sprintf("'%s' is in the FHIR core namespace but is not an extension of FHIR %s: check the spelling of the url", url, w.defs.FHIRVersion))
				w.pop(l)
			}
			return
		}
		w.unknownExtension(n, url)
		return
	}
	valueElem := def.Root.ChildByName("value")
	subElem := def.Root.ChildByName("extension")
	var valueKey jsontree.ID = jsontree.None
	for c := t.First(n); c != jsontree.None; c = t.Next(c) {
		k := strings.TrimPrefix(t.Key(c), "_")
		if strings.HasPrefix(k, "value") && len(k) > 5 {
			valueKey = c
			break
		}
	}
	name := def.Name
	if name == "" {
		name = url
	}
	if valueElem != nil {
		switch {
		case valueKey != jsontree.None && valueElem.Max == 0:
			l := w.push(t.Key(valueKey))
			w.report(valueKey, true, ruleExtensionValue,
				fmt.Sprintf("the extension %s has no value of its own (it is made of nested extensions), so %s is not allowed", name, t.Key(valueKey)))
			w.pop(l)
		case valueKey != jsontree.None:
			typ := strings.TrimPrefix(strings.TrimPrefix(t.Key(valueKey), "_"), "value")
			allowed := false
			var names []string
			for _, tr := range valueElem.Types {
				if strings.EqualFold(tr.Code, typ) {
					allowed = true
				}
				names = append(names, "value"+strings.ToUpper(tr.Code[:1])+tr.Code[1:])
			}
			if !allowed {
				l := w.push(t.Key(valueKey))
				w.report(valueKey, true, ruleExtensionValue,
					fmt.Sprintf("the extension %s does not allow %s; use %s", name, t.Key(valueKey), strings.Join(names, " or ")))
				w.pop(l)
			}
		}
	}
	if sub := t.Get(n, "extension"); sub != jsontree.None && subElem != nil && subElem.Max == 0 {
		l := w.push("extension")
		w.report(sub, true, ruleExtensionNested,
			fmt.Sprintf("the extension %s is a simple extension: it must not contain nested extensions", name))
		w.pop(l)
	}
}
