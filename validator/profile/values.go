package profile

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/structure"
)

// equalValue compares an instance value with a fixed value: the same
// members and values (FHIR's "exactly"); ids and extensions of the instance
// are not part of the comparison.
func equalValue(t *jsontree.Tree, n jsontree.ID, v any) bool {
	return compareValue(t, n, v, true)
}

// matchPattern reports whether the instance has at least what the pattern
// has: every member of a pattern object, every item of a pattern array
// matched by some item of the instance's.
func matchPattern(t *jsontree.Tree, n jsontree.ID, v any) bool {
	return compareValue(t, n, v, false)
}

func compareValue(t *jsontree.Tree, n jsontree.ID, v any, exact bool) bool {
	if n == jsontree.None {
		return false
	}
	switch x := v.(type) {
	case map[string]any:
		if t.Kind(n) != jsontree.Object {
			return false
		}
		for k, pv := range x {
			c := t.Get(n, k)
			if c == jsontree.None || !compareValue(t, c, pv, exact) {
				return false
			}
		}
		if exact {
			for c := t.First(n); c != jsontree.None; c = t.Next(c) {
				k := t.Key(c)
				if _, ok := x[k]; !ok && k != "id" && k != "extension" && !strings.HasPrefix(k, "_") {
					return false
				}
			}
		}
		return true
	case []any:
		if t.Kind(n) != jsontree.Array {
			return len(x) == 1 && compareValue(t, n, x[0], exact)
		}
		if exact && t.Count(n) != len(x) {
			return false
		}
		for i, pv := range x {
			found := false
			if exact {
				found = compareValue(t, t.Item(n, i), pv, true)
			} else {
				for c := t.First(n); c != jsontree.None; c = t.Next(c) {
					if compareValue(t, c, pv, false) {
						found = true
						break
					}
				}
			}
			if !found {
				return false
			}
		}
		return true
	case string:
		return t.Kind(n) == jsontree.String && t.Str(n) == x
	case bool:
		return t.Kind(n) == jsontree.Bool && t.Bool(n) == x
	case json.Number:
		if t.Kind(n) != jsontree.Number {
			return false
		}
		return numCmp(string(t.Raw(n)), string(x)) == 0
	case nil:
		return t.Kind(n) == jsontree.Null
	}
	return false
}

// numCmp compares two decimal numbers exactly; unparsable ones compare by text.
func numCmp(a, b string) int {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		return strings.Compare(a, b)
	}
	return x.Cmp(y)
}

// show renders a fixed or pattern value compactly for a message.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + x + "'"
	case map[string]any:
		if codings, ok := x["coding"].([]any); ok {
			var parts []string
			for _, c := range codings {
				parts = append(parts, showCoding(c))
			}
			return "[" + strings.Join(parts, ", ") + "]"
		}
		if _, ok := x["code"]; ok {
			return showCoding(x)
		}
	}
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		b = append(b[:197], "..."...)
	}
	return string(b)
}

func showCoding(c any) string {
	m, _ := c.(map[string]any)
	sys, _ := m["system"].(string)
	code, _ := m["code"].(string)
	return sys + "#" + code
}

// showNode renders an instance value compactly for a message.
func showNode(t *jsontree.Tree, n jsontree.ID) string {
	switch t.Kind(n) {
	case jsontree.String:
		return "'" + t.Str(n) + "'"
	case jsontree.Object:
		if coding := t.Get(n, "coding"); coding != jsontree.None && t.Kind(coding) == jsontree.Array {
			var parts []string
			for c := t.First(coding); c != jsontree.None; c = t.Next(c) {
				parts = append(parts, nodeCoding(t, c))
			}
			return "[" + strings.Join(parts, ", ") + "]"
		}
		if t.Get(n, "code") != jsontree.None {
			return nodeCoding(t, n)
		}
	}
	raw := string(t.Raw(n))
	if len(raw) > 200 {
		raw = raw[:197] + "..."
	}
	return raw
}

