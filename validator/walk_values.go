package validator

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/primitive"
	"github.com/fhirlens/fhirlens/validator/xhtml"
)

func isPrimitiveType(code string) bool { return primitive.IsPrimitive(code) }

// checkPrimitive checks a primitive value: its JSON kind, its lexical form
// and, for codes, a required binding.
func (w *walker) checkPrimitive(n jsontree.ID, elem *definitions.Element, typeCode string) {
	t := w.tree
	want := primitive.JSONKind(typeCode)
	got := t.Kind(n)
	var p *finding.Finding
	switch {
	case typeCode == "xhtml" && got == jsontree.String:
		w.checkNarrative(n)
		return
	case want == primitive.KindString && got == jsontree.String:
		p = primitive.Check(typeCode, t.Str(n))
		if typeCode == "string" {
			w.checkHTMLInString(n, t.Str(n))
		}
	case want == primitive.KindNumber && got == jsontree.Number:
		p = primitive.CheckNumber(typeCode, t.Raw(n))
	case want == primitive.KindBoolean && got == jsontree.Bool:
	case want != primitive.KindString && got == jsontree.String && t.HasSource():
		// From XML, where every value is text: say what is wrong with the text.
		p = primitive.CheckNumber(typeCode, []byte(t.Str(n)))
		if want == primitive.KindBoolean {
			p = primitive.Check(typeCode, t.Str(n))
		}
	default:
		w.report(n, false, ruleJSONType,
			fmt.Sprintf("%s %s must be a JSON %s, found %s", article(typeCode), typeCode, want, describeKind(t, n)))
		return
	}
	// Invalid UTF-8 is reported once, by the JSON reader, at the bad byte.
	if p != nil && p.Rule != "primitive.utf8" {
		w.reportFinding(n, false, *p)
		if p.Severity.IsError() {
			return
		}
	}
	if typeCode == "code" && elem.Binding != nil && elem.Binding.Strength == "required" {
		w.checkCode(n, elem.Binding, "", t.Str(n))
	}
}

// checkNarrative checks an xhtml value (Narrative.div) and reports every
// finding of the narrative checker at its own place inside the string.
func (w *walker) checkNarrative(n jsontree.ID) {
	t := w.tree
	div := t.Str(n)
	if div == "" || !utf8.ValidString(div) {
		// Empty: the primitive rule. Invalid UTF-8: reported once, by the
		// JSON reader, at the bad byte.
		if p := primitive.Check("xhtml", div); p != nil && p.Rule != "primitive.utf8" {
			w.reportFinding(n, false, *p)
		}
		return
	}
	for _, f := range xhtml.Check(div) {
		if w.rep.list.Admit(f.Rule, f.Severity) {
			w.keepAt(t.StrOffset(n, f.Offset), f)
		}
	}
}

// walkCompanion checks "_name": the id/extension part of primitive name.
func (w *walker) walkCompanion(obj, c jsontree.ID, name string, content *definitions.Element) {
	t := w.tree
	l := w.push(t.Key(c))
	defer w.pop(l)
	elem, typeCode := content.ChoiceType(name)
	if elem == nil {
		w.report(c, true, ruleElementUnknown,
			fmt.Sprintf("unknown element '_%s': there is no primitive element '%s' here", name, name))
		return
	}
	typeCode = definitions.NormalizeType(elem, typeCode)
	if !isPrimitiveType(typeCode) {
		w.report(c, true, ruleElementCompanion,
			fmt.Sprintf("'_%s' is only allowed for primitive elements, but %s is a %s", name, name, typeCode))
		return
	}
	primRoot := w.defs.Content(nil, typeCode)
	base := t.Get(obj, name)
	checkOne := func(item jsontree.ID, value jsontree.ID) {
		if t.Kind(item) != jsontree.Object {
			w.report(item, false, ruleJSONType,
				fmt.Sprintf("'_%s' must hold an object with id and/or extension, found %s", name, describeKind(t, item)))
			return
		}
		if v := t.Get(item, "value"); v != jsontree.None {
			l := w.push("value")
			w.report(v, true, ruleElementUnknown, "the value of a primitive belongs in '"+name+"', not in '_"+name+"'")
			w.pop(l)
		}
		if primRoot != nil {
			w.walkObject(item, primRoot, typeCode, false)
		}
		if (value == jsontree.None || t.Kind(value) == jsontree.Null) && typeCode == "code" && elem.Binding != nil && elem.Binding.Strength == "required" {
			w.report(item, false, ruleBindingNoCode, fmt.Sprintf(
				"no code is given (only extensions), and a code is required from the value set %s", w.valueSetLabel(elem.Binding.ValueSet)))
		}
	}
	if t.Kind(c) != jsontree.Array {
		if base != jsontree.None && t.Kind(base) == jsontree.Array {
			w.report(c, true, ruleElementCompanion,
				fmt.Sprintf("'%s' is an array, so '_%s' must be an array of the same length", name, name))
			return
		}
		checkOne(c, base)
		return
	}
	if elem.Max == 1 {
		w.report(c, true, ruleCardinalityArray, fmt.Sprintf("_%s must not be an array: %s has at most one value", name, name))
		return
	}
	if base != jsontree.None && t.Kind(base) == jsontree.Array && t.Count(base) != t.Count(c) {
		w.report(c, true, ruleElementCompanion,
			fmt.Sprintf("'_%s' has %d items but '%s' has %d: the arrays must line up, with null where one side has nothing",
				name, t.Count(c), name, t.Count(base)))
	}
	i := 0
	for item := t.First(c); item != jsontree.None; item = t.Next(item) {
		li := w.pushIndex(i)
		if t.Kind(item) == jsontree.Null {
			var b jsontree.ID = jsontree.None
			if base != jsontree.None && t.Kind(base) == jsontree.Array {
				b = t.Item(base, i)
			}
			if b == jsontree.None || t.Kind(b) == jsontree.Null {
				w.report(item, false, ruleJSONNull, fmt.Sprintf("%s[%d] and _%s[%d] are both null: at least one must have content", name, i, name, i))
			}
		} else {
			var b jsontree.ID = jsontree.None
			if base != jsontree.None && t.Kind(base) == jsontree.Array {
				b = t.Item(base, i)
			}
			checkOne(item, b)
		}
		w.pop(li)
		i++
	}
}

