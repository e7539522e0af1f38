package primitive

import (
	"strconv"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// text is the raw form of a value: a Go string, or JSON bytes.
type text interface{ ~string | ~[]byte }

// CheckNumber checks raw, the literal text of a JSON number, as a value of
// type fhirType. For types that JSON represents as strings or booleans it
// reports that a number is the wrong JSON type.
func CheckNumber(fhirType string, raw []byte) *finding.Finding {
	switch fhirType {
	case "integer", "unsignedInt", "positiveInt":
		return checkInteger(fhirType, raw)
	case "decimal":
		return checkDecimal(raw)
	}
	if k := JSONKind(fhirType); k != KindUnknown {
		return errorf("primitive.json-type", "a "+fhirType+" must be a JSON "+k.String()+
			", not the number "+quote(string(raw)))
	}
	return nil
}

const maxInt32 = 2147483647

// checkInteger applies the R4 regexes (integer -?([0]|([1-9][0-9]*)),
// unsignedInt [0]|([1-9][0-9]*), positiveInt [1-9][0-9]*) and the 32-bit range.
func checkInteger[T text](fhirType string, v T) *finding.Finding {
	i := 0
	neg := false
	if len(v) > 0 && v[0] == '-' {
		neg = true
		i = 1
	}
	digits := len(v) - i
	if digits == 0 {
		return errorf("primitive."+fhirType, quote(string(v))+" is not a valid "+fhirType+": expected a whole number")
	}
	for j := i; j < len(v); j++ {
		if !isDigit(v[j]) {
			what := "expected a whole number"
			switch v[j] {
			case '.', 'e', 'E':
				what = "expected a whole number without a fraction or exponent"
			case '+':
				what = "a leading '+' is not allowed"
			case ' ', '\t', '\n', '\r':
				what = "whitespace is not allowed"
			}
			return errorf("primitive."+fhirType, quote(string(v))+" is not a valid "+fhirType+": "+what)
		}
	}
	if v[i] == '0' && digits > 1 {
		return errorf("primitive."+fhirType, quote(string(v))+" is not a valid "+fhirType+": leading zeros are not allowed")
	}
	// Compare magnitudes as digit strings: no overflow, no allocation.
	limit := "2147483647"
	if neg {
		limit = "2147483648"
	}
	tooBig := digits > len(limit)
	if digits == len(limit) {
		for j := 0; j < digits; j++ {
			if v[i+j] != limit[j] {
				tooBig = v[i+j] > limit[j]
				break
			}
		}
	}
	if tooBig {
		return errorf("primitive."+fhirType, quote(string(v))+" is not a valid "+fhirType+
			": out of range (-2147483648 to "+strconv.Itoa(maxInt32)+")")
	}
	isZero := digits == 1 && v[i] == '0'
	switch fhirType {
	case "unsignedInt":
		if neg && !isZero {
			return errorf("primitive.unsignedInt", quote(string(v))+" is not a valid unsignedInt: must be 0 or greater")
		}
		if neg {
			return errorf("primitive.unsignedInt", quote(string(v))+" is not a valid unsignedInt: a sign is not allowed")
		}
	case "positiveInt":
		if neg || isZero {
			return errorf("primitive.positiveInt", quote(string(v))+" is not a valid positiveInt: must be 1 or greater")
		}
	}
	return nil
}

// checkDecimal applies the R4 regex -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// (the JSON number grammar) and, like the reference validator, warns when the
// value has more than 18 significant digits or an exponent of more than 4
// digits, which common decimal implementations cannot represent.
func checkDecimal[T text](v T) *finding.Finding {
	bad := func(why string) *finding.Finding {
		return errorf("primitive.decimal", quote(string(v))+" is not a valid decimal: "+why)
	}
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	start := i
	for i < len(v) && isDigit(v[i]) {
		i++
	}
	intDigits := i - start
	if intDigits == 0 {
		if i < len(v) && v[i] == '+' {
			return bad("a leading '+' is not allowed")
		}
		if i < len(v) && v[i] == '.' {
			return bad("a digit is required before the decimal point")
		}
		return bad("expected a number such as 1, -0.5 or 2.5e3")
	}
	if intDigits > 1 && v[start] == '0' {
		return bad("leading zeros are not allowed")
	}
	fracDigits := 0
	if i < len(v) && v[i] == '.' {
		i++
		s := i
		for i < len(v) && isDigit(v[i]) {
			i++
		}
		fracDigits = i - s
		if fracDigits == 0 {
			return bad("a digit is required after the decimal point")
		}
	}
	expDigits := 0
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		s := i
		for i < len(v) && isDigit(v[i]) {
			i++
		}
		expDigits = i - s
		if expDigits == 0 {
			return bad("the exponent has no digits")
		}
	}
	if i != len(v) {
		return bad("unexpected character " + quote(string(v[i:i+1])))
	}
	if intDigits+fracDigits > 18 || expDigits > 4 {
		return warnf("primitive.decimal-range", "the decimal "+quote(string(v))+
			" is outside the range of commonly supported decimals (more than 18 digits, or an exponent of more than 4 digits)")
	}
	return nil
}
