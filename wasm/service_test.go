//go:build js && wasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/fhirlens/fhirlens/validator"
)

const patientJSON = `{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1970-01-02"}`

// inbox collects the messages the service posts to the page.
type inbox struct{ ch chan message }

func newInbox() *inbox { return &inbox{ch: make(chan message, 100)} }

func (b *inbox) post(m message) { b.ch <- m }

// await returns the next message of the given type for job id.
func (b *inbox) await(t *testing.T, id int, kind string) message {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m := <-b.ch:
			if m["id"] == nil {
				m["id"] = 0
			}
			if m["id"] == id && m["type"] == kind {
				return m
			}
			if m["id"] == id && (m["type"] == "error" || m["type"] == "result" || m["type"] == "cancelled") && kind != m["type"] {
				t.Fatalf("job %d: wanted %q, got %v", id, kind, m)
			}
		case <-timeout:
			t.Fatalf("job %d: no %q message within 60 s", id, kind)
		}
	}
}

func startService(t *testing.T, summarize func([]byte) ([]byte, error)) (*service, *inbox) {
	t.Helper()
	box := newInbox()
	svc := newService(box.post, yieldToJS)
	if summarize != nil {
		svc.summarize = func(data []byte) (*recordJSON, error) {
			model, err := summarize(data)
			if err != nil {
				return nil, err
			}
			return &recordJSON{model: model}, nil
		}
		svc.summarizeOnReport = nil // the stub stands for every record build
		svc.summarizeFirst = nil
	}
	go svc.start()
	box.await(t, 0, "ready") // first: the page may send work
	defs := box.await(t, 0, "definitions")
	if defs["error"] != nil || defs["fhirVersion"] != "4.0.1" {
		t.Fatalf("validator failed to start: %v", defs)
	}
	return svc, box
}