func nodeCoding(t *jsontree.Tree, n jsontree.ID) string {
	sys, code := str(t, n, "system"), str(t, n, "code")
	return sys + "#" + code
}

func str(t *jsontree.Tree, n jsontree.ID, key string) string {
	if n == jsontree.None || t.Kind(n) != jsontree.Object {
		return ""
	}
	c := t.Get(n, key)
	if c == jsontree.None || t.Kind(c) != jsontree.String {
		return ""
	}
	return t.Str(c)
}

// checkRange applies minValue[x] and maxValue[x] to numbers, dates and
// quantities.
func (r *run) checkRange(n jsontree.ID, e *Elem) {
	d := e.Def
	if d.MinValue == nil && d.MaxValue == nil {
		return
	}
	t := r.t
	val := n
	if t.Kind(n) == jsontree.Object {
		val = t.Get(n, "value") // Quantity
	}
	if val == jsontree.None {
		return
	}
	cmp := func(limit []byte) (int, bool) {
		var lim any
		if v, err := parseJSON(limit); err == nil {
			lim = v
		}
		if m, ok := lim.(map[string]any); ok {
			lim = m["value"]
		}
		switch l := lim.(type) {
		case json.Number:
			if t.Kind(val) != jsontree.Number {
				return 0, false
			}
			return numCmp(string(t.Raw(val)), string(l)), true
		case string:
			if t.Kind(val) != jsontree.String {
				return 0, false
			}
			if typ := limitType(limit, d); typ == "Duration" {
				return 0, false
			}
			s := t.Str(val)
			k := min(len(s), len(l))
			return strings.Compare(s[:k], l[:k]), true
		}
		return 0, false
	}
	r.checkDurationRange(val, e)
	if d.MinValue != nil {
		if c, ok := cmp(d.MinValue.JSON); ok && c < 0 {
			r.report(n, false, finding.Error, "value", RuleRange,
				fmt.Sprintf("%s: the value %s is less than the allowed minimum of %s%s", e.Path, showNode(t, val), strings.Trim(string(d.MinValue.JSON), `"`), r.from()))
		}
	}
	if d.MaxValue != nil {
		if c, ok := cmp(d.MaxValue.JSON); ok && c > 0 {
			r.report(n, false, finding.Error, "value", RuleRange,
				fmt.Sprintf("%s: the value %s is greater than the allowed maximum of %s%s", e.Path, showNode(t, val), strings.Trim(string(d.MaxValue.JSON), `"`), r.from()))
		}
	}
}

// codes lists the (system, code) pairs a coded value carries.
func codes(t *jsontree.Tree, n jsontree.ID, typ string) [][2]string {
	switch t.Kind(n) {
	case jsontree.String:
		return [][2]string{{"", t.Str(n)}}
	case jsontree.Object:
	default:
		return nil
	}
	if coding := t.Get(n, "coding"); coding != jsontree.None && t.Kind(coding) == jsontree.Array {
		var out [][2]string
		for c := t.First(coding); c != jsontree.None; c = t.Next(c) {
			if code := str(t, c, "code"); code != "" {
				out = append(out, [2]string{str(t, c, "system"), code})
			}
		}
		return out
	}
	if code := str(t, n, "code"); code != "" {
		return [][2]string{{str(t, n, "system"), code}}
	}
	return nil
}

// inValueSet reports whether any code of an item is in the value set.
func (r *run) inValueSet(it item, url string) bool {
	vs := r.s.Defs.ValueSet(url)
	if vs == nil || !vs.Enumerable {
		return false
	}
	for _, c := range codes(r.t, it.node, it.typ) {
		if vs.Contains(c[0], c[1]) {
			return true
		}
	}
	return false
}

