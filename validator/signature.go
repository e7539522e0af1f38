package validator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

var ruleSignaturePayload = define(finding.Rule{ID: "signature.payload", Code: "invalid", Severity: finding.Error,
	Summary: "a Bundle's JWS signature with an attached payload signs that Bundle: the payload is the Bundle without id, meta and signature",
	Source:  "FHIR R4 signatures.html and datatypes.html#Signature (data: the signature of the resource, canonicalized as targetFormat says); graded as the HL7 reference validator"})

// checkBundleSignature compares the attached payload of a Bundle's JOSE
// signature with the Bundle itself. Document canonicalization leaves out
// Bundle.id, Bundle.meta and Bundle.signature, so those are left out of both;
// the rest must be the same JSON (member order and spacing aside). The
// signature's cryptography is not checked here: a JWS over other content
// does not sign this Bundle whatever its key.
func (w *walker) checkBundleSignature(n jsontree.ID) {
	t := w.tree
	sig := t.Get(n, "signature")
	if sig == jsontree.None || t.Kind(sig) != jsontree.Object || t.Text(t.Get(sig, "sigFormat")) != "application/jose" {
		return
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t.Text(t.Get(sig, "data"))), ""))
	if err != nil {
		return // the base64Binary check reports it
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[1] == "" {
		return // not a compact JWS, or a detached one: nothing to compare
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return
	}
	var signed, actual map[string]any
	if decodeJSON(payload, &signed) != nil || decodeJSON(t.Raw(n), &actual) != nil {
		return
	}
	for _, k := range []string{"id", "meta", "signature"} {
		delete(signed, k)
		delete(actual, k)
	}
	if where := firstDifference(signed, actual, "Bundle"); where != "" {
		w.report(n, false, ruleSignaturePayload, fmt.Sprintf(
			"the signature's payload is not this Bundle, so the signature does not sign it: they first differ at %s", where))
	}
}

func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// firstDifference names the first place where two decoded JSON values
// differ, "" when they are the same.
func firstDifference(a, b any, path string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, dup := x[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			xv, inX := x[k]
			yv, inY := y[k]
			switch {
			case !inX:
				return path + "." + k + " (not in the payload)"
			case !inY:
				return path + "." + k + " (only in the payload)"
			}
			if d := firstDifference(xv, yv, path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return path
		}
		for i := range x {
			if d := firstDifference(x[i], y[i], path+"["+strconv.Itoa(i)+"]"); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a, b) {
		return path
	}
	return ""
}
