package fhirpath

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

const samplePatient = `{
  "resourceType": "Patient",
  "id": "p1",
  "contained": [{"resourceType": "Practitioner", "id": "dr"}],
  "active": true,
  "name": [{"family": "Doe", "given": ["Jane", "J"]}, {"use": "nickname", "given": ["JJ"]}],
  "birthDate": "1980-02-29",
  "_birthDate": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "1980-02-29T10:00:00Z"}]},
  "generalPractitioner": [{"reference": "#dr"}],
  "multipleBirthInteger": 2
}`

func parseDoc(t testing.TB, src string) *jsontree.Tree {
	t.Helper()
	tree, probs := jsontree.Parse([]byte(src), jsontree.Options{})
	if tree == nil {
		t.Fatalf("parse: %v", probs)
	}
	return tree
}

// show renders a collection compactly for comparisons.
func show(c Collection) string {
	ev := &evaluator{env: &Env{}}
	parts := make([]string, len(c))
	for i, v := range c {
		p := ev.primitive(v)
		if n, ok := p.(Node); ok {
			parts[i] = n.TypeName()
			continue
		}
		parts[i] = literalText(p)
	}
	return strings.Join(parts, ", ")
}

func TestEvaluateWithoutDefinitions(t *testing.T) {
	tree := parseDoc(t, samplePatient)
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct{ expr, want string }{
		{"0.1 + 0.2 = 0.3", "true"},
		{"0.1 + 0.2", "0.3"},
		{"1.50 * 2", "3.00"},
		{"10 / 4", "2.5"},
		{"1 / 3", "0.33333333"},
		{"7 div 2", "3"},
		{"-7 mod 3", "-1"},
		{"1 / 0", ""},
		{"name.given", "'Jane', 'J', 'JJ'"},
		{"Patient.name.where(use = 'nickname').given", "'JJ'"},
		{"name.given.count()", "3"},
		{"name[1].given.first()", "'JJ'"},
		{"name.select(given.first() & ' ' & family)", "'Jane Doe', 'JJ '"},
		{"birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').exists()", "true"},
		{"birthDate.extension.url", "'http://hl7.org/fhir/StructureDefinition/patient-birthTime'"},
		{"birthDate.hasValue()", "true"},
		{"generalPractitioner.resolve().id", "'dr'"},
		{"multipleBirth", "2"},
		{"@2024-01-31 + 1 month", "@2024-02-29"},
		{"@2024-01-01 < @2024-01-01T10:00", ""},
		{"@2024 = @2024-01", ""},
		{"@2024-01-01T10:00:00+01:00 = @2024-01-01T09:00:00Z", "true"},
		{"today()", "@2024-03-01"},
		{"4 'g' = 4000 'mg'", "true"},
		{"1 'kg' > 900 'g'", "true"},
		{"7 days = 1 week", "true"},
		{"1 year = 1 'a'", ""},
		{"'abc'.substring(1)", "'bc'"},
		{"'a-b-c'.replace('-', '+')", "'a+b+c'"},
		{"'ABC'.matches('^[A-Z]+$')", "true"},
		{"(1 | 2 | 2 | 3).distinct().count()", "3"},
		{"(1 | 2) ~ (2 | 1)", "true"},
		{"'Abc  d' ~ 'abc d'", "true"},
		{"true implies {}", ""},
		{"false implies {}", "true"},
		{"{} or true", "true"},
		{"iif(active, 'yes', 'no')", "'yes'"},
		{"(1 | 2 | 3).aggregate($this + $total, 0)", "6"},
		{"(3 | 1 | 2).sort()", "1, 2, 3"},
		{"1.repeat($this)", "1"},
		{"%ucum", "'http://unitsofmeasure.org'"},
		{"%`vs-administrative-gender`", "'http://hl7.org/fhir/ValueSet/administrative-gender'"},
		{"%resource.id", "'p1'"},
		{"contained.first().is(Practitioner)", "true"}, // resources are typed by resourceType
		{"name.first().is(HumanName)", "false"},        // no definitions: no element types
		{"2.5 'mg'.toString()", "'2.5 \\'mg\\''"},
		{"'2.5 \\'mg\\''.toQuantity() = 2.5 'mg'", "true"},
		{"1000 'mg'.toQuantity('g')", "1 'g'"},
	}
	for _, tt := range tests {
		e, err := Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		got, err := e.Evaluate(context.Background(), &Env{Tree: tree, Now: now})
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if s := show(got); s != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, s, tt.want)
		}
	}
}

