package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/fhirlens/fhirlens/internal/hostile"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// hostilePDF is a one-page PDF that tries everything the security probe saw
// work in Chromium's own viewer: a document-level JavaScript (app.alert and a
// form submission), an OpenAction URI, a page-open script, and a link
// annotation covering the whole page. Every URL points at canary.
func hostilePDF(canary string) []byte {
	content := "0.15 0.35 0.75 rg 72 560 468 160 re f\nBT /F1 28 Tf 0 0 0 rg 80 500 Td (fhirlens hostile PDF) Tj ET\n"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Names << /JavaScript << /Names [(run) 6 0 R] >> >> /AcroForm << /Fields [] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [7 0 R] /AA << /O 8 0 R >> /Resources << /Font << /F1 9 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
		fmt.Sprintf("<< /S /URI /URI (%s/pdf-openaction) >>", canary),
		fmt.Sprintf("<< /S /JavaScript /JS (app.alert\\('pdf document script'\\); this.submitForm\\('%s/pdf-submit'\\);) >>", canary),
		fmt.Sprintf("<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /Border [0 0 0] /A << /S /URI /URI (%s/pdf-link) >> >>", canary),
		fmt.Sprintf("<< /S /JavaScript /JS (app.alert\\('page open'\\); app.launchURL\\('%s/pdf-launch', true\\);) >>", canary),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// hostileAttachmentsBundle is a collection Bundle whose DocumentReference
// carries the PDF above and active content under every label the probe
// tried: HTML labelled as PDF (upper-case, with a charset), SVG, XHTML, HTML
// with an upper-case charset-laden type, and SVG labelled as PNG.
func hostileAttachmentsBundle(canary string) []byte {
	html := fmt.Sprintf(`<html><head><meta http-equiv="refresh" content="0;url=%[1]s/html-refresh"></head><body onload="alert('html')"><script>alert('html script');parent.__xss=1;top.location='%[1]s/html-top'</script><img src="%[1]s/html-img"><a href="%[1]s/html-link" target="_top">link</a><form action="%[1]s/html-form"><input type=submit></form></body></html>`, canary)
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert('svg')"><script>alert('svg script');top.location='%[1]s/svg-top'</script><image href="%[1]s/svg-image" width="10" height="10"/><a href="%[1]s/svg-link"><rect width="100" height="100"/></a></svg>`, canary)
	xhtml := fmt.Sprintf(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert('xhtml');top.location='%[1]s/xhtml-top'</script><img src="%[1]s/xhtml-img"/></body></html>`, canary)
	type att struct{ title, ctype, data string }
	atts := []att{
		{"hostile pdf", "application/pdf", string(hostilePDF(canary))},
		{"html labelled pdf", "Application/PDF; charset=UTF-8", html},
		{"svg", "image/svg+xml", svg},
		{"svg labelled png", "image/png", svg},
		{"xhtml", "application/xhtml+xml", xhtml},
		{"html upper-case", "TEXT/HTML; Charset=\"utf-8\"; boundary=x", html},
		{"html labelled text", "text/plain; charset=utf-8", html},
	}
	var content []any
	for _, a := range atts {
		content = append(content, map[string]any{"attachment": map[string]any{
			"contentType": a.ctype, "title": a.title, "data": base64.StdEncoding.EncodeToString([]byte(a.data)),
		}})
	}
	bundle := map[string]any{
		"resourceType": "Bundle", "type": "collection",
		"entry": []any{
			map[string]any{"fullUrl": "urn:uuid:7f1c0d8e-8a7e-4c43-9a55-0d6c1e5c0a01", "resource": map[string]any{
				"resourceType": "Patient", "id": "p1", "name": []any{map[string]any{"family": "Hostile", "given": []any{"Attachment"}}},
			}},
			map[string]any{"fullUrl": "urn:uuid:7f1c0d8e-8a7e-4c43-9a55-0d6c1e5c0a02", "resource": map[string]any{
				"resourceType": "DocumentReference", "id": "d1", "status": "current",
				"subject": map[string]any{"reference": "urn:uuid:7f1c0d8e-8a7e-4c43-9a55-0d6c1e5c0a01"},
				"content": content,
			}},
		},
	}
	out, err := json.MarshalIndent(bundle, "", " ")
	if err != nil {
		panic(err)
	}
	return out
}

// TestHostileAttachments opens every hostile attachment in the record view,
// renders every sandbox, and clicks the middle of every drawn PDF page with a
// real (trusted) mouse event. It proves: no dialog opened, the tab did not
// navigate, no request reached the canary server, the page requested
// nothing but its own files, no script from the content ran, the app is
// still there — and the PDF was drawn (a canvas with the page's blue box).
func TestHostileAttachments(t *testing.T) {
	requireBrowser(t)
	if !recordViewPresent() {
		t.Skip("record viewer not present")
	}
	srv := startApp(t)
	var canaryHits atomic.Int64
	var canaryMu sync.Mutex
	var canaryPaths []string
	canary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		canaryHits.Add(1)
		canaryMu.Lock()
		canaryPaths = append(canaryPaths, r.URL.Path)
		canaryMu.Unlock()
		fmt.Fprint(w, "<h1>attacker page</h1>")
	}))
	t.Cleanup(canary.Close)

	file := filepath.Join(t.TempDir(), "hostile-attachments.json")
	if err := os.WriteFile(file, hostileAttachmentsBundle(canary.URL), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := newTab(t)
	var dialogs atomic.Int64
	var navMu sync.Mutex
	var navigations []string
	dialogEvents := chromedp.Events(ctx, page.JavascriptDialogOpening)
	navEvents := chromedp.Events(ctx, page.FrameNavigated)
	go func() {
		for _, err := range dialogEvents {
			if err != nil {
				return
			}
			dialogs.Add(1)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	go func() {
		for e, err := range navEvents {
			if err != nil {
				return
			}
			if e.Frame.ParentID == "" {
				navMu.Lock()
				navigations = append(navigations, e.Frame.URL)
				navMu.Unlock()
			}
		}
	}()
	if _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	netlog := watchNetwork(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	navMu.Lock()
	navigations = nil
	navMu.Unlock()

	if err := chromedp.Do(ctx, dropFiles(file)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
	mustRun(t, ctx, `document.getElementById('tab-record').click()`)
	// Every entry as a card (the record view fills them when opened).
	waitFor(t, ctx, `!!document.querySelector('#record-root details.rc-full') || document.querySelectorAll('#record-root .rc-attachment').length > 0`, 20*time.Second)
	mustRun(t, ctx, `const d = document.querySelector('#record-root details.rc-full'); if (d) d.open = true`)
	waitFor(t, ctx, `document.querySelectorAll('#record-root .rc-attachment').length === 7`, 20*time.Second)
	mustRun(t, ctx, `document.querySelectorAll('#record-root .rc-attachment-body button').forEach(b => b.click())`)
	// The PDF is drawn; the HTML labelled as PDF is refused by pdf.js.
	time.Sleep(3 * time.Second)
	waitFor(t, ctx, `document.querySelectorAll('#record-root .rc-pdf-download').length === 2`, 30*time.Second)
	pdfs := evalString(t, ctx, `[...document.querySelectorAll('#record-root .rc-pdf')].map(p => p.querySelector('p').textContent).join(' | ')`)
	contains(t, "the hostile PDF", pdfs, "PDF, 1 page (drawn as a picture")
	contains(t, "HTML labelled as PDF", pdfs, "This PDF cannot be shown here (InvalidPDFException")
	mustRun(t, ctx, `document.querySelectorAll('#record-root .rc-attachment-content button').forEach(b => b.click())`)
	time.Sleep(500 * time.Millisecond)

	// A user's click in the middle of the drawn page, where the link
	// annotation lies, and on every sandboxed frame.
	targets, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#record-root canvas.rc-pdf-page, #record-root iframe').length`))
	if err != nil {
		t.Fatal(err)
	}
	if targets < 2 {
		t.Errorf("%d drawn pages and sandboxes to click, want the PDF and the sandboxes", targets)
	}
	for i := range targets {
		xy, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => { const e = [...document.querySelectorAll('#record-root canvas.rc-pdf-page, #record-root iframe')][%d]; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`, i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
				if _, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: typ, X: xy[0], Y: xy[1], Button: input.MouseButtonLeft, ClickCount: 1}); err != nil {
					return err
				}
			}
			return nil
		})); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Second)

	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d JavaScript dialogs opened", n)
	}
	navMu.Lock()
	if len(navigations) != 0 {
		t.Errorf("the app tab navigated: %v", navigations)
	}
	navMu.Unlock()
	if n := canaryHits.Load(); n != 0 {
		canaryMu.Lock()
		t.Errorf("%d requests reached the attacker's server: %v", n, canaryPaths)
		canaryMu.Unlock()
	}
	for _, u := range netlog.snapshot() {
		if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") || strings.HasPrefix(u, srv.URL+"/") {
			continue
		}
		t.Errorf("the page requested %s", u)
	}
	// (The app keeps its view in the fragment: #tab=record.)
	if href := evalString(t, ctx, `location.origin + location.pathname`); href != srv.URL+"/" {
		t.Errorf("location = %s, want the app", href)
	}
	contains(t, "app", evalString(t, ctx, `String(!!document.getElementById('dropzone') && !!document.getElementById('tab-record')) + ' ' + document.body.dataset.state`), "true done")
	if got := evalString(t, ctx, `String(window.__xss)`); got != "undefined" {
		t.Errorf("content script ran: window.__xss = %s", got)
	}
	// The PDF really was drawn: its blue box is on the canvas.
	blue := evalString(t, ctx, `(() => { const c = document.querySelector('#record-root canvas.rc-pdf-page'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i+2] > 150 && d[i] < 80) n++; return String(n); })()`)
	if blue == "0" {
		t.Error("the PDF page canvas shows nothing of the page")
	}
	if n := evalString(t, ctx, `String([...document.querySelectorAll('#record-root iframe')].filter(f => f.getAttribute('sandbox') !== '').length)`); n != "0" {
		t.Errorf("%s frames with a non-empty sandbox", n)
	}
	fullScreenshot(t, ctx, "hostile-attachments")
}

func mustRun(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("(() => { "+js+"; })()")); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
}

// TestHostileContained drops the 20,000-contained-resources shape of issue
// 17 (291 s in the browser before, 212 s of it the record's resolver) and
// logs how long validation and the record took (no timing assertion: the
// time limits below only stop a hang).
func TestHostileContained(t *testing.T) {
	requireBrowser(t)
	if !recordViewPresent() {
		t.Skip("record viewer not present")
	}
	srv := startApp(t)
	file := filepath.Join(t.TempDir(), "contained-20000.json")
	if err := os.WriteFile(file, hostile.ContainedReferences(20_000), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	start := time.Now()
	if err := chromedp.Do(ctx, dropFiles(file)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 4*time.Minute)
	wall := time.Since(start)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => { const f = fhirlens.state.files[0]; return {status: f.status, recordReady: !!f.recordReady, recordError: f.recordError || '', validateMs: f.validateMs, summarizeMs: f.summarizeMs, resources: f.report.resources.length}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if got["status"] != "done" || got["recordReady"] != true || got["recordError"] != "" {
		t.Fatalf("the contained shape did not give a record: %v", got)
	}
	t.Logf("20,000 contained '#' references: drop to done %.1f s, validation %v ms, record %v ms in the worker (%v)", wall.Seconds(), got["validateMs"], got["summarizeMs"], got)
}
