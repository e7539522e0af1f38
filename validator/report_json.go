package validator

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
)

// jsonChunk is how many list items WriteJSON marshals at a time.
const jsonChunk = 4096

// WriteJSON writes r exactly as json.Marshal(r) would (compact), but
// streamed: its lists (a million resources of a large bundle) are marshalled
// a chunk at a time, so the output is never held whole in memory (it was
// ~250 MB for a 1M-entry bundle, grown by doubling). Fields are taken from
// Report's own tags, so a field added to Report is written too.
func (r *Report) WriteJSON(w io.Writer) error {
	v := reflect.ValueOf(r).Elem()
	typ := v.Type()
	sep := byte('{')
	for i := range typ.NumField() {
		sf := typ.Field(i)
		tag := sf.Tag.Get("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		fv := v.Field(i)
		if opts != "" || !json.Valid([]byte(`"`+name+`"`)) {
			// a tag option (omitempty, string) or a name needing escapes:
			// let encoding/json decide the whole report
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			_, err = w.Write(b)
			return err
		}
		if _, err := w.Write([]byte{sep}); err != nil {
			return err
		}
		sep = ','
		if _, err := io.WriteString(w, `"`+name+`":`); err != nil {
			return err
		}
		if err := writeJSONValue(w, fv); err != nil {
			return err
		}
	}
	if sep == '{' {
		_, err := io.WriteString(w, "{}")
		return err
	}
	_, err := w.Write([]byte{'}'})
	return err
}

// writeJSONValue marshals v, a long slice a chunk at a time.
func writeJSONValue(w io.Writer, v reflect.Value) error {
	if v.Kind() != reflect.Slice || v.IsNil() || v.Len() <= jsonChunk {
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	if _, err := w.Write([]byte{'['}); err != nil {
		return err
	}
	for start := 0; start < v.Len(); start += jsonChunk {
		b, err := json.Marshal(v.Slice(start, min(start+jsonChunk, v.Len())).Interface())
		if err != nil {
			return err
		}
		b = bytes.TrimSuffix(bytes.TrimPrefix(b, []byte{'['}), []byte{']'})
		if start > 0 {
			if _, err := w.Write([]byte{','}); err != nil {
				return err
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err := w.Write([]byte{']'})
	return err
}
