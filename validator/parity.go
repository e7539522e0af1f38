package validator

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Rules the HL7 reference validator applies by default that are not
// invariants of the specification: what fhirlens does to agree with it.
var (
	ruleExtensionNotFound = define(finding.Rule{ID: "extension.not-found", Code: "structure", Severity: finding.Error,
		Summary: "an extension's definition must be known (loaded with --ig) unless its domain is allowed",
		Source:  "FHIR R4 extensibility.html#Extension (an extension is defined by its StructureDefinition); graded as the HL7 reference validator"})
	ruleExampleURL = define(finding.Rule{ID: "url.example", Code: "invalid", Severity: finding.Error,
		Summary: "example URLs (example.org) are not allowed when example URLs are disallowed (--allow-example-urls=false)",
		Source:  "HL7 reference validator option -allow-example-urls"})
	ruleAttachmentSize = define(finding.Rule{ID: "attachment.size", Code: "structure", Severity: finding.Error,
		Summary: "Attachment.size is the number of bytes of the decoded data",
		Source:  "FHIR R4 datatypes-definitions.html#Attachment.size"})
	ruleAttachmentHash = define(finding.Rule{ID: "attachment.hash", Code: "structure", Severity: finding.Error,
		Summary: "Attachment.hash is the base64 SHA-1 of the decoded data",
		Source:  "FHIR R4 datatypes-definitions.html#Attachment.hash"})
)

// xverExtension matches the cross-version extensions of FHIR (an element of
// another version used as an extension: .../fhir/5.0/StructureDefinition/extension-Path).
var xverExtension = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^http://hl7\.org/fhir/(1\.0|1\.4|3\.0|4\.0|4\.3|5\.0|6\.0)/StructureDefinition/extension-`)
})

// isExampleURL: the domains the reference validator treats as examples.
func isExampleURL(url string) bool {
	return strings.Contains(url, "example.org") || strings.Contains(url, "acme.com")
}

// extensionAllowed says whether an extension without a known definition may
// be used anyway, as the reference validator decides: example URLs (unless
// disallowed), DICOM (nema.org) and FHIR tooling extensions, and domains the
// user allows (Options.ExtensionDomains; "any" allows every url).
func (v *Validator) extensionAllowed(url string) bool {
	if isExampleURL(url) && !v.opts.DisallowExampleURLs {
		return true
	}
	if strings.Contains(url, "nema.org") || strings.HasPrefix(url, "http://hl7.org/fhir/tools/StructureDefinition/") {
		return true
	}
	for _, d := range v.opts.ExtensionDomains {
		if d == "any" || strings.HasPrefix(url, d) {
			return true
		}
	}
	return false
}

// unknownExtension reports an extension whose url no loaded definition
// has, at the extension.
func (w *walker) unknownExtension(n jsontree.ID, url string) {
	if w.v.opts.Guides != nil && w.v.opts.Guides.Known(url) {
		return
	}
	if xverExtension().MatchString(url) {
		return // cross-version extensions are defined by rule, not by a package: not checked here
	}
	if w.v.extensionAllowed(url) {
		return
	}
	w.report(n, false, ruleExtensionNotFound, fmt.Sprintf(
		"the extension %s is not known (no definition for it is loaded), so it is not allowed here: load the implementation guide that defines it (--ig) or allow its domain (--allowed-extension-domain)", url))
}

// checkExampleURL reports a url of an example domain when example URLs are
// disallowed. key names the member for the location (pushed here).
func (w *walker) checkExampleURL(n jsontree.ID, url, key string) {
	if !w.v.opts.DisallowExampleURLs || !isExampleURL(url) {
		return
	}
	l := -1
	if key != "" {
		l = w.push(key)
	}
	w.report(n, false, ruleExampleURL, fmt.Sprintf("%s is an example URL (example.org, acme.com): example URLs are disallowed in this validation, so use the real URL", url))
	if l >= 0 {
		w.pop(l)
	}
}

