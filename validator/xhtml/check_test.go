package xhtml

import (
	"github.com/fhirlens/fhirlens/validator/finding"
	"strings"
	"testing"
)

const open = `<div xmlns="http://www.w3.org/1999/xhtml">`

func wrap(inner string) string { return open + inner + "</div>" }

func rules(ps []finding.Finding) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Rule)
	}
	return out
}

func TestCheckValid(t *testing.T) {
	valid := []string{
		wrap("hello"),
		wrap(`<p>Patient <b>Peter</b> &amp; <i>family</i> &lt;3 &#160;&#x263A; &quot;&apos;</p>`),
		wrap(`<table class="grid" border="1" cellpadding="2"><tr><td style="color: red; padding: 2px" colspan="2">x</td></tr></table>`),
		wrap(`<a href="http://example.org/x?a=1&amp;b=2" name="top" title="t">link</a>`),
		wrap(`<a href="#top">up</a><a href="Patient/123">rel</a><a href="mailto:x@example.org">m</a>`),
		wrap(`<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"/>`), // an image is content
		wrap(`<img src="#contained-binary"/>`),
		wrap(`<img src="http://example.org/logo.png" alt="external images are allowed"/>`),
		wrap(`<!-- a comment -->text<br/><hr/><pre xml:space="preserve">  x</pre>`),
		wrap(`<![CDATA[ a < b ]]>`),
		wrap(`<span lang="de" xml:lang="de" dir="ltr">Hallo</span>`),
		`<div xmlns="http://www.w3.org/1999/xhtml" xmlns:h="http://www.w3.org/1999/xhtml"><h:p>prefixed XHTML</h:p></div>`,
		"\n  " + wrap("surrounding whitespace is fine") + "\n",
		wrap(`<ul><li>one</li><li>two</li></ul><ol><li>x</li></ol><dl><dt>a</dt><dd>b</dd></dl>`),
		wrap(`<table><tr><td style="background-image: url(tbl_bck1.png); background-color: white">relative images, as FHIR's generated tables use</td></tr></table>`),
		wrap(`<h1>a</h1><h6>b</h6><blockquote cite="http://example.org">q</blockquote><sub>1</sub><sup>2</sup>`),
	}
	for _, v := range valid {
		if ps := Check(v); len(ps) != 0 {
			t.Errorf("%s\n  want no findings, got %+v", v, ps)
		}
	}
}

