package primitive

import (
	"strconv"

	"github.com/fhirlens/fhirlens/validator/finding"
)

// checkBase64 checks that v decodes as standard base64 (RFC 4648 alphabet with
// '=' padding, length a multiple of 4 once whitespace is removed). The R4
// regex (\s*([0-9a-zA-Z\+/=]){4}\s*)+ tolerates whitespace; the reference
// validator warns about it for R4 (and rejects it from R5 on), so this does too.
func checkBase64(v string) *finding.Finding {
	n := 0       // non-whitespace characters seen
	padding := 0 // '=' seen so far
	hasWS := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isSpace(c):
			hasWS = true
			continue
		case c == '=':
			padding++
			if padding > 2 {
				return base64Error(v, "more than two '=' padding characters")
			}
		case isAlpha(c) || isDigit(c) || c == '+' || c == '/':
			if padding > 0 {
				return base64Error(v, "'=' padding may only appear at the end")
			}
		default:
			return base64Error(v, quote(charAt(v, i))+" at position "+strconv.Itoa(i+1)+
				" is not a base64 character (A-Z, a-z, 0-9, '+', '/', '=')")
		}
		n++
	}
	if n == 0 {
		return base64Error(v, "there is no data")
	}
	if n%4 != 0 {
		return base64Error(v, "its length ("+strconv.Itoa(n)+" characters without whitespace) is not a multiple of 4")
	}
	if hasWS {
		return warnf("primitive.base64-whitespace", "the base64Binary value should not contain whitespace")
	}
	return nil
}

func base64Error(v, why string) *finding.Finding {
	shown := v
	if len(shown) > 100 {
		shown = "(value of " + strconv.Itoa(len(v)) + " characters)"
		return errorf("primitive.base64Binary", "the value "+shown+" is not valid base64: "+why)
	}
	return errorf("primitive.base64Binary", quote(shown)+" is not valid base64: "+why)
}
