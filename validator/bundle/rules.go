package bundle

import "github.com/fhirlens/fhirlens/validator/finding"

// The rules this package reports, registered with their default code and
// severity (a finding may carry another severity where the bundle type
// grades it, e.g. ref.unresolved).
func init() {
	const inv, spec, refval = "FHIR invariant ", "FHIR bundles (bundle.html)", "FHIR references (references.html)"
	for _, r := range []finding.Rule{
		{ID: "bdl-1", Code: "invalid", Summary: "total only in searchset and history bundles", Source: inv + "bdl-1"},
		{ID: "bdl-2", Code: "invariant", Summary: "entry.search only in searchset bundles", Source: inv + "bdl-2"},
		{ID: "bdl-3", Code: "invariant", Summary: "entry.request in batch, transaction and history bundles, and only there", Source: inv + "bdl-3"},
		{ID: "bdl-4", Code: "invariant", Summary: "entry.response in batch-response, transaction-response and history bundles, and only there", Source: inv + "bdl-4"},
		{ID: "bdl-5", Code: "invariant", Summary: "an entry has a resource unless it has a request or a response", Source: inv + "bdl-5"},
		{ID: "bdl-7", Code: "invariant", Summary: "fullUrls are unique in a bundle unless the entries are versions", Source: inv + "bdl-7"},
		{ID: "bdl-8", Code: "invariant", Summary: "a fullUrl holds no version (/_history/)", Source: inv + "bdl-8"},
		{ID: "bdl-9", Code: "invariant", Summary: "a document has an identifier with a system and a value", Source: inv + "bdl-9"},
		{ID: "bdl-10", Code: "invariant", Summary: "a document has a timestamp", Source: inv + "bdl-10"},
		{ID: "bdl-11", Code: "invariant", Summary: "a document's first entry is a Composition", Source: inv + "bdl-11"},
		{ID: "bdl-12", Code: "invariant", Summary: "a message's first entry is a MessageHeader", Source: inv + "bdl-12"},
		{ID: "ref-1", Code: "invariant", Summary: "a local (#id) reference points to a contained resource", Source: inv + "ref-1"},
		{ID: "bundle.fullurl-missing", Code: "required", Summary: "an entry needs a fullUrl in this kind of bundle", Source: spec},
		{ID: "bundle.fullurl-format", Code: "invalid", Summary: "a fullUrl is an absolute URL, urn:uuid: or urn:oid:", Source: spec},
		{ID: "bundle.fullurl-mismatch", Code: "invalid", Summary: "a RESTful fullUrl ends with the resource's type and id", Source: spec},
		{ID: "bundle.duplicate-id", Code: "duplicate", Severity: finding.Warning, Summary: "two entries hold the same resource type and id", Source: spec},
		{ID: "bundle.request-method", Code: "code-invalid", Summary: "request.method is an HTTP verb FHIR allows", Source: "FHIR RESTful API (http.html#transaction)"},
		{ID: "bundle.request-url", Code: "invalid", Summary: "request.url fits the method (relative, [type], [type]/[id] or a search)", Source: "FHIR RESTful API (http.html#transaction)"},
		{ID: "bundle.request-resource", Code: "invalid", Summary: "the entry's resource fits its request (POST/PUT carry one, ids match the url)", Source: "FHIR RESTful API (http.html#transaction)"},
		{ID: "ref.format", Code: "invalid", Summary: "a reference is one of the forms FHIR defines", Source: refval},
		{ID: "ref.conditional", Code: "invalid", Severity: finding.Warning, Summary: "conditional (search) references only inside transactions and batches", Source: refval},
		{ID: "ref.unresolved", Code: "not-found", Summary: "a reference that should resolve inside the bundle does not (graded by bundle type)", Source: refval + ", graded as the HL7 reference validator"},
		{ID: "ref.base-mismatch", Code: "not-found", Summary: "a relative reference resolves against its entry's base to a resource that is there under another base", Source: refval},
		{ID: "ref.ambiguous", Code: "invalid", Summary: "a reference matches more than one entry", Source: refval},
		{ID: "ref.version", Code: "not-found", Severity: finding.Warning, Summary: "a versioned reference to an entry that declares no version", Source: refval},
		{ID: "ref.type-mismatch", Code: "invalid", Summary: "a reference names a type other than the entry it resolves to", Source: refval},
		{ID: "ref.target-type", Code: "structure", Summary: "a reference points to a type its element does not allow", Source: "FHIR element definitions (Reference.targetProfile)"},
		{ID: "doc.unreachable", Code: "informational", Severity: finding.Error, Summary: "a document entry not reachable from the Composition", Source: "FHIR documents (documents.html#content)"},
		{ID: "doc.reverse-only", Code: "informational", Severity: finding.Information, Summary: "a document entry only linked by references of its own into the document", Source: "FHIR documents (documents.html#content)"},
	} {
		if r.Severity == 0 {
			r.Severity = finding.Error // Fatal is never a default here
		}
		finding.Define(r)
	}
}
