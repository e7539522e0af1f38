package questionnaire

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Reporter receives one finding at node n; f.Expression is relative to the
// resource checked ("item[0].answer[1].valueCoding", "" for the resource).
type Reporter func(n jsontree.ID, f finding.Finding)

// Env is what the checks may consult besides the two resources.
type Env struct {
	// Defs resolves answerValueSet (nil: value sets are not checked) and
	// resource type names.
	Defs *definitions.Set
}

type responseChecker struct {
	t      *jsontree.Tree
	q      *Questionnaire
	env    Env
	report Reporter
	// completed: status completed or amended, where required items must be
	// answered (in-progress responses may still be missing answers).
	completed bool
	// answers holds, per linkId, the answer value nodes of the response's
	// items in document order, for enableWhen.
	answers map[string][]jsontree.ID
	present map[string]bool
	// stack holds the response items being checked, outermost first: an
	// enableWhen looks for its question's answers in the nearest of them
	// first (the same repetition of a repeating group), then further out.
	stack []jsontree.ID
	qr    jsontree.ID
}

// evalEnable evaluates an enable expression on the response, as the
// reference validator does: true enables the item, anything else (false, an
// empty result) disables it. ok is false when the expression cannot be
// evaluated (it does not compile, or it needs a variable such as %patient
// that a response validated on its own does not have): the item then counts
// as enabled, since it cannot be shown not to be.
func (c *responseChecker) evalEnable(expr string) (enabled, ok bool) {
	e, err := fhirpath.CompileCached(expr)
	if err != nil {
		return true, false
	}
	on, err := e.EvaluateBool(context.Background(), &fhirpath.Env{Defs: c.env.Defs, Tree: c.t, Focus: c.qr, FocusType: "QuestionnaireResponse",
		Resource: c.qr, RootResource: c.qr, ResourcesSet: true, Context: c.qr})
	if err != nil {
		return true, false
	}
	return on, true
}

// CheckResponse checks the QuestionnaireResponse at node qr against q.
func CheckResponse(t *jsontree.Tree, qr jsontree.ID, q *Questionnaire, env Env, report Reporter) {
	c := &responseChecker{t: t, q: q, env: env, report: report, answers: map[string][]jsontree.ID{}, present: map[string]bool{}, qr: qr}
	if s := t.Get(qr, "status"); s != jsontree.None && t.Kind(s) == jsontree.String {
		c.completed = t.Str(s) == "completed" || t.Str(s) == "amended"
	}
	c.collect(t.Get(qr, "item"))
	if q.EffectiveEnd != "" {
		if a := t.Get(qr, "authored"); a != jsontree.None && t.Kind(a) == jsontree.String && len(t.Str(a)) >= 10 &&
			t.Str(a)[:10] > q.EffectiveEnd[:min(10, len(q.EffectiveEnd))] {
			c.emit(a, "authored", finding.Warning, ruleInactive, fmt.Sprintf(
				"the response was authored on %s, after the end of the questionnaire's effective period (%s)", t.Str(a), q.EffectiveEnd))
		}
	}
	c.items(q.Items, t.Get(qr, "item"), "", qr, nil)
}

func (c *responseChecker) emit(n jsontree.ID, path string, sev finding.Severity, rule, msg string) {
	c.report(n, newFinding(sev, rule, path, msg))
}

// newFinding is a finding of a registered rule, with the rule's issue code.
func newFinding(sev finding.Severity, rule, path, msg string) finding.Finding {
	r, _ := finding.Lookup(rule)
	return finding.Finding{Severity: sev, Code: r.Code, Rule: rule, Expression: path, Message: msg}
}

// collect indexes the answers of every item of the response by linkId.
func (c *responseChecker) collect(items jsontree.ID) {
	t := c.t
	if items == jsontree.None || t.Kind(items) != jsontree.Array {
		return
	}
	for it := t.First(items); it != jsontree.None; it = t.Next(it) {
		if t.Kind(it) != jsontree.Object {
			continue
		}
		link := str(t, t.Get(it, "linkId"))
		c.present[link] = true
		if ans := t.Get(it, "answer"); ans != jsontree.None && t.Kind(ans) == jsontree.Array {
			for a := t.First(ans); a != jsontree.None; a = t.Next(a) {
				if v, _ := answerValue(t, a); v != jsontree.None {
					c.answers[link] = append(c.answers[link], v)
				}
				c.collect(t.Get(a, "item"))
			}
		}
		c.collect(t.Get(it, "item"))
	}
}

