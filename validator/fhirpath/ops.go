package fhirpath

import (
	"math"
	"math/big"
	"strings"

	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// truth is three-valued logic: empty collections are unknown.
type truth int8

const (
	unknown truth = iota
	falseT
	trueT
)

// toTruth applies singleton evaluation of collections for boolean operators.
func (ev *evaluator) toTruth(n node, c Collection) truth {
	switch len(c) {
	case 0:
		return unknown
	case 1:
		switch v := ev.primitive(c[0]).(type) {
		case Boolean:
			if v {
				return trueT
			}
			return falseT
		}
		return trueT
	}
	ev.fail(n, "expected a single boolean, got %d items", len(c))
	return unknown
}

func fromTruth(t truth) Collection {
	switch t {
	case trueT:
		return trueColl
	case falseT:
		return falseColl
	}
	return nil
}

// Shared boolean results; collections are never appended to in place
// (len == cap), so sharing is safe.
var (
	trueColl  = Collection{Boolean(true)}
	falseColl = Collection{Boolean(false)}
)

func boolColl(b bool) Collection {
	if b {
		return trueColl
	}
	return falseColl
}

func (ev *evaluator) binary(n *binaryNode, focus Collection, fr *frame) Collection {
	switch n.op {
	case "and":
		l := ev.toTruth(n.l, ev.eval(n.l, focus, fr))
		if l == falseT {
			return fromTruth(falseT)
		}
		r := ev.toTruth(n.r, ev.eval(n.r, focus, fr))
		switch {
		case r == falseT:
			return fromTruth(falseT)
		case l == trueT && r == trueT:
			return fromTruth(trueT)
		}
		return nil
	case "or":
		l := ev.toTruth(n.l, ev.eval(n.l, focus, fr))
		if l == trueT {
			return fromTruth(trueT)
		}
		r := ev.toTruth(n.r, ev.eval(n.r, focus, fr))
		switch {
		case r == trueT:
			return fromTruth(trueT)
		case l == falseT && r == falseT:
			return fromTruth(falseT)
		}
		return nil
	case "xor":
		l := ev.toTruth(n.l, ev.eval(n.l, focus, fr))
		r := ev.toTruth(n.r, ev.eval(n.r, focus, fr))
		if l == unknown || r == unknown {
			return nil
		}
		return boolColl(l != r)
	case "implies":
		l := ev.toTruth(n.l, ev.eval(n.l, focus, fr))
		if l == falseT {
			return fromTruth(trueT)
		}
		r := ev.toTruth(n.r, ev.eval(n.r, focus, fr))
		if l == trueT {
			return fromTruth(r)
		}
		if r == trueT {
			return fromTruth(trueT)
		}
		return nil
	}
	l := ev.eval(n.l, focus, fr)
	r := ev.eval(n.r, focus, fr)
	switch n.op {
	case "|":
		out := ev.union(l, r)
		ev.spend(n, len(out))
		return out
	case "=", "!=":
		if len(l) == 0 || len(r) == 0 || (len(l) == 1 && valueless(l[0])) || (len(r) == 1 && valueless(r[0])) {
			return nil
		}
		eq, ok := ev.collectionsEqual(l, r)
		if !ok {
			return nil
		}
		return boolColl(eq == (n.op == "="))
	case "~", "!~":
		return boolColl(ev.collectionsEquivalent(l, r) == (n.op == "~"))
	case "in", "contains":
		item, coll := l, r
		if n.op == "contains" {
			item, coll = r, l
		}
		if len(item) == 0 || (len(item) == 1 && valueless(item[0])) {
			return nil
		}
		if len(item) > 1 {
			ev.fail(n, "'%s' needs a single item, got %d", n.op, len(item))
		}
		collNode := n.r
		if n.op == "contains" {
			collNode = n.l
		}
		return boolColl(ev.isMember(n, collNode, coll, item[0]))
	case "&":
		a, b := ev.stringOrEmpty(n.l, l), ev.stringOrEmpty(n.r, r)
		ev.spendBytes(n, len(a)+len(b))
		return Collection{String(a + b)}
	}
	if len(l) == 0 || len(r) == 0 {
		return nil
	}
	if len(l) > 1 || len(r) > 1 {
		ev.fail(n, "'%s' needs single items, got %d and %d", n.op, len(l), len(r))
	}
	if valueless(l[0]) || valueless(r[0]) {
		return nil
	}
	a, b := ev.primitive(l[0]), ev.primitive(r[0])
	switch n.op {
	case "<", ">", "<=", ">=":
		c, ok := ev.compare(n, a, b)
		if !ok {
			return nil
		}
		switch n.op {
		case "<":
			return boolColl(c < 0)
		case ">":
			return boolColl(c > 0)
		case "<=":
			return boolColl(c <= 0)
		}
		return boolColl(c >= 0)
	}
	return ev.arithmetic(n, a, b)
}

func (ev *evaluator) stringOrEmpty(n node, c Collection) string {
	if len(c) == 0 || (len(c) == 1 && valueless(c[0])) {
		return ""
	}
	if len(c) > 1 {
		ev.fail(n, "'&' needs a single string, got %d items", len(c))
	}
	s, ok := ev.primitive(c[0]).(String)
	if !ok {
		ev.fail(n, "'&' needs strings, got %s", typeLabel(c[0]))
	}
	return string(s)
}

// union merges two collections without duplicates, in order.
func (ev *evaluator) union(l, r Collection) Collection {
	out := make(Collection, 0, len(l)+len(r))
	seen := newItemSet(ev, len(l)+len(r))
	for _, c := range [2]Collection{l, r} {
		for _, v := range c {
			if seen.add(v) {
				out = append(out, v)
			}
		}
	}
	return out
}

func (ev *evaluator) containsValue(c Collection, v Value) bool {
	for _, x := range c {
		if eq, ok := ev.valuesEqual(x, v); ok && eq {
			return true
		}
	}
	return false
}

func (ev *evaluator) collectionsEqual(l, r Collection) (bool, bool) {
	if len(l) != len(r) {
		return false, true
	}
	for i := range l {
		eq, ok := ev.valuesEqual(l[i], r[i])
		if !ok {
			return false, false
		}
		if !eq {
			return false, true
		}
	}
	return true, true
}

func (ev *evaluator) collectionsEquivalent(l, r Collection) bool {
	if len(l) != len(r) {
		return false
	}
	ev.spend(nil, min(len(l)*len(r), ev.maxWork))
	used := make([]bool, len(r))
outer:
	for _, a := range l {
		for j, b := range r {
			if !used[j] && ev.valuesEquivalent(a, b) {
				used[j] = true
				continue outer
			}
		}
		return false
	}
	return true
}

// valuesEqual is '=' on single items; ok is false when the result is
// empty (differing date precision, incomparable units).
func (ev *evaluator) valuesEqual(x, y Value) (eq, ok bool) {
	a, b := ev.primitive(x), ev.primitive(y)
	switch a := a.(type) {
	case Boolean:
		bv, isB := b.(Boolean)
		return isB && a == bv, true
	case String:
		bv, isS := b.(String)
		return isS && a == bv, true
	case Integer:
		switch bv := b.(type) {
		case Integer:
			return a == bv, true
		case Decimal:
			return decimalFromInt(int64(a)).Cmp(bv) == 0, true
		case Quantity:
			return quantityEqual(Quantity{Value: decimalFromInt(int64(a)), Unit: "1"}, bv)
		}
		return false, true
	case Decimal:
		switch bv := b.(type) {
		case Integer:
			return a.Cmp(decimalFromInt(int64(bv))) == 0, true
		case Decimal:
			return a.Cmp(bv) == 0, true
		case Quantity:
			return quantityEqual(Quantity{Value: a, Unit: "1"}, bv)
		}
		return false, true
	case Quantity:
		switch bv := b.(type) {
		case Quantity:
			return quantityEqual(a, bv)
		case Integer:
			return quantityEqual(a, Quantity{Value: decimalFromInt(int64(bv)), Unit: "1"})
		case Decimal:
			return quantityEqual(a, Quantity{Value: bv, Unit: "1"})
		}
		return false, true
	case Date, DateTime:
		ta, tb, okb := temporalPair(a, b)
		if !okb {
			return false, true
		}
		c, ok := compareTemporal(ta, tb, true)
		return c == 0, ok
	case Time:
		bv, isT := b.(Time)
		if !isT {
			return false, true
		}
		c, ok := compareTemporal(a.t, bv.t, false)
		return c == 0, ok
	case typeInfo:
		bv, isT := b.(typeInfo)
		return isT && a == bv, true
	case Node:
		bn, isN := b.(Node)
		if !isN {
			return false, true
		}
		return nodesEqual(a, bn), true
	}
	return false, true
}

func quantityEqual(a, b Quantity) (bool, bool) {
	c, ok := compareQuantities(a, b)
	if !ok {
		return false, false
	}
	return c == 0, true
}

// temporalPair extracts date/time fields of two Date/DateTime values.
func temporalPair(a, b Value) (temporal, temporal, bool) {
	var ta, tb temporal
	switch a := a.(type) {
	case Date:
		ta = a.t
	case DateTime:
		ta = a.t
	default:
		return ta, tb, false
	}
	switch b := b.(type) {
	case Date:
		tb = b.t
	case DateTime:
		tb = b.t
	default:
		return ta, tb, false
	}
	return ta, tb, true
}

// nodesEqual compares two JSON subtrees structurally (member order ignored).
func nodesEqual(a, b Node) bool {
	if a.ID == jsontree.None || b.ID == jsontree.None {
		return a.ID == b.ID && a.Ext == b.Ext && a.Tree == b.Tree
	}
	return jsonEqual(a.Tree, a.ID, b.Tree, b.ID, 0)
}

func jsonEqual(ta *jsontree.Tree, a jsontree.ID, tb *jsontree.Tree, b jsontree.ID, depth int) bool {
	if ta == tb && a == b {
		return true
	}
	if depth > 256 || ta.Kind(a) != tb.Kind(b) {
		return false
	}
	switch ta.Kind(a) {
	case jsontree.Object:
		if ta.Count(a) != tb.Count(b) {
			return false
		}
		for c := ta.First(a); c != jsontree.None; c = ta.Next(c) {
			d := tb.Get(b, ta.Key(c))
			if d == jsontree.None || !jsonEqual(ta, c, tb, d, depth+1) {
				return false
			}
		}
		return true
	case jsontree.Array:
		if ta.Count(a) != tb.Count(b) {
			return false
		}
		for c, d := ta.First(a), tb.First(b); c != jsontree.None; c, d = ta.Next(c), tb.Next(d) {
			if !jsonEqual(ta, c, tb, d, depth+1) {
				return false
			}
		}
		return true
	case jsontree.Number:
		x, ok1 := parseDecimal(ta.Str(a))
		y, ok2 := parseDecimal(tb.Str(b))
		return ok1 && ok2 && x.Cmp(y) == 0
	case jsontree.Bool:
		return ta.Bool(a) == tb.Bool(b)
	}
	return ta.Str(a) == tb.Str(b)
}

// valuesEquivalent is '~' on single items.
func (ev *evaluator) valuesEquivalent(x, y Value) bool {
	a, b := ev.primitive(x), ev.primitive(y)
	switch a := a.(type) {
	case String:
		bv, ok := b.(String)
		return ok && normalizeSpace(string(a)) == normalizeSpace(string(bv))
	case Integer, Decimal:
		da, okA := toDecimal(a)
		db, okB := toDecimal(b)
		if !okA || !okB {
			return false
		}
		s := min(da.scale, db.scale)
		return da.Round(s).Cmp(db.Round(s)) == 0
	case Quantity:
		bv, ok := b.(Quantity)
		if !ok {
			return false
		}
		if normalUnit(a.Unit) == normalUnit(bv.Unit) {
			s := min(a.Value.scale, bv.Value.scale)
			return a.Value.Round(s).Cmp(bv.Value.Round(s)) == 0
		}
		_, ua, ok1 := a.canonical()
		rb, ub, ok2 := bv.canonical()
		if !ok1 || !ok2 || ua.dims != ub.dims || ua.special != ub.special {
			// Calendar year/month are equivalent to UCUM 'a'/'mo'.
			return calendarEquivalent(a, bv)
		}
		// Express b in a's unit, then compare at a's precision.
		conv := new(big.Rat).Quo(rb, ua.factor)
		s := a.Value.scale
		return a.Value.Round(s).Cmp(decimalFromRat(conv, s)) == 0
	case Date, DateTime:
		ta, tb, ok := temporalPair(a, b)
		if !ok {
			return false
		}
		c, ok := compareTemporal(ta, tb, true)
		return ok && c == 0
	case Time:
		bv, ok := b.(Time)
		if !ok {
			return false
		}
		c, ok := compareTemporal(a.t, bv.t, false)
		return ok && c == 0
	}
	eq, ok := ev.valuesEqual(a, b)
	return ok && eq
}

func calendarEquivalent(a, b Quantity) bool {
	m := map[string]string{"a": "year", "mo": "month"}
	ua, ub := normalUnit(a.Unit), normalUnit(b.Unit)
	if v, ok := m[ua]; ok {
		ua = v
	}
	if v, ok := m[ub]; ok {
		ub = v
	}
	return ua == ub && a.Value.Cmp(b.Value) == 0
}

func normalizeSpace(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func toDecimal(v Value) (Decimal, bool) {
	switch v := v.(type) {
	case Integer:
		return decimalFromInt(int64(v)), true
	case Decimal:
		return v, true
	}
	return Decimal{}, false
}

// compare orders two single values; ok is false when the result is empty
// (differing precision). Incomparable types are an error.
func (ev *evaluator) compare(n node, a, b Value) (int, bool) {
	switch a := a.(type) {
	case Integer:
		if bv, ok := b.(Integer); ok {
			switch {
			case a < bv:
				return -1, true
			case a > bv:
				return 1, true
			}
			return 0, true
		}
		if bv, ok := b.(Decimal); ok {
			return decimalFromInt(int64(a)).Cmp(bv), true
		}
	case Decimal:
		if db, ok := toDecimal(b); ok {
			return a.Cmp(db), true
		}
	case String:
		if bv, ok := b.(String); ok {
			return strings.Compare(string(a), string(bv)), true
		}
	case Date, DateTime:
		if ta, tb, ok := temporalPair(a, b); ok {
			return compareTemporal(ta, tb, true)
		}
	case Time:
		if bv, ok := b.(Time); ok {
			return compareTemporal(a.t, bv.t, false)
		}
	case Quantity:
		if bv, ok := b.(Quantity); ok {
			c, ok := compareQuantities(a, bv)
			if !ok {
				return 0, false
			}
			return c, true
		}
	}
	ev.fail(n, "cannot compare %s with %s", typeLabel(a), typeLabel(b))
	return 0, false
}

// arithmetic implements + - * / div mod on single values.
func (ev *evaluator) arithmetic(n *binaryNode, a, b Value) Collection {
	op := n.op
	switch a := a.(type) {
	case String:
		if bv, ok := b.(String); ok && op == "+" {
			ev.spendBytes(n, len(a)+len(bv))
			return Collection{a + bv}
		}
	case Integer:
		switch bv := b.(type) {
		case Integer:
			return ev.intArith(n, int64(a), int64(bv))
		case Decimal:
			return ev.decArith(n, decimalFromInt(int64(a)), bv)
		case Quantity:
			if op == "*" {
				return Collection{Quantity{Value: decimalFromInt(int64(a)).Mul(bv.Value), Unit: bv.Unit}}
			}
		}
	case Decimal:
		switch bv := b.(type) {
		case Integer:
			return ev.decArith(n, a, decimalFromInt(int64(bv)))
		case Decimal:
			return ev.decArith(n, a, bv)
		case Quantity:
			if op == "*" {
				return Collection{Quantity{Value: a.Mul(bv.Value), Unit: bv.Unit}}
			}
		}
	case Quantity:
		return ev.quantityArith(n, a, b)
	case Date:
		if q, ok := b.(Quantity); ok && (op == "+" || op == "-") {
			if t, ok := ev.addQuantity(n, a.t, q, op == "-", true); ok {
				return Collection{Date{t}}
			}
			return nil
		}
	case DateTime:
		if q, ok := b.(Quantity); ok && (op == "+" || op == "-") {
			if t, ok := ev.addQuantity(n, a.t, q, op == "-", true); ok {
				return Collection{DateTime{t}}
			}
			return nil
		}
	case Time:
		if q, ok := b.(Quantity); ok && (op == "+" || op == "-") {
			if t, ok := ev.addQuantity(n, a.t, q, op == "-", false); ok {
				return Collection{Time{t}}
			}
			return nil
		}
	}
	ev.fail(n, "operator '%s' cannot be applied to %s and %s", op, typeLabel(a), typeLabel(b))
	return nil
}

func (ev *evaluator) intArith(n *binaryNode, a, b int64) Collection {
	var r int64
	switch n.op {
	case "+":
		r = a + b
		if (b > 0 && r < a) || (b < 0 && r > a) {
			ev.fail(n, "integer overflow")
		}
	case "-":
		r = a - b
		if (b < 0 && r < a) || (b > 0 && r > a) {
			ev.fail(n, "integer overflow")
		}
	case "*":
		r = a * b
		if a != 0 && (r/a != b || (a == -1 && b == math.MinInt64)) {
			ev.fail(n, "integer overflow")
		}
	case "/":
		return ev.decArith(n, decimalFromInt(a), decimalFromInt(b))
	case "div":
		if b == 0 {
			return nil
		}
		r = a / b
	case "mod":
		if b == 0 {
			return nil
		}
		r = a % b
	}
	if r > math.MaxInt32 || r < math.MinInt32 {
		ev.fail(n, "integer overflow")
	}
	return Collection{Integer(r)}
}

func (ev *evaluator) decArith(n *binaryNode, a, b Decimal) Collection {
	switch n.op {
	case "+":
		return Collection{a.Add(b)}
	case "-":
		return Collection{a.Sub(b)}
	case "*":
		return Collection{a.Mul(b)}
	case "/":
		q, ok := a.Quo(b)
		if !ok {
			return nil
		}
		return Collection{q}
	case "div":
		if b.Sign() == 0 {
			return nil
		}
		q, _ := a.Quo(b)
		return Collection{q.Truncate()}
	case "mod":
		if b.Sign() == 0 {
			return nil
		}
		q, _ := a.Quo(b)
		return Collection{a.Sub(q.Truncate().Mul(b))}
	}
	return nil
}

func (ev *evaluator) quantityArith(n *binaryNode, a Quantity, b Value) Collection {
	switch n.op {
	case "*", "/":
		var bq Quantity
		switch bv := b.(type) {
		case Quantity:
			bq = bv
		case Integer:
			bq = Quantity{Value: decimalFromInt(int64(bv)), Unit: "1"}
		case Decimal:
			bq = Quantity{Value: bv, Unit: "1"}
		default:
			ev.fail(n, "operator '%s' cannot be applied to Quantity and %s", n.op, typeLabel(b))
		}
		var v Decimal
		if n.op == "*" {
			v = a.Value.Mul(bq.Value)
		} else {
			q, ok := a.Value.Quo(bq.Value)
			if !ok {
				return nil
			}
			v = q
		}
		return Collection{Quantity{Value: v, Unit: combineUnitText(a.Unit, bq.Unit, n.op == "/")}}
	case "+", "-":
		bq, ok := b.(Quantity)
		if !ok {
			break
		}
		if normalUnit(a.Unit) != normalUnit(bq.Unit) {
			// Convert b into a's unit when both are understood.
			_, ua, ok1 := a.canonical()
			rb, ub, ok2 := bq.canonical()
			if !ok1 || !ok2 || ua.dims != ub.dims || ua.special != ub.special {
				return nil
			}
			bq = Quantity{Value: decimalFromQuotient(new(big.Rat).Quo(rb, ua.factor)), Unit: a.Unit}
		}
		if n.op == "+" {
			return Collection{Quantity{Value: a.Value.Add(bq.Value), Unit: a.Unit}}
		}
		return Collection{Quantity{Value: a.Value.Sub(bq.Value), Unit: a.Unit}}
	}
	ev.fail(n, "operator '%s' cannot be applied to Quantity and %s", n.op, typeLabel(b))
	return nil
}

// combineUnitText writes the unit of a product or quotient.
func combineUnitText(a, b string, divide bool) string {
	wrap := func(u string) string {
		if strings.ContainsAny(u, "./") {
			return "(" + u + ")"
		}
		return u
	}
	if isCalendarWord(a) {
		a = calendarUCUM[normalUnit(a)]
	}
	if isCalendarWord(b) {
		b = calendarUCUM[normalUnit(b)]
	}
	switch {
	case b == "1":
		return a
	case a == "1" && !divide:
		return b
	case divide:
		return wrap(a) + "/" + wrap(b)
	}
	return wrap(a) + "." + wrap(b)
}

var calendarUCUM = map[string]string{
	"year": "a", "month": "mo", "week": "wk", "day": "d", "hour": "h",
	"minute": "min", "second": "s", "millisecond": "ms",
}

// ucumCalendar maps UCUM time units to calendar units for date arithmetic.
// 'a' and 'mo' are not calendar durations, so they cannot be added to dates.
var ucumCalendar = map[string]string{
	"wk": "week", "d": "day", "h": "hour",
	"min": "minute", "s": "second", "ms": "millisecond",
}

// addQuantity adds (or subtracts) a time-valued quantity to a date/time.
func (ev *evaluator) addQuantity(n node, t temporal, q Quantity, subtract, withDate bool) (temporal, bool) {
	unit := normalUnit(q.Unit)
	if u, ok := ucumCalendar[unit]; ok {
		unit = u
	}
	if _, ok := calendarUnits[unit]; !ok {
		ev.fail(n, "cannot add %s to a date/time", literalText(q))
	}
	v := q.Value
	if subtract {
		v = v.Neg()
	}
	amount, exact := v.Truncate().Int64()
	if !exact {
		ev.fail(n, "quantity too large")
	}
	// Fractions of the unit are dropped (the suite expects + 0.1 's' to be a no-op).
	// Units below the value's precision are converted and truncated.
	if withDate {
		switch {
		case t.prec == PrecYear && unit != "year":
			amount, unit = toCoarser(amount, unit, "year"), "year"
		case t.prec == PrecMonth && unit != "year" && unit != "month":
			amount, unit = toCoarser(amount, unit, "month"), "month"
		case t.prec == PrecDay && (unit == "hour" || unit == "minute" || unit == "second" || unit == "millisecond"):
			amount, unit = toCoarser(amount, unit, "day"), "day"
		}
		return t.addDuration(amount, unit)
	}
	if unit == "year" || unit == "month" || unit == "week" || unit == "day" {
		ev.fail(n, "cannot add %s to a time", literalText(q))
	}
	return t.timeAdd(amount, unit)
}

// toCoarser converts an amount of a fine unit to whole units of a coarser one.
func toCoarser(amount int64, from, to string) int64 {
	secs := map[string]int64{"week": 604800, "day": 86400, "hour": 3600, "minute": 60, "second": 1}
	switch to {
	case "year":
		if from == "month" {
			return amount / 12
		}
		return amount * secs[from] / (365 * 86400)
	case "month":
		return amount * secs[from] / (30 * 86400)
	case "day":
		if from == "millisecond" {
			return amount / 86400000
		}
		return amount * secs[from] / 86400
	}
	return amount
}
