package record

// nhsNumberSystem is the identifier system of the NHS Number in England and Wales.
const nhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number"

// checkNHSNumber validates an NHS Number's Modulus 11 check digit. It returns
// whether the number is valid and, when not, why.
func checkNHSNumber(v string) (bool, string) {
	if len(v) != 10 {
		return false, "an NHS Number has 10 digits"
	}
	sum := 0
	for i := 0; i < 10; i++ {
		if v[i] < '0' || v[i] > '9' {
			return false, "an NHS Number has only digits"
		}
		if i < 9 {
			sum += int(v[i]-'0') * (10 - i)
		}
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 {
		return false, "not a valid NHS Number (no check digit is possible)"
	}
	if int(v[9]-'0') != check {
		return false, "check digit is wrong (Modulus 11)"
	}
	return true, "valid"
}
