package fhirpath

import (
	"math/big"
	"regexp"
	"strings"
	"sync"
)

var (
	integerText  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[+-]?[0-9]+$`) })
	decimalText  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`) })
	quantityText = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([+-]?[0-9]+(?:\.[0-9]+)?)\s*(?:'([^']+)'|([a-zA-Z]+))?$`)
	})
)

// convert is a to/convertsTo function pair: conv returns the converted
// value, or false when the input does not convert.
func registerConvert(name string, conv func(ev *evaluator, c *callNode, v Value, focus Collection, fr *frame) (Value, bool)) {
	register("to"+name, 0, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		if v == nil || valueless(v) {
			return nil
		}
		if r, ok := conv(ev, c, ev.primitive(v), focus, fr); ok {
			return Collection{r}
		}
		return nil
	})
	register("convertsTo"+name, 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		if v == nil || valueless(v) {
			return nil
		}
		_, ok := conv(ev, c, ev.primitive(v), focus, fr)
		return boolColl(ok)
	})
}

func registerConversion() {
	registerConvert("Boolean", func(ev *evaluator, c *callNode, v Value, _ Collection, _ *frame) (Value, bool) {
		switch v := v.(type) {
		case Boolean:
			return v, true
		case Integer:
			if v == 0 || v == 1 {
				return Boolean(v == 1), true
			}
		case Decimal:
			if v.Cmp(decimalFromInt(0)) == 0 || v.Cmp(decimalFromInt(1)) == 0 {
				return Boolean(v.Sign() != 0), true
			}
		case String:
			switch strings.ToLower(string(v)) {
			case "true", "t", "yes", "y", "1", "1.0":
				return Boolean(true), true
			case "false", "f", "no", "n", "0", "0.0":
				return Boolean(false), true
			}
		}
		return nil, false
	})
	registerConvert("Integer", func(ev *evaluator, c *callNode, v Value, _ Collection, _ *frame) (Value, bool) {
		switch v := v.(type) {
		case Integer:
			return v, true
		case Boolean:
			if v {
				return Integer(1), true
			}
			return Integer(0), true
		case String:
			if integerText().MatchString(string(v)) {
				d, ok := parseDecimal(string(v))
				if i, fits := d.Int64(); ok && fits && i <= 2147483647 && i >= -2147483648 {
					return Integer(i), true
				}
			}
		}
		return nil, false
	})
	registerConvert("Decimal", func(ev *evaluator, c *callNode, v Value, _ Collection, _ *frame) (Value, bool) {
		switch v := v.(type) {
		case Decimal:
			return v, true
		case Integer:
			return decimalFromInt(int64(v)), true
		case Boolean:
			if v {
				return decimalFromInt(1), true
			}
			return decimalFromInt(0), true
		case String:
			if decimalText().MatchString(string(v)) {
				return parseDecimal(string(v))
			}
		}
		return nil, false
	})
	registerConvert("String", func(ev *evaluator, c *callNode, v Value, _ Collection, _ *frame) (Value, bool) {
		s, ok := stringOf(v)
		if !ok {
			return nil, false
		}
		return String(s), true
	})
	registerConvert("Date", func(ev *evaluator, c *callNode, v Value, _ Collection, _ *frame) (Value, bool) {
		switch v := v.(type) {
		case Date:
			return v, true
		case DateTime:
			t := v.t
			t.prec = min(t.prec, PrecDay)
			t.hour, t.minute, t.second, t.ms, t.hasTZ = 0, 0, 0, 0, false
			return Date{t}, true
		case String:
			s := string(v)
			if t, ok := parseDateTimeText(s); ok {
				t.prec = min(t.prec, PrecDay)
				t.hour, t.minute, t.second, t.ms, t.hasTZ = 0, 0, 0, 0, false
				return Date{t}, true
			}
		}
		return nil, false
	})
	registerConvert("DateTime", func(ev *evaluator, c *callNode, v Value, _ Collection, _ *frame) (Value, bool) {
		switch v := v.(type) {
		case DateTime:
			return v, true
		case Date:
			return DateTime{v.t}, true
		case String:
			if t, ok := parseDateTimeText(string(v)); ok {
				return DateTime{t}, true
			}
		}
		return nil, false
	})
	registerConvert("Time", func(ev *evaluator, c *callNode, v Value, _ Collection, _ *frame) (Value, bool) {
		switch v := v.(type) {
		case Time:
			return v, true
		case String:
			var t temporal
			if parseTimeText(strings.TrimPrefix(string(v), "T"), &t) {
				return Time{t}, true
			}
		}
		return nil, false
	})
	registerConvert("Quantity", func(ev *evaluator, c *callNode, v Value, focus Collection, fr *frame) (Value, bool) {
		var q Quantity
		switch v := v.(type) {
		case Quantity:
			q = v
		case Integer:
			q = Quantity{Value: decimalFromInt(int64(v)), Unit: "1"}
		case Decimal:
			q = Quantity{Value: v, Unit: "1"}
		case Boolean:
			q = Quantity{Value: decimalFromInt(0).Add(Decimal{unscaled: big.NewInt(0), scale: 1}), Unit: "1"}
			if v {
				q.Value = Decimal{unscaled: big.NewInt(10), scale: 1}
			}
		case String:
			m := quantityText().FindStringSubmatch(strings.TrimSpace(string(v)))
			if m == nil {
				return nil, false
			}
			d, _ := parseDecimal(m[1])
			unit := "1"
			switch {
			case m[2] != "":
				unit = m[2]
			case m[3] != "":
				cu, ok := calendarUnits[m[3]]
				if !ok {
					return nil, false
				}
				unit = cu
			}
			q = Quantity{Value: d, Unit: unit}
		default:
			return nil, false
		}
		if len(c.args) == 0 {
			return q, true
		}
		unit, ok := ev.stringArg(c, 0, focus, fr)
		if !ok {
			return q, true
		}
		if normalUnit(unit) == normalUnit(q.Unit) {
			return q, true
		}
		rq, uq, ok1 := q.canonical()
		target, ok2 := parseUnit(unit)
		if !ok1 || !ok2 || uq.dims != target.dims || uq.special != target.special {
			return nil, false
		}
		return Quantity{Value: decimalFromQuotient(new(big.Rat).Quo(rq, target.factor)), Unit: unit}, true
	})
}

// stringOf is toString(): the string form of a primitive value.
func stringOf(v Value) (string, bool) {
	switch v := v.(type) {
	case String:
		return string(v), true
	case Boolean, Integer, Decimal:
		return literalText(v), true
	case Date:
		return v.String(), true
	case DateTime:
		return v.stringValue(), true
	case Time:
		return v.String(), true
	case Quantity:
		return v.String(), true
	}
	return "", false
}
