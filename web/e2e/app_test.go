package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/validator"
)

// TestApp walks through the app as a user would, in one tab: load, drop a
// valid bundle, a broken one, open a finding in the raw view, drop junk and
// recover, and validate a ~10 MB bundle — then proves that nothing but the
// app's own files was requested, and nothing at all after start-up.
func TestApp(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	ctx := newTab(t)
	netlog := watchNetwork(t, ctx)
	samples := filepath.Join(repoRoot(), "testdata", "samples")

	var afterLoad, serverAfterLoad int
	t.Run("load", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
		// The record viewer's modules are imported once the validator is
		// ready; they are part of start-up.
		waitFor(t, ctx, `document.readyState === 'complete'`, 10*time.Second)
		if recordViewPresent() {
			waitFor(t, ctx, `fhirlens.recordView.available()`, 10*time.Second)
		}
		time.Sleep(300 * time.Millisecond)
		contains(t, "privacy note", evalString(t, ctx, `document.getElementById('privacy-note').innerText`), "Nothing leaves this browser")
		waitFor(t, ctx, `document.body.dataset.definitions === 'loaded'`, 60*time.Second)
		contains(t, "engine status", evalString(t, ctx, `document.getElementById('engine-status').textContent`), "FHIR 4.0.1")
		contains(t, "state", evalString(t, ctx, `document.body.dataset.state`), "empty")
		for _, u := range netlog.snapshot() {
			if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				afterLoad++
			}
		}
		serverAfterLoad = len(srv.requests())
		screenshot(t, ctx, "01-empty")
	})

	t.Run("valid bundle", func(t *testing.T) {
		if err := chromedp.Do(ctx, dropFiles(filepath.Join(samples, "valid-patient-bundle.json"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
		verdict := evalString(t, ctx, `document.getElementById('verdict').textContent`)
		contains(t, "verdict", verdict, "No errors")
		// The page prints the resource count the engine computed, the one the
		// CLI prints for the same file (Summary.Resources).
		data, err := os.ReadFile(filepath.Join(samples, "valid-patient-bundle.json"))
		if err != nil {
			t.Fatal(err)
		}
		v, err := validator.New(validator.Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := v.Validate(context.Background(), validator.FileInput("valid-patient-bundle.json", data)).Summary.Resources
		contains(t, "verdict resource count", verdict, fmt.Sprintf("%d resources", n))
		counts := evalString(t, ctx, `[...document.querySelectorAll('#counts .count')].map(b => b.dataset.severity + '=' + b.querySelector('.count-n').textContent).join(' ')`)
		contains(t, "counts", counts, "error=0") // fatal findings count as errors: no pill of their own
		if strings.Contains(counts, "fatal") {
			t.Errorf("counts %q: fatal and error are both errors", counts)
		}
		if recordViewPresent() {
			waitFor(t, ctx, `document.getElementById('tab-record').getAttribute('aria-selected') === 'true'`, 5*time.Second)
			waitFor(t, ctx, `document.getElementById('record-root').innerText.includes('Denis')`, 20*time.Second)
			contains(t, "record view", evalString(t, ctx, `document.getElementById('record-root').innerText`), "Schmitt")
			screenshot(t, ctx, "02-valid-record")
			// Attachment data is left out of the model and read from the
			// input bytes the page holds: a clinical note opens.
			err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { document.querySelector('#record-root #rc-sec-documents .rc-row-open').click(); const b = [...document.querySelectorAll('#record-root button')].find(b => b.textContent === 'Show content'); b.scrollIntoView(); b.click(); })()`))
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, `(() => { const p = document.querySelector('#record-root .rc-attachment-body pre'); return p && p.textContent.length > 20; })()`, 10*time.Second)
			screenshot(t, ctx, "02b-valid-attachment")
		} else {
			t.Log("record viewer (web/js/record/view.js) not present: patient name check skipped")
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-issues"))); err != nil {
			t.Fatal(err)
		}
		contains(t, "issue list", evalString(t, ctx, `document.getElementById('issue-list').innerText`), "conforms to FHIR R4")
		if n := evalString(t, ctx, `String(document.querySelectorAll('#issue-list .issue.sev-error, #issue-list .issue.sev-fatal').length)`); n != "0" {
			t.Errorf("%s errors listed for the valid bundle", n)
		}
		screenshot(t, ctx, "03-valid-issues")
	})

	t.Run("broken bundle", func(t *testing.T) {
		if err := chromedp.Do(ctx, dropFiles(filepath.Join(samples, "broken-patient-bundle.json"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done' && document.getElementById('verdict').textContent.includes('error')`, 60*time.Second)
		waitFor(t, ctx, `document.getElementById('tab-issues').getAttribute('aria-selected') === 'true'`, 5*time.Second)
		list := evalString(t, ctx, `document.getElementById('issue-list').innerText`)
		for _, want := range []string{
			"unknown element 'nickname'", "line 18, col 9", // unknown element, with its location
			"'F' is not in AdministrativeGender", // bad code
			"'1984-13-32' is not a valid date",   // bad date
			"status is required",                 // missing required element
			"Bundle.entry[0].resource.birthDate", // FHIRPath location
			"does not resolve",                   // unresolved reference
		} {
			contains(t, "issue list", list, want)
		}
		screenshot(t, ctx, "04-broken-issues")
	})

	t.Run("finding opens raw line", func(t *testing.T) {
		err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#issue-list button.issue')].find(b => b.textContent.includes("'nickname'")).click()`))
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `!document.getElementById('panel-raw').hidden && document.querySelector('#raw-view .raw-row.is-target') !== null`, 5*time.Second)
		line := evalString(t, ctx, `document.querySelector('#raw-view .raw-row.is-target').dataset.line`)
		if line != "18" {
			t.Errorf("highlighted raw line = %s, want 18", line)
		}
		contains(t, "highlighted value", evalString(t, ctx, `document.querySelector('#raw-view mark.raw-mark').textContent`), `"nickname": "Broky"`)
		visible := evalString(t, ctx, `(() => { const v = document.getElementById('raw-view').getBoundingClientRect(); const r = document.querySelector('#raw-view .raw-row.is-target').getBoundingClientRect(); return String(r.top >= v.top && r.bottom <= v.bottom); })()`)
		if visible != "true" {
			t.Errorf("the highlighted line is not inside the raw view's visible area")
		}
		screenshot(t, ctx, "05-raw-at-finding")
	})

	t.Run("record links to findings and raw", func(t *testing.T) {
		if !recordViewPresent() {
			t.Skip("record viewer not present")
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-record"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.querySelector('#record-root .rc-badge') !== null`, 10*time.Second)
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#record-root .rc-badge').click()`)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `!document.getElementById('panel-issues').hidden`, 5*time.Second)
		contains(t, "search", evalString(t, ctx, `document.getElementById('issue-search').value`), "Patient/5f2c1a8e")
		listed := evalString(t, ctx, `String(document.querySelectorAll('#issue-list button.issue').length)`)
		want := evalString(t, ctx, `(() => { const r = fhirlens.state.files[0].report; return String(r.findings.filter(i => i.resource >= 0 && r.resources[i.resource].type === 'Patient').length); })()`)
		if listed != want || listed == "0" {
			t.Errorf("the Patient's findings: %s issues listed, want %s", listed, want)
		}
		screenshot(t, ctx, "05b-record-findings")
		err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-record")),
			chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#record-root button')].find(b => b.textContent === 'Raw JSON').click()`))
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `!document.getElementById('panel-raw').hidden && document.querySelector('#raw-view .raw-row.is-target') !== null`, 5*time.Second)
	})

	t.Run("junk then valid", func(t *testing.T) {
		junk := filepath.Join(t.TempDir(), "scan.json")
		data := make([]byte, 4096)
		r := rand.New(rand.NewPCG(1, 2))
		for i := range data {
			data[i] = byte(r.UintN(256))
		}
		if err := os.WriteFile(junk, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, dropFiles(junk)); err != nil {
			t.Fatal(err)
		}
		// A bad file dropped after results joins the batch (issue 15): the
		// earlier results stay, and the file's failure is listed with them.
		waitFor(t, ctx, `document.body.dataset.state === 'done' && fhirlens.state.files.some(f => f.status === 'failed')`, 20*time.Second)
		msg := evalString(t, ctx, `document.getElementById('issue-list').innerText`)
		contains(t, "failure message", msg, "scan.json is not FHIR JSON")
		contains(t, "failure message", msg, "binary data")
		contains(t, "verdict", evalString(t, ctx, `document.getElementById('verdict').textContent`), "1 file could not be read")
		screenshot(t, ctx, "06-junk-failed")
		if err := chromedp.Do(ctx, dropFiles(filepath.Join(samples, "valid-patient-bundle.json"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
		contains(t, "verdict", evalString(t, ctx, `document.getElementById('verdict').textContent`), "No errors")
	})

	big := filepath.Join(t.TempDir(), "synthea-bundle.json")
	t.Run("10 MB bundle with progress", func(t *testing.T) {
		corpus, err := loadSynthea(syntheaDir(t))
		if err != nil {
			t.Fatal(err)
		}
		data := corpus.bundleOfSize(10 << 20)
		if err := os.WriteFile(big, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("bundle: %.1f MB", float64(len(data))/(1<<20))
		if err := chromedp.Do(ctx, dropFiles(big)); err != nil {
			t.Fatal(err)
		}
		// The progress bar moves with resource counts while the worker runs.
		waitFor(t, ctx, `document.body.dataset.state === 'loading' && document.getElementById('progress-detail').textContent.includes(' resources')`, 60*time.Second)
		screenshot(t, ctx, "07-large-progress")
		contains(t, "progress", evalString(t, ctx, `document.getElementById('progress-detail').textContent`), " of ")
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 4*time.Minute)
		verdict := evalString(t, ctx, `document.getElementById('verdict').textContent`)
		contains(t, "verdict", verdict, "resources")
		screenshot(t, ctx, "08-large-done")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-raw"))); err != nil {
			t.Fatal(err)
		}
		// Scroll the virtualised raw view to the middle and check rows render there.
		err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { const v = document.getElementById('raw-view'); v.scrollTop = v.scrollHeight / 2; })()`))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		rows := evalString(t, ctx, `String(document.querySelectorAll('#raw-view .raw-row:not([hidden])').length)`)
		if rows == "0" || len(rows) > 3 {
			t.Errorf("raw view renders %s rows; want a screenful", rows)
		}
		screenshot(t, ctx, "09-large-raw")
	})

	t.Run("cancel", func(t *testing.T) {
		if _, err := os.Stat(big); err != nil {
			t.Skip("no 10 MB bundle")
		}
		if err := chromedp.Do(ctx, dropFiles(big)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'loading' && document.getElementById('progress-detail').textContent.includes(' of ')`, 60*time.Second)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("cancel"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'empty'`, 10*time.Second)
		contains(t, "notice", evalString(t, ctx, `document.getElementById('notice').textContent`), "Cancelled: synthea-bundle.json was not validated")
		screenshot(t, ctx, "10-cancelled")
		// The worker is still (or again) ready for the next file.
		if err := chromedp.Do(ctx, dropFiles(filepath.Join(samples, "broken-patient-bundle.json"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
		if evalString(t, ctx, `String(document.getElementById('notice').hidden)`) != "true" {
			t.Error("the cancel notice is still shown after the next file")
		}
	})

	t.Run("no network after load", func(t *testing.T) {
		var urls []string
		for _, u := range netlog.snapshot() {
			// data: and blob: URLs are the browser's own (Chromium's form
			// control icons, the record view's attachments): nothing is sent.
			if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				urls = append(urls, u)
			}
		}
		for _, u := range urls {
			if !strings.HasPrefix(u, srv.URL+"/") {
				t.Errorf("request to another origin: %s", u)
			}
		}
		// A worker replaced after a cancel that did not stop in time (a
		// loaded machine) reads its own files again, once per restart;
		// nothing else may be requested after start-up.
		restarts := 0
		if n, err := strconv.Atoi(evalString(t, ctx, `document.body.dataset.workerStarts || '0'`)); err == nil && n > 0 {
			restarts = n - 1
		}
		workerFile := func(u string) bool {
			for _, f := range []string{"/js/worker.js", "/gen/wasm_exec.js", "/gen/r4.bin", "/gen/fhirlens.wasm"} {
				if strings.HasSuffix(u, f) {
					return true
				}
			}
			return false
		}
		check := func(who string, extra []string, perRestart int) {
			n := 0
			for _, u := range extra {
				if !workerFile(u) {
					t.Errorf("%s: a request after start-up that is not a restarted worker's file: %s", who, u)
				}
				n++
			}
			if n > restarts*perRestart {
				t.Errorf("%s: %d requests after start-up with %d worker restarts: %v", who, n, restarts, extra)
			}
		}
		check("page", urls[afterLoad:], 1)
		check("server", srv.requests()[serverAfterLoad:], 4)
		t.Logf("worker restarts after start-up: %d", restarts)
		t.Logf("requests at start-up: page %d, server %d (%v)", afterLoad, serverAfterLoad, srv.requests()[:serverAfterLoad])
	})
}
