package fhirpath

import (
	"math/big"
	"strings"
)

// Decimal is an exact decimal number: unscaled × 10^-scale. Arithmetic
// never goes through float64, so 0.1 + 0.2 = 0.3 holds. The scale is kept
// as written ("1.50" has scale 2), which precision() and toString() need.
type Decimal struct {
	unscaled *big.Int // never modified after construction
	scale    int32
	// negZero prints a zero as "-0.0": lowBoundary of a small negative
	// number. It affects printing only; -0.0 = 0.0.
	negZero bool
}

// maxDivisionScale bounds the digits a non-terminating quotient keeps.
const maxDivisionScale = 8

var bigTen = big.NewInt(10)

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// parseDecimal reads "-12.340" style text (an optional exponent is accepted
// for JSON numbers).
func parseDecimal(s string) (Decimal, bool) {
	if s == "" {
		return Decimal{}, false
	}
	exp := int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		r, ok := new(big.Int).SetString(strings.TrimPrefix(s[i+1:], "+"), 10)
		if !ok || !r.IsInt64() || r.Int64() > 1000 || r.Int64() < -1000 {
			return Decimal{}, false
		}
		exp = r.Int64()
		s = s[:i]
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || (hasDot && frac == "") || !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, false
	}
	u, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok {
		return Decimal{}, false
	}
	if neg {
		u.Neg(u)
	}
	scale := int64(len(frac)) - exp
	if scale < 0 {
		u.Mul(u, pow10(int32(-scale)))
		scale = 0
	}
	return Decimal{unscaled: u, scale: int32(scale)}, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func decimalFromInt(i int64) Decimal { return Decimal{unscaled: big.NewInt(i)} }

func (d Decimal) int() *big.Int {
	if d.unscaled == nil {
		return new(big.Int)
	}
	return d.unscaled
}

// String prints the exact value with its scale: "1.50", "-0.3".
func (d Decimal) String() string {
	u := d.int()
	s := new(big.Int).Abs(u).String()
	if d.scale > 0 {
		if len(s) <= int(d.scale) {
			s = strings.Repeat("0", int(d.scale)-len(s)+1) + s
		}
		s = s[:len(s)-int(d.scale)] + "." + s[len(s)-int(d.scale):]
	}
	if u.Sign() < 0 || (d.negZero && u.Sign() == 0) {
		return "-" + s
	}
	return s
}

// rat is the exact value as a rational.
func (d Decimal) rat() *big.Rat {
	r := new(big.Rat).SetInt(d.int())
	if d.scale > 0 {
		r.Quo(r, new(big.Rat).SetInt(pow10(d.scale)))
	}
	return r
}

// rescale returns d with the given scale, rounding half away from zero.
func (d Decimal) rescale(scale int32) Decimal {
	if scale == d.scale {
		return d
	}
	if scale > d.scale {
		return Decimal{unscaled: new(big.Int).Mul(d.int(), pow10(scale-d.scale)), scale: scale}
	}
	return decimalFromRat(d.rat(), scale)
}

// decimalFromRat rounds r to scale digits, half away from zero.
func decimalFromRat(r *big.Rat, scale int32) Decimal {
	num := new(big.Int).Mul(r.Num(), pow10(scale))
	den := r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	m.Abs(m).Mul(m, big.NewInt(2))
	if m.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Decimal{unscaled: q, scale: scale}
}

// decimalFromQuotient is the exact decimal of r when it terminates within
// maxDivisionScale digits, else r rounded to that many digits.
func decimalFromQuotient(r *big.Rat) Decimal {
	d := decimalFromRat(r, maxDivisionScale)
	return d.trim(0)
}

// trim removes trailing fractional zeros down to scale min.
func (d Decimal) trim(min int32) Decimal {
	u := new(big.Int).Set(d.int())
	s := d.scale
	m := new(big.Int)
	for s > min {
		q, r := new(big.Int).QuoRem(u, bigTen, m)
		if r.Sign() != 0 {
			break
		}
		u = q
		s--
	}
	return Decimal{unscaled: u, scale: s}
}

func (d Decimal) Cmp(e Decimal) int {
	s := max(d.scale, e.scale)
	return d.rescale(s).int().Cmp(e.rescale(s).int())
}

func (d Decimal) Sign() int { return d.int().Sign() }

func (d Decimal) Add(e Decimal) Decimal {
	s := max(d.scale, e.scale)
	return Decimal{unscaled: new(big.Int).Add(d.rescale(s).int(), e.rescale(s).int()), scale: s}
}

func (d Decimal) Sub(e Decimal) Decimal { return d.Add(e.Neg()) }

func (d Decimal) Neg() Decimal { return Decimal{unscaled: new(big.Int).Neg(d.int()), scale: d.scale} }

func (d Decimal) Abs() Decimal { return Decimal{unscaled: new(big.Int).Abs(d.int()), scale: d.scale} }

func (d Decimal) Mul(e Decimal) Decimal {
	return Decimal{unscaled: new(big.Int).Mul(d.int(), e.int()), scale: d.scale + e.scale}
}

// Quo divides; ok is false for division by zero.
func (d Decimal) Quo(e Decimal) (Decimal, bool) {
	if e.Sign() == 0 {
		return Decimal{}, false
	}
	return decimalFromQuotient(new(big.Rat).Quo(d.rat(), e.rat())), true
}

// IsInt reports whether the value has no fractional part.
func (d Decimal) IsInt() bool {
	r := d.rat()
	return r.IsInt()
}

// Floor and Ceil return integers as decimals of scale 0.
func (d Decimal) Floor() Decimal {
	q, _ := new(big.Int).DivMod(d.int(), pow10(d.scale), new(big.Int))
	return Decimal{unscaled: q} // DivMod is Euclidean: floor for positive divisor
}

func (d Decimal) Ceil() Decimal {
	f := d.Floor()
	if f.Cmp(d) == 0 {
		return f
	}
	return Decimal{unscaled: new(big.Int).Add(f.int(), big.NewInt(1))}
}

func (d Decimal) Truncate() Decimal {
	return Decimal{unscaled: new(big.Int).Quo(d.int(), pow10(d.scale))}
}

// Round rounds half away from zero to n digits.
func (d Decimal) Round(n int32) Decimal { return decimalFromRat(d.rat(), n) }

func (d Decimal) Float() float64 {
	f, _ := d.rat().Float64()
	return f
}

// decimalFromFloat converts a math result, keeping at most 8 fractional
// digits and trimming zeros (math functions are inexact by nature).
func decimalFromFloat(f float64) (Decimal, bool) {
	r := new(big.Rat)
	if r.SetFloat64(f) == nil {
		return Decimal{}, false
	}
	return decimalFromRat(r, maxDivisionScale).trim(0), true
}

// Int64 returns the integer value when it fits.
func (d Decimal) Int64() (int64, bool) {
	r := d.rat()
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// digits is the count of significant digits as written (precision()).
func (d Decimal) digits() int {
	s := new(big.Int).Abs(d.int()).String()
	if len(s) < int(d.scale)+1 {
		return int(d.scale) + 1
	}
	return len(s)
}