func TestEvaluateWithDefinitions(t *testing.T) {
	defs := r4(t)
	tree := parseDoc(t, samplePatient)
	obs := parseDoc(t, `{"resourceType":"Observation","status":"final","code":{"text":"x"},
		"valueQuantity":{"value":185,"unit":"lbs","system":"http://unitsofmeasure.org","code":"[lb_av]"},
		"dataAbsentReason":{"text":"oops"}}`)
	tests := []struct {
		tree       *jsontree.Tree
		expr, want string
	}{
		{tree, "birthDate = @1980-02-29", "true"},
		{tree, "birthDate.is(date)", "true"},
		{tree, "birthDate is Date", "true"},
		{tree, "contained.first().is(Practitioner)", "true"},
		{tree, "contained.ofType(Resource).count()", "1"},
		{tree, "multipleBirth.ofType(integer)", "2"},
		{tree, "multipleBirth is integer", "true"},
		{tree, "name.given.first().type().name", "'string'"},
		{tree, "Patient.gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", ""},
		{tree, "'male'.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", "true"},
		{tree, "conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')", "true"},
		{tree, "descendants().where($this is HumanName).count()", "2"},
		{obs, "value.ofType(Quantity).value", "185"},
		{obs, "value > 80 'kg'", "true"},
		{obs, "dataAbsentReason.empty() or value.empty()", "false"},
		{obs, "children().count()", "4"},
	}
	for _, tt := range tests {
		e, err := Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		got, err := e.Evaluate(context.Background(), &Env{Defs: defs, Tree: tt.tree})
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if s := show(got); s != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, s, tt.want)
		}
	}
}

