package record

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/fhirlens/fhirlens/validator/bundle"
	"github.com/fhirlens/fhirlens/validator/xhtml"
)

// Options tunes Summarize.
type Options struct {
	// Now is the date ages are computed against; zero means time.Now().
	Now time.Time
	// SanitizeNarrative turns a narrative div into XHTML that is safe to
	// render (the FHIR narrative subset); nil means validator/xhtml.Sanitize.
	SanitizeNarrative func(div string) string
	// OmitAttachmentData leaves base64 attachment data out of the model
	// (the UI then fetches it from the raw resource on demand).
	OmitAttachmentData bool
	// Graph is the validator's reference graph of this same input
	// (validator.Report.Graph). With it, the references of a Bundle resolve
	// exactly as the validator resolved them (one resolver: bundle.Graph);
	// without it, and for ndjson and record sets (references across files),
	// the record resolves them itself.
	Graph *bundle.Graph
	// ResourceOffsets are the byte offsets of the validator report's
	// resources (validator.Report.Resources[i].Offset): a card whose resource
	// starts there carries i in Card.Resource, so findings join exactly.
	ResourceOffsets []int
	// ShareInput lets a Bundle indexed by Graph be read in place instead of
	// from a copy: the caller promises not to modify the input while the
	// model lives (the model's strings may share its memory).
	ShareInput bool
}

// maxNesting bounds JSON nesting; deeper input is rejected before any
// recursive parser sees it (a stack overflow cannot be recovered).
const maxNesting = 256

// Summarize builds the clinical view model of a Bundle (any type), an ndjson
// set (one resource per line) or a single resource.
//
// It never panics: a failure anywhere becomes an error.
func Summarize(data []byte, opts Options) (model *Model, err error) {
	return SummarizeFiles([]File{{Data: data}}, opts)
}

// File is one input of a record set.
type File struct {
	Name string
	Data []byte
}

// SummarizeFiles builds one record from several files dropped together: the
// resources of all files are merged per patient and references resolve
// across files (a bulk export's Patient.ndjson, Condition.ndjson, … are one
// record). A resource whose type and id an earlier file already gave is said
// once (Model.Duplicates) and shown once. With more than one file, card keys
// are prefixed "f<file index>:" and Location.File is set.
//
// It never panics: a failure anywhere becomes an error.
func SummarizeFiles(files []File, opts Options) (model *Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			model, err = nil, internalError(r)
		}
	}()
	opts = opts.withDefaults()
	if len(files) == 0 {
		return nil, errors.New("record: no input")
	}
	if len(files) == 1 {
		in, err := splitChecked(files[0].Data, opts.Graph, opts.ShareInput)
		if err != nil {
			return nil, err
		}
		return newBuilder(in, opts).build(), nil
	}
	set := &input{kind: "set"}
	var infos []FileInfo
	var firstErr error
	seen := map[string]*item{}
	var dups []Duplicate
	for i, f := range files {
		info := FileInfo{Name: f.Name}
		in, err := splitChecked(f.Data, nil, false)
		if err != nil {
			info.Error = err.Error()
			if firstErr == nil {
				firstErr = err
			}
			infos = append(infos, info)
			continue
		}
		info.Kind, info.BundleType, info.Resources = in.kind, in.bundleType, len(in.items)
		infos = append(infos, info)
		prefix := "f" + strconv.Itoa(i) + ":"
		for _, sk := range in.skipped {
			n := i
			sk.Location.File = &n
			set.skipped = append(set.skipped, sk)
		}
		for _, it := range in.items {
			n := i
			it.loc.File = &n
			it.key = prefix + it.key
			it.file = i
			it.fileKind, it.fileBundleType = in.kind, in.bundleType
			if it.id != "" {
				k := it.rtype + "/" + it.id
				if first, ok := seen[k]; ok && first.file != i {
					dups = append(dups, Duplicate{Type: it.rtype, ID: it.id, Location: it.loc, SameAs: first.key})
					continue
				} else if !ok {
					seen[k] = it
				}
			}
			it.index = len(set.items)
			set.items = append(set.items, it)
		}
	}
	if len(set.items) == 0 && len(set.skipped) == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, errors.New("record: the files hold no FHIR resources")
	}
	m := newBuilder(set, opts).build()
	m.Files = infos
	m.Duplicates = dups
	m.Counts.Duplicates = len(dups)
	m.Counts.Resources += len(dups)
	m.Input.Resources += len(dups)
	return m, nil
}

