package questionnaire

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

const testQ = `{"resourceType":"Questionnaire","url":"http://x.org/q","status":"active","item":[
 {"linkId":"smoker","type":"boolean","required":true},
 {"linkId":"packs","type":"integer","enableWhen":[{"question":"smoker","operator":"=","answerBoolean":true}],
  "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/minValue","valueInteger":1},
               {"url":"http://hl7.org/fhir/StructureDefinition/maxValue","valueInteger":10}]},
 {"linkId":"name","type":"string","maxLength":5,
  "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/regex","valueString":"[A-Z][a-z]*"}]},
 {"linkId":"colour","type":"choice","repeats":true,"answerOption":[
   {"valueCoding":{"system":"http://x.org/c","code":"red"}},
   {"valueCoding":{"system":"http://x.org/c","code":"none"},
    "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive","valueBoolean":true}]}]},
 {"linkId":"gender","type":"choice","answerValueSet":"http://hl7.org/fhir/ValueSet/administrative-gender"},
 {"linkId":"weight","type":"quantity",
  "extension":[{"url":"http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-maxQuantity",
                "valueQuantity":{"value":200,"system":"http://unitsofmeasure.org","code":"kg"}},
               {"url":"http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces","valueInteger":1}]},
 {"linkId":"who","type":"reference",
  "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-referenceResource","valueCode":"Patient"}]},
 {"linkId":"grp","type":"group","item":[{"linkId":"inner","type":"string","required":true}]}
]}`

type got struct {
	rule, path, msg string
	sev             finding.Severity
}

func check(t *testing.T, qr string) []got {
	t.Helper()
	q, err := Parse([]byte(testQ))
	if err != nil {
		t.Fatal(err)
	}
	tree, probs := jsontree.Parse([]byte(qr), jsontree.Options{})
	if tree == nil || len(probs) > 0 {
		t.Fatalf("bad test JSON: %v", probs)
	}
	defs, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	var out []got
	CheckResponse(tree, tree.Root(), q, Env{Defs: defs}, func(n jsontree.ID, f finding.Finding) {
		if _, ok := finding.Lookup(f.Rule); !ok {
			t.Errorf("rule %s is not registered", f.Rule)
		}
		out = append(out, got{f.Rule, f.Expression, f.Message, f.Severity})
	})
	return out
}