func TestInvariantsOnData(t *testing.T) {
	defs := r4(t)
	tests := []struct {
		name, doc, expr string
		focus           func(*jsontree.Tree) jsontree.ID
		typ             string
		want            bool
	}{
		{"obs-6 fails with value and dataAbsentReason",
			`{"resourceType":"Observation","valueQuantity":{"value":1},"dataAbsentReason":{"text":"x"}}`,
			"dataAbsentReason.empty() or value.empty()", nil, "", false},
		{"obs-6 holds with value only",
			`{"resourceType":"Observation","valueString":"x"}`,
			"dataAbsentReason.empty() or value.empty()", nil, "", true},
		{"ele-1 fails on an empty element",
			`{"resourceType":"Patient","name":[{}]}`,
			"hasValue() or (children().count() > id.count())",
			func(t *jsontree.Tree) jsontree.ID { return t.Item(t.Get(t.Root(), "name"), 0) }, "HumanName", false},
		{"ele-1 holds on a primitive with only an extension",
			`{"resourceType":"Patient","_birthDate":{"extension":[{"url":"u","valueString":"x"}]}}`,
			"hasValue() or (children().count() > id.count())",
			nil, "", true},
		{"dom-3 fails on an unreferenced contained resource",
			`{"resourceType":"Patient","contained":[{"resourceType":"Practitioner","id":"a"}]}`,
			domThree, nil, "", false},
		{"per-1 fails when the period ends before it starts",
			`{"resourceType":"Encounter","period":{"start":"2020-01-02T10:00:00Z","end":"2020-01-01"}}`,
			"start.hasValue().not() or end.hasValue().not() or (start <= end)",
			func(t *jsontree.Tree) jsontree.ID { return t.Get(t.Root(), "period") }, "Period", false},
		// The comparison of a dateTime with a date of the same day is
		// empty, and an empty result fails an invariant (as in the HL7
		// reference validator: conformance case test-ndjson).
		{"per-1 fails for same-day precision mismatch (empty comparison)",
			`{"resourceType":"Encounter","period":{"start":"2020-01-01T10:00:00Z","end":"2020-01-01"}}`,
			"start.hasValue().not() or end.hasValue().not() or (start <= end)",
			func(t *jsontree.Tree) jsontree.ID { return t.Get(t.Root(), "period") }, "Period", false},
		{"per-1 holds when both are of the same precision",
			`{"resourceType":"Encounter","period":{"start":"2020-01-01","end":"2020-01-01"}}`,
			"start.hasValue().not() or end.hasValue().not() or (start <= end)",
			func(t *jsontree.Tree) jsontree.ID { return t.Get(t.Root(), "period") }, "Period", true},
		{"ref-1 fails on a dangling local reference",
			`{"resourceType":"Patient","generalPractitioner":[{"reference":"#nope"}]}`,
			"reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
			func(t *jsontree.Tree) jsontree.ID { return t.Item(t.Get(t.Root(), "generalPractitioner"), 0) }, "Reference", false},
		{"ref-1 holds for a display-only reference",
			`{"resourceType":"Patient","generalPractitioner":[{"display":"Dr X"}]}`,
			"reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
			func(t *jsontree.Tree) jsontree.ID { return t.Item(t.Get(t.Root(), "generalPractitioner"), 0) }, "Reference", true},
		{"ext-1 fails with both value and extensions",
			`{"resourceType":"Patient","extension":[{"url":"u","valueString":"x","extension":[{"url":"v","valueString":"y"}]}]}`,
			"extension.exists() != value.exists()",
			func(t *jsontree.Tree) jsontree.ID { return t.Item(t.Get(t.Root(), "extension"), 0) }, "Extension", false},
		{"ext-1 holds with a value only",
			`{"resourceType":"Patient","extension":[{"url":"u","valueCodeableConcept":{"text":"x"}}]}`,
			"extension.exists() != value.exists()",
			func(t *jsontree.Tree) jsontree.ID { return t.Item(t.Get(t.Root(), "extension"), 0) }, "Extension", true},
		{"dom-3 holds when referenced",
			`{"resourceType":"Patient","contained":[{"resourceType":"Practitioner","id":"a"}],"generalPractitioner":[{"reference":"#a"}]}`,
			domThree, nil, "", true},
	}
	for _, tt := range tests {
		tree := parseDoc(t, tt.doc)
		env := &Env{Defs: defs, Tree: tree, FocusType: tt.typ}
		if tt.focus != nil {
			env.Focus = tt.focus(tree)
		}
		if tt.name == "ele-1 holds on a primitive with only an extension" {
			env.Focus = jsontree.None
			env.FocusCompanion = tree.Get(tree.Root(), "_birthDate")
			env.FocusType = "date"
		}
		// What the validator evaluates: the expression with its correction
		// (CorrectInvariant), when it has one.
		got, err := MustCompile(CorrectInvariant(tt.expr)).EvaluateBool(context.Background(), env)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: got %v", tt.name, got)
		}
	}
}