// checkBinding checks a coded value against the profile's own required or
// extensible binding, worded as the reference validator words it.
func (r *run) checkBinding(n jsontree.ID, typ string, e *Elem) {
	t := r.t
	vs := r.s.Defs.ValueSet(e.bindingVS)
	if vs == nil || !vs.Enumerable {
		return // cannot be checked offline
	}
	cs := codes(t, n, typ)
	if len(cs) == 0 {
		return
	}
	for _, c := range cs {
		if vs.Contains(c[0], c[1]) {
			return
		}
	}
	name := vs.Title
	if name == "" {
		name = vs.Name
	}
	list := make([]string, len(cs))
	for i, c := range cs {
		list[i] = c[0] + "#" + c[1]
	}
	required := e.strength == "required"
	sev, rule := finding.Warning, RuleExtensible
	if required {
		sev, rule = finding.Error, RuleRequired
	}
	var msg string
	switch {
	case t.Kind(n) == jsontree.String && required:
		msg = fmt.Sprintf("The value provided ('%s') was not found in the value set '%s' (%s), and a code is required from this value set", cs[0][1], name, vs.URL)
	case t.Kind(n) == jsontree.String:
		msg = fmt.Sprintf("The value provided ('%s') is not in the value set '%s' (%s), and a code should come from this value set unless it has no suitable code (the validator cannot judge what is suitable)", cs[0][1], name, vs.URL)
	case t.Get(n, "coding") == jsontree.None && required:
		msg = fmt.Sprintf("The Coding provided (%s) was not found in the value set '%s' (%s), and a code is required from this value set", list[0], name, vs.URL)
	case t.Get(n, "coding") == jsontree.None:
		msg = fmt.Sprintf("The code provided (%s) is not in the value set '%s' (%s), and a code should come from this value set unless it has no suitable code (the validator cannot judge what is suitable)", list[0], name, vs.URL)
	case required:
		msg = fmt.Sprintf("None of the codings provided are in the value set '%s' (%s), and a coding from this value set is required (codes = %s)", name, vs.URL, strings.Join(list, ", "))
	default:
		msg = fmt.Sprintf("None of the codings provided are in the value set '%s' (%s), and a coding should come from this value set unless it has no suitable code (note that the validator cannot judge what is suitable) (codes = %s)", name, vs.URL, strings.Join(list, ", "))
	}
	r.report(n, false, sev, "code-invalid", rule, msg+r.from())
}

// checkTarget checks a reference against the profile's targetProfile when
// the target resolves: its type must be one a target profile constrains.
func (r *run) checkTarget(n jsontree.ID, e *Elem) {
	if r.o.Resolve == nil {
		return
	}
	var targets []string
	for _, tr := range e.Types {
		if tr.Code == "Reference" {
			targets = append(targets, tr.TargetProfile...)
		}
	}
	if len(targets) == 0 {
		return
	}
	ref := str(r.t, n, "reference")
	if ref == "" {
		return
	}
	target, ok := r.o.Resolve(n, ref)
	if !ok {
		return
	}
	rt := resourceType(r.t, target)
	var types []string
	var candidates []*Profile
	for _, tp := range targets {
		typ := r.s.profileType(tp)
		if typ == rt || typ == "Resource" {
			p, err := r.s.Profile(tp)
			if err != nil || p == nil {
				return // a core type or an unusable profile: the type is what can be checked
			}
			candidates = append(candidates, p)
			continue
		}
		types = append(types, typ)
	}
	if len(candidates) == 0 {
		r.report(n, false, finding.Error, "structure", RuleTarget,
			fmt.Sprintf("%s: the reference points to a %s, but the profile %s allows only %s", e.Path, rt, r.prof.Label(), strings.Join(types, ", ")))
		return
	}
	// The target must conform to one of the target profiles.
	var urls []string
	for _, p := range candidates {
		key := checkKey{target, p}
		if r.checking[key] {
			return // already being checked further up: assume it conforms
		}
		if r.checking == nil {
			r.checking = map[checkKey]bool{}
		}
		ok, known := r.o.Memo.conforms[key]
		if !known {
			r.checking[key] = true
			ok = r.conforms(item{node: target, index: -1, typ: rt}, p.Root, p)
			delete(r.checking, key)
			r.o.Memo.conforms[key] = ok
		}
		if ok {
			return
		}
		urls = append(urls, p.Ref())
	}
	r.report(n, false, finding.Error, "structure", RuleTarget,
		fmt.Sprintf("%s: unable to find a profile match for %s among choices: %s%s", e.Path, str(r.t, n, "reference"), strings.Join(urls, ", "), r.from()))
}

