//go:build !(js && wasm)

package record

// Browser tests of the record viewer (web/js/record/view.js) in headless
// Chromium: a Synthea patient, an R4 document bundle, the hand-made record
// and a bundle seeded with XSS payloads. They run with FHIRLENS_BROWSER=1
// (as `make browser-test` sets) and write screenshots to
// test-artifacts/record/ (or $FHIRLENS_ARTIFACTS/record).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// harnessPage loads the viewer module and renders /model.json. Options that
// need functions are built here; findings are given per card key.
const harnessPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>record viewer test</title>
<link rel="stylesheet" href="/css/record.css">
<style>body{margin:0;background:#f6f7f9;font:15px/1.45 system-ui,sans-serif}</style>
</head><body><main id="root"></main>
<script type="module">
import { renderRecord } from '/js/record/view.js';
const model = await (await fetch('/model.json')).json();
const findings = await (await fetch('/findings.json')).json();
const input = await fetch('/input');
const bytes = input.ok ? new Uint8Array(await input.arrayBuffer()) : null;
window.__view = renderRecord(document.getElementById('root'), model, {
  fileName: 'test input',
  findingsByCard: new Map(Object.entries(findings)),
  onOpenFindings: (k) => { window.__openedFindings = k; },
  onOpenRaw: (k) => { window.__openedRaw = k; },
  bytes,
});
window.__ready = true;
</script></body></html>`

func browserOrSkip(t *testing.T) string {
	t.Helper()
	if os.Getenv("FHIRLENS_BROWSER") != "1" {
		t.Skip("browser tests run with FHIRLENS_BROWSER=1")
	}
	browser := os.Getenv("FHIRLENS_CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no browser at %s", browser)
		}
		t.Skipf("no browser at %s", browser)
	}
	return browser
}

func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FHIRLENS_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "test-artifacts")
	}
	dir = filepath.Join(dir, "record")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// viewerServer serves the viewer's files from ../web plus one model.
func viewerServer(t *testing.T, model *Model, findings map[string]int, input []byte) *httptest.Server {
	t.Helper()
	modelJSON, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	if findings == nil {
		findings = map[string]int{}
	}
	findingsJSON, _ := json.Marshal(findings)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, harnessPage)
	})
	mux.HandleFunc("/model.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(modelJSON)
	})
	mux.HandleFunc("/findings.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(findingsJSON)
	})
	mux.HandleFunc("/input", func(w http.ResponseWriter, r *http.Request) {
		if input == nil {
			http.NotFound(w, r)
			return
		}
		w.Write(input)
	})
	web := http.FileServer(http.Dir(filepath.Join("..", "web")))
	mux.Handle("/js/record/", web)
	mux.Handle("/css/record.css", web)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// openViewer starts Chromium on the harness and waits for the render.
func openViewer(t *testing.T, srv *httptest.Server) (context.Context, func()) {
	t.Helper()
	browser := browserOrSkip(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox,
		chromedp.WindowSize(1366, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	cancel := func() { cancelCtx(); cancelAlloc() }
	// The first call starts the browser: no timeout on it (see chromedp.Run).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		t.Fatalf("browser did not start: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		cancel()
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.__ready === true`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		cancel()
		t.Fatalf("viewer did not render: %v", err)
	}
	return ctx, cancel
}

// openRecord summarises data as of goldenNow and opens the viewer on its
// model, with findings counted per card key (nil: none).
func openRecord(t *testing.T, data []byte, findings map[string]int) (*Model, context.Context) {
	t.Helper()
	m, err := Summarize(data, Options{Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := openViewer(t, viewerServer(t, m, findings, nil))
	t.Cleanup(cancel)
	return m, ctx
}

func emulateMedia(t *testing.T, ctx context.Context, media, colorScheme string) {
	t.Helper()
	params := emulation.SetEmulatedMediaParams{Media: media}
	if colorScheme != "" {
		params.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: colorScheme}}
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, params); err != nil {
		t.Fatal(err)
	}
}