func TestCheckInvalid(t *testing.T) {
	cases := []struct {
		name, div string
		want      string // the first finding's rule
		severity  finding.Severity
	}{
		{"empty string", "", "xhtml.root", finding.Error},
		{"no root", "just text", "xhtml.root", finding.Error},
		{"root not div", `<p xmlns="http://www.w3.org/1999/xhtml">x</p>`, "xhtml.root", finding.Error},
		{"no namespace", `<div>text</div>`, "xhtml.namespace", finding.Error},
		{"wrong namespace", `<div xmlns="http://example.org">text</div>`, "xhtml.namespace", finding.Error},
		{"two roots", wrap("a") + wrap("b"), "xhtml.root", finding.Error},
		{"text after root", wrap("a") + "tail", "xhtml.root", finding.Error},
		{"empty div", wrap(""), "xhtml.empty", finding.Warning},
		{"whitespace only", wrap(" \n\t<p> </p><br/>&#32;"), "xhtml.empty", finding.Warning},
		{"script", wrap(`<script>alert(1)</script>`), "xhtml.element", finding.Error},
		{"script in svg", wrap(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "xhtml.namespace", finding.Error},
		{"iframe", wrap(`x<iframe src="http://evil.example"></iframe>`), "xhtml.element", finding.Error},
		{"form", wrap(`<form><input name="q"/></form>x`), "xhtml.element", finding.Error},
		{"style element", wrap(`<style>p{color:red}</style>x`), "xhtml.element", finding.Error},
		{"object", wrap(`<object data="x.swf"></object>x`), "xhtml.element", finding.Error},
		{"font is not HTML 4 strict", wrap(`<font color="red">x</font>`), "xhtml.element", finding.Error},
		{"onerror", wrap(`<img src="x" onerror="alert(1)"/>`), "xhtml.attribute", finding.Error},
		{"onclick uppercase", wrap(`<p onClick="alert(1)">x</p>`), "xhtml.attribute", finding.Error},
		{"xlink", wrap(`<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(1)">x</a>`), "xhtml.attribute", finding.Error},
		{"href on span", wrap(`<span href="x">x</span>`), "xhtml.attribute", finding.Error},
		{"javascript href", wrap(`<a href="javascript:alert(1)">x</a>`), "xhtml.url", finding.Error},
		{"javascript href mixed case", wrap(`<a href="JaVaScRiPt:alert(1)">x</a>`), "xhtml.url", finding.Error},
		{"javascript href leading space", wrap(`<a href="  javascript:alert(1)">x</a>`), "xhtml.url", finding.Error},
		{"javascript href tab", wrap(`<a href="java&#9;script:alert(1)">x</a>`), "xhtml.url", finding.Error},
		{"javascript href newline", wrap("<a href=\"java\nscript:alert(1)\">x</a>"), "xhtml.url", finding.Error},
		{"javascript href entity colon", wrap(`<a href="javascript&#58;alert(1)">x</a>`), "xhtml.url", finding.Error},
		{"javascript href hex entities", wrap(`<a href="&#x6A;avascript:alert(1)">x</a>`), "xhtml.url", finding.Error},
		{"vbscript", wrap(`<a href="vbscript:msgbox">x</a>`), "xhtml.url", finding.Error},
		{"data html link", wrap(`<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`), "xhtml.url", finding.Error},
		{"data html img", wrap(`<img src="data:text/html,&lt;script&gt;"/>`), "xhtml.url", finding.Error},
		{"style expression", wrap(`<p style="width: expression(alert(1))">x</p>`), "xhtml.style", finding.Error},
		{"style escaped expression", wrap(`<p style="width: exp\72 ession(alert(1))">x</p>`), "xhtml.style", finding.Error},
		{"style comment split", wrap(`<p style="width: exp/**/ression(alert(1))">x</p>`), "xhtml.style", finding.Error},
		{"style javascript url", wrap(`<p style="background: url(javascript:alert(1))">x</p>`), "xhtml.style", finding.Error},
		{"style behavior", wrap(`<p style="behavior: url(x.htc)">x</p>`), "xhtml.style", finding.Error},
		{"style moz-binding", wrap(`<p style="-moz-binding: url(x.xml#y)">x</p>`), "xhtml.style", finding.Error},
		{"style external url", wrap(`<p style="background-image: url(http://tracker.example/p.gif)">x</p>`), "xhtml.style", finding.Warning},
		{"style protocol-relative url", wrap(`<p style="background-image: url( '//tracker.example/p.gif' )">x</p>`), "xhtml.style", finding.Warning},
		{"unbalanced", wrap(`<p><b>x</p>`), "xhtml.well-formed", finding.Error},
		{"unclosed", open + `<p>x`, "xhtml.well-formed", finding.Error},
		{"stray end tag", wrap(`x</span>`), "xhtml.well-formed", finding.Error},
		{"html void br", wrap(`x<br>y`), "xhtml.well-formed", finding.Error},
		{"unquoted attribute", wrap(`<p class=x>y</p>`), "xhtml.well-formed", finding.Error},
		{"attribute without value", wrap(`<td nowrap>y</td>`), "xhtml.well-formed", finding.Error},
		{"duplicate attribute", wrap(`<p class="a" class="b">y</p>`), "xhtml.well-formed", finding.Error},
		{"lt in text", wrap(`a < b`), "xhtml.well-formed", finding.Error},
		{"lt in attribute", wrap(`<p title="a<b">y</p>`), "xhtml.well-formed", finding.Error},
		{"bare ampersand", wrap(`salt & pepper`), "xhtml.entity", finding.Error},
		{"html entity", wrap(`a&nbsp;b`), "xhtml.entity", finding.Error},
		{"bad char ref", wrap(`a&#0;b`), "xhtml.entity", finding.Error},
		{"doctype", `<!DOCTYPE html>` + wrap("x"), "xhtml.doctype", finding.Error},
		{"processing instruction", wrap(`<?php echo 1 ?>x`), "xhtml.processing-instruction", finding.Error},
		{"unterminated comment", wrap(`x<!-- open`), "xhtml.well-formed", finding.Error},
		{"double dash comment", wrap(`x<!-- a -- b -->`), "xhtml.well-formed", finding.Error},
		{"unterminated cdata", open + `x<![CDATA[ open`, "xhtml.well-formed", finding.Error},
		{"control character", wrap("a\x01b"), "xhtml.char", finding.Error},
		{"invalid utf8", wrap("a\xffb"), "xhtml.char", finding.Error},
		{"undeclared prefix", wrap(`<x:p>y</x:p>`), "xhtml.well-formed", finding.Error},
		{"mathml", wrap(`<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>y`), "xhtml.namespace", finding.Error},
	}
	for _, c := range cases {
		ps := Check(c.div)
		if len(ps) == 0 {
			t.Errorf("%s: want %s, got no findings", c.name, c.want)
			continue
		}
		if ps[0].Rule != c.want || ps[0].Severity != c.severity {
			t.Errorf("%s: want %s %s first, got %v: %s", c.name, c.severity, c.want, rules(ps), ps[0].Message)
		}
		for _, p := range ps {
			if p.Message == "" || p.Offset < 0 || p.Offset > len(c.div) {
				t.Errorf("%s: malformed finding %+v", c.name, p)
			}
		}
	}
}

func TestCheckMessages(t *testing.T) {
	cases := []struct{ div, want string }{
		{wrap(`<script>x</script>`), "<script> is not allowed: scripts are not allowed in narrative"},
		{wrap(`<img src="x.png" onerror="alert(1)"/>`), "attribute onerror is not allowed on <img>: event handler attributes run script"},
		{`<div>x</div>`, `must declare the XHTML namespace: <div xmlns="http://www.w3.org/1999/xhtml">`},
		{wrap(`a&nbsp;b`), "use the character itself or a numeric reference (e.g. &#160; for &nbsp;)"},
		{wrap(`<p><b>x</p>`), "</p> closes <p> while <b>"},
	}
	for _, c := range cases {
		ps := Check(c.div)
		if len(ps) == 0 || !strings.Contains(ps[0].Message, c.want) {
			t.Errorf("%s: want a message containing %q, got %+v", c.div, c.want, ps)
		}
	}
}

func TestCheckOffsets(t *testing.T) {
	div := wrap(`<p>ok</p><script>x</script>`)
	ps := Check(div)
	if len(ps) != 1 || ps[0].Offset != strings.Index(div, "<script>") {
		t.Fatalf("want one finding at the <script> tag, got %+v", ps)
	}
}

func TestCheckCapsProblems(t *testing.T) {
	ps := Check(wrap(strings.Repeat("<script>x</script>", 200)))
	if len(ps) != maxFindings+1 || ps[maxFindings].Rule != "xhtml.too-many" {
		t.Fatalf("want %d findings ending with xhtml.too-many, got %d", maxFindings+1, len(ps))
	}
}
