package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/fhirlens/fhirlens/validator"
)

// Budgets of issue 5, measured here and printed as BUDGET lines (make
// bench-web). Sizes fail the test when over budget; timings on a shared
// machine only fail with FHIRLENS_ENFORCE_BUDGETS=1.
const (
	budgetWasmGzipBytes = 3 << 20
	budgetReadyMs       = 300 // issue 16 (was 400, issue 5)
	budgetSpeedRatio    = 1.0 / 3
)

func TestBudgets(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	enforce := os.Getenv("FHIRLENS_ENFORCE_BUDGETS") == "1"
	report := budgetReporter()

	// 1. Transfer size of the wasm as served (gzip -9).
	gz, err := os.Stat(filepath.Join(srv.dir, "gen", "fhirlens.wasm.gz"))
	if err != nil {
		t.Fatalf("%v (run make web)", err)
	}
	raw, _ := os.Stat(filepath.Join(srv.dir, "gen", "fhirlens.wasm"))
	report("wasm transfer size (gzip)", float64(gz.Size())/(1<<20), budgetWasmGzipBytes/(1<<20), "MB", gz.Size() <= budgetWasmGzipBytes)
	fmt.Printf("BUDGET %-44s %10.2f MB    (uncompressed)\n", "wasm size", float64(raw.Size())/(1<<20))
	if gz.Size() > budgetWasmGzipBytes {
		t.Errorf("wasm is %d bytes gzip, over the %d budget", gz.Size(), budgetWasmGzipBytes)
	}

	// 2. Validation speed of the ~10 MB Synthea bundle: browser vs native.
	corpus, err := loadSynthea(syntheaDir(t))
	if err != nil {
		t.Fatal(err)
	}
	data := corpus.bundleOfSize(10 << 20)
	big := filepath.Join(t.TempDir(), "synthea-bundle.json")
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mb := float64(len(data)) / 1e6
	native := nativeSeconds(t, data)
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.engine === 'ready'`, 60*time.Second)
	best := 0.0
	var endToEnd, summarize float64
	for range 3 {
		if err := chromedp.Do(ctx, dropFiles(big)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.dataset.state === 'loading'`, 30*time.Second)
		waitFor(t, ctx, `document.body.dataset.state === 'done'`, 4*time.Minute)
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[fhirlens.state.files[0].validateMs, window.fhirlensLastRunMs, fhirlens.state.files[0].summarizeMs]`))
		if err != nil {
			t.Fatal(err)
		}
		if best == 0 || ms[0] < best {
			best, endToEnd, summarize = ms[0], ms[1], ms[2]
		}
	}
	browserMBs := mb / (best / 1000)
	nativeMBs := mb / native
	fmt.Printf("BUDGET %-44s %10.2f MB/s  (%.1f MB in %.0f ms)\n", "native validation", nativeMBs, mb, native*1000)
	fmt.Printf("BUDGET %-44s %10.2f MB/s  (%.0f ms in the worker)\n", "browser validation", browserMBs, best)
	report("browser / native speed", browserMBs/nativeMBs, budgetSpeedRatio, "x", browserMBs/nativeMBs >= budgetSpeedRatio)
	fmt.Printf("BUDGET %-44s %10.0f ms    (record view model)\n", "browser record summary", summarize)
	fmt.Printf("BUDGET %-44s %10.0f ms    (read, validate, summarise, render)\n", "browser drop to results", endToEnd)
	if enforce && browserMBs/nativeMBs < budgetSpeedRatio {
		t.Errorf("browser validates at %.2f of native speed, under %.2f", browserMBs/nativeMBs, budgetSpeedRatio)
	}
}

// budgetReporter prints one BUDGET line with its verdict.
func budgetReporter() func(name string, value, budget float64, unit string, ok bool) {
	return func(name string, value, budget float64, unit string, ok bool) {
		verdict := "ok"
		if !ok {
			verdict = "OVER BUDGET"
		}
		fmt.Printf("BUDGET %-44s %10.2f %-5s (budget %g %s) %s\n", name, value, unit, budget, unit, verdict)
	}
}

// TestBudgetsLoad measures page load to ready with a cold cache, phase by
// phase (make bench-web; FHIRLENS_LOADS sets the number of loads, 5 by default).
func TestBudgetsLoad(t *testing.T) {
	requireBrowser(t)
	srv := startApp(t)
	enforce := os.Getenv("FHIRLENS_ENFORCE_BUDGETS") == "1"
	report := budgetReporter()
	// Page load to ready with a cold cache: each phase in ms since
	// navigation start, median of 5 loads in fresh browser contexts.
	phases := []struct{ name, expr, note string }{
		{"html received", `performance.getEntriesByType('navigation')[0].responseEnd`, "the document's last byte"},
		{"page interactive", `performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd`, "DOMContentLoaded: drop zone usable"},
		{"worker started", `fhirlens.engine.marks.workerStart`, "first line of worker.js runs"},
		{"wasm compiled", `fhirlens.engine.marks.compiled`, "downloaded and compiled"},
		{"Go main entered", `fhirlens.engine.info.mainAt`, "runtime and package init done"},
		{"R4 definitions decoded", `fhirlens.engine.definitionsAt`, "after ready: the first file waits for them"},
		{"R4 definitions fetch+decode (duration)", `fhirlens.engine.info.loadMs`, "in the worker, after Go main"},
	}
	loads := 5
	if n, err := strconv.Atoi(os.Getenv("FHIRLENS_LOADS")); err == nil && n > 0 {
		loads = n
	}
	exprs := make([]string, len(phases))
	for i, p := range phases {
		exprs[i] = p.expr
	}
	samples := make([][]float64, len(phases)+1)
	for range loads {
		ms := coldLoad(t, srv.URL, exprs...)
		t.Logf("load: ready %.0f ms, phases %.0f", ms[0], ms[1:])
		for i, v := range ms {
			samples[i] = append(samples[i], v)
		}
	}
	for _, s := range samples {
		sort.Float64s(s)
	}
	for i, p := range phases {
		fmt.Printf("BUDGET %-44s %10.2f ms    (%s)\n", p.name+", cold (median)", samples[i+1][loads/2], p.note)
	}
	readies := samples[0]
	report("page load to ready, cold (median)", readies[len(readies)/2], budgetReadyMs, "ms", readies[len(readies)/2] <= budgetReadyMs)
	report("page load to ready, cold (best)", readies[0], budgetReadyMs, "ms", readies[0] <= budgetReadyMs)
	if enforce && readies[len(readies)/2] > budgetReadyMs {
		t.Errorf("cold load to ready %.0f ms, over %d ms", readies[len(readies)/2], budgetReadyMs)
	}
}

// coldLoad opens the app in a fresh browser context (an empty cache, as on a
// first visit) with the HTTP cache off, and returns the time from navigation
// start to the validator being ready, then the value of each expression.
func coldLoad(t *testing.T, url string, exprs ...string) []float64 {
	t.Helper()
	ctx, cancel := chromedp.NewContext(startBrowser(t), chromedp.WithNewBrowserContext())
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `window.fhirlensReadyAt !== undefined && fhirlens.engine.marks !== undefined && fhirlens.engine.definitionsAt !== undefined`, 60*time.Second)
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[window.fhirlensReadyAt, `+strings.Join(exprs, ", ")+`]`))
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// nativeSeconds is the best of three native validations of data.
func nativeSeconds(t *testing.T, data []byte) float64 {
	t.Helper()
	v, err := validator.New(validator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	best := 0.0
	for range 3 {
		start := time.Now()
		v.Validate(context.Background(), validator.FileInput("bundle.json", data))
		if s := time.Since(start).Seconds(); best == 0 || s < best {
			best = s
		}
	}
	return best
}