// TestCorrectInvariant: a published expression that relies on an empty
// result passing fails as written and holds once corrected.
func TestCorrectInvariant(t *testing.T) {
	defs := r4(t)
	tests := []struct{ name, doc, member, typ, expr string }{
		{"ras-2 without a probability", `{"resourceType":"RiskAssessment","prediction":[{"outcome":{"text":"x"}}]}`,
			"prediction", "RiskAssessment.prediction", "probability is decimal implies (probability as decimal) <= 100"},
		{"ref-1 without a reference", `{"resourceType":"Patient","generalPractitioner":[{"display":"Dr X"}]}`,
			"generalPractitioner", "Reference", "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))"},
	}
	for _, tt := range tests {
		tree := parseDoc(t, tt.doc)
		env := &Env{Defs: defs, Tree: tree, FocusType: tt.typ, Focus: tree.Item(tree.Get(tree.Root(), tt.member), 0)}
		if CorrectInvariant(tt.expr) == tt.expr {
			t.Fatalf("%s: no correction", tt.name)
		}
		slow := &Expr{src: tt.expr, root: MustCompile(tt.expr).root, slots: MustCompile(tt.expr).slots}
		if got, err := slow.EvaluateBool(context.Background(), env); err != nil || got {
			t.Errorf("%s: as published got %v, %v; want false (empty result)", tt.name, got, err)
		}
		if got, err := MustCompile(CorrectInvariant(tt.expr)).EvaluateBool(context.Background(), env); err != nil || !got {
			t.Errorf("%s: corrected got %v, %v; want true", tt.name, got, err)
		}
	}
}

const domThree = `contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()`

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		expr   string
		offset int
		msg    string
	}{
		{"name.", 5, "expected a name"},
		{"1 +", 3, "unexpected end"},
		{"name.given(", 11, "unexpected end"},
		{"'abc", 0, "unterminated string"},
		{"foo()", 0, "unknown function foo()"},
		{"first(1)", 0, "takes no arguments"},
		{"a | | b", 4, "unexpected"},
		{"@2024-13-01", 0, "invalid date"},
		{"2 + 2 /* open", 6, "unterminated comment"},
		{"ofType(1)", 7, "needs a type name"},
		{"$foo", 0, "unknown variable"},
		{"a and", 5, "unexpected end"},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), -2, "nested too deeply"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.expr)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Compile(%q) = %v, want *Error", tt.expr, err)
			continue
		}
		if !strings.Contains(pe.Message, tt.msg) {
			t.Errorf("Compile(%q): message %q, want it to contain %q", tt.expr, pe.Message, tt.msg)
		}
		if tt.offset >= -1 && pe.Offset != tt.offset {
			t.Errorf("Compile(%q): offset %d, want %d", tt.expr, pe.Offset, tt.offset)
		}
	}
	_, err := Compile("name.given.where(")
	if c := err.(*Error).Caret(); c != "name.given.where(\n                 ^" {
		t.Errorf("caret:\n%s", c)
	}
}

