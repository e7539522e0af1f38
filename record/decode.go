package record

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// unusedKeys are resource elements the view reads from the raw JSON (text,
// contained, extensions for data-absent-reason) or never shows (meta, ...):
// they are left out before typed decoding, which is the costliest step.
var unusedKeys = map[string]bool{
	"resourceType": true, "id": true, "meta": true, "implicitRules": true, "language": true,
	"text": true, "contained": true, "extension": true, "modifierExtension": true,
}

// decodeResource decodes a whole resource into its samply struct, without
// the elements it never uses (identifiers are kept only for Patient).
func decodeResource(raw gjson.Result, v any) []string {
	if !raw.IsObject() {
		return decode(raw, v)
	}
	keepIdentifier := raw.Get("resourceType").String() == "Patient"
	buf := make([]byte, 0, len(raw.Raw))
	buf = append(buf, '{')
	raw.ForEach(func(k, val gjson.Result) bool {
		key := k.String()
		if unusedKeys[key] || key == "identifier" && !keepIdentifier || len(key) > 0 && key[0] == '_' {
			return true
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = append(buf, k.Raw...)
		buf = append(buf, ':')
		buf = append(buf, val.Raw...)
		return true
	})
	buf = append(buf, '}')
	if err := json.Unmarshal(buf, v); err == nil {
		return nil
	}
	return decode(gjson.ParseBytes(buf), v)
}

// decode unmarshals JSON into a samply struct. samply rejects a whole
// resource when one enum code is unknown, so on failure it decodes key by key
// (and array element by element) keeping everything that decodes, and reports
// what did not. The returned problems are shown on the card.
func decode(raw gjson.Result, v any) (problems []string) {
	if err := json.Unmarshal([]byte(raw.Raw), v); err == nil {
		return nil
	}
	rv := reflect.ValueOf(v).Elem()
	rv.Set(reflect.Zero(rv.Type()))
	fields := jsonFields(rv.Type())
	raw.ForEach(func(k, val gjson.Result) bool {
		key := k.String()
		if key == "resourceType" || strings.HasPrefix(key, "_") {
			return true
		}
		idx, known := fields[key]
		if !known {
			return true // unknown to samply; nothing to decode into
		}
		field := rv.Field(idx)
		target := reflect.New(field.Type())
		err := json.Unmarshal([]byte(val.Raw), target.Interface())
		if err == nil {
			field.Set(target.Elem())
			return true
		}
		if field.Kind() == reflect.Slice && val.IsArray() {
			slice := reflect.MakeSlice(field.Type(), 0, 0)
			i := 0
			val.ForEach(func(_, el gjson.Result) bool {
				elem := reflect.New(field.Type().Elem())
				if err := json.Unmarshal([]byte(el.Raw), elem.Interface()); err != nil {
					problems = append(problems, key+"["+strconv.Itoa(i)+"]: "+shortErr(err))
				} else {
					slice = reflect.Append(slice, elem.Elem())
				}
				i++
				return true
			})
			field.Set(slice)
			return true
		}
		problems = append(problems, key+": "+shortErr(err))
		return true
	})
	return problems
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// jsonFields maps json names to struct field indexes.
func jsonFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}