func TestValidateReportsJSON(t *testing.T) {
	svc, box := startService(t, nil)
	svc.enqueue(&job{id: 1, kind: jobValidate, name: "p.json", data: []byte(patientJSON), record: true})
	result := box.await(t, 1, "result")
	var rep struct {
		Source    string            `json:"source"`
		Resources []json.RawMessage `json:"resources"`
		Findings  []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(result["report"].(string)), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	if rep.Source != "p.json" {
		t.Errorf("source = %q, want p.json", rep.Source)
	}
	if result["bytes"] != len(patientJSON) {
		t.Errorf("bytes = %v, want %d", result["bytes"], len(patientJSON))
	}
	record := box.await(t, 1, "record")
	if record["error"] == nil && record["model"] == nil {
		t.Errorf("record message has neither model nor error: %v", record)
	}
}

// TestLargeInputRecordFirst: a JSON input of recordFirstBytes or more gets
// its record before its report (the summary does not wait for the
// findings), marked "first", split into a header and one JSON per patient:
// the first patient comes with the header ("pending"), each other patient
// in a "recordPatient" of its own, then one saying the record is done; the
// report follows in the same job.
func TestLargeInputRecordFirst(t *testing.T) {
	svc, box := startService(t, nil)
	var b strings.Builder
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[`)
	b.WriteString(`{"fullUrl":"urn:uuid:p1","resource":{"resourceType":"Patient","id":"p1","birthDate":"1970-01-02"}}`)
	b.WriteString(`,{"fullUrl":"urn:uuid:p2","resource":{"resourceType":"Patient","id":"p2","birthDate":"1980-01-02"}}`)
	b.WriteString(`,{"fullUrl":"urn:uuid:c2","resource":{"resourceType":"Condition","id":"c2","code":{"text":"asthma"},"subject":{"reference":"urn:uuid:p2"}}}`)
	for i := 0; b.Len() < recordFirstBytes; i++ {
		fmt.Fprintf(&b, `,{"fullUrl":"urn:uuid:o%d","resource":{"resourceType":"Observation","id":"o%d","status":"final","code":{"text":"weight"},"subject":{"reference":"urn:uuid:p1"},"valueQuantity":{"value":%d,"unit":"kg"}}}`, i, i, 60+i%20)
	}
	b.WriteString(`]}`)
	data := []byte(b.String())
	svc.enqueue(&job{id: 3, kind: jobValidate, name: "big.json", data: data, record: true})
	var order []string
	var record, result message
	var later []message
	timeout := time.After(120 * time.Second)
	for result == nil {
		select {
		case m := <-box.ch:
			if m["id"] != 3 || (m["type"] != "record" && m["type"] != "result" && m["type"] != "recordPatient") {
				continue
			}
			order = append(order, m["type"].(string))
			if m["type"] == "record" {
				record = m
			} else if m["type"] == "recordPatient" {
				later = append(later, m)
			} else {
				result = m
			}
		case <-timeout:
			t.Fatalf("no report within 120 s (got %v)", order)
		}
	}
	if strings.Join(order, " ") != "record recordPatient recordPatient result" {
		t.Fatalf("messages %v, want the record, the second patient, the record done, then the report", order)
	}
	if record["first"] != true || record["error"] != nil || record["pending"] != true {
		t.Fatalf("record = first %v, pending %v, error %v", record["first"], record["pending"], record["error"])
	}
	if later[1]["done"] != true || later[1]["error"] != nil || later[0]["index"] != 1 {
		t.Fatalf("later messages %v", later)
	}
	buffer, _ := record["buffer"].([]byte)
	parts, _ := record["parts"].([]any)
	if len(parts) != 4 {
		t.Fatalf("%d offsets, want 4 (one patient: record and details)", len(parts))
	}
	part := func(i int) []byte { return buffer[parts[i].(int):parts[i+1].(int)] }
	var head struct {
		Patients []struct {
			Key  string `json:"key"`
			Lazy bool   `json:"lazy"`
		} `json:"patients"`
	}
	var p struct {
		Key      string            `json:"key"`
		Sections []json.RawMessage `json:"sections"`
	}
	if err := json.Unmarshal([]byte(record["model"].(string)), &head); err != nil || len(head.Patients) != 2 || !head.Patients[0].Lazy {
		t.Fatalf("model header %v: %+v", err, head)
	}
	if err := json.Unmarshal(part(0), &p); err != nil || p.Key != head.Patients[0].Key || len(p.Sections) == 0 {
		t.Fatalf("patient JSON %v: key %q (header %q), %d sections", err, p.Key, head.Patients[0].Key, len(p.Sections))
	}
	// The cards' details are apart, by card key: an observation's facts.
	var details map[string]struct {
		Facts []struct {
			Label string `json:"label"`
			Text  string `json:"text"`
		} `json:"facts"`
	}
	if err := json.Unmarshal(part(2), &details); err != nil || len(details) < 2 {
		t.Fatalf("details JSON %v: %d cards", err, len(details))
	}
	if !strings.Contains(fmt.Sprint(details), "kg") {
		t.Errorf("no observation's facts name its value in kg: %.300v", details)
	}
	// The second patient, in a buffer of its own: its record and details.
	buf2, _ := later[0]["buffer"].([]byte)
	parts2, _ := later[0]["parts"].([]any)
	if len(parts2) != 4 {
		t.Fatalf("second patient: %d offsets, want 4", len(parts2))
	}
	var p2 struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(buf2[parts2[0].(int):parts2[1].(int)], &p2); err != nil || p2.Key != head.Patients[1].Key {
		t.Fatalf("second patient JSON %v: key %q (header %q)", err, p2.Key, head.Patients[1].Key)
	}
	if d := buf2[parts2[2].(int):parts2[3].(int)]; !json.Valid(d) || d[0] != '{' {
		t.Errorf("second patient details are not a JSON object: %.200s", d)
	}
	if result["bytes"] != len(data) {
		t.Errorf("report bytes = %v, want %d", result["bytes"], len(data))
	}
}

func TestPanicBecomesFatalFindingAndServiceLives(t *testing.T) {
	svc, box := startService(t, func([]byte) ([]byte, error) { panic("boom in record") })
	validate := svc.validate
	svc.validate = func(ctx context.Context, name string, data []byte) *validator.Report {
		if name == "panic.json" {
			panic("boom in validation")
		}
		return validate(ctx, name, data)
	}
	// A panic while validating: a report whose one finding is fatal.
	svc.enqueue(&job{id: 7, kind: jobValidate, name: "panic.json", data: []byte(patientJSON), record: true})
	report := box.await(t, 7, "result")["report"].(string)
	if !strings.Contains(report, `"severity":"fatal"`) || !strings.Contains(report, "boom in validation") {
		t.Errorf("panic report = %s, want a fatal finding mentioning the panic", report)
	}
	// A panic while building the record, after the report went out: the
	// record answer carries the error.
	svc.enqueue(&job{id: 8, kind: jobValidate, name: "p.json", data: []byte(patientJSON), record: true})
	box.await(t, 8, "result")
	if msg := box.await(t, 8, "record"); !strings.Contains(fmt.Sprint(msg["error"]), "boom in record") {
		t.Errorf("record after a panic = %v, want an error mentioning it", msg)
	}
	// The service is alive for the next job.
	svc.enqueue(&job{id: 9, kind: jobValidate, name: "p.json", data: []byte(patientJSON)})
	box.await(t, 9, "result")
}

func TestCancelBeforeStart(t *testing.T) {
	svc, box := startService(t, nil)
	j := &job{id: 3, kind: jobValidate, name: "p.json", data: []byte(patientJSON)}
	// wasm runs one goroutine at a time: the service cannot pick the job up
	// between these two calls.
	svc.enqueue(j)
	svc.cancelJob(3)
	box.await(t, 3, "cancelled")
}

func TestOutcome(t *testing.T) {
	svc, box := startService(t, nil)
	reports := `[{"source":"a.json","resources":[],"findings":[{"severity":"error","code":"structure","rule":"element.unknown","expression":"Patient.foo","line":3,"col":5,"offset":40,"message":"Unknown element 'foo'","resource":0}]}]`
	svc.enqueue(&job{id: 4, kind: jobOutcome, data: []byte(reports)})
	out := box.await(t, 4, "outcome")
	var oo struct {
		ResourceType string `json:"resourceType"`
		Issue        []struct {
			Severity   string   `json:"severity"`
			Expression []string `json:"expression"`
		} `json:"issue"`
	}
	if err := json.Unmarshal([]byte(out["json"].(string)), &oo); err != nil {
		t.Fatal(err)
	}
	if oo.ResourceType != "OperationOutcome" || len(oo.Issue) != 1 || oo.Issue[0].Severity != "error" || oo.Issue[0].Expression[0] != "Patient.foo" {
		t.Errorf("outcome = %+v", oo)
	}
}

var registerOnce sync.Once

// TestJSAPI drives the functions registered on globalThis.fhirlens the way
// worker.js does, with a real Uint8Array and fhirlensPost.
func TestJSAPI(t *testing.T) {
	box := newInbox()
	var svc *service
	registerOnce.Do(func() {
		svc = newService(jsOutbox, yieldToJS)
		if err := register(svc); err != nil {
			t.Fatal(err)
		}
		go svc.start()
	})
	if svc == nil {
		t.Skip("already registered")
	}
	post, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		m := message{}
		for _, key := range []string{"type", "report", "error", "model"} {
			v, _ := args[0].Get(key)
			if s, err := v.String(); err == nil && !v.IsUndefined() {
				m[key] = s
			}
		}
		idValue, _ := args[0].Get("id")
		if !idValue.IsUndefined() {
			m["id"], _ = idValue.Int()
		} else {
			m["id"] = 0
		}
		// Never block inside a JS callback: hand over without waiting.
		go box.post(m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Not released: the service keeps posting for the life of the program.
	if err := safejs.Global().Set("fhirlensPost", post); err != nil {
		t.Fatal(err)
	}
	// Work sent as soon as "ready" arrives, before the definitions are
	// decoded, waits for them and is done.
	box.await(t, 0, "ready")

	api, err := safejs.Global().Get("fhirlens")
	if err != nil {
		t.Fatal(err)
	}
	u8, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		t.Fatal(err)
	}
	array, err := u8.New(len(patientJSON))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := safejs.CopyBytesToJS(array, []byte(patientJSON)); err != nil {
		t.Fatal(err)
	}
	options, _ := safejs.ValueOf(map[string]any{"record": false})
	refused, err := api.Call("validate", 11, "p.json", array, options)
	if err != nil || !(refused.IsUndefined() || refused.IsNull()) {
		t.Fatalf("validate refused: %v %v", refused, err)
	}
	result := box.await(t, 11, "result")
	if !strings.Contains(result["report"].(string), `"source":"p.json"`) {
		t.Errorf("report = %v", result["report"])
	}

	refused, err = api.Call("validate", 12, "x", "not bytes")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := refused.String(); !strings.Contains(s, "bytes") {
		t.Errorf("validate with a string: got %q, want a refusal about bytes", s)
	}

	info, err := api.Call("info")
	if err != nil {
		t.Fatal(err)
	}
	fhirVersion, _ := info.Get("fhirVersion")
	if s, _ := fhirVersion.String(); s != "4.0.1" {
		t.Errorf("info().fhirVersion = %q, want 4.0.1", s)
	}
}

// A cancel that arrives while a large input is being validated stops it:
// the progress callback yields now and then, so the cancel gets through.
func TestCancelWhileValidating(t *testing.T) {
	svc, box := startService(t, nil)
	var ndjson strings.Builder
	for i := range 40000 {
		fmt.Fprintf(&ndjson, `{"resourceType":"Patient","id":"p%d","gender":"female","birthDate":"1970-01-02"}`+"\n", i)
	}
	svc.enqueue(&job{id: 21, kind: jobValidate, name: "many.ndjson", data: []byte(ndjson.String())})
	for {
		m := box.await(t, 21, "progress")
		if total, _ := m["total"].(int); total > 0 {
			break
		}
	}
	svc.cancelJob(21)
	box.await(t, 21, "cancelled")
	// The service takes the next job as usual.
	svc.enqueue(&job{id: 22, kind: jobValidate, name: "p.json", data: []byte(patientJSON)})
	box.await(t, 22, "result")
}

// The page's settings reach the validator: with security checks on, HTML in
// a string is an error; by default it is a note.
func TestValidateSettings(t *testing.T) {
	svc, box := startService(t, nil)
	const html = `{"resourceType":"Patient","id":"p1","name":[{"text":"A <script>x</script>"}]}`
	severityOf := func(id int, st settings) string {
		svc.enqueue(&job{id: id, kind: jobValidate, name: "p.json", data: []byte(html), settings: st})
		result := box.await(t, id, "result")
		var rep struct {
			Findings []struct{ Rule, Severity string } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(result["report"].(string)), &rep); err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			if f.Rule == "security.html-in-string" {
				return f.Severity
			}
		}
		return "none"
	}
	if got := severityOf(1, settings{}); got != "information" {
		t.Errorf("default: %s, want information", got)
	}
	if got := severityOf(2, settings{securityChecks: true}); got != "error" {
		t.Errorf("security checks: %s, want error", got)
	}
}
