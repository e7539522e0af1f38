package fhirpath

import (
	"math/big"
	"strconv"
	"strings"
)

// ucum converts the common UCUM units to a canonical form (a factor and a
// dimension vector) so that quantities in different units can be compared:
// 4 'g' = 4000 'mg', 7 days = 1 'wk'. Units outside the table are only
// comparable to the identical unit string.

// dims counts the powers of m, g, s, K, mol, cd, C (charge), rad, and of
// the calendar month (year/month durations, which are not UCUM 'a'/'mo').
type dims [9]int8

type unitValue struct {
	factor *big.Rat
	dims   dims
	// special is set for arbitrary units ("[IU]", "Cel") compared by name only.
	special string
}

const (
	dimM = iota
	dimG
	dimS
	dimK
	dimMol
	dimCd
	dimC
	dimRad
	dimCalMonth
)

func ratOf(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("fhirpath: bad unit factor " + s)
	}
	return r
}

type atomDef struct {
	factor string
	dims   dims
	metric bool // may take a prefix
}

func d(m, g, s int8) dims { return dims{dimM: m, dimG: g, dimS: s} }

var atoms = map[string]atomDef{
	"1":           {"1", dims{}, false},
	"m":           {"1", d(1, 0, 0), true},
	"g":           {"1", d(0, 1, 0), true},
	"s":           {"1", d(0, 0, 1), true},
	"K":           {"1", dims{dimK: 1}, true},
	"mol":         {"602214076000000000000000", dims{}, true},
	"cd":          {"1", dims{dimCd: 1}, true},
	"C":           {"1", dims{dimC: 1}, true},
	"rad":         {"1", dims{dimRad: 1}, true},
	"L":           {"1/1000", d(3, 0, 0), true},
	"l":           {"1/1000", d(3, 0, 0), true},
	"min":         {"60", d(0, 0, 1), false},
	"h":           {"3600", d(0, 0, 1), false},
	"d":           {"86400", d(0, 0, 1), false},
	"wk":          {"604800", d(0, 0, 1), false},
	"mo":          {"2629800", d(0, 0, 1), false},
	"a":           {"31557600", d(0, 0, 1), false},
	"Hz":          {"1", d(0, 0, -1), true},
	"N":           {"1000", d(1, 1, -2), true},
	"Pa":          {"1000", d(-1, 1, -2), true},
	"J":           {"1000", d(2, 1, -2), true},
	"W":           {"1000", d(2, 1, -3), true},
	"A":           {"1", dims{dimC: 1, dimS: -1}, true},
	"V":           {"1000", dims{dimM: 2, dimG: 1, dimS: -2, dimC: -1}, true},
	"bar":         {"100000000", d(-1, 1, -2), true},
	"eq":          {"602214076000000000000000", dims{}, true},
	"%":           {"1/100", dims{}, false},
	"10*":         {"10", dims{}, false},
	"[ppm]":       {"1/1000000", dims{}, false},
	"[in_i]":      {"127/5000", d(1, 0, 0), false},
	"[ft_i]":      {"381/1250", d(1, 0, 0), false},
	"[yd_i]":      {"1143/1250", d(1, 0, 0), false},
	"[mi_i]":      {"201168/125", d(1, 0, 0), false},
	"[lb_av]":     {"45359237/100000", d(0, 1, 0), false},
	"[oz_av]":     {"45359237/1600000", d(0, 1, 0), false},
	"[gr]":        {"6479891/100000000", d(0, 1, 0), false},
	"mm[Hg]":      {"1333220/10", d(-1, 1, -2), false},
	"[psi]":       {"6894757.29316836", d(-1, 1, -2), false},
	"cal":         {"4184", d(2, 1, -2), true},
	"[degF]":      {"", dims{}, false}, // affine: compared by name only
	"Cel":         {"", dims{}, false},
	"[pH]":        {"", dims{}, false},
	"[iU]":        {"", dims{}, true},
	"[IU]":        {"", dims{}, true},
	"U":           {"", dims{}, true},
	"deg":         {"0.017453292519943295", dims{dimRad: 1}, false},
	"year":        {"12", dims{dimCalMonth: 1}, false},
	"month":       {"1", dims{dimCalMonth: 1}, false},
	"week":        {"604800", d(0, 0, 1), false},
	"day":         {"86400", d(0, 0, 1), false},
	"hour":        {"3600", d(0, 0, 1), false},
	"minute":      {"60", d(0, 0, 1), false},
	"second":      {"1", d(0, 0, 1), false},
	"millisecond": {"1/1000", d(0, 0, 1), false},
}