// eval runs JavaScript in the page and decodes its value (awaiting promises).
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %q: %v", expr, err)
	}
	return v
}

func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.getElementById('root').innerText`)
}

// screenshot writes the first screen as <name>.png and the whole page as
// <name>-full.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	full, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := artifactsDir(t)
	for file, data := range map[string][]byte{name + ".png": top, name + "-full.png": full} {
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots %s/%s{.png,-full.png}", dir, name)
}

func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("page does not show %q", w)
		}
	}
}

// TestBrowserSyntheaPatient renders one Synthea patient (the corpus as ndjson)
// and checks the facts a clinician looks for first.
func TestBrowserSyntheaPatient(t *testing.T) {
	browserOrSkip(t)
	input := syntheaNDJSON(t)
	m, err := Summarize(input, Options{Now: goldenNow, OmitAttachmentData: true})
	if err != nil {
		t.Fatal(err)
	}
	// The first patient with an active condition and a medication.
	var rec *PatientRecord
	var condition, medication string
	for _, p := range m.Patients {
		condition, medication = "", ""
		for _, s := range p.Sections {
			for _, c := range s.Cards {
				if s.ID == "problems" && condition == "" && strings.HasPrefix(c.Status, "active") {
					condition = c.Title
				}
				if s.ID == "medications" && medication == "" && c.Title != "" {
					medication = c.Title
				}
			}
		}
		if condition != "" && medication != "" {
			rec = p
			break
		}
	}
	if rec == nil {
		t.Fatal("no Synthea patient with an active condition and a medication")
	}
	m.Patients = append([]*PatientRecord{rec}, without(m.Patients, rec)...)
	srv := viewerServer(t, m, map[string]int{rec.Key: 2}, input)
	ctx, cancel := openViewer(t, srv)
	defer cancel()
	text := pageText(t, ctx)
	name := rec.Banner.Names[0].Text
	mustContain(t, text, name, rec.Banner.Age, withoutTag(condition), medication, "Timeline", "2 findings")
	screenshot(t, ctx, "synthea-patient")

	// Attachment data left out of the model is read from the input bytes.
	note := eval[string](t, ctx, `new Promise((done) => {
		document.querySelector('#rc-sec-documents .rc-row-open').click();
		document.querySelector('#rc-sec-documents .rc-attachment-body button').click();
		setTimeout(() => { const pre = document.querySelector('#rc-sec-documents .rc-attachment-text'); done(pre ? pre.textContent : ''); }, 300);
	})`)
	if strings.TrimSpace(note) == "" {
		t.Error("the clinical note of a DocumentReference was not shown")
	}

	// The patient switcher shows another patient.
	other := m.Patients[1]
	key, _ := json.Marshal(other.Key)
	shown := eval[string](t, ctx, `(() => { const s = document.querySelector('select.rc-select'); s.value = `+string(key)+`; s.dispatchEvent(new Event('change')); return document.querySelector('.rc-patient-name').textContent; })()`)
	if want := other.Banner.Names[0].Text; shown != want {
		t.Errorf("switcher shows %q, want %q", shown, want)
	}
}

func without(ps []*PatientRecord, drop *PatientRecord) []*PatientRecord {
	var out []*PatientRecord
	for _, p := range ps {
		if p != drop {
			out = append(out, p)
		}
	}
	return out
}

// TestBrowserDocumentBundle renders the R4 example document (Bundle-father).
func TestBrowserDocumentBundle(t *testing.T) {
	browserOrSkip(t)
	ex := r4Examples(t, func(name string, _ []byte) bool { return name == "Bundle-father.json" })
	data, ok := ex["Bundle-father.json"]
	if !ok {
		t.Skip("Bundle-father.json not in the examples package")
	}
	m, ctx := openRecord(t, data, nil)
	text := pageText(t, ctx)
	if m.Document == nil {
		t.Fatal("no document")
	}
	mustContain(t, text, m.Document.Title.Text)
	for _, s := range m.Document.Sections {
		mustContain(t, text, s.Title)
	}
	screenshot(t, ctx, "document-bundle")
}

// TestBrowserRecordFacts renders testdata/record/patient-bundle.json: flags,
// absent values, findings badges, raw links and reference navigation.
func TestBrowserRecordFacts(t *testing.T) {
	_, ctx := openRecord(t, recordTestdata(t, "patient-bundle.json"), map[string]int{"entry:10": 3})
	// Every entry as a card: the full record below the summary.
	eval[any](t, ctx, `(document.getElementById('rc-full').open = true, window.__view.fillFull(), null)`)
	text := pageText(t, ctx)
	mustContain(t, text,
		"Mrs Jane Anne Smith", "65 years", "not recorded (asked-declined)",
		"⚠ check digit is wrong (Modulus 11)", "Metformin 500mg tablets", "1 tablet, twice a day",
		"132/84 mmHg", "↓ falling", "(abnormal)", "(critical)", "3 findings", "Park Surgery",
		"status: unknown ObservationStatus code `not-a-status`",
	)
	if strings.Contains(text, "registered") {
		t.Error("an invented status (registered) is shown")
	}
	opened := eval[string](t, ctx, `document.querySelector('#rc-card-entry-10 .rc-badge').click(), window.__openedFindings`)
	// The GP link goes to the Organization card among the unlinked resources.
	focused := eval[string](t, ctx, `document.querySelector('.rc-banner a.rc-ref').click(), document.activeElement.id`)
	raw := eval[string](t, ctx, `document.querySelector('#rc-card-entry-2 .rc-card-actions button').click(), window.__openedRaw`)
	if raw != "entry:2" {
		t.Errorf("raw JSON button opened %q", raw)
	}
	if opened != "entry:10" {
		t.Errorf("findings badge opened %q", opened)
	}
	if focused != "rc-card-entry-1" {
		t.Errorf("GP link focused %q, want the Organization card", focused)
	}
	screenshot(t, ctx, "record-facts")
	emulateMedia(t, ctx, "print", "")
	screenshot(t, ctx, "record-facts-print")
	emulateMedia(t, ctx, "screen", "dark")
	screenshot(t, ctx, "record-facts-dark")
}

// TestBrowserXSS loads a bundle seeded with script payloads, opens every
// narrative, attachment and sandbox, and checks that nothing ran.
func TestBrowserXSS(t *testing.T) {
	_, ctx := openRecord(t, recordTestdata(t, "xss-bundle.json"), nil)
	js := func(expr string) { eval[any](t, ctx, "("+expr+", null)") }
	js(`document.querySelectorAll('#root details').forEach(d => d.open = true)`)
	time.Sleep(100 * time.Millisecond)
	js(`document.querySelectorAll('#root .rc-attachment-body button').forEach(b => b.click())`)
	time.Sleep(300 * time.Millisecond)
	js(`document.querySelectorAll('#root .rc-attachment-content button').forEach(b => b.click())`)
	time.Sleep(500 * time.Millisecond)
	js(`document.querySelectorAll('#root [tabindex], #root a').forEach(e => { e.focus(); e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); })`)
	time.Sleep(200 * time.Millisecond)
	canary := eval[any](t, ctx, `window.__xss === undefined ? null : window.__xss`)
	scripts := eval[int](t, ctx, `document.querySelectorAll('#root script').length`)
	handlers := eval[int](t, ctx, `Array.from(document.querySelectorAll('#root *')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length`)
	jsLinks := eval[int](t, ctx, `Array.from(document.querySelectorAll('#root [href],#root [src]')).filter(e => /^\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || '')).length`)
	if canary != nil {
		t.Errorf("XSS payload ran: window.__xss = %v", canary)
	}
	if scripts != 0 || handlers != 0 || jsLinks != 0 {
		t.Errorf("active content in the page: %d scripts, %d elements with handlers, %d javascript: links", scripts, handlers, jsLinks)
	}
	sandboxes := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('#root iframe')).map(f => f.getAttribute('sandbox'))`)
	for _, s := range sandboxes {
		if s != "" {
			t.Errorf("iframe sandbox %q, want an empty sandbox", s)
		}
	}
	if len(sandboxes) == 0 {
		t.Error("the active attachment was not rendered in a sandbox")
	}
	text := pageText(t, ctx)
	mustContain(t, text, "<img src=x onerror=window.__xss=1>", "<svg onload=window.__xss=1>")
	screenshot(t, ctx, "xss-bundle")
}

