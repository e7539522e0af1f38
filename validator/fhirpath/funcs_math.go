package fhirpath

import (
	"math"
	"math/big"
)

func registerMath() {
	numFn := func(name string, intFn func(Integer) (Value, bool), decFn func(Decimal) (Value, bool)) {
		register(name, 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
			v := ev.single(c, in)
			if v == nil || valueless(v) {
				return nil
			}
			var r Value
			ok := false
			switch p := ev.primitive(v).(type) {
			case Integer:
				r, ok = intFn(p)
			case Decimal:
				r, ok = decFn(p)
			case Quantity:
				if name == "abs" {
					return Collection{Quantity{Value: p.Value.Abs(), Unit: p.Unit}}
				}
				ev.fail(c, "%s() needs a number, got Quantity", name)
			default:
				ev.fail(c, "%s() needs a number, got %s", name, typeLabel(v))
			}
			if !ok {
				return nil
			}
			return Collection{r}
		})
	}
	floatFn := func(f func(float64) float64) func(Decimal) (Value, bool) {
		return func(d Decimal) (Value, bool) {
			r := f(d.Float())
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return nil, false
			}
			return decimalFromFloat(r)
		}
	}
	viaDec := func(f func(Decimal) (Value, bool)) func(Integer) (Value, bool) {
		return func(i Integer) (Value, bool) { return f(decimalFromInt(int64(i))) }
	}
	same := func(i Integer) (Value, bool) { return i, true }
	numFn("abs", func(i Integer) (Value, bool) {
		if i < 0 {
			return -i, true
		}
		return i, true
	}, func(d Decimal) (Value, bool) { return d.Abs(), true })
	numFn("ceiling", same, func(d Decimal) (Value, bool) { return decToInt(d.Ceil()) })
	numFn("floor", same, func(d Decimal) (Value, bool) { return decToInt(d.Floor()) })
	numFn("truncate", same, func(d Decimal) (Value, bool) { return decToInt(d.Truncate()) })
	numFn("exp", viaDec(floatFn(math.Exp)), floatFn(math.Exp))
	numFn("ln", viaDec(floatFn(math.Log)), floatFn(math.Log))
	numFn("sqrt", viaDec(floatFn(math.Sqrt)), floatFn(math.Sqrt))
	register("round", 0, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		if v == nil || valueless(v) {
			return nil
		}
		d, ok := toDecimal(ev.primitive(v))
		if !ok {
			ev.fail(c, "round() needs a number, got %s", typeLabel(v))
		}
		p := int64(0)
		if len(c.args) == 1 {
			n, ok := ev.intArg(c, 0, focus, fr)
			if !ok {
				return nil
			}
			if n < 0 {
				ev.fail(c.args[0], "round() precision must not be negative")
			}
			p = n
		}
		return Collection{d.Round(int32(min(p, 100)))}
	})
	register("log", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		b := ev.singleArg(c, 0, focus, fr)
		if v == nil || b == nil || valueless(v) {
			return nil
		}
		x, ok1 := toDecimal(ev.primitive(v))
		base, ok2 := toDecimal(b)
		if !ok1 || !ok2 {
			ev.fail(c, "log() needs numbers")
		}
		r := math.Log(x.Float()) / math.Log(base.Float())
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return nil
		}
		d, _ := decimalFromFloat(r)
		return Collection{d}
	})
	register("power", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		e := ev.singleArg(c, 0, focus, fr)
		if v == nil || e == nil || valueless(v) {
			return nil
		}
		base := ev.primitive(v)
		if bi, ok := base.(Integer); ok {
			if ei, ok := e.(Integer); ok && ei >= 0 {
				if ei > 32 && (bi > 1 || bi < -1) {
					return nil // beyond the Integer range; also bounds the work
				}
				r := new(big.Int).Exp(big.NewInt(int64(bi)), big.NewInt(int64(ei)), nil)
				if !r.IsInt64() || r.Int64() > math.MaxInt32 || r.Int64() < math.MinInt32 {
					return nil
				}
				return Collection{Integer(r.Int64())}
			}
		}
		x, ok1 := toDecimal(base)
		y, ok2 := toDecimal(e)
		if !ok1 || !ok2 {
			ev.fail(c, "power() needs numbers")
		}
		if y.IsInt() {
			if n, ok := y.Int64(); ok && n >= 0 && n <= 64 {
				r := decimalFromInt(1)
				for range n {
					r = r.Mul(x)
				}
				return Collection{r}
			}
		}
		r := math.Pow(x.Float(), y.Float())
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return nil
		}
		d, _ := decimalFromFloat(r)
		return Collection{d}
	})
	register("precision", 0, 0, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		if v == nil || valueless(v) {
			return nil
		}
		switch p := ev.primitive(v).(type) {
		case Decimal:
			return Collection{Integer(p.scale)}
		case Integer:
			return Collection{Integer(0)}
		case Date:
			return Collection{Integer(datePrecisionDigits(p.t))}
		case DateTime:
			return Collection{Integer(datePrecisionDigits(p.t))}
		case Time:
			return Collection{Integer(timePrecisionDigits(p.t))}
		}
		ev.fail(c, "precision() is not defined for %s", typeLabel(v))
		return nil
	})
	register("lowBoundary", 0, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return ev.boundary(c, in, focus, fr, false)
	})
	register("highBoundary", 0, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		return ev.boundary(c, in, focus, fr, true)
	})
	register("comparable", 1, 1, func(ev *evaluator, c *callNode, in, focus Collection, fr *frame) Collection {
		v := ev.single(c, in)
		o := ev.singleArg(c, 0, focus, fr)
		if v == nil || o == nil || valueless(v) {
			return nil
		}
		a, ok1 := ev.primitive(v).(Quantity)
		b, ok2 := o.(Quantity)
		if !ok1 || !ok2 {
			ev.fail(c, "comparable() needs quantities")
		}
		_, ok := compareQuantities(a, b)
		return boolColl(ok)
	})
}

