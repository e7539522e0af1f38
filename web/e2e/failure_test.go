package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/web"
)

// A deployment without the wasm (say, a static host missing a file) says so
// plainly, and a dropped file fails with that reason instead of hanging.
func TestMissingWasm(t *testing.T) {
	requireBrowser(t)
	app := startApp(t) // skips when the app is not built
	handler := web.Handler(os.DirFS(app.dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/"+web.WasmPath {
			http.NotFound(w, r)
			return
		}
		handler.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'failed'`, 30*time.Second)
	contains(t, "engine status", evalString(t, ctx, `document.getElementById('engine-status').textContent`), "The validator could not be loaded")
	if err := chromedp.Do(ctx, dropFiles(filepath.Join(repoRoot(), "testdata", "samples", "broken-patient-bundle.json"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'failed'`, 10*time.Second)
	contains(t, "failure", evalString(t, ctx, `document.getElementById('failure-message').textContent`), "could not be loaded")
	screenshot(t, ctx, "16-no-wasm")
}

// The app folder works on a plain static file server (no CSP header, no
// gzip twins, the server's own MIME types): the meta-tag CSP applies and the
// app validates a dropped file.
func TestStaticHost(t *testing.T) {
	requireBrowser(t)
	app := startApp(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(app.dir)))
	defer srv.Close()
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	if err := chromedp.Do(ctx, dropFiles(filepath.Join(repoRoot(), "testdata", "samples", "broken-patient-bundle.json"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.state === 'done'`, 60*time.Second)
	contains(t, "issue list", evalString(t, ctx, `document.getElementById('issue-list').innerText`), "unknown element 'nickname'")
	// The meta-tag policy is in force: an inline script cannot run.
	blocked := evalString(t, ctx, `(() => { window.__ran = false; const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.append(s); return String(window.__ran); })()`)
	if blocked != "false" {
		t.Error("an inline script ran: the CSP meta tag is not in force")
	}
}