// TestBrowserClinicalSummary renders testdata/record/clinical-bundle.json and
// checks the summary's clinical facts (issue 14): order, grouping, flags and
// honest invalid data.
func TestBrowserClinicalSummary(t *testing.T) {
	_, ctx := openRecord(t, recordTestdata(t, "clinical-bundle.json"), nil)
	screenshot(t, ctx, "clinical-summary")
	text := pageText(t, ctx)
	// Allergies come before problems, on screen and in reading order.
	if a, p := strings.Index(text, "Allergies and intolerances"), strings.Index(text, "Active problems"); a < 0 || p < 0 || a > p {
		t.Errorf("allergies at %d, active problems at %d: allergies must come first", a, p)
	}
	sectionText := func(id string) string {
		return eval[string](t, ctx, `(document.getElementById('rc-sec-`+id+`') || {innerText: ''}).innerText`)
	}
	problems := sectionText("problems")
	mustContain(t, problems, "Essential hypertension")
	if strings.Contains(problems, "Full-time employment") {
		t.Error("a social finding (Full-time employment) is listed among the active problems")
	}
	if strings.Contains(problems, "Influenza") {
		t.Error("a resolved problem is listed among the active problems")
	}
	mustContain(t, sectionText("findings"), "Full-time employment")
	mustContain(t, sectionText("past-problems"), "Influenza")
	rows := eval[int](t, ctx, `[...document.querySelectorAll('#rc-sec-medications tr.rc-sum-row')].filter(r => r.innerText.includes('Simvastatin')).length`)
	if rows != 1 {
		t.Errorf("Simvastatin is %d rows in current medications, want 1", rows)
	}
	mustContain(t, sectionText("medications"), "+3 earlier prescriptions")
	flag := eval[string](t, ctx, `(() => { const r = [...document.querySelectorAll('#rc-sec-results tr.rc-sum-row')].find(r => r.innerText.includes('Cholesterol [Moles')); return r ? [...r.cells].filter(c => c.classList.contains('rc-flag-high')).map(c => c.innerText).join('|') : 'no row'; })()`)
	if !strings.Contains(flag, "High (computed)") {
		t.Errorf("out-of-range cholesterol: flagged cells %q, want High (computed)", flag)
	}
	banner := eval[string](t, ctx, `document.querySelector('.rc-banner').innerText`)
	mustContain(t, banner, "invalid date as recorded: 1990-02-30", "1 allergy", "Needs an interpreter")
	if strings.Contains(banner, "years") || strings.Contains(banner, "30 Feb") {
		t.Errorf("an age or a date was derived from the invalid birth date: %q", banner)
	}
	mustContain(t, sectionText("procedures"), "invalid date as recorded: 1984-13-32")
	if strings.Contains(text, "32 13 1984") {
		t.Error("the invalid date 1984-13-32 is shown as if it were a date")
	}
	// What happened in the encounter opens from its row.
	enc := eval[string](t, ctx, `(() => { document.querySelector('#rc-sec-encounters .rc-row-list').click(); return document.querySelector('#rc-sec-encounters .rc-sum-detail').innerText; })()`)
	mustContain(t, enc, "Simvastatin", "Lipid panel", "Essential hypertension")
	// A row opens its card in place.
	card := eval[string](t, ctx, `(() => { document.querySelector('#rc-sec-allergies .rc-row-open').click(); return document.querySelector('#rc-sec-allergies .rc-sum-detail .rc-card').innerText; })()`)
	mustContain(t, card, "Penicillin", "Eruption of skin")
	screenshot(t, ctx, "clinical-summary-opened")

	// The timeline's date filter reads dates as the page writes them.
	filtered := eval[string](t, ctx, `(() => {
		const i = document.querySelector('.rc-timeline .rc-date-input input');
		i.value = 'Jan 2024'; i.dispatchEvent(new Event('input'));
		return document.querySelector('.rc-timeline-controls p.rc-subtle').textContent + ' | ' + document.querySelector('.rc-timeline .rc-date-echo').textContent;
	})()`)
	if !strings.HasPrefix(filtered, "6 of 17 dated entries") || !strings.Contains(filtered, "Jan 2024") {
		t.Errorf("timeline from Jan 2024: %q, want 6 of 17 (the 2024 check-up: encounter, report, 3 results, prescription) and the date said back", filtered)
	}

	// Print summary: the tables print with their names, without the opened
	// card, the timeline or the notes.
	eval[any](t, ctx, `(document.querySelectorAll('.rc-sum-detail').forEach((d) => d.remove()), window.__view.printMode = 'summary', window.__view.expandForPrint(), null)`)
	emulateMedia(t, ctx, "print", "")
	printed := pageText(t, ctx)
	mustContain(t, printed, "Penicillin", "Essential hypertension", "Simvastatin 20 MG Oral Tablet", "High (computed)")
	for _, hidden := range []string{"Timeline", "Print summary", "earlier prescriptions", "Grouped by report"} {
		if strings.Contains(printed, hidden) {
			t.Errorf("the printed summary shows %q", hidden)
		}
	}
	screenshot(t, ctx, "clinical-summary-print")
	emulateMedia(t, ctx, "screen", "")
	eval[any](t, ctx, `(window.__view.restoreAfterPrint(), null)`)
}