func decToInt(d Decimal) (Value, bool) {
	i, ok := d.Int64()
	if !ok || i > math.MaxInt32 || i < math.MinInt32 {
		return d, true
	}
	return Integer(i), true
}

func datePrecisionDigits(t temporal) int {
	return [...]int{0, 4, 6, 8, 10, 12, 14, 17}[t.prec]
}

func timePrecisionDigits(t temporal) int {
	return [...]int{0, 0, 0, 0, 2, 4, 6, 9}[t.prec]
}

// boundary implements lowBoundary/highBoundary: the least/greatest value
// the input could stand for, given its precision.
func (ev *evaluator) boundary(c *callNode, in, focus Collection, fr *frame, high bool) Collection {
	v := ev.single(c, in)
	if v == nil || valueless(v) {
		return nil
	}
	prec := int64(-1) // default for the type
	if len(c.args) == 1 {
		p, ok := ev.intArg(c, 0, focus, fr)
		if !ok || p < 0 {
			return nil
		}
		prec = p
	}
	switch p := ev.primitive(v).(type) {
	case Integer:
		d, ok := decimalBoundary(decimalFromInt(int64(p)), prec, high)
		if !ok {
			return nil
		}
		return Collection{d}
	case Decimal:
		d, ok := decimalBoundary(p, prec, high)
		if !ok {
			return nil
		}
		return Collection{d}
	case Quantity:
		d, ok := decimalBoundary(p.Value, prec, high)
		if !ok {
			return nil
		}
		return Collection{Quantity{Value: d, Unit: p.Unit}}
	case Date:
		if prec < 0 {
			prec = 8
		}
		t, ok := temporalBoundary(p.t, prec, high, true)
		if !ok {
			return nil
		}
		return Collection{Date{t}}
	case DateTime:
		if prec < 0 {
			prec = 17
		}
		t, ok := temporalBoundary(p.t, prec, high, true)
		if !ok {
			return nil
		}
		if t.prec <= PrecDay {
			return Collection{Date{t}}
		}
		return Collection{DateTime{t}}
	case Time:
		if prec < 0 {
			prec = 9
		}
		t, ok := temporalBoundary(p.t, prec, high, false)
		if !ok {
			return nil
		}
		return Collection{Time{t}}
	}
	ev.fail(c, "%s() is not defined for %s", c.name, typeLabel(v))
	return nil
}

