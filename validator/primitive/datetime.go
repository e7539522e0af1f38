package primitive

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strconv"
	"time"
)

// The R4 date/time regexes, checked by hand so that the messages can say
// which part is wrong, and extended with calendar checks (February 30 and
// 29 February of non-leap years are rejected, as the reference validator's
// date parser does).
//
//	date     YYYY(-MM(-DD)?)?                       year 0001-9999
//	dateTime date, or YYYY-MM-DDThh:mm:ss(.s+)?TZ    timezone required with a time
//	instant  YYYY-MM-DDThh:mm:ss(.s+)?TZ             always full precision
//	time     hh:mm:ss(.s+)?                          no timezone
//	TZ       Z | (+|-)hh:mm with hh 00-13 (any mm) or exactly 14:00
//
// Hours run 00-23 (24 is not allowed); seconds 00-60 (leap second).

const (
	dateForms     = "expected YYYY, YYYY-MM or YYYY-MM-DD"
	dateTimeForms = "expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz"
	instantForm   = "expected YYYY-MM-DDThh:mm:ss(.sss)Z or with an offset such as +01:00"
	timeForm      = "expected hh:mm:ss or hh:mm:ss.sss"
)

// dateParts is what parseDatePart found.
type dateParts struct {
	year, month, day int
	n                int    // bytes consumed
	why              string // non-empty when invalid
}

// parseDatePart reads YYYY[-MM[-DD]] from the start of v and stops at the
// first byte it cannot use.
func parseDatePart(v string) dateParts {
	var d dateParts
	if len(v) < 4 || !allDigits(v[:4]) {
		d.why = "the year must have four digits"
		return d
	}
	if len(v) > 4 && isDigit(v[4]) {
		d.why = "the year must have exactly four digits"
		return d
	}
	d.year = atoi(v[:4])
	if d.year == 0 {
		d.why = "year 0000 does not exist"
		return d
	}
	d.n = 4
	if len(v) == 4 || v[4] != '-' {
		return d
	}
	if len(v) < 7 || !allDigits(v[5:7]) || (len(v) > 7 && isDigit(v[7])) {
		d.why = "the month must have two digits"
		return d
	}
	d.month = atoi(v[5:7])
	if d.month < 1 || d.month > 12 {
		d.why = "month " + v[5:7] + " is out of range (01-12)"
		return d
	}
	d.n = 7
	if len(v) == 7 || v[7] != '-' {
		return d
	}
	if len(v) < 10 || !allDigits(v[8:10]) || (len(v) > 10 && isDigit(v[10])) {
		d.why = "the day must have two digits"
		return d
	}
	d.day = atoi(v[8:10])
	if max := daysIn(d.year, d.month); d.day < 1 || d.day > max {
		if d.month == 2 && d.day == 29 {
			d.why = strconv.Itoa(d.year) + " is not a leap year, so February has no 29th day"
		} else {
			d.why = "day " + v[8:10] + " is out of range for that month (01-" + strconv.Itoa(max) + ")"
		}
		return d
	}
	d.n = 10
	return d
}

// parseTimePart checks hh:mm:ss(.s+)? at the start of v and returns the
// bytes consumed, or a reason.
func parseTimePart(v string) (int, string) {
	if len(v) < 8 || !allDigits(v[0:2]) || v[2] != ':' || !allDigits(v[3:5]) || v[5] != ':' || !allDigits(v[6:8]) {
		if len(v) >= 5 && allDigits(v[0:2]) && v[2] == ':' && allDigits(v[3:5]) && (len(v) == 5 || v[5] != ':') {
			return 0, "seconds are required in the time (hh:mm:ss)"
		}
		return 0, "the time must be hh:mm:ss"
	}
	if h := atoi(v[0:2]); h > 23 {
		return 0, "hour " + v[0:2] + " is out of range (00-23)"
	}
	if m := atoi(v[3:5]); m > 59 {
		return 0, "minute " + v[3:5] + " is out of range (00-59)"
	}
	if s := atoi(v[6:8]); s > 60 {
		return 0, "second " + v[6:8] + " is out of range (00-60)"
	}
	n := 8
	if n < len(v) && v[n] == '.' {
		n++
		s := n
		for n < len(v) && isDigit(v[n]) {
			n++
		}
		if n == s {
			return 0, "the fraction of a second needs at least one digit after '.'"
		}
	}
	return n, ""
}