func str(t *jsontree.Tree, n jsontree.ID) string {
	if n == jsontree.None || t.Kind(n) != jsontree.String {
		return ""
	}
	return t.Str(n)
}

func join(path, seg string) string {
	if path == "" {
		return seg
	}
	if strings.HasPrefix(seg, "[") {
		return path + seg
	}
	return path + "." + seg
}

// answerValue returns an answer's value[x] member and its type suffix.
func answerValue(t *jsontree.Tree, a jsontree.ID) (jsontree.ID, string) {
	if t.Kind(a) != jsontree.Object {
		return jsontree.None, ""
	}
	for m := t.First(a); m != jsontree.None; m = t.Next(m) {
		if s, ok := strings.CutPrefix(t.Key(m), "value"); ok && s != "" && s[0] >= 'A' && s[0] <= 'Z' {
			return m, s
		}
	}
	return jsontree.None, ""
}

// items checks the response items in array arr against the questionnaire
// items qs of the same level. owner is the node that holds arr (the
// resource, an item or an answer), at path.
func (c *responseChecker) items(qs []*Item, arr jsontree.ID, path string, owner jsontree.ID, parent *Item) {
	t := c.t
	seen := map[string]int{}
	last := -1
	var lastLink string
	if arr != jsontree.None && t.Kind(arr) == jsontree.Array {
		i := 0
		for it := t.First(arr); it != jsontree.None; it, i = t.Next(it), i+1 {
			ipath := join(path, "item["+strconv.Itoa(i)+"]")
			if t.Kind(it) != jsontree.Object {
				continue
			}
			link := str(t, t.Get(it, "linkId"))
			idx := -1
			for k, qi := range qs {
				if qi.LinkID == link {
					idx = k
					break
				}
			}
			if idx < 0 {
				msg := fmt.Sprintf("linkId '%s' is not an item of the questionnaire %s", link, c.where(parent))
				if other := c.q.Item(link); other != nil {
					msg = fmt.Sprintf("linkId '%s' is in the questionnaire, but not %s: the response must nest items as the questionnaire does (it is %s)",
						link, c.where(parent), c.where(other.Parent))
				}
				c.emit(it, ipath, finding.Error, ruleLinkID, msg)
				continue
			}
			if idx < last {
				c.emit(it, ipath, finding.Error, ruleOrder, fmt.Sprintf(
					"item '%s' comes after '%s' here, but before it in the questionnaire: items must be in the questionnaire's order", link, lastLink))
			} else {
				last, lastLink = idx, link
			}
			qi := qs[idx]
			seen[link]++
			if seen[link] == 2 && !qi.Repeats {
				c.emit(it, ipath, finding.Error, ruleRepeats, fmt.Sprintf(
					"item '%s' does not repeat (repeats is not true), so it may appear only once here", link))
			}
			c.item(qi, it, ipath)
		}
	}
	for _, qi := range qs {
		if seen[qi.LinkID] > 0 || !qi.Required || !c.enabled(qi) {
			continue
		}
		c.required(owner, path, qi)
	}
}

func (c *responseChecker) where(parent *Item) string {
	if parent == nil {
		return "at the top level"
	}
	return fmt.Sprintf("inside item '%s'", parent.LinkID)
}

func (c *responseChecker) required(n jsontree.ID, path string, qi *Item) {
	sev := finding.Error
	if !c.completed {
		sev = finding.Information
	}
	c.emit(n, path, sev, ruleRequired, fmt.Sprintf("required item '%s'%s has no answer", qi.LinkID, textOf(qi)))
}

func textOf(qi *Item) string {
	if qi.Text == "" {
		return ""
	}
	s := qi.Text
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return " (\"" + s + "\")"
}

