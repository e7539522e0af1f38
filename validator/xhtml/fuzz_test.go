package xhtml

import (
	"strings"
	"testing"

	"github.com/fhirlens/fhirlens/validator/finding"
)

func seeds(f *testing.F) {
	for _, c := range sanitizeCases {
		f.Add(c.in)
	}
	f.Add(wrap(`<a href="java&#x0A;script:x">x</a><p style="x:\65 xpression(1)">y</p>`))
	f.Add(`<div xmlns="http://www.w3.org/1999/xhtml"><p a="1" a="2" b=c d>x</p></div>`)
	f.Add("<![CDATA[<!--<?<!DOCTYPE")
}

// FuzzCheck: never panics, findings are well-formed and bounded.
func FuzzCheck(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, div string) {
		ps := Check(div)
		if len(ps) > maxFindings+1 {
			t.Fatalf("%d findings", len(ps))
		}
		for _, p := range ps {
			if p.Rule == "" || p.Message == "" || p.Offset < 0 || p.Offset > len(div) ||
				(p.Severity != finding.Error && p.Severity != finding.Warning) {
				t.Fatalf("malformed finding %+v", p)
			}
		}
	})
}

// FuzzSanitize: never panics, the output passes Check (or is only empty),
// and sanitizing again changes nothing.
func FuzzSanitize(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, div string) {
		out := Sanitize(div)
		for _, p := range Check(out) {
			if p.Rule != "xhtml.empty" {
				t.Fatalf("Sanitize(%q) = %q fails Check: %s: %s", div, out, p.Rule, p.Message)
			}
		}
		if hasStyleAttribute(out) {
			t.Fatalf("Sanitize(%q) = %q keeps an inline style, which the page's CSP rejects", div, out)
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize not idempotent on %q:\n once %q\ntwice %q", div, out, again)
		}
	})
}

// hasStyleAttribute reports whether any start tag of div carries a style
// attribute (text that merely reads " style=" is not one).
func hasStyleAttribute(div string) bool {
	tok := tokenizer{s: div}
	for tk := tok.next(); tk.kind != tokEOF; tk = tok.next() {
		if tk.kind != tokStart {
			continue
		}
		for _, a := range tk.attrs {
			if _, local := splitName(a.name); strings.EqualFold(local, "style") {
				return true
			}
		}
	}
	return false
}

func TestHasStyleAttribute(t *testing.T) {
	for in, want := range map[string]bool{
		`<div xmlns="http://www.w3.org/1999/xhtml"> style=i</div>`:           false,
		`<div xmlns="http://www.w3.org/1999/xhtml"><p style="x">y</p></div>`: true,
		`<div xmlns="http://www.w3.org/1999/xhtml"><p STYLE='x'/></div>`:     true,
	} {
		if got := hasStyleAttribute(in); got != want {
			t.Errorf("hasStyleAttribute(%q) = %v, want %v", in, got, want)
		}
	}
}
