package record

// The view model is plain data: exported fields with json tags, slices in a
// stable order (input order unless stated), no maps, so that the JSON handed to
// the browser is deterministic and golden-testable.

// Model is the clinician-facing view of one input (bundle, ndjson or resource).
type Model struct {
	Input InputInfo `json:"input"`
	// Patients in order of first appearance in the input.
	Patients []*PatientRecord `json:"patients"`
	// Unlinked holds resources that are not linked to any patient
	// (organisations, practitioners, medications, ...), in sections.
	Unlinked []*Section `json:"unlinked"`
	// Document is set when the input is a FHIR document (Composition first).
	Document *Document `json:"document,omitempty"`
	// Skipped lists input items that are not resources (ndjson lines that are
	// not JSON objects, bundle entries without a resource). They are not
	// cards, but they are accounted for.
	Skipped []Skipped `json:"skipped"`
	// Counts summarises where every resource landed (for "nothing lost").
	Counts Counts `json:"counts"`
	// Lists are the List resources not linked to a patient (a List whose
	// subject is not in the input), as summary sections.
	Lists []SummarySection `json:"lists,omitempty"`
	// Files lists the inputs of a record set (SummarizeFiles with more than
	// one file); empty for a single input.
	Files []FileInfo `json:"files,omitempty"`
	// Duplicates are resources given again in another file (same type and
	// id): said once here, shown once (the first) in the record.
	Duplicates []Duplicate `json:"duplicates,omitempty"`
}

// FileInfo describes one file of a record set.
type FileInfo struct {
	Name       string `json:"name"`
	Kind       string `json:"kind,omitempty"` // "bundle", "ndjson" or "resource"
	BundleType string `json:"bundleType,omitempty"`
	Resources  int    `json:"resources"`
	// Error says why the file gave no resources to the record.
	Error string `json:"error,omitempty"`
}

// Duplicate is a resource whose type and id an earlier file already gave.
type Duplicate struct {
	Type     string   `json:"type"`
	ID       string   `json:"id"`
	Location Location `json:"location"` // where the repeat is
	SameAs   string   `json:"sameAs"`   // key of the card shown
}

// InputInfo describes the shape of the input.
type InputInfo struct {
	Kind       string `json:"kind"`                 // "bundle", "ndjson", "resource", or "set" (several files)
	BundleType string `json:"bundleType,omitempty"` // Bundle.type as written, when Kind is "bundle"
	BundleID   string `json:"bundleId,omitempty"`
	Resources  int    `json:"resources"` // resources found in the input (cards)
}

// Counts says where the input's resources landed;
// Banners+InSections+Unlinked+Duplicates == Resources.
type Counts struct {
	Resources  int `json:"resources"`
	Duplicates int `json:"duplicates,omitempty"` // repeats of a resource another file gave (see Model.Duplicates)
	Banners    int `json:"banners"`              // Patient resources shown as a patient banner
	InSections int `json:"inSections"`           // cards in patient sections
	Unlinked   int `json:"unlinked"`             // cards not linked to a patient
}

// Skipped is an input item that is not a resource.
type Skipped struct {
	Location Location `json:"location"`
	Reason   string   `json:"reason"`
}

// Location says where a resource is in the input, so the UI can link a card
// to validation findings and to its raw JSON.
type Location struct {
	File    *int   `json:"file,omitempty"`  // index of the file in a record set
	Entry   *int   `json:"entry,omitempty"` // Bundle.entry index (0-based)
	Line    *int   `json:"line,omitempty"`  // ndjson line number (1-based)
	FullURL string `json:"fullUrl,omitempty"`
	// Offset and Length give the resource's bytes in the input (the offset
	// of its opening brace), for linking to raw JSON and to findings.
	Offset int `json:"offset"`
	Length int `json:"length"`
	// Pointer is a JSON pointer to the resource inside the input document
	// ("/entry/3/resource", "" for a single resource or an ndjson line).
	Pointer string `json:"pointer,omitempty"`
}

// PatientRecord is one patient's banner, sections and timeline.
type PatientRecord struct {
	// Key is the patient card key, or "ref:<reference>" when the patient is
	// referenced but not present in the input.
	Key      string         `json:"key"`
	Banner   Banner         `json:"banner"`
	Card     *Card          `json:"card,omitempty"` // the Patient resource itself; nil when not in the input
	Sections []*Section     `json:"sections"`
	Vitals   []*VitalSeries `json:"vitals"`
	Timeline []TimelineItem `json:"timeline"`
	// Summary is the patient summary in the order a clinician reads it:
	// alerts, then compact tables (see summary.go).
	Summary Summary `json:"summary"`
}