// item checks one response item against its questionnaire item.
func (c *responseChecker) item(qi *Item, it jsontree.ID, path string) {
	c.stack = append(c.stack, it)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()
	t := c.t
	ans := t.Get(it, "answer")
	nAns := 0
	if ans != jsontree.None && t.Kind(ans) == jsontree.Array {
		nAns = t.Count(ans)
	}
	enabled := c.enabled(qi)
	if !enabled && nAns > 0 {
		why := "its enableWhen conditions are not met by the other answers"
		if qi.EnableExpression != "" {
			why = fmt.Sprintf("its enable expression %s is not true for this response", qi.EnableExpression)
		}
		c.emit(it, path, finding.Error, ruleDisabled, fmt.Sprintf(
			"item '%s' has an answer, but it is not enabled: %s", qi.LinkID, why))
	}
	switch qi.Type {
	case "group", "display":
		if nAns > 0 {
			c.emit(it, path, finding.Error, ruleGroupAnswer, fmt.Sprintf(
				"item '%s' is a %s: it has no answers of its own (its items go in item, not in answer)", qi.LinkID, qi.Type))
		}
		c.items(qi.Items, t.Get(it, "item"), path, it, qi)
		return
	}
	if nAns == 0 {
		if qi.Required && enabled {
			c.required(it, path, qi)
		}
	} else if nAns > 1 && !qi.Repeats {
		c.emit(it, path, finding.Error, ruleRepeats, fmt.Sprintf(
			"item '%s' does not repeat (repeats is not true), so it takes one answer, not %d", qi.LinkID, nAns))
	}
	if qi.MinOccurs > 0 && nAns < qi.MinOccurs && enabled {
		c.emit(it, path, finding.Error, ruleOccurs, fmt.Sprintf(
			"item '%s' needs at least %d answers (questionnaire-minOccurs), found %d", qi.LinkID, qi.MinOccurs, nAns))
	}
	if qi.MaxOccurs > 0 && nAns > qi.MaxOccurs {
		c.emit(it, path, finding.Error, ruleOccurs, fmt.Sprintf(
			"item '%s' allows at most %d answers (questionnaire-maxOccurs), found %d", qi.LinkID, qi.MaxOccurs, nAns))
	}
	if nAns == 0 {
		if sub := t.Get(it, "item"); sub != jsontree.None {
			c.items(qi.Items, sub, path, it, qi)
		}
		return
	}
	var exclusive []int // answer indexes that are an exclusive option
	i := 0
	for a := t.First(ans); a != jsontree.None; a, i = t.Next(a), i+1 {
		apath := join(path, "answer["+strconv.Itoa(i)+"]")
		if k := c.answer(qi, a, apath); k >= 0 && k < len(qi.Exclusive) && qi.Exclusive[k] {
			exclusive = append(exclusive, i)
		}
		if sub := t.Get(a, "item"); sub != jsontree.None {
			c.items(qi.Items, sub, apath, a, qi)
		}
	}
	if nAns > 1 {
		for _, k := range exclusive {
			a := t.Item(ans, k)
			v, _ := answerValue(t, a)
			c.emit(a, join(path, "answer["+strconv.Itoa(k)+"]"), finding.Error, ruleExclusive, fmt.Sprintf(
				"answer %s of item '%s' is an exclusive option: it cannot be selected together with other answers",
				decodeValue(typeOfKey(t, v), t.Raw(v)).Label(), qi.LinkID))
		}
	}
	// Question items carry their child items under each answer.
	if sub := t.Get(it, "item"); sub != jsontree.None && len(qi.Items) > 0 {
		c.items(qi.Items, sub, path, it, qi)
	}
}

func typeOfKey(t *jsontree.Tree, n jsontree.ID) string {
	if n == jsontree.None {
		return ""
	}
	return strings.TrimPrefix(t.Key(n), "value")
}

