package fhirpath

import (
	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

// Value is one item of a collection: a System value (Boolean, Integer,
// Decimal, String, Date, DateTime, Time, Quantity) or a Node of the
// document.
type Value interface {
	// TypeName is the qualified type: "System.Integer", "FHIR.HumanName".
	TypeName() string
}

// Collection is the result of an expression: an ordered list of values.
type Collection []Value

type (
	Boolean bool
	Integer int64
	String  string
)

// Quantity is a number with a unit: a UCUM code or a calendar duration
// keyword ("year", "month", "week", "day", "hour", "minute", "second",
// "millisecond").
type Quantity struct {
	Value Decimal
	Unit  string
}

// Node is an element of the JSON document being evaluated.
type Node struct {
	Tree *jsontree.Tree
	ID   jsontree.ID // the JSON value; None for a primitive present only as `_name`
	Ext  jsontree.ID // the `_name` companion object of a primitive, or None
	Type string      // FHIR type name: "Patient", "HumanName", "string"; "" when unknown
	Elem *definitions.Element
	// Name is the JSON property the node came from ("valueQuantity"), for
	// paths in messages; empty for the root and resolved resources.
	Name string
}

func (Boolean) TypeName() string  { return "System.Boolean" }
func (Integer) TypeName() string  { return "System.Integer" }
func (String) TypeName() string   { return "System.String" }
func (Decimal) TypeName() string  { return "System.Decimal" }
func (Date) TypeName() string     { return "System.Date" }
func (DateTime) TypeName() string { return "System.DateTime" }
func (Time) TypeName() string     { return "System.Time" }
func (Quantity) TypeName() string { return "System.Quantity" }
func (n Node) TypeName() string {
	if n.Type == "" {
		return "FHIR.Element"
	}
	return "FHIR." + n.Type
}

func (q Quantity) String() string {
	if isCalendarUnit(q.Unit) {
		return q.Value.String() + " " + q.Unit
	}
	return q.Value.String() + " " + quoteString(q.Unit, '\'')
}

// literalText prints a System value as a FHIRPath literal.
func literalText(v Value) string {
	switch v := v.(type) {
	case Boolean:
		if v {
			return "true"
		}
		return "false"
	case Integer:
		return itoa(int64(v))
	case Decimal:
		return v.String()
	case String:
		return quoteString(string(v), '\'')
	case Date:
		return "@" + v.String()
	case DateTime:
		return "@" + v.String()
	case Time:
		return "@T" + v.String()
	case Quantity:
		return v.String()
	}
	return "{}"
}

func itoa(i int64) string { return decimalFromInt(i).String() }

// nodeHasChildren reports whether a node item is an object (complex type).
func (n Node) isObject() bool {
	return n.ID != jsontree.None && n.Tree.Kind(n.ID) == jsontree.Object
}

// Literal is the FHIRPath literal form of a System value ("@1974-12-25",
// "4 'mg'", "'text'"); for a primitive node, that of its System value; ""
// for complex nodes.
func Literal(v Value) string {
	if n, ok := v.(Node); ok {
		s, ok := n.Value()
		if !ok {
			return ""
		}
		v = s
	}
	return literalText(v)
}

// Value is the System value of a primitive node (FHIR.date → System.Date)
// or of a FHIR Quantity; ok is false for other complex nodes and for
// primitives that only have an extension.
func (n Node) Value() (Value, bool) { return nodeSystemValue(n) }