// Banner is the patient identification strip.
type Banner struct {
	InInput     bool         `json:"inInput"`             // false when only referenced
	Reference   string       `json:"reference,omitempty"` // the reference when not in input
	Names       []Name       `json:"names"`
	Gender      Value        `json:"gender"`
	BirthDate   Value        `json:"birthDate"`
	Age         string       `json:"age,omitempty"` // as of Options.Now, or at death
	Deceased    Value        `json:"deceased"`
	Identifiers []Identifier `json:"identifiers"`
	Addresses   []Value      `json:"addresses"`
	Telecom     []Value      `json:"telecom"`
	// GeneralPractitioners and ManagingOrganization are references resolved
	// to names where the target is in the input.
	GeneralPractitioners []Ref `json:"generalPractitioners"`
	ManagingOrganization *Ref  `json:"managingOrganization,omitempty"`
}

// Name is a rendered HumanName.
type Name struct {
	Use  string `json:"use,omitempty"` // as written; empty when absent
	Text string `json:"text"`
}

// Identifier is a rendered Identifier; NHS Numbers are checked.
type Identifier struct {
	System     string `json:"system,omitempty"`
	SystemName string `json:"systemName,omitempty"` // friendly name, e.g. "NHS Number"
	Type       string `json:"type,omitempty"`
	Use        string `json:"use,omitempty"`
	Value      Value  `json:"value"`
	// NHSNumber is set for https://fhir.nhs.uk/Id/nhs-number identifiers:
	// "valid", or the reason it is not.
	NHSNumberCheck string `json:"nhsNumberCheck,omitempty"`
	NHSNumberValid *bool  `json:"nhsNumberValid,omitempty"`
}

// Value is a displayable value that may be absent. When the element is
// missing from the record, Text is empty and Absent says so ("absent", or the
// data-absent-reason code found on the element).
type Value struct {
	Text   string `json:"text,omitempty"`
	Absent string `json:"absent,omitempty"`
	Flag   string `json:"flag,omitempty"` // "warning" for values the viewer found wrong
	Note   string `json:"note,omitempty"`
	// Invalid says why Text failed validation (the validator's own lexical
	// rule). Text is then shown as written, marked, and never used for a
	// derived fact (age, sorting, trends).
	Invalid string   `json:"invalid,omitempty"`
	Codes   []Coding `json:"codes,omitempty"`
}

// Section is a titled list of cards.
type Section struct {
	ID    string  `json:"id"` // stable id: problems, medications, ...
	Title string  `json:"title"`
	Cards []*Card `json:"cards"`
}

// Card is one resource rendered for a clinician.
type Card struct {
	Key          string   `json:"key"` // "entry:3", "line:12" or "resource"
	ResourceType string   `json:"resourceType"`
	ID           string   `json:"id,omitempty"`
	Location     Location `json:"location"`
	// Resource is the index of this resource in the validator's report
	// (Options.ResourceOffsets), for joining findings to the card exactly.
	Resource *int     `json:"resource,omitempty"`
	Section  string   `json:"section"`          // section id the card is in ("banner" for a Patient)
	Patient  string   `json:"patient"`          // key of the PatientRecord, "" when unlinked
	Title    string   `json:"title"`            // what it is, in words
	Code     *Concept `json:"code,omitempty"`   // the main code, with all codings
	Status   string   `json:"status,omitempty"` // short status line, as written
	Kind     string   `json:"kind"`             // what it is in clinical words: "Prescription", "Lab result", ...
	Date     string   `json:"date,omitempty"`   // main clinical date, as written
	DateEnd  string   `json:"dateEnd,omitempty"`
	// DateInvalid says why Date is not a valid date (it is then shown as
	// written, marked, and not used for sorting or the timeline).
	DateInvalid string `json:"dateInvalid,omitempty"`
	// Events lists, for an encounter, the cards that point to it (what
	// happened during it), in input order.
	Events      []string        `json:"events,omitempty"`
	Facts       []Fact          `json:"facts"`
	References  []Ref           `json:"references,omitempty"`
	Absent      []AbsentElement `json:"absent,omitempty"`
	Narrative   *Narrative      `json:"narrative,omitempty"`
	Attachments []Attachment    `json:"attachments,omitempty"`
	// Problems reports parts of the resource the viewer could not decode;
	// they are not shown as values (see the raw JSON).
	Problems []string `json:"problems,omitempty"`
}

