// Package record builds the clinician-facing view model of a FHIR R4 input:
// a Bundle of any type, an ndjson set (one resource per line) or a single
// resource. The web viewer (web/js/record/view.js) renders it.
//
// Summarize splits the input with gjson, decodes each resource it has a
// view for into its samply typed struct (resources without a specific view
// are never decoded), and returns a Model:
//
//	Model
//	  input     {kind, bundleType, bundleId, resources}
//	  patients  []PatientRecord, in order of first mention
//	    key       card key of the Patient, or "ref:<reference>" when only referenced
//	    banner    names, gender, birthDate, age, deceased, identifiers (NHS Number
//	              checked), addresses, telecom, generalPractitioners, managingOrganization
//	    card      the Patient resource's card (nil when not in the input)
//	    sections  []Section{id, title, cards}: problems, allergies, medications, vitals,
//	              labs, observations, reports, immunizations, procedures, encounters,
//	              careplans, documents, other (empty sections are left out)
//	    vitals    []VitalSeries{code, title, points[{date, text, value, cardKey}], trend}
//	    timeline  []TimelineItem{date, sort, cardKey, resourceType, kind}, oldest first
//	    summary   Summary{alerts, sections}: the patient summary in clinical order —
//	              allergies, active problems, current medications (one row per
//	              medicine), results by report with abnormal flags, vital signs,
//	              immunizations, procedures, encounters (with what happened),
//	              past problems, social and other findings, past medications, …
//	              as compact tables whose rows point to cards (summary.go)
//	  unlinked  []Section: resources not linked to any patient
//	  document  Document when a Bundle starts with a Composition: its sections in
//	            order with narrative and entries (references to cards)
//	  skipped   input items that are not resources (with their location)
//	  counts    where every resource landed: banners + inSections + unlinked = resources
//
// Every resource becomes exactly one Card:
//
//	Card{key, resourceType, id, location{entry|line, fullUrl, offset, length, pointer},
//	     section, patient, title, code, status, date, dateEnd,
//	     facts[{label, text, codes, refKey, absent, flag}],
//	     references[{path, reference, display, targetKey, contained, unresolved}],
//	     absent[{path, reason}], narrative{status, text, xhtml}, attachments, problems}
//
// Card keys are "entry:<index>" (Bundle), "line:<n>" (ndjson) or "resource".
// location.offset/length are the resource's bytes in the input, as in the
// validator's report, so findings and raw JSON link to cards.
//
// A date that fails the validator's lexical rules (validator/primitive) is
// kept as written and marked (Value.Invalid, Card.DateInvalid); no age,
// sort order, trend or timeline entry is derived from it.
//
// Values are never invented: codes and required elements are read from the
// raw JSON (samply turns a missing enum into its first value), an absent value
// has Absent set ("absent" or its data-absent-reason code), and parts samply
// cannot decode are listed in Card.Problems. Narrative is given as plain text
// and as XHTML sanitized by validator/xhtml; the div as written is never in
// the model.
package record