// checkAttachment holds Attachment.size and Attachment.hash to the decoded
// data when data is present.
func (w *walker) checkAttachment(n jsontree.ID) {
	t := w.tree
	data := t.Get(n, "data")
	if data == jsontree.None || t.Kind(data) != jsontree.String {
		return
	}
	size, hash := t.Get(n, "size"), t.Get(n, "hash")
	if size == jsontree.None && hash == jsontree.None {
		return // nothing to hold the data to: do not decode it
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t.Str(data)), ""))
	if err != nil {
		return // the base64Binary check reports it
	}
	if size != jsontree.None {
		var stated string
		switch t.Kind(size) {
		case jsontree.Number:
			stated = string(t.Raw(size))
		case jsontree.String:
			stated = t.Str(size)
		}
		if v, err := strconv.ParseInt(stated, 10, 64); err == nil && v != int64(len(raw)) {
			w.report(n, false, ruleAttachmentSize, fmt.Sprintf(
				"Attachment.size says %d bytes, but the data decodes to %d bytes", v, len(raw)))
		}
	}
	if hash != jsontree.None && t.Kind(hash) == jsontree.String {
		sum := sha1.Sum(raw)
		got := base64.StdEncoding.EncodeToString(sum[:])
		if stated, err := base64.StdEncoding.DecodeString(strings.TrimSpace(t.Str(hash))); err != nil || len(stated) != sha1.Size {
			// Not a base64 SHA-1 at all (often hex): say so, without
			// claiming the data differs.
			l := w.push("hash")
			w.reportFinding(hash, false, Finding{Severity: Warning, Code: "value", Rule: ruleAttachmentHash.id, Message: fmt.Sprintf(
				"Attachment.hash %s is not a base64-encoded SHA-1 (20 bytes); the SHA-1 of the data is %s", t.Str(hash), got)})
			w.pop(l)
		} else if got != strings.TrimSpace(t.Str(hash)) {
			w.report(n, false, ruleAttachmentHash, fmt.Sprintf(
				"Attachment.hash is %s, but the SHA-1 of the data is %s (base64)", t.Str(hash), got))
		}
	}
}

var ruleHTMLInString = define(finding.Rule{ID: "security.html-in-string", Code: "security", Severity: finding.Information,
	Summary: "a string that looks like it holds HTML tags: a risk when shown without escaping (an error with --security-checks)",
	Source:  "FHIR R4 security.html#narrative; graded as the HL7 reference validator (-security-checks)"})

