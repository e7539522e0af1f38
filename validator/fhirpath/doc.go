// Package fhirpath is a FHIRPath (N1, 2.0.0) engine over the validator's
// JSON tree, with FHIR type information from the definitions package. It
// evaluates the R4 invariants and serves "fhirlens fhirpath".
//
// Compile once, evaluate many:
//
//	e, err := fhirpath.CompileCached("dataAbsentReason.empty() or value.empty()")
//	ok, err := e.EvaluateBool(ctx, &fhirpath.Env{Defs: defs, Tree: tree, Focus: id})
//
// A compiled *Expr is immutable and safe for concurrent use. EvaluateBool
// counts an empty result as satisfied (R4's ref-1 and the name-0 warnings
// give empty on valid data). The hottest R4 invariants (ele-1, dom-2 to
// dom-6, ref-1) have native fast paths for their common cases, checked
// against the generic evaluation over all R4 examples; focus-free parts of
// lambda arguments (%resource.descendants() in dom-3) are evaluated once. Errors are
// *Error values with the byte offset of the problem; Error.Caret renders the
// expression with a caret under it. Evaluation never panics on any input:
// nesting is bounded in the parser (200) and evaluator (400), the items an
// evaluation may produce are bounded by Env.MaxWork, repeat() does not
// expand an item twice, and the context is polled for cancellation.
//
// Values are System values (Boolean, Integer, Decimal, String, Date,
// DateTime, Time, Quantity) or Nodes of the document. Decimals are exact
// (0.1 + 0.2 = 0.3); division keeps at most 8 fractional digits when the
// quotient does not terminate. Dates and times keep their precision, and
// comparisons of values with different precision (or with and without a
// time zone) give empty. Quantities compare across common UCUM units (mass,
// length, volume, time, pressure, ...); calendar years and months are not
// UCUM 'a' and 'mo'. A FHIR primitive node converts implicitly to its System
// value; its `_name` companion is kept so id, extension and hasValue() work.
//
// Every operator and function of the N1 specification is implemented, plus
// the 2.1 additions the official suite uses (lowBoundary, highBoundary,
// precision, comparable, sort, matchesFull, trim, split, join, encode,
// decode, escape, unescape, lastIndexOf) and the FHIR additions the R4
// invariants use: extension(url), hasValue(), getValue(), resolve()
// (contained "#id" and Bundle entries by default, or Env.Resolver),
// memberOf() (embedded value sets, or Env.Terminology), htmlChecks() (the
// xhtml package), conformsTo() (base types by URL; for profiles only the
// base type is checked, otherwise empty), %resource, %rootResource,
// %context, %ucum, %sct, %loinc, %vs-name and %ext-name.
//
// Not implemented (evaluation error naming the function): elementDefinition(),
// slice(), checkModifiers(), subsumes(), subsumedBy(). There is no full
// static type checker: Env.Strict turns navigation to undefined names (also
// after "as T" on an empty result) and indexing of children()/descendants()
// into errors at evaluation time instead.
//
// Deliberate deviations, each listed in testdata/skip.txt: as() filters a
// collection like ofType() (R4's dom-3 applies it to descendants()); an
// unqualified System type name matches FHIR primitives ("answer is Boolean"
// in que-7).
package fhirpath