var prefixes = []struct {
	sym    string
	factor string
}{
	{"da", "10"}, {"Y", "1e24"}, {"Z", "1e21"}, {"E", "1e18"}, {"P", "1e15"}, {"T", "1e12"},
	{"G", "1e9"}, {"M", "1e6"}, {"k", "1e3"}, {"h", "1e2"}, {"d", "1/10"}, {"c", "1/100"},
	{"m", "1/1000"}, {"u", "1/1000000"}, {"n", "1/1000000000"}, {"p", "1/1000000000000"},
	{"f", "1/1000000000000000"}, {"a", "1/1000000000000000000"},
}

// calendar keywords and their plurals map to the singular.
var calendarUnits = map[string]string{
	"year": "year", "years": "year", "month": "month", "months": "month",
	"week": "week", "weeks": "week", "day": "day", "days": "day",
	"hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute",
	"second": "second", "seconds": "second", "millisecond": "millisecond", "milliseconds": "millisecond",
}

func isCalendarUnit(u string) bool { _, ok := calendarUnits[u]; return ok && calendarUnits[u] == u }

// parseUnit converts a unit string into canonical form.
func parseUnit(u string) (unitValue, bool) {
	if c, ok := calendarUnits[u]; ok {
		a := atoms[c]
		return unitValue{factor: ratOf(a.factor), dims: a.dims}, true
	}
	p := unitParser{s: u}
	v, ok := p.term()
	if !ok || p.i != len(p.s) {
		return unitValue{}, false
	}
	return v, true
}

type unitParser struct {
	s string
	i int
}

func (p *unitParser) term() (unitValue, bool) {
	acc := unitValue{factor: big.NewRat(1, 1)}
	op := byte('.')
	if p.i < len(p.s) && p.s[p.i] == '/' {
		op = '/'
		p.i++
	}
	for {
		c, ok := p.component()
		if !ok {
			return acc, false
		}
		acc = combineUnits(acc, c, op == '/')
		if p.i >= len(p.s) || (p.s[p.i] != '.' && p.s[p.i] != '/') {
			return acc, true
		}
		op = p.s[p.i]
		p.i++
	}
}

func combineUnits(a, b unitValue, divide bool) unitValue {
	r := unitValue{factor: new(big.Rat)}
	if divide {
		r.factor.Quo(a.factor, b.factor)
	} else {
		r.factor.Mul(a.factor, b.factor)
	}
	for i := range r.dims {
		if divide {
			r.dims[i] = a.dims[i] - b.dims[i]
		} else {
			r.dims[i] = a.dims[i] + b.dims[i]
		}
	}
	switch {
	case a.special != "" && b.special != "":
		op := "."
		if divide {
			op = "/"
		}
		r.special = a.special + op + b.special
	case a.special != "":
		r.special = a.special
	case b.special != "":
		r.special = b.special
		if divide {
			r.special = "/" + b.special
		}
	}
	return r
}

func (p *unitParser) component() (unitValue, bool) {
	if p.i >= len(p.s) {
		return unitValue{}, false
	}
	if p.s[p.i] == '(' {
		p.i++
		v, ok := p.term()
		if !ok || p.i >= len(p.s) || p.s[p.i] != ')' {
			return v, false
		}
		p.i++
		return p.exponent(v)
	}
	if p.s[p.i] == '{' {
		if !p.annotation() {
			return unitValue{}, false
		}
		return unitValue{factor: big.NewRat(1, 1)}, true
	}
	// The atom runs to the next operator, exponent or annotation.
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '[' {
			end := strings.IndexByte(p.s[p.i:], ']')
			if end < 0 {
				return unitValue{}, false
			}
			p.i += end + 1
			continue
		}
		if c == '.' || c == '/' || c == '{' || c == '(' || c == ')' || c == '+' || c == '-' || isDigit(c) {
			// "10*" is an atom with digits; "m2" has an exponent.
			if isDigit(c) && p.i == start {
				for p.i < len(p.s) && isDigit(p.s[p.i]) {
					p.i++
				}
				if p.i < len(p.s) && (p.s[p.i] == '*' || p.s[p.i] == '^') {
					p.i++
					continue
				}
				break
			}
			break
		}
		p.i++
	}
	v, ok := atomValue(p.s[start:p.i])
	if !ok {
		return v, false
	}
	if p.i < len(p.s) && p.s[p.i] == '{' && !p.annotation() {
		return v, false
	}
	return p.exponent(v)
}