// decimalBoundary: the input stands for every value that rounds to it, so
// the boundary is ± half a unit in its last place, then cut to prec digits.
func decimalBoundary(d Decimal, prec int64, high bool) (Decimal, bool) {
	if prec == -1 {
		prec = 8
	}
	if prec < 0 || prec > 28 {
		return Decimal{}, false
	}
	half := Decimal{unscaled: big.NewInt(5), scale: d.scale + 1}
	var b Decimal
	if high {
		b = d.Add(half)
	} else {
		b = d.Sub(half)
	}
	p := int32(prec)
	if p >= b.scale {
		return b.rescale(p), true
	}
	// Cutting digits truncates toward zero; when digits were dropped, the
	// outer boundary (high of a positive, low of a negative) moves one unit
	// away from zero, unless the truncated value is zero (as the suite has it).
	q := new(big.Int).Quo(b.int(), pow10(b.scale-p))
	dropped := new(big.Int).Mul(q, pow10(b.scale-p)).Cmp(b.int()) != 0
	if dropped && q.Sign() != 0 {
		if high && b.Sign() > 0 {
			q.Add(q, big.NewInt(1))
		} else if !high && b.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		}
	}
	return Decimal{unscaled: q, scale: p, negZero: q.Sign() == 0 && b.Sign() < 0}, true
}

// temporalBoundary fills missing fields with their least or greatest values
// up to the requested precision (digits, as precision() counts them).
func temporalBoundary(t temporal, digits int64, high, withDate bool) (temporal, bool) {
	var target Precision
	if withDate {
		m := map[int64]Precision{4: PrecYear, 6: PrecMonth, 8: PrecDay, 10: PrecHour, 12: PrecMinute, 14: PrecSecond, 17: PrecMillisecond}
		p, ok := m[digits]
		if !ok {
			return t, false
		}
		target = p
	} else {
		m := map[int64]Precision{2: PrecHour, 4: PrecMinute, 6: PrecSecond, 9: PrecMillisecond}
		p, ok := m[digits]
		if !ok {
			return t, false
		}
		target = p
	}
	u := t
	if withDate {
		if u.prec < PrecMonth {
			u.month = pick(high, 1, 12)
		}
		if u.prec < PrecDay {
			u.day = pick(high, 1, daysIn(u.year, u.month))
		}
	}
	// An hour-only value means hh:00 (FHIR has no hour precision).
	if u.prec < PrecMinute && u.prec != PrecHour {
		u.minute = pick(high, 0, 59)
	}
	if u.prec < PrecSecond {
		u.second = pick(high, 0, 59)
	}
	if u.prec < PrecMillisecond {
		u.ms = pick(high, 0, 999)
	}
	if u.prec < PrecHour {
		u.hour = pick(high, 0, 23)
	}
	if withDate && target >= PrecHour && !u.hasTZ {
		// Unknown zone: the earliest instant is at +14:00, the latest at -12:00.
		u.hasTZ = true
		u.tzMinutes = pick(high, 14*60, -12*60)
	}
	if target < PrecHour {
		u.hasTZ = false
	}
	u.prec = target
	// Clear fields beyond the target precision.
	f := u.fields()
	for i := int(target); i < 7; i++ {
		f[i] = 0
	}
	if withDate && target < PrecMonth {
		f[1] = 0
	}
	u.year, u.month, u.day, u.hour, u.minute, u.second, u.ms = f[0], f[1], f[2], f[3], f[4], f[5], f[6]
	if target < PrecMonth {
		u.month = 0
	}
	return u, true
}

func pick(high bool, lo, hi int) int {
	if high {
		return hi
	}
	return lo
}
