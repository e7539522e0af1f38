// Package hostile generates the hostile inputs of issue 17 at any scale:
// the shapes a security probe used to make fhirlens slow, large or
// misleading. Tests and benchmarks make them in memory at run time (the
// big ones are never committed); `go generate` writes small examples of
// each to testdata/hostile/ for people to look at.
package hostile

//go:generate go run ./gen -out ../../testdata/hostile

import (
	"bytes"
	"fmt"
	"strings"
)

// Case is one hostile shape.
type Case struct {
	Name string
	// What it attacks, in a sentence.
	About string
	// Make builds the input with about n repeated units.
	Make func(n int) []byte
	// N is the scale the corpus test validates at; Example the scale of the
	// committed example.
	N, Example int
}

// Cases lists every shape, in a fixed order.
func Cases() []Case {
	return []Case{
		{"entries-without-fullurl", "a Bundle of N small entries without fullUrl: one entry-level finding each (was O(N²) in walker.resourceAt)", EntriesWithoutFullURL, 100_000, 3},
		{"contained-hash-references", "a resource with N contained resources, each referenced by '#id' (dom-3's `in` was an uncharged linear scan: O(N²))", ContainedReferences, 20_000, 3},
		{"references", "a collection Bundle of N entries with two references each (urn:uuid), resolved through the bundle graph", References, 50_000, 3},
		{"empty-entries", "a Bundle of N empty entries: bundle-stage findings must stay under the findings cap", EmptyEntries, 200_000, 3},
		{"duplicate-keys", "an object with N duplicate keys", DuplicateKeys, 200_000, 3},
		{"deep-nesting", "N nested arrays: the parser's depth limit", DeepNesting, 100_000, 40},
		{"long-string", "one string of N×1 KB", LongString, 10_000, 1},
		{"terminal-escapes", "keys, codes, ids and types carrying ESC, BEL, CR, LF and NUL", TerminalEscapes, 1, 1},
		{"utf16-bom", "a resource in UTF-16LE with a byte-order mark", UTF16, 1, 1},
	}
}

// EntriesWithoutFullURL is a transaction-free collection Bundle whose n
// entries lack fullUrl.
func EntriesWithoutFullURL(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"resource":{"resourceType":"Basic","id":"b%d","code":{"text":"x"}}}`, i)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// ContainedReferences is a List with n contained resources, each referenced
// from the list's entries by '#id'.
func ContainedReferences(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resourceType":"List","id":"l","status":"current","mode":"working","contained":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"resourceType":"Basic","id":"c%d","code":{"text":"x"}}`, i)
	}
	b.WriteString(`],"entry":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"item":{"reference":"#c%d"}}`, i)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// References is a collection Bundle of n Observations, each referring to a
// Patient and (but the first) to the previous Observation by urn:uuid.
func References(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	b.WriteString(`{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000000","resource":{"resourceType":"Patient","id":"p"}}`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `,{"fullUrl":"urn:uuid:00000000-0000-4000-8000-%012d","resource":{"resourceType":"Observation","id":"o%d","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000000"}`, i, i)
		if i > 1 {
			fmt.Fprintf(&b, `,"hasMember":[{"reference":"urn:uuid:00000000-0000-4000-8000-%012d"}]`, i-1)
		}
		b.WriteString("}}")
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// EmptyEntries is a Bundle of n empty entry objects.
func EmptyEntries(n int) []byte {
	return []byte(`{"resourceType":"Bundle","type":"collection","entry":[` + strings.TrimSuffix(strings.Repeat("{},", n), ",") + "]}\n")
}

// DuplicateKeys is a Basic resource repeating one key n times.
func DuplicateKeys(n int) []byte {
	return []byte(`{"resourceType":"Basic","code":{"text":"x"}` + strings.Repeat(`,"id":"a"`, n) + "}\n")
}

// DeepNesting is n nested arrays inside an extension value.
func DeepNesting(n int) []byte {
	return []byte(`{"resourceType":"Basic","code":{"text":` + strings.Repeat("[", n) + strings.Repeat("]", n) + "}}\n")
}

// LongString is a Basic resource whose code text is n KB long.
func LongString(n int) []byte {
	return []byte(`{"resourceType":"Basic","code":{"text":"` + strings.Repeat(strings.Repeat("a", 1023)+" ", n) + "\"}}\n")
}

// TerminalEscapes carries terminal control sequences in keys, codes, ids,
// resource types and values.
func TerminalEscapes(int) []byte {
	return []byte(`{"resourceType":"Bundle","type":"collection","entry":[` +
		`{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","id":"x\u001b]0;owned\u0007","gender":"\u001b[8mmale","\u001b[2K\rvalid: 0 errors\n":1}},` +
		`{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","resource":{"resourceType":"Evil\u001b[8m\u0000"}}]}` + "\n")
}

// UTF16 is a Patient in UTF-16LE with a byte-order mark.
func UTF16(int) []byte {
	s := `{"resourceType":"Patient","id":"utf16"}`
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), 0)
	}
	return out
}

// FileName is the name of a case's example in testdata/hostile.
func FileName(c Case) string { return c.Name + ".json" }

// Examples are the committed files of testdata/hostile by name: the small
// example of every case and the README listing them.
func Examples() map[string][]byte {
	out := map[string][]byte{}
	readme := []byte(readmeHead)
	for _, c := range Cases() {
		out[FileName(c)] = c.Make(c.Example)
		readme = fmt.Appendf(readme, "| `%s` | %s | %d |\n", FileName(c), c.About, c.N)
	}
	out["README.md"] = readme
	return out
}

// readmeHead starts testdata/hostile/README.md.
const readmeHead = `# Hostile inputs (generated — do not edit)

Small examples of the shapes a security probe used against fhirlens (issue
17), written by ` + "`go generate ./internal/hostile`" + ` from package
` + "`internal/hostile`" + `. The tests make each at full scale in memory
(` + "`TestHostileCorpus`" + ` in ` + "`validator`" + `, with allocation
budgets measured by runtime.MemStats) and the scaling benchmarks at N and 10N
(` + "`make bench`" + `); nothing big is committed.

| file | shape | scale in the test |
| --- | --- | --- |
`