func (p *unitParser) annotation() bool {
	end := strings.IndexByte(p.s[p.i:], '}')
	if end < 0 {
		return false
	}
	p.i += end + 1
	return true
}

func (p *unitParser) exponent(v unitValue) (unitValue, bool) {
	start := p.i
	if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
		p.i++
	}
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		return v, true
	}
	n, err := strconv.Atoi(p.s[start:p.i])
	if err != nil || n < -20 || n > 20 {
		return v, false
	}
	r := unitValue{factor: big.NewRat(1, 1), special: v.special}
	base := v.factor
	if n < 0 {
		if base.Sign() == 0 {
			return v, false
		}
		base = new(big.Rat).Inv(base)
	}
	for k := 0; k < abs(n); k++ {
		r.factor.Mul(r.factor, base)
	}
	for i := range v.dims {
		r.dims[i] = v.dims[i] * int8(n)
	}
	if v.special != "" && n != 1 {
		r.special = v.special + p.s[start:p.i]
	}
	return r, true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func atomValue(sym string) (unitValue, bool) {
	if sym == "" {
		return unitValue{}, false
	}
	if a, ok := atoms[sym]; ok && !isCalendarWord(sym) {
		return atomUnit(sym, a, big.NewRat(1, 1)), true
	}
	if strings.HasPrefix(sym, "10*") || strings.HasPrefix(sym, "10^") {
		n, err := strconv.Atoi(sym[3:])
		if err == nil && n >= -24 && n <= 24 {
			f := new(big.Rat).SetInt(pow10(int32(abs(n))))
			if n < 0 {
				f.Inv(f)
			}
			return unitValue{factor: f}, true
		}
	}
	for _, pr := range prefixes {
		rest, ok := strings.CutPrefix(sym, pr.sym)
		if !ok {
			continue
		}
		if a, ok := atoms[rest]; ok && a.metric {
			return atomUnit(rest, a, ratOf(pr.factor)), true
		}
	}
	return unitValue{}, false
}

func isCalendarWord(s string) bool { _, ok := calendarUnits[s]; return ok }

func atomUnit(sym string, a atomDef, prefix *big.Rat) unitValue {
	if a.factor == "" {
		return unitValue{factor: prefix, special: sym}
	}
	return unitValue{factor: new(big.Rat).Mul(prefix, ratOf(a.factor)), dims: a.dims}
}

// canonical returns the quantity's value in base units, and whether the
// unit was understood.
func (q Quantity) canonical() (*big.Rat, unitValue, bool) {
	u, ok := parseUnit(q.Unit)
	if !ok {
		return nil, u, false
	}
	return new(big.Rat).Mul(q.Value.rat(), u.factor), u, true
}

// compareQuantities compares two quantities; ok is false when their units
// are not comparable.
func compareQuantities(a, b Quantity) (int, bool) {
	if a.Unit == b.Unit || (normalUnit(a.Unit) == normalUnit(b.Unit)) {
		return a.Value.Cmp(b.Value), true
	}
	ra, ua, oka := a.canonical()
	rb, ub, okb := b.canonical()
	if !oka || !okb || ua.dims != ub.dims || ua.special != ub.special {
		return 0, false
	}
	return ra.Cmp(rb), true
}

// normalUnit treats plural calendar words as their singular.
func normalUnit(u string) string {
	if c, ok := calendarUnits[u]; ok {
		return c
	}
	return u
}
