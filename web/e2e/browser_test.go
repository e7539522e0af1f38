package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/web"
)

// The browser tests drive Debian's Chromium (headless) against the real
// serve handler on a loopback port. They run under `make browser-test`,
// which sets FHIRLENS_BROWSER=1; a plain `go test ./...` skips them.

var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserErr    error
	browserCancel []context.CancelFunc
	profileDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(browserCancel) - 1; i >= 0; i-- {
		browserCancel[i]()
	}
	if profileDir != "" {
		os.RemoveAll(profileDir)
	}
	os.Exit(code)
}

func chromiumPath() string {
	if p := os.Getenv("FHIRLENS_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// requireBrowser skips unless browser tests were asked for; asked for under
// CI=true, a missing browser fails.
func requireBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("FHIRLENS_BROWSER") != "1" {
		t.Skip("browser tests run with `make browser-test` (FHIRLENS_BROWSER=1) and need Chromium at /usr/bin/chromium")
	}
	if _, err := os.Stat(chromiumPath()); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium missing at %s (CI=true): run .ci/install-chromium.sh", chromiumPath())
		}
		t.Skipf("Chromium missing at %s: install it (make install-browser) to run the browser tests", chromiumPath())
	}
}

// startBrowser starts one headless Chromium for the whole test binary, with a
// fresh profile and everything that talks to Google switched off.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	browserOnce.Do(func() {
		profileDir, browserErr = os.MkdirTemp("", "fhirlens-chromium-")
		if browserErr != nil {
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromiumPath()),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.UserDataDir(profileDir),
			chromedp.WindowSize(1366, 860),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-default-apps", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
			chromedp.Flag("metrics-recording-only", true),
			chromedp.Flag("safebrowsing-disable-auto-update", true),
			chromedp.Flag("force-color-profile", "srgb"),
			chromedp.Flag("hide-scrollbars", false),
		}
		if os.Getenv("FHIRLENS_DARK") == "1" {
			opts = append(opts, chromedp.Flag("force-dark-mode", true), chromedp.Flag("blink-settings", "preferredColorScheme=0"))
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(alloc)
		browserCancel = append(browserCancel, cancelAlloc, cancelCtx)
		browserErr = chromedp.Do(ctx) // starts the browser
		browserCtx = ctx
	})
	if browserErr != nil {
		t.Fatalf("starting Chromium: %v", browserErr)
	}
	return browserCtx
}

// newTab opens a tab in the shared browser, closed when the test ends.
func newTab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(startBrowser(t))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// appServer serves web/ from disk through the same handler as `fhirlens
// serve`, and logs every request it answers.
type appServer struct {
	*httptest.Server
	mu  sync.Mutex
	log []string
	dir string
}

func startApp(t *testing.T) *appServer {
	t.Helper()
	dir := filepath.Join(repoRoot(), "web")
	fsys := os.DirFS(dir)
	if err := web.CheckBuilt(fsys); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	s := &appServer{dir: dir}
	handler := web.Handler(fsys)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.log = append(s.log, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *appServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// networkLog records every request the page's target starts.
type networkLog struct {
	mu   sync.Mutex
	urls []string
}

func watchNetwork(t *testing.T, ctx context.Context) *networkLog {
	t.Helper()
	events := chromedp.Events(ctx, network.RequestWillBeSent)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	l := &networkLog{}
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.urls = append(l.urls, ev.Request.URL)
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *networkLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.urls...)
}

// artifactsDir is where screenshots go (git-ignored).
func artifactsDir(t *testing.T) string {
	dir := filepath.Join(repoRoot(), "test-artifacts", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(artifactsDir(t), name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

func fullScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(artifactsDir(t), name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

// dropFiles performs a trusted drop of files on the drop zone through
// DevTools' Input.dispatchDragEvent, as a user dragging from the desktop.
func dropFiles(paths ...string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		center, err := chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById('dropzone').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)(ctx, tg)
		if err != nil {
			return err
		}
		data := &input.DragData{Items: []*input.DragDataItem{}, Files: paths, DragOperationsMask: 1}
		for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
			if _, err := cdp.Call(ctx, tg, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: center[0], Y: center[1], Data: data}); err != nil {
				return fmt.Errorf("%s: %w", typ, err)
			}
		}
		return nil
	})
}

// waitFor polls a JS expression until it is truthy.
func waitFor(t *testing.T, ctx context.Context, expr string, timeout time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.state + ' | ' + (document.getElementById('failure-message').textContent || '') + ' | ' + document.getElementById('progress-label').textContent`))
		t.Fatalf("waiting for %s: %v (page: %s)", expr, err, state)
	}
}

func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

func recordViewPresent() bool {
	_, err := os.Stat(filepath.Join(repoRoot(), "web", "js", "record", "view.js"))
	return err == nil
}

func contains(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}

// setMedia emulates a CSS media type ("print") and media features (dark mode).
func setMedia(media string, features []*emulation.MediaFeature) func(ctx context.Context, tg *chromedp.Target) error {
	return func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media, Features: features})
		return err
	}
}
