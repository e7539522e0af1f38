package record

import (
	"strconv"
	"time"

	"github.com/fhirlens/fhirlens/validator/finding"
	"github.com/fhirlens/fhirlens/validator/primitive"
)

// dateProblem says why s is not a valid FHIR date, dateTime or instant,
// by the validator's own lexical rules; "" when valid or empty.
func dateProblem(s string) string {
	if s == "" {
		return ""
	}
	if p := primitive.Check("dateTime", s); p != nil && p.Severity == finding.Error {
		return p.Message
	}
	return ""
}

// sortKey normalises a FHIR date, dateTime or instant so that keys compare
// chronologically as strings; partial dates sort at their start. Unparseable
// text sorts as written (after digits it lands late, which is visible).
func sortKey(s string) string {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	return s
}

// parseDate parses the date part of a FHIR date or dateTime ("2001",
// "2001-03", "2001-03-04", "2001-03-04T..."); precision is 1 (year), 2, 3.
func parseDate(s string) (t time.Time, precision int, ok bool) {
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t, 3, true
		}
	}
	if len(s) >= 7 {
		if t, err := time.Parse("2006-01", s[:7]); err == nil {
			return t, 2, true
		}
	}
	if len(s) >= 4 {
		if t, err := time.Parse("2006", s[:4]); err == nil {
			return t, 1, true
		}
	}
	return time.Time{}, 0, false
}

// ageText gives an age in the units a clinician uses: years from 2, months
// under 2 years, days under a month. Year-only birth dates give "about".
func ageText(birth string, asOf time.Time) string {
	b, precision, ok := parseDate(birth)
	if !ok {
		return ""
	}
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	if asOf.Before(b) {
		return ""
	}
	years := asOf.Year() - b.Year()
	if asOf.Month() < b.Month() || asOf.Month() == b.Month() && asOf.Day() < b.Day() {
		years--
	}
	if precision == 1 {
		return "about " + strconv.Itoa(years) + " years"
	}
	months := (asOf.Year()-b.Year())*12 + int(asOf.Month()) - int(b.Month())
	if asOf.Day() < b.Day() && precision == 3 {
		months--
	}
	switch {
	case years >= 2:
		return strconv.Itoa(years) + " years"
	case months >= 1 || precision == 2:
		return plural(months, "month")
	default:
		return plural(int(asOf.Sub(b).Hours()/24), "day")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
