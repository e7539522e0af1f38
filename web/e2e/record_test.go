package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestRecordBulkExport drops the 14 ndjson files of the Synthea bulk export
// together and checks that they become one record: every patient has their
// allergies, problems and medications, joined across files (issue 14).
func TestRecordBulkExport(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	ctx := newTab(t)
	files, err := filepath.Glob(filepath.Join(syntheaDir(t), "*.ndjson"))
	if err != nil || len(files) != 14 {
		t.Fatalf("want the 14 Synthea ndjson files, found %d (%v)", len(files), err)
	}
	sort.Strings(files)
	corpus, err := loadSynthea(syntheaDir(t))
	if err != nil {
		t.Fatal(err)
	}
	// What each patient has, from the files themselves.
	type has struct{ Allergies, Conditions, Medications int }
	want := map[string]*has{}
	for _, id := range corpus.patientIDs() {
		want[id] = &has{}
	}
	for _, r := range corpus.resources {
		for _, ref := range r.refs {
			if len(ref) < 8 || ref[:8] != "Patient/" {
				continue
			}
			h := want[ref[8:]]
			if h == nil {
				continue
			}
			switch r.typ {
			case "AllergyIntolerance":
				h.Allergies++
			case "Condition":
				h.Conditions++
			case "MedicationRequest":
				h.Medications++
			}
			break
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	if err := chromedp.Do(ctx, dropFiles(files...)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 4*time.Minute)
	waitFor(t, ctx, `fhirlens.state.set && fhirlens.state.set.status === 'done'`, 2*time.Minute)
	if e := evalString(t, ctx, `fhirlens.state.set.recordError || ''`); e != "" {
		t.Fatalf("record set: %s", e)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-record"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('#record-root .rc-banner') !== null`, 20*time.Second)
	screenshot(t, ctx, "20-bulk-export-record")
	// Visit every patient through the switcher and read the summary.
	out := evalString(t, ctx, `(() => {
		const m = JSON.parse(fhirlens.state.set.recordJSON);
		const rows = (id) => document.querySelectorAll('#rc-sec-' + id + ' tr.rc-sum-row').length;
		const seen = {};
		for (const p of m.patients) {
			const s = document.querySelector('select.rc-select');
			if (s) { s.value = p.key; s.dispatchEvent(new Event('change')); }
			seen[p.id || (p.card && p.card.id) || p.key] = {
				banner: document.querySelector('.rc-banner').innerText,
				allergies: rows('allergies'), conditions: rows('problems') + rows('past-problems') + rows('findings'),
				medications: rows('medications') + rows('past-medications'),
				// Active problems whose coding says finding or situation (social findings).
				findingsAmongProblems: [...document.querySelectorAll('#rc-sec-problems tr.rc-sum-row')].filter((r) => {
					const info = document.getElementById('record-root')._rcView.index.get(r.dataset.card);
					const codes = (info && info.card.code && info.card.code.codes) || [];
					return codes.some((c) => /\((finding|situation)\)$/.test(c.display || ''));
				}).length,
				findingRows: rows('findings'),
				// A medicine listed twice among current medications.
				repeatedMedicines: (() => { const seen = new Set(); let n = 0;
					for (const r of document.querySelectorAll('#rc-sec-medications tr.rc-sum-row')) { const t = r.cells[0].querySelector('.rc-row-open').textContent; if (seen.has(t)) n++; seen.add(t); }
					return n; })(),
			};
		}
		return JSON.stringify({files: (m.files || []).length, seen});
	})()`)
	var got struct {
		Files int
		Seen  map[string]struct {
			Banner                                                string
			Allergies, Conditions, Medications                    int
			FindingsAmongProblems, FindingRows, RepeatedMedicines int
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Files != 14 {
		t.Errorf("the record names %d files, want 14", got.Files)
	}
	if len(got.Seen) != len(want) {
		t.Errorf("%d patients in the record, want %d", len(got.Seen), len(want))
	}
	findings := 0
	for id, g := range got.Seen {
		findings += g.FindingRows
		if g.FindingsAmongProblems > 0 {
			t.Errorf("patient %s: %d social or other findings listed among the active problems", id, g.FindingsAmongProblems)
		}
		if g.RepeatedMedicines > 0 {
			t.Errorf("patient %s: %d medicines listed twice among current medications", id, g.RepeatedMedicines)
		}
	}
	if findings == 0 {
		t.Error("no patient shows social and other findings: the Synthea findings went nowhere")
	}
	for id, w := range want {
		g, ok := got.Seen[id]
		if !ok {
			t.Errorf("patient %s is not in the record", id)
			continue
		}
		if (w.Allergies > 0) != (g.Allergies > 0) || (w.Conditions > 0) != (g.Conditions > 0) || (w.Medications > 0) != (g.Medications > 0) {
			t.Errorf("patient %s: files have %d allergies, %d conditions, %d prescriptions; summary shows %d, %d, %d rows",
				id, w.Allergies, w.Conditions, w.Medications, g.Allergies, g.Conditions, g.Medications)
		}
	}
}

// TestRecordNavigation: the tab, patient and opened card live in the URL
// hash; Back returns from a followed reference and from a tab switch, and
// the app is still there with its results.
func TestRecordNavigation(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	if err := chromedp.Do(ctx, dropFiles(filepath.Join(repoRoot(), "testdata", "record", "clinical-bundle.json"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-record"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.querySelector('#record-root .rc-alert-flag a') !== null`, 20*time.Second)
	contains(t, "hash", evalString(t, ctx, `location.hash`), "tab=record")
	before := evalString(t, ctx, `location.hash`)
	// Follow a reference (the alert's link to its Flag): the hash names the card.
	evalString(t, ctx, `(document.querySelector('#record-root .rc-alert-flag a').click(), '')`)
	waitFor(t, ctx, `location.hash.includes('card=')`, 5*time.Second)
	waitFor(t, ctx, `document.activeElement && document.activeElement.id.startsWith('rc-card-')`, 5*time.Second)
	screenshot(t, ctx, "21-record-followed-reference")
	evalString(t, ctx, `(history.back(), '')`)
	waitFor(t, ctx, `location.hash === `+jsString(before), 5*time.Second)
	if s := evalString(t, ctx, `document.body.dataset.state + ' ' + document.getElementById('tab-record').getAttribute('aria-selected')`); s != "done true" {
		t.Errorf("after Back: state and record tab %q, want the app with its record", s)
	}
	// A tab switch is a history step too.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-issues"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `location.hash.includes('tab=issues')`, 5*time.Second)
	evalString(t, ctx, `(history.back(), '')`)
	waitFor(t, ctx, `document.getElementById('tab-record').getAttribute('aria-selected') === 'true' && !document.getElementById('panel-record').hidden`, 5*time.Second)
	evalString(t, ctx, `(history.forward(), '')`)
	waitFor(t, ctx, `document.getElementById('tab-issues').getAttribute('aria-selected') === 'true'`, 5*time.Second)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestRecordBudgets measures issue 14's figures and prints them as BUDGET
// lines (make bench-web): drop to summary visible for the 13-patient
// Synthea bundle, switching patient, the longest main-thread task while the
// summary renders, and the printed page count of the summary (A4) for the
// median patient and the largest. Timings are not asserted (shared machine).
func TestRecordBudgets(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	corpus, err := loadSynthea(syntheaDir(t))
	if err != nil {
		t.Fatal(err)
	}
	data := corpus.bundle(corpus.patientIDs())
	big := filepath.Join(t.TempDir(), "synthea-13-patients.json")
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	// Long tasks and the moment the summary's banner appears.
	evalString(t, ctx, `(() => {
		window.__long = [];
		new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: false });
		window.__bannerAt = 0;
		new MutationObserver(() => { if (!window.__bannerAt && document.querySelector('#record-root .rc-banner')) window.__bannerAt = performance.now(); })
			.observe(document.getElementById('record-root'), { childList: true, subtree: true });
		document.getElementById('tab-record').click(); // shown as soon as results are there
		return '';
	})()`)
	if err := chromedp.Do(ctx, dropFiles(big)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 4*time.Minute)
	if evalString(t, ctx, `document.getElementById('tab-record').getAttribute('aria-selected')`) != "true" {
		evalString(t, ctx, `(document.getElementById('tab-record').click(), '')`)
	}
	waitFor(t, ctx, `window.__bannerAt > 0`, 60*time.Second)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const start = fhirlens.state.batchStarted, f = fhirlens.state.files[0];
		const m = performance.getEntriesByName('fhirlens-record-render').pop();
		const render = window.__long.filter(([s, d]) => m && s < m.startTime + m.duration && s + d > m.startTime);
		return [window.__bannerAt - start, f.validateMs, f.summarizeMs, Math.max(0, ...render.map(([, d]) => d)), (f.size || 0) / 1e6, m ? m.duration : -1, f.recordAt - start, f.reportAt - start];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("BUDGET %-44s %10.0f ms    (%.1f MB; validate %.0f ms, record model %.0f ms in the worker) [budget 1500 ms]\n", "record: drop to summary visible", res[0], res[4], res[1], res[2])
	fmt.Printf("BUDGET %-44s %10.0f ms    (the report at %.0f ms)\n", "record: drop to record model on the page", res[6], res[7])
	fmt.Printf("BUDGET %-44s %10.0f ms    (parse the header and one patient, render the summary) \n", "record: summary render on the main thread", res[5])
	fmt.Printf("BUDGET %-44s %10.0f ms    (longest long task overlapping that render) [budget 100 ms]\n", "record: longest task while rendering", res[3])
	// Switching patient: every patient once, from the change event to the next frame.
	sw, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(async () => {
		const s = document.querySelector('select.rc-select');
		const times = [];
		for (const o of [...s.options]) {
			const t0 = performance.now();
			s.value = o.value; s.dispatchEvent(new Event('change'));
			await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
			times.push(performance.now() - t0);
		}
		times.sort((a, b) => a - b);
		return [times[Math.floor(times.length / 2)], times[times.length - 1]];
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("BUDGET %-44s %10.0f ms    (median over the 13 patients; worst %.0f ms) [budget 200 ms]\n", "record: switch patient", sw[0], sw[1])
	fmt.Printf("BUDGET %-44s %s\n", "  main-thread steps [name, start, ms]", evalString(t, ctx, `JSON.stringify(performance.getEntriesByType('measure').filter((m) => m.name.startsWith('fhirlens-')).map((m) => [m.name.slice(9), Math.round(m.startTime), Math.round(m.duration)]))`))
	// Print summary page count, A4, for the median and the largest patient.
	sizes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const v = document.getElementById('record-root')._rcView;
		const m = v.patients.map((p) => [p.key, (v.patient(p.key).sections || []).reduce((n, s) => n + s.cards.length, 0)]);
		m.sort((a, b) => a[1] - b[1]);
		return [m[Math.floor(m.length / 2)][0], String(m[Math.floor(m.length / 2)][1]), m[m.length - 1][0], String(m[m.length - 1][1])];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for i, which := range []string{"median", "largest"} {
		key, entries := sizes[2*i], sizes[2*i+1]
		modes := []string{"summary", "full"}
		if which == "largest" {
			modes = modes[:1] // the full record of the largest patient runs to hundreds of pages
		}
		for _, mode := range modes {
			evalString(t, ctx, `(() => { const v = document.getElementById('record-root')._rcView;
				const s = document.querySelector('select.rc-select'); s.value = `+jsString(key)+`; s.dispatchEvent(new Event('change'));
				v.printMode = `+jsString(mode)+`; v.expandForPrint(); return ''; })()`)
			margin := 0.5
			out, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69,
				MarginTop: &margin, MarginBottom: &margin, MarginLeft: &margin, MarginRight: &margin})
			pdf := out.Data
			evalString(t, ctx, `(document.getElementById('record-root')._rcView.restoreAfterPrint(), '')`)
			if err != nil {
				t.Fatal(err)
			}
			pages := countPDFPages(pdf)
			fmt.Printf("BUDGET %-44s %10d pages (A4; %s Synthea patient, %s entries)%s\n", "record: print "+mode+", "+which+" patient", pages, which, entries, map[bool]string{true: " [budget 4 pages]"}[mode == "summary" && which == "median"])
			if mode == "summary" && which == "median" && pages > 4 && os.Getenv("FHIRLENS_ENFORCE_BUDGETS") == "1" {
				t.Errorf("print summary of the median patient: %d pages, over 4", pages)
			}
			if mode == "summary" && which == "median" {
				if err := os.WriteFile(filepath.Join(artifactsDir(t), "22-print-summary.pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// countPDFPages counts page objects ("/Type /Page", not "/Pages").
func countPDFPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
}
