package jsontree

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fhirlens/fhirlens/validator/finding"
)

func TestParseTree(t *testing.T) {
	src := "{\n  \"resourceType\": \"Patient\",\n  \"name\": [{\"given\": [\"A\\u00e9\", \"B\"]}],\n  \"active\": true, \"n\": -1.5e3, \"x\": null\n}"
	tree, probs := Parse([]byte(src), Options{})
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	root := tree.Root()
	if tree.Kind(root) != Object || tree.Count(root) != 5 {
		t.Fatalf("root kind %v count %d", tree.Kind(root), tree.Count(root))
	}
	if got := tree.Str(tree.Get(root, "resourceType")); got != "Patient" {
		t.Errorf("resourceType = %q", got)
	}
	given := tree.Get(tree.Item(tree.Get(root, "name"), 0), "given")
	if got := tree.Str(tree.Item(given, 0)); got != "Aé" {
		t.Errorf("given[0] = %q", got)
	}
	if got := tree.Str(tree.Item(given, 1)); got != "B" {
		t.Errorf("given[1] = %q", got)
	}
	if !tree.Bool(tree.Get(root, "active")) {
		t.Error("active should be true")
	}
	if got := string(tree.Raw(tree.Get(root, "n"))); got != "-1.5e3" {
		t.Errorf("n raw = %q", got)
	}
	if tree.Kind(tree.Get(root, "x")) != Null || tree.Get(root, "missing") != None {
		t.Error("null / missing lookups wrong")
	}
	line, col := tree.Position(tree.Offset(tree.Get(root, "active")))
	if line != 4 || col != 13 {
		t.Errorf("active at %d:%d, want 4:13", line, col)
	}
	if tree.Parent(given) != tree.Item(tree.Get(root, "name"), 0) {
		t.Error("parent link wrong")
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, src, rule string
		fatal           bool
		offset          int
	}{
		{"empty", "", "json.syntax", true, 0},
		{"trailing comma", `{"a":1,}`, "json.syntax", false, 6},
		{"trailing comma in array", `{"a":[1,]}`, "json.syntax", false, 7},
		{"missing colon", `{"a" 1}`, "json.syntax", true, 5},
		{"leading zero", `{"a":01}`, "json.syntax", true, 5},
		{"bad escape", `{"a":"\x"}`, "json.syntax", true, 6},
		{"control char", "{\"a\":\"x\ty\"}", "json.syntax", true, 7},
		{"unterminated", `{"a":"x`, "json.syntax", true, 5},
		{"garbage after", `{} x`, "json.trailing", true, 3},
		{"bare word", `{"a":tru}`, "json.syntax", false, 5},
		{"bare name", `{a:1}`, "json.syntax", false, 1},
		{"missing comma", `{"a":1 "b":2}`, "json.syntax", false, 7},
		{"missing comma in array", `{"a":[1 2]}`, "json.syntax", false, 8},
		{"comment", "{\"a\":1 // note\n}", "json.syntax", false, 7},
		{"block comment", `{/* x */"a":1}`, "json.syntax", false, 1},
		{"unterminated comment", `{/* x "a":1}`, "json.syntax", true, 1},
		{"number then word", `{"a":1x}`, "json.syntax", true, 7},
		{"xml", `<Patient xmlns="http://hl7.org/fhir"/>`, "json.syntax", true, 0},
		{"duplicate key", `{"a":1,"b":2,"a":3}`, "json.duplicate-key", false, 13},
		{"bom", "\xEF\xBB\xBF{}", "json.bom", false, 0},
		{"bad utf8", "{\"a\":\"\xff\"}", "json.utf8", false, 6},
		{"too deep", strings.Repeat("[", 600) + strings.Repeat("]", 600), "json.depth", true, 512},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, probs := Parse([]byte(tc.src), Options{})
			if len(probs) == 0 {
				t.Fatal("no problem reported")
			}
			p := probs[len(probs)-1]
			if p.Rule != tc.rule || (p.Severity == finding.Fatal) != tc.fatal || p.Offset != tc.offset {
				t.Errorf("got %+v, want rule %s fatal %v offset %d", p, tc.rule, tc.fatal, tc.offset)
			}
			if tc.fatal != (tree == nil) {
				t.Errorf("fatal %v but tree nil = %v", tc.fatal, tree == nil)
			}
		})
	}
}

