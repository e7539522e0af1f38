package validator

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"

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
var xverExtension = regexp.MustCompile(`^http://hl7\.org/fhir/(1\.0|1\.4|3\.0|4\.0|4\.3|5\.0|6\.0)/StructureDefinition/extension-`)

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
	if xverExtension.MatchString(url) {
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
	w.report(n, false, ruleExampleURL, fmt.Sprintf("example URLs are not allowed here (%s): example URLs are disallowed", url))
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
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t.Str(data)), ""))
	if err != nil {
		return // the base64Binary check reports it
	}
	if size := t.Get(n, "size"); size != jsontree.None {
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
	if hash := t.Get(n, "hash"); hash != jsontree.None && t.Kind(hash) == jsontree.String {
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
var htmlTag = regexp.MustCompile(`(?i)</?(a|abbr|applet|area|audio|b|base|body|br|button|canvas|div|embed|font|form|frame|frameset|h[1-6]|head|html|i|iframe|img|input|link|math|meta|object|option|p|script|select|span|style|svg|table|td|textarea|th|title|tr|u|video)(\s[^<>]*)?/?>`)

// checkHTMLInString reports a string value that contains HTML tags: a note
// by default, an error when Options.SecurityChecks is on (the reference
// validator's -security-checks).
func (w *walker) checkHTMLInString(n jsontree.ID, s string) {
	if !strings.Contains(s, "<") || !htmlTag.MatchString(s) {
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