// answerTypes maps an item type to the answer value types it takes.
var answerTypes = map[string][]string{
	"boolean": {"Boolean"}, "decimal": {"Decimal"}, "integer": {"Integer"}, "date": {"Date"},
	"dateTime": {"DateTime"}, "time": {"Time"}, "string": {"String"}, "text": {"String"}, "url": {"Uri"},
	"choice": {"Coding"}, "open-choice": {"Coding", "String"}, "attachment": {"Attachment"},
	"reference": {"Reference"}, "quantity": {"Quantity"},
}

// answer checks one answer; it returns the index of the answer option the
// value matched, or -1.
func (c *responseChecker) answer(qi *Item, a jsontree.ID, path string) int {
	t := c.t
	vn, typ := answerValue(t, a)
	if vn == jsontree.None {
		return -1
	}
	vpath := join(path, t.Key(vn))
	want := answerTypes[qi.Type]
	if qi.Type == "choice" || qi.Type == "open-choice" {
		for _, o := range qi.Options {
			if !contains(want, o.Type) {
				want = append(want, o.Type)
			}
		}
	}
	if want != nil && !contains(want, typ) {
		var keys []string
		for _, w := range want {
			keys = append(keys, "value"+w)
		}
		c.emit(vn, vpath, finding.Error, ruleAnswerType, fmt.Sprintf(
			"item '%s' (%s) was answered with value%s; a %s item takes %s", qi.LinkID, qi.Type, typ, qi.Type, strings.Join(keys, " or ")))
		return -1
	}
	v := decodeValue(typ, t.Raw(vn))
	switch typ {
	case "String":
		c.checkString(qi, v.Text, vn, vpath)
	case "Integer", "Decimal", "Date", "DateTime", "Time":
		c.checkRange(qi, v, vn, vpath)
		if typ == "Decimal" {
			c.checkDecimals(qi, v.Text, vn, vpath)
		}
	case "Quantity":
		c.checkDecimals(qi, v.Text, vn, vpath)
		c.checkQuantity(qi, v, qi.MinQuantity, -1, vn, vpath)
		c.checkQuantity(qi, v, qi.MaxQuantity, 1, vn, vpath)
	case "Attachment":
		c.checkAttachment(qi, v, a, path)
	case "Reference":
		c.checkReference(qi, v, vn, vpath)
	}
	match := -1
	if len(qi.Options) > 0 {
		for k, o := range qi.Options {
			if sameValue(o, v) {
				match = k
				break
			}
		}
		if match < 0 && !(qi.Type == "open-choice" && typ == "String") {
			c.emit(vn, vpath, finding.Error, ruleOption, fmt.Sprintf(
				"%s is not one of the answerOption values of item '%s' (%s)", v.Label(), qi.LinkID, optionList(qi.Options)))
		}
	} else if qi.AnswerValueSet != "" && typ == "Coding" {
		c.checkValueSet(qi, v, vn, vpath)
	}
	return match
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func optionList(os []Value) string {
	var parts []string
	for i, o := range os {
		if i == 8 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, o.Label())
	}
	return "options: " + strings.Join(parts, ", ")
}

func sameValue(o, v Value) bool {
	if o.Type != v.Type {
		return false
	}
	switch o.Type {
	case "Coding":
		return o.Code == v.Code && (o.System == "" || v.System == "" || o.System == v.System)
	case "Reference":
		return o.Text == v.Text
	case "Integer", "Decimal":
		a, okA := new(big.Rat).SetString(o.Text)
		b, okB := new(big.Rat).SetString(v.Text)
		return okA && okB && a.Cmp(b) == 0
	}
	return o.Text == v.Text
}

