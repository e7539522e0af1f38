package fhirpath

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Precision of a date/time value: how many fields are present.
type Precision uint8

const (
	PrecYear Precision = iota + 1
	PrecMonth
	PrecDay
	PrecHour
	PrecMinute
	PrecSecond
	PrecMillisecond
)

// temporal holds the fields of a Date, DateTime or Time. Fields below the
// precision are zero. ms is milliseconds (fractions beyond are truncated).
type temporal struct {
	year, month, day     int
	hour, minute, second int
	ms                   int
	prec                 Precision
	hasTZ                bool
	tzMinutes            int // offset east of UTC
}

// Date is a FHIRPath System.Date (year, month or day precision).
type Date struct{ t temporal }

// DateTime is a FHIRPath System.DateTime.
type DateTime struct{ t temporal }

// Time is a FHIRPath System.Time (hour to millisecond; fields year-day unused).
type Time struct{ t temporal }

// parseDateText parses "YYYY[-MM[-DD]]".
func parseDateText(s string) (temporal, bool) {
	var t temporal
	// YYYY, YYYY-MM or YYYY-MM-DD, without allocating.
	if (len(s) != 4 && len(s) != 7 && len(s) != 10) || !digitsAt(s, 0, 4) {
		return t, false
	}
	t.year = num(s[0:4])
	t.prec = PrecYear
	if len(s) >= 7 {
		if s[4] != '-' || !digitsAt(s, 5, 2) {
			return t, false
		}
		t.month = num(s[5:7])
		if t.month < 1 || t.month > 12 {
			return t, false
		}
		t.prec = PrecMonth
	}
	if len(s) == 10 {
		if s[7] != '-' || !digitsAt(s, 8, 2) {
			return t, false
		}
		t.day = num(s[8:10])
		if t.day < 1 || t.day > 31 {
			return t, false
		}
		t.prec = PrecDay
	}
	if t.prec == PrecDay && t.day > daysIn(t.year, t.month) {
		return t, false
	}
	return t, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseTimeText parses "hh[:mm[:ss[.fff]]]" (no time zone) into t's time
// fields and returns the precision reached.
func parseTimeText(s string, t *temporal) bool {
	main, frac, hasFrac := strings.Cut(s, ".")
	// hh, hh:mm or hh:mm:ss, without allocating.
	if len(main) != 2 && len(main) != 5 && len(main) != 8 {
		return false
	}
	vals := [3]*int{&t.hour, &t.minute, &t.second}
	limits := [3]int{23, 59, 59}
	n := (len(main) + 1) / 3
	for i := range n {
		if !digitsAt(main, i*3, 2) || (i > 0 && main[i*3-1] != ':') {
			return false
		}
		v := num(main[i*3 : i*3+2])
		if v > limits[i] {
			return false
		}
		*vals[i] = v
	}
	t.prec = PrecHour + Precision(n-1)
	if hasFrac {
		if n != 3 || frac == "" || !allDigits(frac) {
			return false
		}
		ms := 0
		for i := range 3 {
			ms *= 10
			if i < len(frac) {
				ms += int(frac[i] - '0')
			}
		}
		t.ms = ms
		t.prec = PrecMillisecond
	}
	return true
}

// digitsAt reports whether s[i:i+n] is n ASCII digits.
func digitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

// num converts ASCII digits (already checked) to an int.
func num(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// parseTZ reads "Z", "+hh:mm" or "-hh:mm".
func parseTZ(s string, t *temporal) bool {
	if s == "Z" {
		t.hasTZ, t.tzMinutes = true, 0
		return true
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !allDigits(s[1:3]) || !allDigits(s[4:]) {
		return false
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[4:])
	if h > 14 || m > 59 || (h == 14 && m > 0) {
		return false
	}
	t.hasTZ, t.tzMinutes = true, h*60+m
	if s[0] == '-' {
		t.tzMinutes = -t.tzMinutes
	}
	return true
}

// parseDateTimeText parses "date[T[time[tz]]]". A trailing "T" alone is
// allowed (FHIRPath literal form @2015T).
func parseDateTimeText(s string) (temporal, bool) {
	datePart, timePart, hasT := strings.Cut(s, "T")
	t, ok := parseDateText(datePart)
	if !ok {
		return t, false
	}
	if !hasT || timePart == "" {
		return t, true
	}
	if t.prec != PrecDay {
		return t, false
	}
	tz := ""
	if i := strings.IndexAny(timePart, "Z+-"); i >= 0 {
		tz, timePart = timePart[i:], timePart[:i]
	}
	if !parseTimeText(timePart, &t) {
		return t, false
	}
	if tz != "" && !parseTZ(tz, &t) {
		return t, false
	}
	return t, true
}

// parseLiteralTemporal turns the text after '@' into a Date, DateTime or Time.
func parseLiteralTemporal(s string) (Value, error) {
	if rest, ok := strings.CutPrefix(s, "T"); ok {
		var t temporal
		if !parseTimeText(rest, &t) {
			return nil, fmt.Errorf("invalid time literal @%s", s)
		}
		return Time{t}, nil
	}
	t, ok := parseDateTimeText(s)
	if !ok {
		return nil, fmt.Errorf("invalid date/time literal @%s", s)
	}
	if strings.Contains(s, "T") {
		return DateTime{t}, nil
	}
	return Date{t}, nil
}

func pad(v, n int) string {
	s := strconv.Itoa(v)
	for len(s) < n {
		s = "0" + s
	}
	return s
}

func (t temporal) dateString() string {
	var b strings.Builder
	b.WriteString(pad(t.year, 4))
	if t.prec >= PrecMonth {
		b.WriteString("-" + pad(t.month, 2))
	}
	if t.prec >= PrecDay {
		b.WriteString("-" + pad(t.day, 2))
	}
	return b.String()
}

func (t temporal) timeString() string {
	var b strings.Builder
	b.WriteString(pad(t.hour, 2))
	if t.prec >= PrecMinute {
		b.WriteString(":" + pad(t.minute, 2))
	}
	if t.prec >= PrecSecond {
		b.WriteString(":" + pad(t.second, 2))
	}
	if t.prec >= PrecMillisecond {
		b.WriteString("." + pad(t.ms, 3))
	}
	return b.String()
}

func (t temporal) tzString() string {
	if !t.hasTZ {
		return ""
	}
	if t.tzMinutes == 0 {
		return "Z"
	}
	sign, m := "+", t.tzMinutes
	if m < 0 {
		sign, m = "-", -m
	}
	return sign + pad(m/60, 2) + ":" + pad(m%60, 2)
}

func (d Date) String() string { return d.t.dateString() }
func (d DateTime) String() string {
	if d.t.prec <= PrecDay {
		return d.t.dateString() + "T"
	}
	return d.t.dateString() + "T" + d.t.timeString() + d.t.tzString()
}
func (d Time) String() string { return d.t.timeString() }

// stringValue is the toString() form (no "T" for date-only DateTimes).
func (d DateTime) stringValue() string {
	if d.t.prec <= PrecDay {
		return d.t.dateString()
	}
	return d.String()
}

// toUTC shifts a value with a time zone and at least hour precision to UTC.
func (t temporal) toUTC() temporal {
	if !t.hasTZ || t.prec < PrecHour || t.tzMinutes == 0 {
		return t
	}
	g := time.Date(t.year, time.Month(t.month), t.day, t.hour, t.minute, t.second, 0, time.UTC).
		Add(-time.Duration(t.tzMinutes) * time.Minute)
	u := t
	var mo time.Month
	u.year, mo, u.day = g.Date()
	u.month = int(mo)
	u.hour, u.minute, u.second = g.Clock()
	u.tzMinutes = 0
	return u
}

// compareTemporal compares field by field down to the coarser precision.
// ok is false when the result is unknown (precisions differ and all common
// fields are equal). Seconds and milliseconds count as one precision.
func compareTemporal(a, b temporal, withDate bool) (cmp int, ok bool) {
	if a.hasTZ && b.hasTZ {
		a, b = a.toUTC(), b.toUTC()
	} else if a.hasTZ != b.hasTZ && a.prec >= PrecHour && b.prec >= PrecHour {
		// One side has no zone: the instants cannot be lined up.
		return 0, false
	}
	fa, fb := a.fields(), b.fields()
	start := 0
	if !withDate {
		start = 3
	}
	pa, pb := a.prec, b.prec
	if pa == PrecMillisecond {
		pa = PrecSecond
	}
	if pb == PrecMillisecond {
		pb = PrecSecond
	}
	for i := start; i < 7; i++ {
		p := Precision(i + 1)
		if p == PrecMillisecond {
			p = PrecSecond
		}
		inA, inB := p <= pa, p <= pb
		if !inA || !inB {
			if inA != inB {
				return 0, false
			}
			return 0, true
		}
		if fa[i] != fb[i] {
			if fa[i] < fb[i] {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

func (t temporal) fields() [7]int {
	return [7]int{t.year, t.month, t.day, t.hour, t.minute, t.second, t.ms}
}

// addDuration adds n units of a calendar unit (year ... millisecond),
// keeping the precision. Months and years clamp the day to the month end.
func (t temporal) addDuration(n int64, unit string) (temporal, bool) {
	switch unit {
	case "year":
		t.year += int(n)
		if t.prec >= PrecDay {
			t.day = min(t.day, daysIn(t.year, t.month))
		}
		return t, t.year >= 1 && t.year <= 9999
	case "month":
		m := int64(t.year)*12 + int64(t.month-1) + n
		if t.prec < PrecMonth {
			m = int64(t.year)*12 + n // month added to a year-precision value: whole years only
			t.year = int(m / 12)
			return t, t.year >= 1 && t.year <= 9999
		}
		t.year, t.month = int(m/12), int(m%12)+1
		if t.prec >= PrecDay {
			t.day = min(t.day, daysIn(t.year, t.month))
		}
		return t, t.year >= 1 && t.year <= 9999
	}
	var d time.Duration
	switch unit {
	case "week":
		d = time.Duration(n) * 7 * 24 * time.Hour
	case "day":
		d = time.Duration(n) * 24 * time.Hour
	case "hour":
		d = time.Duration(n) * time.Hour
	case "minute":
		d = time.Duration(n) * time.Minute
	case "second":
		d = time.Duration(n) * time.Second
	case "millisecond":
		d = time.Duration(n) * time.Millisecond
	default:
		return t, false
	}
	month, day := max(t.month, 1), max(t.day, 1)
	g := time.Date(t.year, time.Month(month), day, t.hour, t.minute, t.second, t.ms*1e6, time.UTC).Add(d)
	u := t
	var mo time.Month
	u.year, mo, u.day = g.Date()
	u.month = int(mo)
	u.hour, u.minute, u.second = g.Clock()
	u.ms = g.Nanosecond() / 1e6
	if t.prec < PrecMonth {
		u.month = 0
	}
	if t.prec < PrecDay {
		u.day = 0
	}
	return u, u.year >= 1 && u.year <= 9999
}

// timeAdd adds to a Time, wrapping around midnight.
func (t temporal) timeAdd(n int64, unit string) (temporal, bool) {
	var d time.Duration
	switch unit {
	case "hour":
		d = time.Duration(n) * time.Hour
	case "minute":
		d = time.Duration(n) * time.Minute
	case "second":
		d = time.Duration(n) * time.Second
	case "millisecond":
		d = time.Duration(n) * time.Millisecond
	default:
		return t, false
	}
	total := (time.Duration(t.hour)*time.Hour + time.Duration(t.minute)*time.Minute +
		time.Duration(t.second)*time.Second + time.Duration(t.ms)*time.Millisecond + d) % (24 * time.Hour)
	if total < 0 {
		total += 24 * time.Hour
	}
	u := t
	u.hour = int(total / time.Hour)
	u.minute = int(total % time.Hour / time.Minute)
	u.second = int(total % time.Minute / time.Second)
	u.ms = int(total % time.Second / time.Millisecond)
	return u, true
}

// temporalFromTime builds a DateTime/Date from a Go time (for now()/today()).
func temporalFromTime(g time.Time, prec Precision) temporal {
	_, off := g.Zone()
	var mo time.Month
	t := temporal{prec: prec, hasTZ: prec >= PrecHour, tzMinutes: off / 60}
	t.year, mo, t.day = g.Date()
	t.month = int(mo)
	if prec >= PrecHour {
		t.hour, t.minute, t.second = g.Clock()
		t.ms = g.Nanosecond() / 1e6
	}
	return t
}