// Recovered syntax errors leave a usable tree, with every error located.
func TestParseRecovers(t *testing.T) {
	src := "{\n resourceType: \"Patient\", // c\n \"name\": [{\"given\": [Sarah, \"B\",]} {\"family\":\"X\"}],\n \"active\": true,\n}"
	tree, probs := Parse([]byte(src), Options{})
	if tree == nil {
		t.Fatalf("no tree: %v", probs)
	}
	var msgs []string
	for _, p := range probs {
		msgs = append(msgs, fmt.Sprintf("%s@%d:%d %s", p.Message, p.Line, p.Col, p.Expression))
	}
	want := []string{
		"the member name 'resourceType' has no quotes around it@2:2 Patient",
		"comments are not allowed in JSON@2:27 Patient.name",
		"the value 'Sarah' has no quotes around it@3:22 Patient.name[0].given[0]",
		"extra ',' at the end of an array@3:32 Patient.name[0].given",
		"missing ',' between array elements@3:36 Patient.name[1]",
		"extra ',' at the end of an object@4:16 Patient",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	root := tree.Root()
	if got := tree.Str(tree.Get(root, "resourceType")); got != "Patient" {
		t.Errorf("resourceType = %q", got)
	}
	given := tree.Get(tree.Item(tree.Get(root, "name"), 0), "given")
	if tree.Count(given) != 2 || tree.Str(tree.Item(given, 0)) != "Sarah" {
		t.Errorf("given: %d items, first %q", tree.Count(given), tree.Str(tree.Item(given, 0)))
	}
	if tree.Count(tree.Get(root, "name")) != 2 || !tree.Bool(tree.Get(root, "active")) {
		t.Error("name or active lost")
	}
	if _, probs := Parse([]byte("{\"a\":1 /* ok */}"), Options{AllowComments: true}); len(probs) != 0 {
		t.Errorf("AllowComments: %v", probs)
	}
}

func TestDuplicateKeysLargeObject(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 40 {
		b.WriteString(`"k` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":1,`)
	}
	b.WriteString(`"kaa":2}`)
	_, probs := Parse([]byte(b.String()), Options{})
	if len(probs) != 1 || probs[0].Rule != "json.duplicate-key" {
		t.Fatalf("got %v", probs)
	}
}

// FuzzParse checks that Parse never panics and agrees with encoding/json on
// what is valid JSON (ignoring the non-fatal problems it reports).
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"x\u00e9\ud83d\ude00"`, `[1e5,-0.5,true,false]`, `{"a":1,"a":2}`, "\xEF\xBB\xBF{}", `{"a":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, probs := Parse(data, Options{MaxDepth: 64})
		fatal := tree == nil
		std := json.Valid(data)
		if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
			std = json.Valid(data[3:])
		}
		deep := len(probs) > 0 && probs[len(probs)-1].Rule == "json.depth"
		// Invalid JSON is either fatal or reported as recovered syntax errors.
		syntax := fatal
		for _, p := range probs {
			syntax = syntax || p.Rule == RuleSyntax
		}
		if !deep && syntax == std {
			t.Fatalf("Parse syntax errors=%v (fatal=%v) but encoding/json valid=%v for %q (%v)", syntax, fatal, std, data, probs)
		}
		if tree == nil {
			return
		}
		for id := ID(0); int(id) < tree.Len(); id++ {
			_ = tree.Str(id)
			_ = tree.Key(id)
			tree.Position(tree.Offset(id))
			if tree.Kind(id) == String {
				var s string
				if err := json.Unmarshal(tree.Raw(id), &s); err == nil && s != tree.Str(id) && utf8.ValidString(tree.Str(id)) {
					t.Fatalf("string %s decoded as %q, encoding/json says %q", tree.Raw(id), tree.Str(id), s)
				}
			}
		}
	})
}