func (c *responseChecker) checkString(qi *Item, s string, n jsontree.ID, path string) {
	l := utf8.RuneCountInString(s)
	if qi.MaxLength > 0 && l > qi.MaxLength {
		c.emit(n, path, finding.Error, ruleLength, fmt.Sprintf(
			"the answer %q to item '%s' is %d characters long; maxLength is %d", s, qi.LinkID, l, qi.MaxLength))
	}
	if qi.MinLength > 0 && l < qi.MinLength {
		c.emit(n, path, finding.Error, ruleLength, fmt.Sprintf(
			"the answer %q to item '%s' is %d characters long; minLength is %d", s, qi.LinkID, l, qi.MinLength))
	}
	if qi.Regex != "" {
		if re, err := regexp.Compile("^(?:" + qi.Regex + ")$"); err == nil && !re.MatchString(s) {
			format := ""
			if qi.EntryFormat != "" {
				format = fmt.Sprintf(" (expected format '%s')", qi.EntryFormat)
			}
			c.emit(n, path, finding.Error, ruleRegex, fmt.Sprintf(
				"the answer %q to item '%s' does not match the item's regex %s%s", s, qi.LinkID, qi.Regex, format))
		}
	}
	if qi.Type == "string" && strings.ContainsAny(s, "\r\n") {
		c.emit(n, path, finding.Warning, ruleNewline, fmt.Sprintf(
			"the answer to item '%s' contains a line break: a string item takes one line (use type text for several)", qi.LinkID))
	}
}

// compareValues orders two values of the same primitive type; ok is false
// when they cannot be compared.
func compareValues(a, b Value) (int, bool) {
	switch a.Type {
	case "Integer", "Decimal":
		x, okA := new(big.Rat).SetString(a.Text)
		y, okB := new(big.Rat).SetString(b.Text)
		if !okA || !okB {
			return 0, false
		}
		return x.Cmp(y), true
	case "Date", "DateTime", "Time":
		n := min(len(a.Text), len(b.Text))
		return strings.Compare(a.Text[:n], b.Text[:n]), true
	}
	return 0, false
}

func (c *responseChecker) checkRange(qi *Item, v Value, n jsontree.ID, path string) {
	if qi.MinValue != nil {
		lim := *qi.MinValue
		lim.Type = v.Type
		if r, ok := compareValues(v, lim); ok && r < 0 {
			c.emit(n, path, finding.Error, ruleRange, fmt.Sprintf(
				"the answer %s to item '%s' is less than the minimum %s (minValue)", v.Text, qi.LinkID, qi.MinValue.Text))
		}
	}
	if qi.MaxValue != nil {
		lim := *qi.MaxValue
		lim.Type = v.Type
		if r, ok := compareValues(v, lim); ok && r > 0 {
			c.emit(n, path, finding.Error, ruleRange, fmt.Sprintf(
				"the answer %s to item '%s' is greater than the maximum %s (maxValue)", v.Text, qi.LinkID, qi.MaxValue.Text))
		}
	}
}

func (c *responseChecker) checkDecimals(qi *Item, num string, n jsontree.ID, path string) {
	if qi.MaxDecimalPlaces < 0 {
		return
	}
	if i := strings.IndexByte(num, '.'); i >= 0 {
		frac := num[i+1:]
		if e := strings.IndexAny(frac, "eE"); e >= 0 {
			frac = frac[:e]
		}
		if len(frac) > qi.MaxDecimalPlaces {
			c.emit(n, path, finding.Error, ruleDecimals, fmt.Sprintf(
				"the answer %s to item '%s' has %d decimal places; maxDecimalPlaces is %d", num, qi.LinkID, len(frac), qi.MaxDecimalPlaces))
		}
	}
}

// checkQuantity compares a quantity answer with a limit; dir -1 for a
// minimum, 1 for a maximum.
func (c *responseChecker) checkQuantity(qi *Item, v Value, lim *Value, dir int, n jsontree.ID, path string) {
	if lim == nil || v.Text == "" {
		return
	}
	kind := "minimum"
	if dir > 0 {
		kind = "maximum"
	}
	formal := func(q Value) bool { return q.Code != "" && q.System == "http://unitsofmeasure.org" }
	if !formal(v) || !formal(*lim) {
		if v.Code == lim.Code && v.System == lim.System && v.Code != "" {
			// same code in the same non-UCUM system: compare values
		} else {
			c.emit(n, path, finding.Error, ruleRange, fmt.Sprintf(
				"the answer %s to item '%s' cannot be compared with the %s %s: give both as UCUM quantities (system http://unitsofmeasure.org and a code)",
				v.Label(), qi.LinkID, kind, lim.Label()))
			return
		}
	}
	r, ok := fhirpath.CompareUCUM(v.Text, v.Code, lim.Text, lim.Code)
	if !ok {
		if v.Code != lim.Code {
			c.emit(n, path, finding.Error, ruleRange, fmt.Sprintf(
				"the answer %s to item '%s' is in units that cannot be converted to those of the %s %s", v.Label(), qi.LinkID, kind, lim.Label()))
			return
		}
		x, okA := new(big.Rat).SetString(v.Text)
		y, okB := new(big.Rat).SetString(lim.Text)
		if !okA || !okB {
			return
		}
		r = x.Cmp(y)
	}
	if r*dir > 0 {
		word := "less"
		if dir > 0 {
			word = "greater"
		}
		c.emit(n, path, finding.Error, ruleRange, fmt.Sprintf(
			"the answer %s to item '%s' is %s than the %s %s", v.Label(), qi.LinkID, word, kind, lim.Label()))
	}
}