func TestCheckResponse(t *testing.T) {
	const head = `{"resourceType":"QuestionnaireResponse","questionnaire":"http://x.org/q","status":"completed","item":[`
	const ok = `{"linkId":"smoker","answer":[{"valueBoolean":true}]}`
	tests := []struct {
		name  string
		items string
		want  []string // "rule path" of each finding, in order; with a message fragment after '|'
	}{
		{"valid", ok + `,{"linkId":"grp","item":[{"linkId":"inner","answer":[{"valueString":"x"}]}]}`, nil},
		{"required missing", `{"linkId":"grp","item":[{"linkId":"inner","answer":[{"valueString":"x"}]}]}`,
			[]string{"questionnaire.required |required item 'smoker'"}},
		{"required in group", `{"linkId":"smoker","answer":[{"valueBoolean":false}]},{"linkId":"grp"}`,
			[]string{"questionnaire.required item[1]|'inner'"}},
		{"unknown linkId", ok + `,{"linkId":"nope","answer":[{"valueString":"x"}]}`,
			[]string{"questionnaire.linkid item[1]|'nope'"}},
		{"nested wrongly", ok + `,{"linkId":"inner","answer":[{"valueString":"x"}]}`,
			[]string{"questionnaire.linkid item[1]|inside item 'grp'"}},
		{"out of order", `{"linkId":"name","answer":[{"valueString":"Jo"}]},{"linkId":"smoker","answer":[{"valueBoolean":true}]}`,
			[]string{"questionnaire.order item[1]|'smoker' comes after 'name'"}},
		{"wrong type", `{"linkId":"smoker","answer":[{"valueString":"yes"}]}`,
			[]string{"questionnaire.answer-type item[0].answer[0].valueString|item 'smoker' (boolean) was answered with valueString"}},
		{"two answers, no repeats", `{"linkId":"smoker","answer":[{"valueBoolean":true},{"valueBoolean":false}]}`,
			[]string{"questionnaire.repeats item[0]|"}},
		{"enabled answer in range", ok + `,{"linkId":"packs","answer":[{"valueInteger":3}]}`, nil},
		{"range", ok + `,{"linkId":"packs","answer":[{"valueInteger":30}]}`,
			[]string{"questionnaire.range item[1].answer[0].valueInteger|greater than the maximum 10"}},
		{"disabled answered", `{"linkId":"smoker","answer":[{"valueBoolean":false}]},{"linkId":"packs","answer":[{"valueInteger":3}]}`,
			[]string{"questionnaire.disabled item[1]|not enabled"}},
		{"length and regex", ok + `,{"linkId":"name","answer":[{"valueString":"abcdefg"}]}`,
			[]string{"questionnaire.length item[1].answer[0].valueString|maxLength is 5", "questionnaire.regex item[1].answer[0].valueString|regex"}},
		{"option", ok + `,{"linkId":"colour","answer":[{"valueCoding":{"system":"http://x.org/c","code":"blue"}}]}`,
			[]string{"questionnaire.option item[1].answer[0].valueCoding|http://x.org/c#blue is not one of"}},
		{"exclusive", ok + `,{"linkId":"colour","answer":[{"valueCoding":{"system":"http://x.org/c","code":"red"}},{"valueCoding":{"system":"http://x.org/c","code":"none"}}]}`,
			[]string{"questionnaire.exclusive item[1].answer[1]|exclusive"}},
		{"value set", ok + `,{"linkId":"gender","answer":[{"valueCoding":{"system":"http://hl7.org/fhir/administrative-gender","code":"F"}}]}`,
			[]string{"questionnaire.valueset item[1].answer[0].valueCoding|AdministrativeGender"}},
		{"value set ok", ok + `,{"linkId":"gender","answer":[{"valueCoding":{"system":"http://hl7.org/fhir/administrative-gender","code":"female"}}]}`, nil},
		{"quantity", ok + `,{"linkId":"weight","answer":[{"valueQuantity":{"value":250000.25,"system":"http://unitsofmeasure.org","code":"g"}}]}`,
			[]string{"questionnaire.decimals item[1].answer[0].valueQuantity|2 decimal places", "questionnaire.range item[1].answer[0].valueQuantity|greater than the maximum"}},
		{"quantity converted ok", ok + `,{"linkId":"weight","answer":[{"valueQuantity":{"value":150000,"system":"http://unitsofmeasure.org","code":"g"}}]}`, nil},
		{"reference type", ok + `,{"linkId":"who","answer":[{"valueReference":{"reference":"Organization/1"}}]}`,
			[]string{"questionnaire.reference item[1].answer[0].valueReference|Patient"}},
		{"reference not a type", ok + `,{"linkId":"who","answer":[{"valueReference":{"reference":"Chicken/1"}}]}`,
			[]string{"questionnaire.reference item[1].answer[0].valueReference|not a FHIR resource type"}},
		{"group answered", `{"linkId":"smoker","answer":[{"valueBoolean":true}]},{"linkId":"grp","answer":[{"item":[{"linkId":"inner","answer":[{"valueString":"x"}]}]}]}`,
			[]string{"questionnaire.group-answer item[1]|group", "questionnaire.required item[1]|'inner'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := check(t, head+tc.items+`]}`)
			if len(res) != len(tc.want) {
				t.Fatalf("got %d findings, want %d: %+v", len(res), len(tc.want), res)
			}
			for i, w := range tc.want {
				key, frag, _ := strings.Cut(w, "|")
				if g := res[i].rule + " " + res[i].path; g != key {
					t.Errorf("finding %d: %q, want %q (%s)", i, g, key, res[i].msg)
				}
				if !strings.Contains(res[i].msg, frag) {
					t.Errorf("finding %d: message %q lacks %q", i, res[i].msg, frag)
				}
			}
		})
	}
}

func TestRequiredInProgressIsInformation(t *testing.T) {
	res := check(t, `{"resourceType":"QuestionnaireResponse","status":"in-progress","item":[]}`)
	if len(res) != 1 {
		t.Fatalf("got %+v", res)
	}
	for _, r := range res {
		if r.sev != finding.Information {
			t.Errorf("%s: severity %v, want information for an in-progress response", r.rule, r.sev)
		}
	}
}