// checkZone checks that v is exactly a timezone: Z or +hh:mm / -hh:mm.
func checkZone(v string) string {
	if v == "" {
		return "a timezone (Z or +hh:mm) is required when a time is given"
	}
	if v == "Z" {
		return ""
	}
	if len(v) != 6 || (v[0] != '+' && v[0] != '-') || !allDigits(v[1:3]) || v[3] != ':' || !allDigits(v[4:6]) {
		return "the timezone " + quote(v) + " must be Z, +hh:mm or -hh:mm"
	}
	h, m := atoi(v[1:3]), atoi(v[4:6])
	if m > 59 || h > 14 || (h == 14 && m != 0) {
		return "the timezone offset " + v + " is out of range (-14:00 to +14:00)"
	}
	return ""
}

func checkDate(v string) *finding.Finding {
	d := parseDatePart(v)
	why := d.why
	if why == "" && d.n != len(v) {
		if v[d.n] == 'T' {
			why = "a date cannot have a time (use dateTime)"
		} else {
			why = "unexpected " + quote(v[d.n:])
		}
	}
	if why != "" {
		return errorf("primitive.date", quote(v)+" is not a valid date: "+why+" ("+dateForms+")")
	}
	return checkYearRange(v, d.year)
}

func checkDateTime(v string) *finding.Finding {
	d := parseDatePart(v)
	why := d.why
	if why == "" && d.n != len(v) {
		rest := v[d.n:]
		switch {
		case rest[0] != 'T':
			why = "unexpected " + quote(rest)
		case d.n != 10:
			why = "a time needs a full date (YYYY-MM-DD) before it"
		default:
			n, w := parseTimePart(rest[1:])
			why = w
			if why == "" {
				why = checkZone(rest[1+n:])
			}
		}
	}
	if why != "" {
		return errorf("primitive.dateTime", quote(v)+" is not a valid dateTime: "+why+" ("+dateTimeForms+")")
	}
	return checkYearRange(v, d.year)
}

func checkInstant(v string) *finding.Finding {
	d := parseDatePart(v)
	why := d.why
	if why == "" {
		switch {
		case d.n != 10:
			why = "an instant needs a full date and time"
		case d.n == len(v) || v[10] != 'T':
			why = "an instant needs a time after the date ('T' then hh:mm:ss)"
		default:
			n, w := parseTimePart(v[11:])
			why = w
			if why == "" {
				why = checkZone(v[11+n:])
			}
		}
	}
	if why != "" {
		return errorf("primitive.instant", quote(v)+" is not a valid instant: "+why+" ("+instantForm+")")
	}
	return checkYearRange(v, d.year)
}

func checkTime(v string) *finding.Finding {
	n, why := parseTimePart(v)
	if why == "" && n != len(v) {
		if c := v[n]; c == 'Z' || c == '+' || c == '-' {
			why = "a time cannot have a timezone"
		} else {
			why = "unexpected " + quote(v[n:])
		}
	}
	if why != "" {
		return errorf("primitive.time", quote(v)+" is not a valid time: "+why+" ("+timeForm+")")
	}
	return nil
}

// checkYearRange warns, as the reference validator does for core
// definitions, about years that are probably data entry errors.
func checkYearRange(v string, year int) *finding.Finding {
	if year < minReasonableYear || year > time.Now().Year()+100 {
		return warnf("primitive.year-range", "the value "+quote(v)+
			" is outside the range of reasonable years - check for data entry error")
	}
	return nil
}

const minReasonableYear = 1800

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi converts a short run of ASCII digits (already checked).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
