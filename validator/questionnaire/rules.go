package questionnaire

import "github.com/fhirlens/fhirlens/validator/finding"

const srcQR = "FHIR R4 questionnaireresponse.html (and the questionnaire extensions); graded as the HL7 reference validator"

var (
	ruleNotFound = finding.Define(finding.Rule{ID: "questionnaire.not-found", Code: "not-found", Severity: finding.Warning,
		Summary: "the Questionnaire a QuestionnaireResponse answers cannot be found, so the answers are not checked against it", Source: srcQR})
	ruleLinkID = finding.Define(finding.Rule{ID: "questionnaire.linkid", Code: "structure", Severity: finding.Error,
		Summary: "a response item's linkId is not an item of the questionnaire at that level", Source: srcQR})
	ruleOrder = finding.Define(finding.Rule{ID: "questionnaire.order", Code: "structure", Severity: finding.Error,
		Summary: "response items are in the questionnaire's order", Source: srcQR})
	ruleRepeats = finding.Define(finding.Rule{ID: "questionnaire.repeats", Code: "structure", Severity: finding.Error,
		Summary: "an item that does not repeat appears once, with at most one answer", Source: srcQR})
	ruleRequired = finding.Define(finding.Rule{ID: "questionnaire.required", Code: "required", Severity: finding.Error,
		Summary: "required items that are enabled are answered in a completed response", Source: srcQR})
	ruleDisabled = finding.Define(finding.Rule{ID: "questionnaire.disabled", Code: "structure", Severity: finding.Error,
		Summary: "items whose enableWhen conditions are not met have no answers", Source: srcQR})
	ruleGroupAnswer = finding.Define(finding.Rule{ID: "questionnaire.group-answer", Code: "structure", Severity: finding.Error,
		Summary: "group and display items have no answers", Source: srcQR})
	ruleOccurs = finding.Define(finding.Rule{ID: "questionnaire.occurs", Code: "structure", Severity: finding.Error,
		Summary: "the number of answers is within questionnaire-minOccurs and questionnaire-maxOccurs", Source: srcQR})
	ruleExclusive = finding.Define(finding.Rule{ID: "questionnaire.exclusive", Code: "structure", Severity: finding.Error,
		Summary: "an exclusive answer option (questionnaire-optionExclusive) is not selected with other answers", Source: srcQR})
	ruleAnswerType = finding.Define(finding.Rule{ID: "questionnaire.answer-type", Code: "structure", Severity: finding.Error,
		Summary: "an answer's value type matches the item's type", Source: srcQR})
	ruleOption = finding.Define(finding.Rule{ID: "questionnaire.option", Code: "structure", Severity: finding.Error,
		Summary: "an answer is one of the item's answerOption values", Source: srcQR})
	ruleValueSet = finding.Define(finding.Rule{ID: "questionnaire.valueset", Code: "code-invalid", Severity: finding.Error,
		Summary: "a coded answer is in the item's answerValueSet (when it can be expanded offline)", Source: srcQR})
	ruleLength = finding.Define(finding.Rule{ID: "questionnaire.length", Code: "value", Severity: finding.Error,
		Summary: "a string answer is within maxLength and the minLength extension", Source: srcQR})
	ruleRegex = finding.Define(finding.Rule{ID: "questionnaire.regex", Code: "value", Severity: finding.Error,
		Summary: "a string answer matches the item's regex extension", Source: srcQR})
	ruleNewline = finding.Define(finding.Rule{ID: "questionnaire.newline", Code: "value", Severity: finding.Warning,
		Summary: "a string (not text) answer has no line breaks", Source: srcQR})
	ruleRange = finding.Define(finding.Rule{ID: "questionnaire.range", Code: "value", Severity: finding.Error,
		Summary: "an answer is within minValue/maxValue (or the SDC min/maxQuantity)", Source: srcQR})
	ruleDecimals = finding.Define(finding.Rule{ID: "questionnaire.decimals", Code: "value", Severity: finding.Error,
		Summary: "a decimal or quantity answer has no more than maxDecimalPlaces decimal places", Source: srcQR})
	ruleAttachment = finding.Define(finding.Rule{ID: "questionnaire.attachment", Code: "value", Severity: finding.Error,
		Summary: "an attachment answer is within maxSize and of an allowed mimeType", Source: srcQR})
	ruleReference = finding.Define(finding.Rule{ID: "questionnaire.reference", Code: "value", Severity: finding.Error,
		Summary: "a reference answer points to a resource type the item allows (questionnaire-referenceResource)", Source: srcQR})
	ruleInactive = finding.Define(finding.Rule{ID: "questionnaire.inactive", Code: "business-rule", Severity: finding.Warning,
		Summary: "the response was authored within the questionnaire's effective period", Source: srcQR})

	ruleDupLink = finding.Define(finding.Rule{ID: "questionnaire.duplicate-linkid", Code: "duplicate", Severity: finding.Error,
		Summary: "every item of a Questionnaire has its own linkId", Source: "FHIR R4 questionnaire-definitions.html#Questionnaire.item.linkId"})
	ruleEnableWhen = finding.Define(finding.Rule{ID: "questionnaire.enablewhen", Code: "business-rule", Severity: finding.Error,
		Summary: "enableWhen.question names another question item of the questionnaire, answered with a value of its type", Source: "FHIR R4 questionnaire-definitions.html#Questionnaire.item.enableWhen"})
)
