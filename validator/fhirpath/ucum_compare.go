package fhirpath

// CompareUCUM compares two quantities written as decimal strings with UCUM
// unit codes ("10000" "m" against "50" "km"), converting between units the
// FHIRPath engine knows. ok is false when a value is not a decimal or the
// units are not comparable. Used outside FHIRPath by the questionnaire checks
// (sdc-questionnaire-minQuantity/maxQuantity).
func CompareUCUM(aValue, aUnit, bValue, bUnit string) (cmp int, ok bool) {
	av, okA := parseDecimal(aValue)
	bv, okB := parseDecimal(bValue)
	if !okA || !okB {
		return 0, false
	}
	return compareQuantities(Quantity{Value: av, Unit: aUnit}, Quantity{Value: bv, Unit: bUnit})
}