// Columns on a long single line (minified JSON) must match a plain count,
// in any order of calls.
func TestPositionLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"a":[`)
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"é€x"`)
	}
	b.WriteString("]}\n{}")
	data := []byte(b.String())
	tree := &Tree{Data: data}
	for _, off := range []int{len(data) - 4, 10, 9000, 9001, 4096, 4097, 30000, 3, len(data) - 1} {
		line, col := tree.Position(off)
		for !utf8.RuneStart(data[off]) { // values start on character boundaries
			off++
		}
		wantLine, wantCol := 1, utf8.RuneCount(data[:off])+1
		if off >= len(data)-2 {
			wantLine, wantCol = 2, off-(len(data)-2)+1
		}
		if line != wantLine || col != wantCol {
			t.Errorf("offset %d: got %d:%d, want %d:%d", off, line, col, wantLine, wantCol)
		}
	}
}

// TestStrOffset: each decoded byte of a string maps to the character or
// escape that wrote it.
func TestStrOffset(t *testing.T) {
	src := `{"a":"x\ny\u00e9z","b":"plain"}`
	tree, probs := Parse([]byte(src), Options{})
	if tree == nil {
		t.Fatal(probs)
	}
	a, b := tree.Get(tree.Root(), "a"), tree.Get(tree.Root(), "b")
	start := tree.Offset(a) + 1 // after the quote
	for i, want := range []int{0, 1, 3, 4, 4, 10, 11} {
		if got := tree.StrOffset(a, i) - start; got != want {
			t.Errorf("StrOffset(a, %d) = +%d, want +%d", i, got, want)
		}
	}
	if got := tree.StrOffset(b, 2) - tree.Offset(b); got != 3 {
		t.Errorf("StrOffset(b, 2) = +%d, want +3", got)
	}
	if dup := `{"a":1,"a":2}`; true {
		_, fs := Parse([]byte(dup), Options{})
		if len(fs) != 1 || fs[0].Line != 1 || fs[0].Col != 8 || fs[0].Expression != "$root.a" {
			t.Errorf("duplicate key finding %+v", fs)
		}
	}
}

// TestNodeBound: the node slice is sized once from nodeBound, which must
// never be below the nodes of well-formed JSON (or the slice regrows, copying
// every node) and is exact when no string holds ',', '{' or '[' and no object or array is
// empty.
func TestNodeBound(t *testing.T) {
	tests := []struct {
		src   string
		exact bool
	}{
		{`1`, true},
		{`{}`, false}, // empty objects and arrays count one too many
		{`[]`, false},
		{`[[],{},[1],{"a":1}]`, false},
		{`[[0],{"b":0},[1],{"a":1}]`, true},
		{`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Basic","id":"b0","code":{"text":"x"}}},{"resource":{"id":"b1"}}]}`, true},
		{`{"a":"x,{[y","b":["\",[{"]}`, false},
		{`{"a":"\\","b":[1,2,3],"c":"\\\"["}`, false},
		{`"unterminated,[{`, false},
		{`"` + strings.Repeat(",{[", 100) + `"`, true}, // past one per 8 bytes: strings are skipped
		{`{"a":"` + strings.Repeat(`\\",[`, 50) + `"}`, false},
	}
	for _, tt := range tests {
		tree, _ := Parse([]byte(tt.src), Options{})
		n := 0
		if tree != nil {
			n = tree.Len()
		}
		b := nodeBound([]byte(tt.src))
		if b < n || (tt.exact && b != n) {
			t.Errorf("nodeBound(%s) = %d, tree has %d nodes (exact: %v)", tt.src, b, n, tt.exact)
		}
	}
}