var ruleBindingNoCode = define(finding.Rule{ID: "binding.no-code", Code: "code-invalid", Severity: Error, Source: srcTerm + "#required; graded as the HL7 reference validator",
	Summary: "a code element with a required binding has a code, even when it carries extensions (such as data-absent-reason)"})

// valueSetLabel names a value set by its name, or its URL when unknown.
func (w *walker) valueSetLabel(url string) string {
	if vs := w.defs.ValueSet(url); vs != nil {
		return vsLabel(vs) + " (" + vs.URL + ")"
	}
	return url
}

// checkCodedBinding checks Coding and CodeableConcept values against a
// required binding. Codes the embedded value sets cannot enumerate (SNOMED
// CT, LOINC, ...) are not errors.
func (w *walker) checkCodedBinding(n jsontree.ID, elem *definitions.Element, typeCode string) {
	t := w.tree
	vs := w.defs.ValueSet(elem.Binding.ValueSet)
	if vs == nil || !vs.Enumerable {
		return
	}
	switch typeCode {
	case "Coding":
		sys, code := codingOf(t, n)
		if code != "" {
			w.checkCode(n, elem.Binding, sys, code)
		}
	case "CodeableConcept":
		codings := t.Get(n, "coding")
		if codings == jsontree.None || t.Kind(codings) != jsontree.Array {
			return
		}
		any := false
		for c := t.First(codings); c != jsontree.None; c = t.Next(c) {
			sys, code := codingOf(t, c)
			if code != "" && vs.Contains(sys, code) {
				return
			}
			any = any || code != ""
		}
		if any {
			w.report(n, false, ruleBindingRequired,
				fmt.Sprintf("none of the codings is in %s, which this element requires%s", vsLabel(vs), allowedList(vs)))
		}
	}
}

func codingOf(t *jsontree.Tree, n jsontree.ID) (system, code string) {
	if t.Kind(n) != jsontree.Object {
		return "", ""
	}
	if s := t.Get(n, "system"); s != jsontree.None && t.Kind(s) == jsontree.String {
		system = t.Str(s)
	}
	if c := t.Get(n, "code"); c != jsontree.None && t.Kind(c) == jsontree.String {
		code = t.Str(c)
	}
	return system, code
}

// checkCode reports a code that is not in the required value set.
func (w *walker) checkCode(n jsontree.ID, b *definitions.Binding, system, code string) {
	vs := w.defs.ValueSet(b.ValueSet)
	if vs == nil || !vs.Enumerable || vs.Contains(system, code) {
		return
	}
	what := quoteValue(code)
	if system != "" {
		what = quoteValue(system + "#" + code)
	}
	w.report(n, false, ruleBindingRequired,
		fmt.Sprintf("%s is not in %s%s", what, vsLabel(vs), allowedList(vs)))
}

func vsLabel(vs *definitions.ValueSet) string {
	switch {
	case vs.Name != "":
		return vs.Name
	case vs.Title != "":
		return vs.Title
	}
	return vs.URL
}

// allowedList lists the codes when there are few enough to read.
func allowedList(vs *definitions.ValueSet) string {
	if len(vs.Codes) == 0 || len(vs.Codes) > 12 {
		return " (" + vs.URL + ")"
	}
	s := " ("
	for i, c := range vs.Codes {
		if i > 0 {
			s += " | "
		}
		s += c.Code
	}
	return s + ")"
}

// article is "an" before a vowel sound, for messages like "an integer".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}