func TestCheckDefinition(t *testing.T) {
	src := `{"resourceType":"Questionnaire","status":"active","item":[
	  {"linkId":"a","type":"boolean"},
	  {"linkId":"a","type":"string","enableWhen":[{"question":"zz","operator":"exists","answerBoolean":true}]},
	  {"linkId":"g","type":"group","item":[{"linkId":"b","type":"string","enableWhen":[{"question":"g","operator":"exists","answerBoolean":true}]}]},
	  {"linkId":"c","type":"string","enableWhen":[{"question":"c","operator":"exists","answerBoolean":true}]},
	  {"linkId":"d","type":"string","enableWhen":[{"question":"b","operator":"=","answerInteger":1}]}]}`
	tree, _ := jsontree.Parse([]byte(src), jsontree.Options{})
	var got []string
	CheckDefinition(tree, tree.Root(), func(n jsontree.ID, f finding.Finding) { got = append(got, f.Rule+" "+f.Expression) })
	want := []string{
		"questionnaire.duplicate-linkid item[1].linkId",
		"questionnaire.enablewhen item[1].enableWhen[0]",
		"questionnaire.enablewhen item[2].item[0].enableWhen[0]",
		"questionnaire.enablewhen item[3].enableWhen[0]",
		"questionnaire.enablewhen item[4].enableWhen[0]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(testQ))
	f.Add([]byte(`{"item":[{"linkId":"a","enableWhen":[{"question":"a"}],"item":[{}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Parse(data)
		if err != nil {
			return
		}
		qr := `{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"a","answer":[{"valueString":"x"},{"valueQuantity":{"value":1}}]}]}`
		tree, _ := jsontree.Parse([]byte(qr), jsontree.Options{})
		CheckResponse(tree, tree.Root(), q, Env{}, func(jsontree.ID, finding.Finding) {})
		if tree2, _ := jsontree.Parse(data, jsontree.Options{}); tree2 != nil && tree2.Kind(tree2.Root()) == jsontree.Object {
			CheckDefinition(tree2, tree2.Root(), func(jsontree.ID, finding.Finding) {})
		}
	})
}

// enableWhen looks for its question in the same repetition of a repeating
// group first.
func TestEnableWhenInRepeatingGroup(t *testing.T) {
	q, err := Parse([]byte(`{"resourceType":"Questionnaire","item":[{"linkId":"g","type":"group","repeats":true,"item":[
	  {"linkId":"c","type":"boolean"},
	  {"linkId":"e","type":"boolean","required":true,"enableWhen":[{"question":"c","operator":"=","answerBoolean":true}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	qr := `{"resourceType":"QuestionnaireResponse","status":"completed","item":[
	  {"linkId":"g","item":[{"linkId":"c","answer":[{"valueBoolean":true}]},{"linkId":"e","answer":[{"valueBoolean":false}]}]},
	  {"linkId":"g","item":[{"linkId":"c","answer":[{"valueBoolean":false}]},{"linkId":"e","answer":[{"valueBoolean":false}]}]},
	  {"linkId":"g","item":[{"linkId":"c","answer":[{"valueBoolean":true}]}]},
	  {"linkId":"g","item":[{"linkId":"c","answer":[{"valueBoolean":false}]}]}]}`
	tree, _ := jsontree.Parse([]byte(qr), jsontree.Options{})
	var got []string
	CheckResponse(tree, tree.Root(), q, Env{}, func(n jsontree.ID, f finding.Finding) { got = append(got, f.Rule+" "+f.Expression) })
	want := "questionnaire.disabled item[1].item[1]; questionnaire.required item[2]"
	if strings.Join(got, "; ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "; "), want)
	}
}

// An enable expression (SDC enableWhenExpression, or the Finnish PHR
// extension) decides instead of enableWhen: false or empty disables the
// item; one that cannot be evaluated leaves it enabled.
func TestEnableExpression(t *testing.T) {
	const sdc = `"extension":[{"url":"http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression","valueExpression":{"language":"text/fhirpath","expression":"%s"}}]`
	const fi = `"extension":[{"url":"http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen","valueString":"%s"}]`
	const cond = "QuestionnaireResponse.descendants().where(linkId='c').answer.value.ofType(boolean)"
	tests := []struct {
		name, ext, expr string
		answer          bool
		want            string
	}{
		{"sdc false", sdc, cond, false, "questionnaire.disabled item[1]"},
		{"sdc true", sdc, cond, true, ""},
		{"finnish false", fi, cond, false, "questionnaire.disabled item[1]"},
		{"empty result disables", fi, "QuestionnaireResponse.item.where(linkId='nope').answer.value", true, "questionnaire.disabled item[1]"},
		{"unknown variable leaves it enabled", sdc, "%patient.active", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse([]byte(`{"resourceType":"Questionnaire","item":[{"linkId":"c","type":"boolean"},{"linkId":"e","type":"boolean",` +
				fmt.Sprintf(tt.ext, tt.expr) + `}]}`))
			if err != nil {
				t.Fatal(err)
			}
			qr := fmt.Sprintf(`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"c","answer":[{"valueBoolean":%v}]},{"linkId":"e","answer":[{"valueBoolean":true}]}]}`, tt.answer)
			tree, _ := jsontree.Parse([]byte(qr), jsontree.Options{})
			var got []string
			CheckResponse(tree, tree.Root(), q, Env{}, func(n jsontree.ID, f finding.Finding) { got = append(got, f.Rule+" "+f.Expression) })
			if strings.Join(got, "; ") != tt.want {
				t.Errorf("got %q, want %q", strings.Join(got, "; "), tt.want)
			}
		})
	}
}