func (c *responseChecker) checkAttachment(qi *Item, v Value, a jsontree.ID, path string) {
	if qi.MaxSize != "" {
		size := -1
		if v.Data != "" {
			if b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v.Data), "")); err == nil {
				size = len(b)
			}
		}
		if size < 0 && v.HasSize {
			size = atoi(v.Size)
		}
		max, ok := new(big.Rat).SetString(qi.MaxSize)
		if ok && size >= 0 && new(big.Rat).SetInt64(int64(size)).Cmp(max) > 0 {
			c.emit(a, path, finding.Error, ruleAttachment, fmt.Sprintf(
				"the attachment answering item '%s' is %d bytes; the item allows at most %s (maxSize)", qi.LinkID, size, qi.MaxSize))
		}
	}
	if len(qi.MimeTypes) > 0 && v.ContentType != "" && !contains(qi.MimeTypes, v.ContentType) {
		c.emit(a, path, finding.Error, ruleAttachment, fmt.Sprintf(
			"the attachment answering item '%s' is %s; the item takes %s (mimeType)", qi.LinkID, v.ContentType, strings.Join(qi.MimeTypes, ", ")))
	}
}

// referenceType is the resource type a reference names: the segment
// before the id ("Patient/1", "https://x.org/fhir/Patient/1").
func referenceType(ref string) string {
	if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "urn:") {
		return ""
	}
	if i := strings.Index(ref, "/_history/"); i >= 0 {
		ref = ref[:i]
	}
	parts := strings.Split(ref, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

func (c *responseChecker) checkReference(qi *Item, v Value, n jsontree.ID, path string) {
	rt := referenceType(v.Text)
	if rt == "" {
		return
	}
	if c.env.Defs != nil {
		if typ := c.env.Defs.Type(rt); typ == nil || typ.Kind != "resource" {
			c.emit(n, path, finding.Error, ruleReference, fmt.Sprintf(
				"the reference %s answering item '%s' names '%s', which is not a FHIR resource type", v.Text, qi.LinkID, rt))
			return
		}
	}
	if len(qi.ReferenceTypes) > 0 && !contains(qi.ReferenceTypes, rt) {
		c.emit(n, path, finding.Error, ruleReference, fmt.Sprintf(
			"the reference %s answering item '%s' points to a resource of type %s; the item takes %s (questionnaire-referenceResource)",
			v.Text, qi.LinkID, rt, strings.Join(qi.ReferenceTypes, ", ")))
	}
}

func (c *responseChecker) checkValueSet(qi *Item, v Value, n jsontree.ID, path string) {
	if c.env.Defs == nil || strings.HasPrefix(qi.AnswerValueSet, "#") {
		return
	}
	url, _, _ := strings.Cut(qi.AnswerValueSet, "|")
	vs := c.env.Defs.ValueSet(url)
	if vs == nil {
		c.emit(n, path, finding.Warning, ruleValueSet, fmt.Sprintf(
			"the answer value set %s of item '%s' is not known here, so the answer %s was not checked against it", qi.AnswerValueSet, qi.LinkID, v.Label()))
		return
	}
	if !vs.Enumerable || v.Code == "" {
		return
	}
	if !vs.Contains(v.System, v.Code) {
		name := vs.Name
		if name == "" {
			name = vs.URL
		}
		c.emit(n, path, finding.Error, ruleValueSet, fmt.Sprintf(
			"%s is not in the value set %s that item '%s' takes its answers from", v.Label(), name, qi.LinkID))
	}
}

// enabled evaluates an item's enableWhen against the response's answers.
func (c *responseChecker) enabled(qi *Item) bool {
	if qi.EnableExpression != "" {
		if on, ok := c.evalEnable(qi.EnableExpression); ok && !on {
			return false
		}
		return qi.Parent == nil || c.enabled(qi.Parent)
	}
	if len(qi.EnableWhen) == 0 {
		return qi.Parent == nil || c.enabled(qi.Parent)
	}
	anyOf := qi.EnableBehavior == "any"
	result := !anyOf
	for _, ew := range qi.EnableWhen {
		ok := c.condition(ew)
		if anyOf && ok {
			result = true
			break
		}
		if !anyOf && !ok {
			result = false
			break
		}
	}
	if !result {
		return false
	}
	return qi.Parent == nil || c.enabled(qi.Parent)
}

// answersIn collects the answers of the items with a linkId inside the
// response item it (itself excluded); found says whether such an item is there.
func (c *responseChecker) answersIn(it jsontree.ID, link string) (answers []jsontree.ID, found bool) {
	t := c.t
	var walk func(items jsontree.ID)
	walk = func(items jsontree.ID) {
		if items == jsontree.None || t.Kind(items) != jsontree.Array {
			return
		}
		for x := t.First(items); x != jsontree.None; x = t.Next(x) {
			if t.Kind(x) != jsontree.Object {
				continue
			}
			here := str(t, t.Get(x, "linkId")) == link
			found = found || here
			if ans := t.Get(x, "answer"); ans != jsontree.None && t.Kind(ans) == jsontree.Array {
				for a := t.First(ans); a != jsontree.None; a = t.Next(a) {
					if v, _ := answerValue(t, a); v != jsontree.None && here {
						answers = append(answers, v)
					}
					walk(t.Get(a, "item"))
				}
			}
			walk(t.Get(x, "item"))
		}
	}
	walk(t.Get(it, "item"))
	if ans := t.Get(it, "answer"); ans != jsontree.None && t.Kind(ans) == jsontree.Array {
		for a := t.First(ans); a != jsontree.None; a = t.Next(a) {
			walk(t.Get(a, "item"))
		}
	}
	return answers, found
}

// answersTo finds the answers to a question for an enableWhen: in the
// nearest enclosing response item that holds the question, else anywhere.
func (c *responseChecker) answersTo(link string) []jsontree.ID {
	for k := len(c.stack) - 1; k >= 0; k-- {
		if answers, found := c.answersIn(c.stack[k], link); found {
			return answers
		}
	}
	return c.answers[link]
}

func (c *responseChecker) condition(ew EnableWhen) bool {
	t := c.t
	answers := c.answersTo(ew.Question)
	if ew.Operator == "exists" {
		want := ew.Answer.Text == "true"
		return (len(answers) > 0) == want
	}
	if len(answers) == 0 {
		return ew.Operator == "!="
	}
	for _, a := range answers {
		v := decodeValue(typeOfKey(t, a), t.Raw(a))
		want := ew.Answer
		switch ew.Operator {
		case "=":
			if sameValue(want, v) {
				return true
			}
		case "!=":
			if !sameValue(want, v) {
				return true
			}
		case ">", "<", ">=", "<=":
			var r int
			var ok bool
			if v.Type == "Quantity" {
				r, ok = fhirpath.CompareUCUM(v.Text, v.Code, want.Text, want.Code)
			} else if v.Type == want.Type {
				r, ok = compareValues(v, want)
			}
			if ok && (ew.Operator == ">" && r > 0 || ew.Operator == "<" && r < 0 ||
				ew.Operator == ">=" && r >= 0 || ew.Operator == "<=" && r <= 0) {
				return true
			}
		}
	}
	return false
}
