package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The settings panel sets the reference validator's options for the next
// validation: HTML in a string is a note by default and an error with
// security checks on; the choice is kept in the browser.
func TestSettings(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	ctx := newTab(t)
	dir := t.TempDir()
	const patient = `{"resourceType":"Patient","id":"p1","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},"name":[{"text":"A <script>x</script>"}]}`
	first, second := filepath.Join(dir, "html-default.json"), filepath.Join(dir, "html-security.json")
	for _, p := range []string{first, second} {
		if err := os.WriteFile(p, []byte(patient), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	if err := chromedp.Do(ctx, dropFiles(first)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
	contains(t, "verdict by default", evalString(t, ctx, `document.getElementById('verdict').textContent`), "No errors")

	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { document.getElementById('settings').open = true; document.getElementById('setting-security-checks').click(); })()`)); err != nil {
		t.Fatal(err)
	}
	contains(t, "saved settings", evalString(t, ctx, `localStorage.getItem('fhirlens.settings') || ''`), `"securityChecks":true`)
	// The results shown were made before: the page says so and validates them again on request.
	contains(t, "notice", evalString(t, ctx, `document.getElementById('notice').textContent`), "A validation setting changed")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("validate-again"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done' && fhirlens.state.files[0].name === 'html-default.json' && document.getElementById('verdict').classList.contains('is-bad')`, 60*time.Second)
	if err := chromedp.Do(ctx, dropFiles(second)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done' && document.getElementById('verdict').classList.contains('is-bad')`, 60*time.Second)
	screenshot(t, ctx, "settings-security-checks")
}