// splitChecked bounds nesting, then splits one input into resources: a
// Bundle the validator's graph indexed (g, of these bytes) from its parse,
// anything else with gjson.
func splitChecked(data []byte, g *bundle.Graph, share bool) (*input, error) {
	if depth := nestingDepth(data); depth > maxNesting {
		return nil, fmt.Errorf("record: JSON nested %d levels deep (limit %d)", depth, maxNesting)
	}
	var in *input
	var err error
	if graphOf(data, g) {
		in = splitGraph(data, g, share)
	} else if in, err = splitInput(data); err != nil {
		return nil, err
	}
	if len(in.items) == 0 && len(in.skipped) == 0 {
		return nil, errors.New("record: input holds no FHIR resources")
	}
	for _, it := range in.items {
		it.fileKind, it.fileBundleType = in.kind, in.bundleType
	}
	return in, nil
}

// nestingDepth returns the maximum nesting of JSON arrays and objects,
// ignoring brackets inside strings. It does not validate. A string is
// skipped to its closing quote with bytes.IndexByte (a quote preceded by
// an odd number of backslashes is escaped), not byte by byte: most of a
// FHIR file is strings (narrative, attachments).
func nestingDepth(data []byte) int {
	depth, maxDepth := 0, 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			open := i
			for {
				j := bytes.IndexByte(data[i+1:], '"')
				if j < 0 {
					return maxDepth // unterminated string: nothing after it counts
				}
				i += 1 + j
				k := i - 1
				for k > open && data[k] == '\\' {
					k--
				}
				if (i-1-k)%2 == 0 {
					break // not escaped
				}
			}
		case '{', '[':
			depth++
			if depth > maxDepth {
				maxDepth = depth
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return maxDepth
}

// Stream hands out the model of one input as it is built, so a viewer can
// show the first patient without waiting for the others: Model is the
// header (patients with their banners; the unlinked cards, lists, document
// and counts final), and each Next completes the next patient in order.
// When Next has returned every patient, Model is what Summarize returns.
type Stream struct {
	Model *Model
	b     *builder
	next  int
}

// NewStream splits the input and builds the model's header.
//
// It never panics: a failure anywhere becomes an error.
func NewStream(data []byte, opts Options) (s *Stream, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, internalError(r)
		}
	}()
	opts = opts.withDefaults()
	in, err := splitChecked(data, opts.Graph, opts.ShareInput)
	if err != nil {
		return nil, err
	}
	b := newBuilder(in, opts)
	return &Stream{Model: b.start(), b: b}, nil
}

// Next completes the next patient and returns its index in Model.Patients,
// or ok false when every patient is done.
//
// It never panics: a failure anywhere becomes an error.
func (s *Stream) Next() (i int, p *PatientRecord, ok bool, err error) {
	if s.next >= len(s.Model.Patients) {
		return 0, nil, false, nil
	}
	defer func() {
		if r := recover(); r != nil {
			i, p, ok, err = 0, nil, false, internalError(r)
		}
	}()
	i = s.next
	s.next++
	s.b.finish(i)
	return i, s.Model.Patients[i], true, nil
}

// withDefaults fills what the caller left unset: the clock and the
// narrative sanitizer.
func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.SanitizeNarrative == nil {
		o.SanitizeNarrative = xhtml.Sanitize
	}
	return o
}

// internalError is what a recovered panic becomes at the package's entry
// points.
func internalError(r any) error {
	return fmt.Errorf("record: internal error summarising input: %v", r)
}