// Fact is one labelled line of a card.
type Fact struct {
	Label  string   `json:"label"`
	Text   string   `json:"text,omitempty"`
	Codes  []Coding `json:"codes,omitempty"`  // full codings, for hover
	RefKey string   `json:"refKey,omitempty"` // card key this fact links to (when Text is empty, show the target card's title)
	Absent string   `json:"absent,omitempty"` // "absent" or a data-absent-reason code
	Flag   string   `json:"flag,omitempty"`   // "abnormal", "critical", "warning"
}

// Concept is a CodeableConcept reduced to its best display plus all codings.
type Concept struct {
	Text  string   `json:"text"`
	Codes []Coding `json:"codes"`
}

// Coding is one coding with a friendly system name.
type Coding struct {
	System     string `json:"system,omitempty"`
	SystemName string `json:"systemName,omitempty"`
	Code       string `json:"code,omitempty"`
	Display    string `json:"display,omitempty"`
}

// Ref is an outbound reference of a card.
type Ref struct {
	Path      string `json:"path"`                // where in the resource, e.g. "performer[0].actor"
	Reference string `json:"reference,omitempty"` // as written
	Display   string `json:"display,omitempty"`   // Reference.display as written (the UI falls back to the target card's title)
	TargetKey string `json:"targetKey,omitempty"` // resolved card key
	// Contained is the id of the contained resource for "#id" references.
	Contained string `json:"contained,omitempty"`
	// Unresolved says why the reference could not be followed ("not in input").
	Unresolved string `json:"unresolved,omitempty"`
}

// AbsentElement is an element carrying a data-absent-reason extension.
type AbsentElement struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Narrative is a resource's text.div. The div as written is never in the
// model: only its plain text and a sanitized copy.
type Narrative struct {
	Status string `json:"status,omitempty"`
	Text   string `json:"text"`            // plain text of the div (insert as textContent)
	XHTML  string `json:"xhtml,omitempty"` // sanitized (Options.SanitizeNarrative); still render only sandboxed or rebuilt
}

// Attachment is an attachment or Binary content.
type Attachment struct {
	Path        string `json:"path"` // e.g. "content[0].attachment"
	ContentType string `json:"contentType,omitempty"`
	Language    string `json:"language,omitempty"`
	Title       string `json:"title,omitempty"`
	URL         string `json:"url,omitempty"`
	Creation    string `json:"creation,omitempty"`
	Size        *int   `json:"size,omitempty"` // as declared
	DataBytes   int    `json:"dataBytes"`      // decoded length of data (0 when none)
	Data        string `json:"data,omitempty"` // base64 as written (omitted with Options.OmitAttachmentData)
	// Active is true for content types that could run script or load
	// resources (HTML, SVG, XML): never render them in the page origin.
	Active bool `json:"active"`
}

// TimelineItem is one dated card on the timeline; its title and end date
// are the card's.
type TimelineItem struct {
	Date         string `json:"date"` // as written
	Sort         string `json:"sort"` // normalised UTC sort key
	CardKey      string `json:"cardKey"`
	ResourceType string `json:"resourceType"`
	Kind         string `json:"kind"` // the card's kind in clinical words
}

// VitalSeries groups a patient's vital-sign observations of one code, oldest first.
type VitalSeries struct {
	Code   Concept      `json:"code"`
	Title  string       `json:"title"`
	Unit   string       `json:"unit,omitempty"` // unit of the latest point
	Points []VitalPoint `json:"points"`
	// Trend compares the last two numeric points: "up", "down", "same" or "".
	Trend string `json:"trend,omitempty"`
}

// VitalPoint is one measurement.
type VitalPoint struct {
	Date    string   `json:"date"`
	Text    string   `json:"text"`            // "120/80 mmHg", "72 /min"
	Value   *float64 `json:"value,omitempty"` // first numeric value, for charts
	Unit    string   `json:"unit,omitempty"`  // unit code of Value; charts and trends never mix units
	CardKey string   `json:"cardKey"`
}

// Document is the Composition of a FHIR document, with its sections in order.
type Document struct {
	CardKey  string       `json:"cardKey"`
	Title    Value        `json:"title"`
	Type     *Concept     `json:"type,omitempty"`
	Status   Value        `json:"status"`
	Date     Value        `json:"date"`
	Subject  *Ref         `json:"subject,omitempty"`
	Authors  []Ref        `json:"authors"`
	Sections []DocSection `json:"sections"`
}

// DocSection is a Composition.section, recursively.
type DocSection struct {
	Title       string       `json:"title,omitempty"`
	Code        *Concept     `json:"code,omitempty"`
	Narrative   *Narrative   `json:"narrative,omitempty"`
	Entries     []Ref        `json:"entries"`
	EmptyReason *Concept     `json:"emptyReason,omitempty"`
	Sections    []DocSection `json:"sections"`
}
