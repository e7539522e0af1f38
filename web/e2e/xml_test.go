package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/validator/definitions"
	"github.com/fhirlens/fhirlens/validator/fhirxml"
)

// TestXML: FHIR XML in the page. A broken bundle converted to XML is
// dropped and shows the findings of its JSON twin; a finding opens the raw
// view on the XML at its line; the raw view switches to the canonical JSON
// and back; XML can be pasted; an STU3 input makes the worker fetch the STU3
// definitions from the app's own origin — and nothing else is requested.
func TestXML(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	ctx := newTab(t)
	netlog := watchNetwork(t, ctx)
	defs, err := definitions.R4()
	if err != nil {
		t.Fatal(err)
	}
	broken, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "samples", "broken-patient-bundle.json"))
	if err != nil {
		t.Fatal(err)
	}
	x, err := fhirxml.ToXML(broken, defs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	xmlPath := filepath.Join(dir, "broken-patient-bundle.xml")
	if err := os.WriteFile(xmlPath, x, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)

	t.Run("drop XML", func(t *testing.T) {
		if err := chromedp.Do(ctx, dropFiles(xmlPath)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
		list := evalString(t, ctx, `document.getElementById('issue-list').innerText`)
		contains(t, "issue list", list, "broken-patient-bundle.xml")
		contains(t, "issue list", list, "'F' is not in AdministrativeGender")
		contains(t, "issue list", list, "unknown element 'nickname'")
		contains(t, "format", evalString(t, ctx, `JSON.parse(fhirlens.state.files[0].reportJSON).format`), "xml")
	})

	t.Run("finding opens the XML at its line", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#issue-list button.issue.sev-error`))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `!document.getElementById('panel-raw').hidden && document.querySelector('.raw-row.is-target') !== null`, 10*time.Second)
		target := evalString(t, ctx, `document.querySelector('.raw-row.is-target').innerText`)
		if !strings.Contains(target, "<") {
			t.Errorf("the highlighted row is not XML: %q", target)
		}
		// the row's line number is the finding's line in the XML
		line := evalString(t, ctx, `document.querySelector('.raw-row.is-target').dataset.line`)
		contains(t, "raw title", evalString(t, ctx, `document.getElementById('raw-title').textContent`), "line "+line+":")
		if n := evalString(t, ctx, `String(document.querySelectorAll('.raw-gutter.has-issue').length)`); n == "0" {
			t.Error("no findings marked in the raw XML")
		}
		contains(t, "raw label", evalString(t, ctx, `document.getElementById('raw-view').getAttribute('aria-label')`), "XML")
		screenshot(t, ctx, "xml-01-raw")
	})

	t.Run("view as JSON and back", func(t *testing.T) {
		contains(t, "switch", evalString(t, ctx, `document.getElementById('raw-switch').textContent`), "View as JSON")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("raw-switch"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.getElementById('raw-switch').textContent.includes('original')`, 20*time.Second)
		contains(t, "raw JSON", evalString(t, ctx, `document.getElementById('raw-view').innerText`), `"resourceType": "Bundle"`)
		if n := evalString(t, ctx, `String(document.querySelectorAll('.raw-gutter.has-issue').length)`); n != "0" {
			t.Errorf("the converted view marks %s findings; they belong to the original", n)
		}
		screenshot(t, ctx, "xml-02-as-json")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("raw-switch"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.getElementById('raw-switch').textContent.includes('View as JSON')`, 10*time.Second)
		contains(t, "raw XML", evalString(t, ctx, `document.getElementById('raw-view').innerText`), `<Bundle xmlns="http://hl7.org/fhir">`)
	})

	t.Run("paste XML", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("#paste-box summary")),
			chromedp.SetValue(chromedp.ID("paste-text"), `<Patient xmlns="http://hl7.org/fhir"><id value="x"/><gender value="F"/></Patient>`),
			chromedp.Click(chromedp.ID("paste-go")),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done' && document.getElementById('issue-list').innerText.includes('pasted.xml')`, 60*time.Second)
		contains(t, "issue list", evalString(t, ctx, `document.getElementById('issue-list').innerText`), "'F' is not in AdministrativeGender")
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#paste-box').open = false`)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("STU3 fetched from the app's origin on first need", func(t *testing.T) {
		stu3 := filepath.Join(dir, "procedure-request.xml")
		err := os.WriteFile(stu3, []byte(`<ProcedureRequest xmlns="http://hl7.org/fhir"><id value="pr1"/><status value="active"/><intent value="order"/><code><text value="x-ray"/></code><subject><reference value="Patient/1"/></subject></ProcedureRequest>`), 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, dropFiles(stu3)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done' && fhirlens.state.files[0].name === 'procedure-request.xml' && !!fhirlens.state.files[0].reportJSON`, 60*time.Second)
		contains(t, "FHIR version", evalString(t, ctx, `JSON.parse(fhirlens.state.files[0].reportJSON).fhirVersion + JSON.stringify((JSON.parse(fhirlens.state.files[0].reportJSON).findings || []).map(i => i.message))`), "3.0.1")
		if errs := evalString(t, ctx, `String((JSON.parse(fhirlens.state.files[0].reportJSON).findings || []).filter(i => i.severity === 'error' || i.severity === 'fatal').map(i => i.message))`); errs != "" {
			t.Errorf("the STU3 resource has errors: %s", errs)
		}
		fetched := false
		for _, r := range srv.requests() {
			fetched = fetched || strings.HasSuffix(r, "/gen/stu3.bin")
		}
		if !fetched {
			t.Error("gen/stu3.bin was not requested")
		}
	})

	for _, u := range netlog.snapshot() {
		if !strings.HasPrefix(u, srv.URL) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("request beyond the app's own files: %s", u)
		}
	}
}
