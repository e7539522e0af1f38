package questionnaire

import (
	"fmt"
	"strconv"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// CheckDefinition checks a Questionnaire resource at node qn: linkIds are
// unique and every enableWhen names a question of the questionnaire with an
// answer of that question's type. (The que-* invariants are FHIRPath and
// evaluated with the other invariants.)
func CheckDefinition(t *jsontree.Tree, qn jsontree.ID, report Reporter) {
	q, err := Parse(t.Raw(qn))
	if err != nil {
		return // the walk reports the JSON shape
	}
	seen := map[string]bool{}
	var walk func(arr jsontree.ID, path string, items []*Item)
	walk = func(arr jsontree.ID, path string, items []*Item) {
		if arr == jsontree.None || t.Kind(arr) != jsontree.Array {
			return
		}
		i := 0
		for n := t.First(arr); n != jsontree.None && i < len(items); n, i = t.Next(n), i+1 {
			it := items[i]
			ipath := join(path, "item["+strconv.Itoa(i)+"]")
			if it.LinkID != "" {
				if seen[it.LinkID] {
					report(t.Get(n, "linkId"), newFinding(finding.Error, ruleDupLink, join(ipath, "linkId"),
						fmt.Sprintf("linkId '%s' is used by more than one item: each item needs its own linkId", it.LinkID)))
				}
				seen[it.LinkID] = true
			}
			ews := t.Get(n, "enableWhen")
			if ews == jsontree.None || t.Kind(ews) != jsontree.Array {
				// The model decodes keys case-insensitively ("enABleWhen"); the
				// tree does not: nothing to locate here, and the walk reports the key.
				ews = jsontree.None
			}
			for k, ew := range it.EnableWhen {
				if ews == jsontree.None {
					break
				}
				en := t.Item(ews, k)
				if en == jsontree.None {
					break
				}
				epath := join(ipath, "enableWhen["+strconv.Itoa(k)+"]")
				target := q.Item(ew.Question)
				msg := ""
				switch {
				case ew.Question == "":
				case target == nil:
					msg = fmt.Sprintf("enableWhen of item '%s' refers to question '%s', which is not an item of this questionnaire", it.LinkID, ew.Question)
				case target == it:
					msg = fmt.Sprintf("enableWhen of item '%s' refers to the item itself", it.LinkID)
				case target.Type == "group" || target.Type == "display":
					msg = fmt.Sprintf("enableWhen of item '%s' refers to '%s', a %s, which has no answers", it.LinkID, ew.Question, target.Type)
				case ew.Operator != "exists" && ew.Answer.Type != "" && answerTypes[target.Type] != nil &&
					!contains(answerTypes[target.Type], ew.Answer.Type) && !(target.Type == "choice" || target.Type == "open-choice"):
					msg = fmt.Sprintf("enableWhen of item '%s' compares question '%s' (%s) with answer%s", it.LinkID, ew.Question, target.Type, ew.Answer.Type)
				}
				if msg != "" {
					report(en, newFinding(finding.Error, ruleEnableWhen, epath, msg))
				}
			}
			walk(t.Get(n, "item"), ipath, it.Items)
		}
	}
	walk(t.Get(qn, "item"), "", q.Items)
}
