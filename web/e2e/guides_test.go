package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/internal/sharedtest"
)

// TestGuides loads the US Core package into the page by dropping it, then
// drops a US Core Patient without a name and expects the profile finding;
// after a reload the guide is still listed (kept in IndexedDB) and still
// applied. No request leaves the page's origin and nothing is uploaded.
func TestGuides(t *testing.T) {
	requireBrowser(t)
	pkg := filepath.Join(sharedtest.Dir(t), "fhir", "hl7.fhir.us.core-3.1.0.tgz")
	srv := startApp(t)
	ctx := newTab(t)
	netlog := watchNetwork(t, ctx)
	patient := filepath.Join(t.TempDir(), "us-core-patient-no-name.json")
	err := os.WriteFile(patient, []byte(`{"resourceType":"Patient","id":"nameless",
 "meta":{"profile":["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
 "identifier":[{"system":"http://hospital.example.org","value":"1032702"}],
 "gender":"female"}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	const guide = `document.querySelector('#guide-list li[data-key="hl7.fhir.us.core#3.1.0"]')`
	const finding = `Patient.name: minimum required = 1, but only found 0`
	check := func(t *testing.T) {
		t.Helper()
		if err := chromedp.Do(ctx, dropFiles(patient)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("tab-issues"))); err != nil {
			t.Fatal(err)
		}
		issues := evalString(t, ctx, `document.getElementById('issue-list').innerText`)
		contains(t, "issue list", issues, finding)
		contains(t, "issue list", issues, "profile http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|3.1.0")
		if n := evalString(t, ctx, `String(document.querySelectorAll('#issue-list .issue.sev-error').length)`); n == "0" {
			t.Error("no error listed for the nameless US Core Patient")
		}
	}

	t.Run("drop guide", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
		if err := chromedp.Do(ctx, dropFiles(pkg)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, guide, 60*time.Second)
		item := evalString(t, ctx, guide+`.innerText`)
		contains(t, "guide", item, "hl7.fhir.us.core")
		contains(t, "guide", item, "3.1.0")
		contains(t, "guide", item, "profiles")
		contains(t, "profile picker", evalString(t, ctx, `document.getElementById('profile-select').innerText`), "US Core Patient Profile")
		screenshot(t, ctx, "guides-01-loaded")
	})
	t.Run("nameless patient", func(t *testing.T) {
		check(t)
		screenshot(t, ctx, "guides-02-finding")
	})
	t.Run("reload keeps the guide", func(t *testing.T) {
		// The page asks before leaving loaded results: accept.
		dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
		go func() {
			for _, err := range dialogs {
				if err != nil {
					return
				}
				chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}
		}()
		if _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
		waitFor(t, ctx, guide, 90*time.Second)
		check(t)
	})
	t.Run("no request left the page", func(t *testing.T) {
		for _, u := range netlog.snapshot() {
			if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") {
				continue
			}
			if !strings.HasPrefix(u, srv.URL+"/") {
				t.Errorf("request outside the page's origin: %s", u)
			}
		}
		for _, r := range srv.requests() {
			if !strings.HasPrefix(r, "GET ") {
				t.Errorf("the page sent something to the server: %s", r)
			}
			if strings.Contains(r, "us.core") || strings.Contains(r, ".tgz") {
				t.Errorf("the guide went to the server: %s", r)
			}
		}
	})
}
