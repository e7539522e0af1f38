package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirpath"
	"github.com/fhirlens/fhirlens/validator/jsontree"
)

const fhirpathUsage = `usage: fhirlens fhirpath [--format text|json] [--strict] [--trace] EXPRESSION FILE|-

Evaluates a FHIRPath expression against a FHIR JSON resource (FILE, or - for
standard input) and prints the resulting collection with the type of each item.
The expression is evaluated with the resource as its focus, %resource and
%rootResource, using the FHIR R4 definitions built into fhirlens.

Exit status: 0 on success, 1 when the input cannot be read or parsed, 2 when
the expression is invalid or fails to evaluate.

`

// fhirpathFlags builds the flag set of "fhirlens fhirpath".
func fhirpathFlags() (*flag.FlagSet, *fhirpathOptions) {
	o := &fhirpathOptions{}
	flags := flag.NewFlagSet("fhirpath", flag.ContinueOnError)
	flags.StringVar(&o.format, "format", "text", "output `format`: text or json")
	flags.BoolVar(&o.strict, "strict", false, "report names the resource's types do not define as errors")
	flags.BoolVar(&o.trace, "trace", false, "print trace() output to standard error")
	return flags, o
}

type fhirpathOptions struct {
	format        string
	strict, trace bool
}

// runFHIRPath implements "fhirlens fhirpath". It returns the exit code.
func runFHIRPath(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, o := fhirpathFlags()
	pos, code, done := parseFlags(flags, fhirpathUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(pos) != 2 {
		return usageError(stderr, "fhirpath", "want an EXPRESSION and a FILE (or -), got %d arguments", len(pos))
	}
	if o.format != "text" && o.format != "json" {
		return usageError(stderr, "fhirpath", "unknown format %q (use text or json)", o.format)
	}
	src, file := pos[0], pos[1]

	expr, err := fhirpath.Compile(src)
	if err != nil {
		printExprError(stderr, "invalid expression", err)
		return 2
	}

	data, err := readInput(file, stdin, defaultLimits())
	if err != nil {
		fmt.Fprintf(stderr, "fhirlens fhirpath: %v\n", err)
		return 2
	}
	tree, findings := jsontree.Parse(data, jsontree.Options{})
	if tree == nil {
		p := findings[len(findings)-1]
		line, col := (&jsontree.Tree{Data: data}).Position(p.Offset)
		fmt.Fprintf(stderr, "fhirlens fhirpath: %s:%d:%d: %s\n", safeText(displayName(file)), line, col, safeText(p.Message))
		return 2
	}
	defs, err := definitions.R4()
	if err != nil {
		fmt.Fprintf(stderr, "fhirlens fhirpath: loading definitions: %v\n", err)
		return 2
	}
	env := &fhirpath.Env{Defs: defs, Tree: tree, Focus: tree.Root(), Strict: o.strict}
	if o.trace {
		env.Trace = func(name string, values fhirpath.Collection) {
			fmt.Fprintf(stderr, "trace %s:", name)
			for _, v := range values {
				fmt.Fprintf(stderr, " %s %s", v.TypeName(), safeText(textValue(v)))
			}
			fmt.Fprintln(stderr)
		}
	}
	result, err := expr.Evaluate(context.Background(), env)
	if err != nil {
		printExprError(stderr, "evaluation failed", err)
		return 2
	}
	if o.format == "json" {
		return writeJSONResult(stdout, stderr, result)
	}
	for _, v := range result {
		fmt.Fprintf(stdout, "%s\t%s\n", v.TypeName(), safeText(textValue(v)))
	}
	return 0
}

func displayName(file string) string {
	if file == "-" {
		return "<stdin>"
	}
	return file
}

// printExprError shows the message and the expression with a caret.
func printExprError(w io.Writer, what string, err error) {
	var pe *fhirpath.Error
	if errors.As(err, &pe) {
		fmt.Fprintf(w, "fhirlens fhirpath: %s: %s\n", what, pe.Message)
		if pe.Offset >= 0 {
			for _, line := range strings.Split(pe.Caret(), "\n") {
				fmt.Fprintf(w, "  %s\n", line)
			}
		}
		return
	}
	fmt.Fprintf(w, "fhirlens fhirpath: %s: %v\n", what, err)
}

// textValue is an item's value as one line: the FHIRPath literal form for
// System values and primitives, compact JSON for complex elements.
func textValue(v fhirpath.Value) string {
	if lit := fhirpath.Literal(v); lit != "" {
		return lit
	}
	if n, ok := v.(fhirpath.Node); ok {
		return compactJSON(n)
	}
	return ""
}

func compactJSON(n fhirpath.Node) string {
	if n.ID == jsontree.None {
		if n.Ext != jsontree.None {
			return "(no value) " + compactRaw(n.Tree.Raw(n.Ext))
		}
		return "(no value)"
	}
	return compactRaw(n.Tree.Raw(n.ID))
}

func compactRaw(raw []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// jsonItem is one element of the --format json output.
type jsonItem struct {
	Type  string `json:"type"`
	Value any    `json:"value"`
}

func writeJSONResult(stdout, stderr io.Writer, result fhirpath.Collection) int {
	items := make([]jsonItem, 0, len(result))
	for _, v := range result {
		items = append(items, jsonItem{Type: v.TypeName(), Value: jsonValue(v)})
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(items); err != nil {
		fmt.Fprintf(stderr, "fhirlens fhirpath: %v\n", err)
		return 2
	}
	return 0
}

// jsonValue: booleans, numbers and strings as JSON values; dates, times
// and quantities as their FHIRPath literal text; complex elements as JSON.
func jsonValue(v fhirpath.Value) any {
	if n, ok := v.(fhirpath.Node); ok {
		s, ok := n.Value()
		if !ok {
			if n.ID == jsontree.None {
				return nil
			}
			return json.RawMessage(compactRaw(n.Tree.Raw(n.ID)))
		}
		v = s
	}
	switch x := v.(type) {
	case fhirpath.Boolean:
		return bool(x)
	case fhirpath.Integer:
		return int64(x)
	case fhirpath.Decimal:
		return json.Number(x.String())
	case fhirpath.String:
		return string(x)
	}
	return fhirpath.Literal(v)
}
