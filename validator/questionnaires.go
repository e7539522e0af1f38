package validator

import (
	"strings"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
	"github.com/fhirlens/fhirlens/validator/questionnaire"
)

// formState gathers the Questionnaires and QuestionnaireResponses of one
// document as the walk meets them; they are checked when the walk is done,
// so a response can be checked against a questionnaire anywhere in the input.
type formState struct {
	responses      []formResource
	questionnaires []formResource
}

type formResource struct {
	node     jsontree.ID
	path     string
	resource int
}

// noteForm is called for every resource the walk finishes.
func (w *walker) noteForm(n jsontree.ID, typ string) {
	if typ != "QuestionnaireResponse" && typ != "Questionnaire" {
		return
	}
	if w.forms == nil {
		w.forms = &formState{}
	}
	r := formResource{node: n, path: w.pathString(), resource: w.resource}
	if typ == "Questionnaire" {
		w.forms.questionnaires = append(w.forms.questionnaires, r)
	} else {
		w.forms.responses = append(w.forms.responses, r)
	}
}

// reporterAt places the questionnaire package's relative findings in the report.
func (w *walker) reporterAt(r formResource) questionnaire.Reporter {
	return func(n jsontree.ID, f finding.Finding) {
		if f.Expression == "" {
			f.Expression = r.path
		} else if strings.HasPrefix(f.Expression, "[") {
			f.Expression = r.path + f.Expression
		} else {
			f.Expression = r.path + "." + f.Expression
		}
		if n == jsontree.None {
			n = r.node
		}
		if !w.rep.list.Admit(f.Rule, f.Severity) {
			return
		}
		off := w.tree.Offset(n)
		line, col := w.tree.Position(off)
		f.Line, f.Col, f.Offset, f.Resource = line+w.lineBase, col, off+w.offBase, r.resource
		w.rep.list.Keep(f)
	}
}

// checkForms checks every Questionnaire of the document and every
// QuestionnaireResponse against its Questionnaire: one contained in the
// response, one elsewhere in the input, or one of the definitions (--ig).
func (w *walker) checkForms() {
	if w.forms == nil {
		return
	}
	t := w.tree
	for _, q := range w.forms.questionnaires {
		questionnaire.CheckDefinition(t, q.node, w.reporterAt(q))
	}
	for _, r := range w.forms.responses {
		qn := t.Get(r.node, "questionnaire")
		if qn == jsontree.None || t.Kind(qn) != jsontree.String {
			continue
		}
		canonical := t.Str(qn)
		q := w.findQuestionnaire(r.node, canonical)
		if q == nil {
			rule, _ := finding.Lookup("questionnaire.not-found")
			rep := w.reporterAt(r)
			rep(qn, finding.Finding{Severity: Warning, Code: rule.Code, Rule: rule.ID, Expression: "questionnaire",
				Message: "the questionnaire '" + canonical + "' could not be found (not contained, not in the input, not in the definitions given), so the answers were not checked against it"})
			continue
		}
		questionnaire.CheckResponse(t, r.node, q, questionnaire.Env{Defs: w.defs}, w.reporterAt(r))
	}
}

func (w *walker) findQuestionnaire(qr jsontree.ID, canonical string) *questionnaire.Questionnaire {
	t := w.tree
	parse := func(n jsontree.ID) *questionnaire.Questionnaire {
		q, err := questionnaire.Parse(t.Raw(n))
		if err != nil {
			return nil
		}
		return q
	}
	if id, ok := strings.CutPrefix(canonical, "#"); ok {
		if c := t.Get(qr, "contained"); c != jsontree.None && t.Kind(c) == jsontree.Array {
			for n := t.First(c); n != jsontree.None; n = t.Next(n) {
				if t.Kind(n) == jsontree.Object && t.Text(t.Get(n, "resourceType")) == "Questionnaire" && t.Text(t.Get(n, "id")) == id {
					return parse(n)
				}
			}
		}
		return nil
	}
	url, version, _ := strings.Cut(canonical, "|")
	for _, q := range w.forms.questionnaires {
		if t.Text(t.Get(q.node, "url")) == url && (version == "" || t.Text(t.Get(q.node, "version")) == version) {
			return parse(q.node)
		}
	}
	if w.defs.Questionnaires != nil {
		if b := w.defs.Questionnaires[canonical]; b != nil {
			q, _ := questionnaire.Parse(b)
			return q
		}
	}
	return nil
}