// TestBrowserIPSDocument renders an IPS example document: its sections in
// the order of the Composition, under their IPS titles.
func TestBrowserIPSDocument(t *testing.T) {
	browserOrSkip(t)
	var data []byte
	sharedtest.EachJSON(t, "ig/hl7.fhir.uv.ips-2.0.0-ballot-unofficial.tgz", func(name string, b []byte) {
		if filepath.Base(name) == "Bundle-IPS-examples-Bundle-01.json" {
			data = b
		}
	})
	if data == nil {
		t.Fatal("Bundle-IPS-examples-Bundle-01.json not in the IPS package")
	}
	m, ctx := openRecord(t, data, nil)
	if m.Document == nil || len(m.Document.Sections) < 3 {
		t.Fatal("the IPS example is not read as a document with sections")
	}
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('.rc-document > .rc-doc-section > .rc-doc-section-title')].map(e => e.textContent)`)
	var want []string
	for _, s := range m.Document.Sections {
		want = append(want, s.Title)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sections shown %q, want the Composition's order %q", got, want)
	}
	screenshot(t, ctx, "ips-document")
}

// TestBrowserListSections renders an NHS STU3 bundle whose List resources
// structure the record (as a GP Connect structured record does): each List
// is a section with its entries.
func TestBrowserListSections(t *testing.T) {
	browserOrSkip(t)
	data, err := os.ReadFile(filepath.Join(sharedDir(t), "ig", "nhs-stu3-fhir-assets", "Examples", "DCH-MedicationStatement-Bundle-Example-1-.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, ctx := openRecord(t, data, nil)
	lists := eval[[]string](t, ctx, `[...document.querySelectorAll('section[data-section^="list-"]')].map(s => s.querySelector('.rc-section-title').firstChild.textContent + '=' + s.querySelectorAll('tr.rc-sum-row').length)`)
	if strings.Join(lists, "|") != "Medication Active List=2|Medication Discontinued List=1" {
		t.Errorf("list sections %q, want the two Lists with 2 and 1 entries", lists)
	}
	screenshot(t, ctx, "list-sections")
}