// checkKey is a target being checked against a profile (to stop cycles).
type checkKey struct {
	node jsontree.ID
	prof *Profile
}

// limitType is the type suffix of the limit value given as raw JSON.
func limitType(limit []byte, d *structure.ElementDefinition) string {
	if d.MinValue != nil && string(d.MinValue.JSON) == string(limit) {
		return d.MinValue.Type
	}
	if d.MaxValue != nil {
		return d.MaxValue.Type
	}
	return ""
}

// checkDurationRange applies minValueDuration/maxValueDuration to a date:
// the limits are relative to now (a birth date at most 10 years ahead).
func (r *run) checkDurationRange(val jsontree.ID, e *Elem) {
	t := r.t
	if t.Kind(val) != jsontree.String {
		return
	}
	date, ok := parseDate(t.Str(val))
	if !ok {
		return
	}
	now := time.Now().UTC()
	for _, lim := range []*structure.Value{e.Def.MinValue, e.Def.MaxValue} {
		if lim == nil || lim.Type != "Duration" {
			continue
		}
		// The duration is added to now for a maximum, taken off for a minimum.
		bound, ok := addDuration(now, lim.JSON, lim == e.Def.MinValue)
		if !ok {
			continue
		}
		if lim == e.Def.MinValue && date.Before(bound) {
			r.report(val, false, finding.Error, "value", RuleRange,
				fmt.Sprintf("%s: the value %s is before the allowed minimum of now minus %s%s", e.Path, showNode(t, val), durationText(lim.JSON), r.from()))
		}
		if lim == e.Def.MaxValue && date.After(bound) {
			r.report(val, false, finding.Error, "value", RuleRange,
				fmt.Sprintf("%s: the value %s is after the allowed maximum of now plus %s%s", e.Path, showNode(t, val), durationText(lim.JSON), r.from()))
		}
	}
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

func addDuration(now time.Time, raw []byte, negate bool) (time.Time, bool) {
	var q struct {
		Value json.Number `json:"value"`
		Code  string      `json:"code"`
		Unit  string      `json:"unit"`
	}
	if json.Unmarshal(raw, &q) != nil {
		return now, false
	}
	f, err := q.Value.Float64()
	if err != nil {
		return now, false
	}
	if negate {
		f = -f
	}
	n := int(f)
	unit := q.Code
	if unit == "" {
		unit = q.Unit
	}
	switch unit {
	case "a", "year", "years":
		return now.AddDate(n, 0, 0), true
	case "mo", "month", "months":
		return now.AddDate(0, n, 0), true
	case "wk", "week", "weeks":
		return now.AddDate(0, 0, 7*n), true
	case "d", "day", "days":
		return now.AddDate(0, 0, n), true
	case "h":
		return now.Add(time.Duration(f * float64(time.Hour))), true
	case "min":
		return now.Add(time.Duration(f * float64(time.Minute))), true
	case "s":
		return now.Add(time.Duration(f * float64(time.Second))), true
	}
	return now, false
}

func durationText(raw []byte) string {
	var q struct {
		Value json.Number `json:"value"`
		Code  string      `json:"code"`
		Unit  string      `json:"unit"`
	}
	json.Unmarshal(raw, &q)
	u := q.Unit
	if u == "" {
		u = q.Code
	}
	return string(q.Value) + " " + u
}