func TestCanonicalString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1+2*3", "1 + 2 * 3"},
		{"(1+2)*3", "(1 + 2) * 3"},
		{"a.b.where(c='x').exists()", "a.b.where(c = 'x').exists()"},
		{"-1.abs()", "-1.abs()"},
		{"(-1).abs()", "(-1).abs()"},
		{"a - (b - c)", "a - (b - c)"},
		{"a is FHIR.Quantity", "a is FHIR.Quantity"},
		{"x.`div`", "x.`div`"},
		{"%`vs-x`", "%vs-x"},
		{"'it''s'", ""},
		{"4 'mg' + 2 days", "4 'mg' + 2 day"},
		{"@2020-01-01T10:00:00Z", "@2020-01-01T10:00:00Z"},
		{"a implies b or c and d", "a implies b or c and d"},
		{"(a implies b) implies c", "(a implies b) implies c"},
		{"'a\\nb'", "'a\\nb'"},
	}
	for _, tt := range tests {
		e, err := Compile(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("Compile(%q) succeeded, want an error", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.in, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCanonicalRoundTrip: printing then parsing gives the same print, for
// every suite expression and R4 invariant.
func TestCanonicalRoundTrip(t *testing.T) {
	for _, src := range corpusExpressions(t) {
		e, err := Compile(src)
		if err != nil {
			continue
		}
		again, err := Compile(e.String())
		if err != nil {
			t.Errorf("reparse of %q -> %q: %v", src, e.String(), err)
			continue
		}
		if again.String() != e.String() {
			t.Errorf("not stable: %q -> %q -> %q", src, e.String(), again.String())
		}
	}
}

func TestRobustness(t *testing.T) {
	tree := parseDoc(t, samplePatient)
	run := func(expr string, env *Env, ctx context.Context) error {
		e, err := Compile(expr)
		if err != nil {
			t.Fatalf("Compile(%q): %v", expr, err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := e.Evaluate(ctx, env)
			done <- err
		}()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: did not stop", expr)
		}
		return nil
	}
	bg := context.Background()
	// Unbounded growth stops at the work limit.
	for _, expr := range []string{
		"1.repeat($this + 1)",
		"(1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10)))))))",
		"descendants().select(%resource.descendants().select(%resource.descendants().select(%resource.descendants())))",
	} {
		err := run(expr, &Env{Tree: tree, MaxWork: 100000}, bg)
		if err == nil || !strings.Contains(err.Error(), "work limit") {
			t.Errorf("%s: err = %v, want the work limit", expr, err)
		}
	}
	// repeat() over a cycle of values ends.
	if err := run("1.repeat(2).repeat(1)", &Env{Tree: tree}, bg); err != nil {
		t.Errorf("cyclic repeat: %v", err)
	}
	// Cancellation.
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if err := run("name.given", &Env{Tree: tree}, ctx); err == nil || !strings.Contains(err.Error(), "cancel") {
		t.Errorf("cancelled: err = %v", err)
	}
	// Deeply nested data.
	deep := strings.Repeat(`{"a":`, 500) + "1" + strings.Repeat("}", 500)
	dt := parseDoc(t, deep)
	if err := run("descendants().count()", &Env{Tree: dt}, bg); err != nil {
		t.Errorf("deep data: %v", err)
	}
	// Nodes outside the document are an error, not a panic.
	for _, env := range []*Env{{Tree: tree, Focus: 100000}, {Tree: tree, Focus: -7}, {Tree: tree, Resource: 99999},
		{Tree: tree, FocusCompanion: 99999}, {Tree: tree, Context: 99999}} {
		if _, err := MustCompile("%resource.id | %context").Evaluate(bg, env); err == nil {
			t.Errorf("env %+v: no error", env)
		}
		if _, err := MustCompile("hasValue() or (children().count() > id.count())").EvaluateBool(bg, env); err == nil {
			t.Errorf("env %+v: no error from EvaluateBool", env)
		}
	}
	// Evaluation errors carry the offset.
	_, err := MustCompile("name.given + 1").Evaluate(bg, &Env{Tree: tree})
	var pe *Error
	if !errors.As(err, &pe) || pe.Offset != 11 {
		t.Errorf("error = %#v, want offset 11", err)
	}
}

func TestConcurrentEvaluation(t *testing.T) {
	tree := parseDoc(t, samplePatient)
	e := MustCompile("name.where(given.exists()).given.count() = 3 and birthDate.extension.exists()")
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 200 {
				ok, err := e.EvaluateBool(context.Background(), &Env{Tree: tree})
				if err == nil && !ok {
					err = errors.New("got false")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestDom3ScalesWithContained: dom-3 evaluates %resource.descendants() once,
// so a resource with many contained resources stays within the work limit.
func TestDom3ScalesWithContained(t *testing.T) {
	defs := r4(t)
	var b strings.Builder
	b.WriteString(`{"resourceType":"Patient","contained":[`)
	for i := range 400 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"resourceType":"Practitioner","id":"p` + itoa(int64(i)) + `","name":[{"family":"F","given":["A","B"]}],"telecom":[{"system":"phone","value":"1"}]}`)
	}
	b.WriteString(`],"generalPractitioner":[`)
	for i := range 400 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"reference":"#p` + itoa(int64(i)) + `"}`)
	}
	b.WriteString(`]}`)
	tree := parseDoc(t, b.String())
	start := time.Now()
	ok, err := MustCompile(domThree).EvaluateBool(context.Background(), &Env{Defs: defs, Tree: tree})
	if err != nil || !ok {
		t.Fatalf("dom-3 = %v, %v", ok, err)
	}
	t.Logf("dom-3 over 400 contained resources: %v", time.Since(start))
}