// htmlTag matches an opening or closing tag of an HTML element that can
// carry active content or change a page: what a string should not smuggle
// into a page that shows it without escaping.
var htmlTag = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)</?(a|abbr|applet|area|audio|b|base|body|br|button|canvas|div|embed|font|form|frame|frameset|h[1-6]|head|html|i|iframe|img|input|link|math|meta|object|option|p|script|select|span|style|svg|table|td|textarea|th|title|tr|u|video)(\s[^<>]*)?/?>`)
})

// checkHTMLInString reports a string value that contains HTML tags: a note
// by default, an error when Options.SecurityChecks is on (the reference
// validator's -security-checks).
func (w *walker) checkHTMLInString(n jsontree.ID, s string) {
	if !strings.Contains(s, "<") || !htmlTag().MatchString(s) {
		return
	}
	if w.v.opts.SecurityChecks {
		w.reportAs(n, false, ruleHTMLInString, Error,
			"the string contains text that looks like HTML tags, which are not allowed here for security reasons (security checks are on)")
		return
	}
	w.report(n, false, ruleHTMLInString,
		"the string contains text that looks like HTML tags: if it is shown in a page without escaping, it is a security risk")
}

var (
	ruleLinkOnce = define(finding.Rule{ID: "bundle.link-once", Code: "invalid", Severity: finding.Error,
		Summary: "a Bundle has at most one link of each relation self, first, previous, next and last",
		Source:  "FHIR R4 bundle.html#Bundle.link and http.html#paging; graded as the HL7 reference validator"})
	ruleLinkPaging = define(finding.Rule{ID: "bundle.link-paging", Code: "invalid", Severity: finding.Error,
		Summary: "paging links (first, previous, next, last) belong to searchset and history Bundles",
		Source:  "FHIR R4 http.html#paging and bundle.html#Bundle.link; graded as the HL7 reference validator"})
	ruleSearchSelf = define(finding.Rule{ID: "bundle.search-self", Code: "informational", Severity: finding.Warning,
		Summary: "a searchset Bundle has a self link saying what the search was",
		Source:  "FHIR R4 search.html#conformance (self link); graded as the HL7 reference validator"})
	ruleSearchEntry = define(finding.Rule{ID: "bundle.search-entry", Code: "invalid", Severity: finding.Error,
		Summary: "searchset entries: outcome entries are OperationOutcomes, matches have ids and are of the searched types, entries say their mode",
		Source:  "FHIR R4 bundle-definitions.html#Bundle.entry.search.mode and search.html; graded as the HL7 reference validator"})
	ruleExtensionVersion = define(finding.Rule{ID: "extension.versioned-url", Code: "structure", Severity: finding.Error,
		Summary: "Extension.url is the extension's canonical URL without a version",
		Source:  "FHIR R4 extensibility-definitions.html#Extension.url"})
	ruleCodeSystemCount = define(finding.Rule{ID: "codesystem.count", Code: "business-rule", Severity: finding.Error,
		Summary: "a complete CodeSystem's count is the number of its concepts",
		Source:  "FHIR R4 codesystem-definitions.html#CodeSystem.count"})
	ruleSupplementContent = define(finding.Rule{ID: "codesystem.supplement", Code: "business-rule", Severity: finding.Error,
		Summary: "a CodeSystem with supplements has content 'supplement'",
		Source:  "FHIR R4 codesystem-definitions.html#CodeSystem.supplements"})
	ruleIncludeSystem = define(finding.Rule{ID: "valueset.include-system", Code: "invalid", Severity: finding.Error,
		Summary: "ValueSet.compose.include.system is an absolute URI (a contained code system is named by its full URL)",
		Source:  "FHIR R4 valueset-definitions.html#ValueSet.compose.include.system"})
	ruleCanonicalAbsolute = define(finding.Rule{ID: "canonical.absolute", Code: "invalid", Severity: finding.Error,
		Summary: "the url of a canonical resource is an absolute URI",
		Source:  "FHIR R4 resource.html#canonical (url: SHALL be absolute); graded as the HL7 reference validator"})
	ruleCompositeComponents = define(finding.Rule{ID: "searchparameter.composite", Code: "business-rule", Severity: finding.Error,
		Summary: "a composite SearchParameter defines its components",
		Source:  "FHIR R4 searchparameter-definitions.html#SearchParameter.component"})
)

// afterResource runs the checks that need a whole resource, once the walk
// has been through it.
func (w *walker) afterResource(n jsontree.ID, typ string) {
	w.noteForm(n, typ)
	switch typ {
	case "Bundle":
		w.checkBundleLinks(n)
		w.checkSearchset(n)
		w.checkBundleSignature(n)
	case "CodeSystem":
		w.checkCodeSystem(n)
	case "ValueSet":
		w.checkValueSetSystems(n)
		w.checkValueSetParameters(n)
		w.checkValueSetFilterValues(n)
		w.checkValueSetECL(n)
	case "SearchParameter":
		w.checkSearchParameter(n)
		w.checkSearchParameterDefinition(n)
	}
	if canonicalResources[typ] {
		w.checkCanonicalURL(n)
	}
}

// at reports finding r at node n, located at the current path plus the
// given steps (member names or "[i]" indexes).
func (w *walker) at(n jsontree.ID, steps []string, r rule, msg string) {
	w.atAs(n, steps, r, r.sev, msg)
}

func (w *walker) checkBundleLinks(n jsontree.ID) {
	t := w.tree
	links := t.Get(n, "link")
	if links == jsontree.None || t.Kind(links) != jsontree.Array {
		return
	}
	btype := t.Text(t.Get(n, "type"))
	seen := map[string]bool{}
	i := 0
	for l := t.First(links); l != jsontree.None; l, i = t.Next(l), i+1 {
		rel := t.Text(t.Get(l, "relation"))
		switch rel {
		case "self":
		case "first", "previous", "prev", "next", "last":
			if btype != "" && btype != "searchset" && btype != "history" {
				w.at(t.Get(l, "relation"), []string{"link", "[" + strconv.Itoa(i) + "]", "relation"}, ruleLinkPaging,
					fmt.Sprintf("the paging link '%s' belongs to searchset and history bundles, not to a %s", rel, btype))
			}
		default:
			continue
		}
		if seen[rel] {
			w.at(l, []string{"link", "[" + strconv.Itoa(i) + "]"}, ruleLinkOnce,
				fmt.Sprintf("a Bundle has at most one link with relation '%s'; this is another", rel))
		}
		seen[rel] = true
	}
}

// checkSearchset holds a searchset's entries to its search: outcome entries
// are OperationOutcomes, matches have ids and are of the searched types
// (from the self link's path or _type), entries say their search mode.
func (w *walker) checkSearchset(n jsontree.ID) {
	t := w.tree
	if t.Text(t.Get(n, "type")) != "searchset" {
		return
	}
	var types []string
	self := ""
	if links := t.Get(n, "link"); links != jsontree.None && t.Kind(links) == jsontree.Array {
		for l := t.First(links); l != jsontree.None; l = t.Next(l) {
			if t.Text(t.Get(l, "relation")) == "self" {
				self = t.Text(t.Get(l, "url"))
				break
			}
		}
	}
	if self == "" {
		w.report(n, false, ruleSearchSelf, "a searchset Bundle should have a self link saying what the search was")
	} else {
		types = searchTypes(self, w.v.resourceTypes)
	}
	entries := t.Get(n, "entry")
	if entries == jsontree.None || t.Kind(entries) != jsontree.Array {
		return
	}
	noMode := false
	i := 0
	for e := t.First(entries); e != jsontree.None; e, i = t.Next(e), i+1 {
		res := t.Get(e, "resource")
		if res == jsontree.None || t.Kind(res) != jsontree.Object {
			continue
		}
		rt := t.Text(t.Get(res, "resourceType"))
		mode := t.Text(t.Get(t.Get(e, "search"), "mode"))
		steps := []string{"entry", "[" + strconv.Itoa(i) + "]", "resource"}
		switch mode {
		case "outcome":
			if rt != "OperationOutcome" {
				w.at(res, steps, ruleSearchEntry, fmt.Sprintf("an entry with search mode 'outcome' must be an OperationOutcome, not a %s", rt))
			}
			continue
		case "include":
			continue
		case "":
			noMode = true
		}
		if mode == "match" && t.Text(t.Get(res, "id")) == "" {
			w.at(res, steps, ruleSearchEntry, "a search result (mode 'match') must have an id")
		}
		if len(types) > 0 && !slices.Contains(types, rt) {
			if mode == "match" {
				w.at(res, steps, ruleSearchEntry, fmt.Sprintf("a %s does not match the search, which is for %s", rt, strings.Join(types, ", ")))
			} else {
				w.atAs(res, steps, ruleSearchEntry, Warning, fmt.Sprintf("a %s does not match the search, which is for %s (is it an include? say so in search.mode)", rt, strings.Join(types, ", ")))
			}
		}
	}
	if noMode {
		w.reportAs(n, false, ruleSearchEntry, Warning, "the entries of a searchset Bundle should say their search mode (match, include or outcome)")
	}
}

// searchTypes reads the resource types a search URL asks for: the path
// segment before '?' when it is a resource type, else the _type parameter.
func searchTypes(url string, known map[string]bool) []string {
	path, query, _ := strings.Cut(url, "?")
	if i := strings.LastIndexByte(path, '/'); i >= 0 && known[path[i+1:]] {
		return []string{path[i+1:]}
	}
	if known[path] {
		return []string{path}
	}
	for _, kv := range strings.Split(query, "&") {
		if v, ok := strings.CutPrefix(kv, "_type="); ok {
			var out []string
			for _, t := range strings.Split(v, ",") {
				if known[t] {
					out = append(out, t)
				}
			}
			return out
		}
	}
	return nil
}

// atAs is at with a severity of its own.
func (w *walker) atAs(n jsontree.ID, steps []string, r rule, sev Severity, msg string) {
	mark := len(w.path)
	for _, s := range steps {
		if strings.HasPrefix(s, "[") {
			i, _ := strconv.Atoi(strings.Trim(s, "[]"))
			w.pushIndex(i)
		} else {
			w.push(s)
		}
	}
	w.reportAs(n, false, r, sev, msg)
	w.pop(mark)
}

func (w *walker) checkCodeSystem(n jsontree.ID) {
	t := w.tree
	content := t.Text(t.Get(n, "content"))
	if sup := t.Get(n, "supplements"); sup != jsontree.None && content != "" && content != "supplement" {
		w.at(t.Get(n, "content"), []string{"content"}, ruleSupplementContent,
			fmt.Sprintf("this CodeSystem supplements %s, so its content must be 'supplement', not '%s'", t.Text(sup), content))
	}
	count := t.Get(n, "count")
	if content != "complete" || count == jsontree.None || t.Kind(count) != jsontree.Number {
		return
	}
	stated, err := strconv.Atoi(string(t.Raw(count)))
	if err != nil {
		return
	}
	var concepts func(arr jsontree.ID) int
	concepts = func(arr jsontree.ID) int {
		if arr == jsontree.None || t.Kind(arr) != jsontree.Array {
			return 0
		}
		c := 0
		for e := t.First(arr); e != jsontree.None; e = t.Next(e) {
			c += 1 + concepts(t.Get(e, "concept"))
		}
		return c
	}
	if got := concepts(t.Get(n, "concept")); got != stated {
		w.at(count, []string{"count"}, ruleCodeSystemCount,
			fmt.Sprintf("the code system is complete and has %d concepts, but count says %d", got, stated))
	}
}

func (w *walker) checkValueSetSystems(n jsontree.ID) {
	t := w.tree
	compose := t.Get(n, "compose")
	if compose == jsontree.None {
		return
	}
	for _, part := range []string{"include", "exclude"} {
		arr := t.Get(compose, part)
		if arr == jsontree.None || t.Kind(arr) != jsontree.Array {
			continue
		}
		i := 0
		for inc := t.First(arr); inc != jsontree.None; inc, i = t.Next(inc), i+1 {
			sys := t.Text(t.Get(inc, "system"))
			if sys == "" || strings.Contains(sys, ":") {
				continue
			}
			msg := fmt.Sprintf("compose.%s.system '%s' is not an absolute URI: name a code system by its canonical URL (a contained one too, with the valueset-system extension)", part, sys)
			steps := []string{"compose", part, "[" + strconv.Itoa(i) + "]"}
			if id, ok := strings.CutPrefix(sys, "#"); ok && containsResource(t, n, "CodeSystem", id) {
				// The reference validator makes this an error too; the R4
				// specification's own example (ValueSet-example-hierarchical)
				// names a contained code system so, and fhirlens keeps the
				// published examples valid: a warning.
				w.atAs(inc, steps, ruleIncludeSystem, Warning, msg)
				continue
			}
			w.at(inc, steps, ruleIncludeSystem, msg)
		}
	}
}

func (w *walker) checkSearchParameter(n jsontree.ID) {
	t := w.tree
	if t.Text(t.Get(n, "type")) != "composite" {
		return
	}
	if c := t.Get(n, "component"); c == jsontree.None || t.Kind(c) != jsontree.Array || t.Count(c) < 2 {
		w.report(n, false, ruleCompositeComponents,
			"a composite SearchParameter must define the parameters it combines in component (two or more)")
	}
}

// canonicalResources are the R4 resources whose url is their canonical
// identity (the metadata resources).
var canonicalResources = setOf("ActivityDefinition", "CapabilityStatement", "ChargeItemDefinition", "CodeSystem",
	"CompartmentDefinition", "ConceptMap", "EffectEvidenceSynthesis", "EventDefinition", "Evidence", "EvidenceVariable",
	"ExampleScenario", "GraphDefinition", "ImplementationGuide", "Library", "Measure", "MessageDefinition", "NamingSystem",
	"OperationDefinition", "PlanDefinition", "Questionnaire", "ResearchDefinition", "ResearchElementDefinition",
	"RiskEvidenceSynthesis", "SearchParameter", "StructureDefinition", "StructureMap", "TerminologyCapabilities",
	"TestScript", "ValueSet")

func (w *walker) checkCanonicalURL(n jsontree.ID) {
	t := w.tree
	u := t.Get(n, "url")
	url := t.Text(u)
	if url == "" || strings.Contains(url, ":") {
		return
	}
	msg := fmt.Sprintf("the url '%s' of this %s is not absolute: a canonical URL must be an absolute URI", url, t.Text(t.Get(n, "resourceType")))
	if len(w.frames) > 0 && w.frames[len(w.frames)-1].contained {
		msg = fmt.Sprintf("the url '%s' of this contained %s is not absolute: when a contained resource has a canonical URL, it must be absolute", url, t.Text(t.Get(n, "resourceType")))
	}
	w.at(u, []string{"url"}, ruleCanonicalAbsolute, msg)
}

// containsResource: resource n contains a resource of the type with the id.
func containsResource(t *jsontree.Tree, n jsontree.ID, typ, id string) bool {
	c := t.Get(n, "contained")
	if c == jsontree.None || t.Kind(c) != jsontree.Array {
		return false
	}
	for r := t.First(c); r != jsontree.None; r = t.Next(r) {
		if t.Text(t.Get(r, "resourceType")) == typ && t.Text(t.Get(r, "id")) == id {
			return true
		}
	}
	return false
}
