package e2e

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"
	"time"

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
			seen[p.card ? p.card.id : p.key] = {
				banner: document.querySelector('.rc-banner').innerText,
				allergies: rows('allergies'), conditions: rows('problems') + rows('past-problems') + rows('findings'),
				medications: rows('medications') + rows('past-medications'),
			};
		}
		return JSON.stringify({files: (m.files || []).length, seen});
	})()`)
	var got struct {
		Files int
		Seen  map[string]struct {
			Banner                             string
			Allergies, Conditions, Medications int
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
