package record

import (
	"errors"
	"fmt"
	"time"

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
}

// maxNesting bounds JSON nesting; deeper input is rejected before any
// recursive parser sees it (a stack overflow cannot be recovered).
const maxNesting = 256

// Summarize builds the clinical view model of a Bundle (any type), an ndjson
// set (one resource per line) or a single resource.
//
// It never panics: a failure anywhere becomes an error.
func Summarize(data []byte, opts Options) (model *Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			model, err = nil, fmt.Errorf("record: internal error summarising input: %v", r)
		}
	}()
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.SanitizeNarrative == nil {
		opts.SanitizeNarrative = xhtml.Sanitize
	}
	if depth := nestingDepth(data); depth > maxNesting {
		return nil, fmt.Errorf("record: JSON nested %d levels deep (limit %d)", depth, maxNesting)
	}
	in, err := splitInput(data)
	if err != nil {
		return nil, err
	}
	if len(in.items) == 0 && len(in.skipped) == 0 {
		return nil, errors.New("record: input holds no FHIR resources")
	}
	b := newBuilder(in, opts)
	return b.build(), nil
}

// nestingDepth returns the maximum nesting of JSON arrays and objects,
// ignoring brackets inside strings. It does not validate.
func nestingDepth(data []byte) int {
	depth, maxDepth := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
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
