package xhtml

import (
	"github.com/fhirlens/fhirlens/internal/golden"
	"path/filepath"
	"testing"
)

// sanitizeCases are hostile and ordinary inputs; their outputs are in
// testdata/sanitize/<name>.golden.
var sanitizeCases = []struct{ name, in string }{
	{"plain", wrap(`<p>Patient <b>Peter</b> &amp; family &#x263A;</p>`)},
	{"table", wrap(`<table class="grid" border="1" cellpadding="2" width="100%"><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td colspan="2" rowspan="x" nowrap="nowrap" style="color: #f00; padding: 2px 4px">c</td></tr></tbody></table>`)},
	{"script", wrap(`before<script>alert(document.cookie)</script>after`)},
	{"script-in-cdata", wrap(`<![CDATA[<script>alert(1)</script>]]>`)},
	{"onerror", wrap(`<img src="data:image/png;base64,iVBORw0KGgo=" onerror="alert(1)" onload="alert(2)" alt="x"/>`)},
	{"img-external", wrap(`<img src="http://tracker.example/pixel.gif" alt="tracked"/><img src="#bin1" alt="contained"/>`)},
	{"img-svg-data", wrap(`<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="svg"/>`)},
	{"javascript-hrefs", wrap(`<a href="javascript:alert(1)">a</a><a href="JAVASCRIPT:alert(1)">b</a><a href=" java&#x09;script:alert(1)">c</a><a href="javascript&#58;alert(1)">d</a><a href="&#106;avascript:alert(1)">e</a><a href="vbscript:x">f</a><a href="data:text/html,x">g</a>`)},
	{"safe-hrefs", wrap(`<a href="https://example.org/a?b=1&amp;c=2">a</a><a href="#sec">b</a><a href="Patient/123">c</a><a href="mailto:x@example.org">d</a><a href="tel:+123">e</a>`)},
	{"svg", wrap(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><text>svg text</text></svg>after svg`)},
	{"iframe-object", wrap(`<iframe src="http://evil.example">no</iframe><object data="x.swf"><embed src="y"/>no</object>kept`)},
	{"form", wrap(`<form action="http://evil.example"><label>Name</label><input name="q"/><button>Go</button><select><option>o</option></select><textarea>t</textarea></form>`)},
	{"style-element", wrap(`<style>body{display:none}</style><p style="background: url(http://x/y.png); color: blue; width: expression(alert(1)); position: fixed">styled</p>`)},
	{"style-escapes", wrap(`<p style="color: red; background-image: u\72l(x); font-weight: bold">s</p>`)},
	{"comments", wrap(`a<!-- <script>alert(1)</script> -->b<?php echo 1 ?>c`)},
	{"unbalanced", wrap(`<p><b>bold <i>both</p>after</b></i> tail`)},
	{"unclosed", open + `<ul><li>one<li>two`},
	{"no-root", `just text & <b>bold</b>`},
	{"wrong-root", `<html><head><title>t</title></head><body><p>body text</p></body></html>`},
	{"entities", wrap(`a&nbsp;b &copy; &lt;tag&gt; &#0; &#x1F600; & c`)},
	{"control-chars", wrap("a\x01b\x00c\ufffed")},
	{"broken-tags", wrap(`<p class=unquoted title='single'>x</p><p <b>y</b> < z`)},
	{"ids-and-classes", wrap(`<p id="location" class="modal">x</p><a name="top">anchor</a>`)},
	{"attribute-quotes", wrap(`<p title="a &quot;b&quot; &lt;c&gt; 'd'">q</p>`)},
	{"namespaced", `<div xmlns="http://www.w3.org/1999/xhtml" xmlns:x="urn:x"><x:p>foreign text</x:p><p x:title="t">p</p></div>`},
	{"empty", ``},
	{"deep", wrap(`<div><div><div><span><b><i>deep</i></b></span></div></div></div>`)},
}

func TestSanitizeGolden(t *testing.T) {
	for _, c := range sanitizeCases {
		got := Sanitize(c.in)
		golden.Check(t, filepath.Join("testdata", "sanitize", c.name+".golden"), got+"\n")
		assertClean(t, c.name, got)
	}
}

// assertClean: sanitized output passes Check, apart from being empty.
func assertClean(t *testing.T, name, out string) {
	t.Helper()
	for _, p := range Check(out) {
		if p.Rule != "xhtml.empty" {
			t.Errorf("%s: Sanitize output fails Check: %s %s: %s\n%s", name, p.Severity, p.Rule, p.Message, out)
		}
	}
}

func TestSanitizeIdempotent(t *testing.T) {
	for _, c := range sanitizeCases {
		once := Sanitize(c.in)
		if twice := Sanitize(once); twice != once {
			t.Errorf("%s: not idempotent:\n once %s\ntwice %s", c.name, once, twice)
		}
	}
}
