//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/fhirlens/fhirlens/record"
)

// register publishes globalThis.fhirlens with the page-facing API:
//
//	validate(id, name, bytes, {record}) → posts progress, "result" (report JSON) and, with record, "record"
//	summarize(id, name, bytes)          → posts "record" (view model JSON)
//	summarizeSet(id, names, bytesList)  → posts "record": one record from several files
//	outcome(id, reportsJSON)            → posts "outcome" (OperationOutcome JSON)
//	convert(id, name, bytes, "json"|"xml") → posts "converted" (canonical JSON or XML text)
//	report(id, requestJSON, bytes)      → posts "conformance" (report.json, report.html; diffs when verifying)
//	cancel(id)                          → posts "cancelled" for a job that had not finished
//	info()                              → returns {version, go, fhirVersion, ...}
//	addGuide(id, name, bytes)           → posts "guides": loads an IG package (.tgz)
//	addGuideFiles(id, name, names, bytesList) → posts "guides": an IG from a folder's files
//	removeGuide(id, key)                → posts "guides": drops the guide name#version
//
// validate's options may name a profile of a loaded guide and set the
// reference validator's options: {record, profile, securityChecks,
// noExampleUrls, allowComments, anyExtensions}.
//
// "ready" is posted once these are registered, before the definitions are
// decoded; "definitions" follows with what was loaded ({fhirVersion, types,
// loadMs, …} or {error}). Jobs sent in between wait for the definitions.
//
// Each function only copies its arguments and queues a job; it returns
// undefined, or a string saying why the call was refused.
func register(svc *service) error {
	api := map[string]func(args []safejs.Value) (any, error){
		"validate": func(args []safejs.Value) (any, error) {
			j, err := jobFromArgs(jobValidate, args)
			if err != nil {
				return nil, err
			}
			if len(args) > 3 {
				j.record = boolProp(args[3], "record")
				j.profile = stringProp(args[3], "profile")
				j.settings = settingsFrom(args[3])
			}
			svc.enqueue(j)
			return nil, nil
		},
		"summarize": func(args []safejs.Value) (any, error) {
			j, err := jobFromArgs(jobSummarize, args)
			if err != nil {
				return nil, err
			}
			svc.enqueue(j)
			return nil, nil
		},
		"summarizeSet": func(args []safejs.Value) (any, error) {
			j, err := setJobFromArgs(args)
			if err != nil {
				return nil, err
			}
			svc.enqueue(j)
			return nil, nil
		},
		"outcome": func(args []safejs.Value) (any, error) {
			if len(args) < 2 {
				return nil, errors.New("outcome(id, reportsJSON) needs 2 arguments")
			}
			id, err := args[0].Int()
			if err != nil {
				return nil, fmt.Errorf("id: %w", err)
			}
			text, err := args[1].String()
			if err != nil {
				return nil, fmt.Errorf("reportsJSON: %w", err)
			}
			svc.enqueue(&job{id: id, kind: jobOutcome, data: []byte(text)})
			return nil, nil
		},
		"report": func(args []safejs.Value) (any, error) {
			j, err := jobFromArgs(jobReport, args) // name carries the request JSON
			if err != nil {
				return nil, err
			}
			svc.enqueue(j)
			return nil, nil
		},
		"cancel": func(args []safejs.Value) (any, error) {
			if len(args) < 1 {
				return nil, errors.New("cancel(id) needs the job id")
			}
			id, err := args[0].Int()
			if err != nil {
				return nil, fmt.Errorf("id: %w", err)
			}
			svc.cancelJob(id)
			return nil, nil
		},
		"convert": func(args []safejs.Value) (any, error) {
			j, err := jobFromArgs(jobConvert, args)
			if err != nil {
				return nil, err
			}
			j.to = "json"
			if len(args) > 3 {
				if to, err := args[3].String(); err == nil && to == "xml" {
					j.to = "xml"
				}
			}
			svc.enqueue(j)
			return nil, nil
		},
		"info": func([]safejs.Value) (any, error) { return svc.info(), nil },
		"addGuide": func(args []safejs.Value) (any, error) {
			j, err := jobFromArgs(jobAddGuide, args)
			if err != nil {
				return nil, err
			}
			svc.enqueue(j)
			return nil, nil
		},
		"addGuideFiles": func(args []safejs.Value) (any, error) {
			if len(args) < 4 {
				return nil, errors.New("addGuideFiles(id, name, names, bytesList) needs 4 arguments")
			}
			j, err := setJobFromArgs([]safejs.Value{args[0], args[2], args[3]})
			if err != nil {
				return nil, err
			}
			j.kind = jobAddGuide
			if j.name, err = args[1].String(); err != nil {
				return nil, fmt.Errorf("name: %w", err)
			}
			svc.enqueue(j)
			return nil, nil
		},
		"removeGuide": func(args []safejs.Value) (any, error) {
			if len(args) < 2 {
				return nil, errors.New("removeGuide(id, key) needs 2 arguments")
			}
			id, err := args[0].Int()
			if err != nil {
				return nil, fmt.Errorf("id: %w", err)
			}
			key, err := args[1].String()
			if err != nil {
				return nil, fmt.Errorf("key: %w", err)
			}
			svc.enqueue(&job{id: id, kind: jobRemoveGuide, name: key})
			return nil, nil
		},
	}
	obj := map[string]any{}
	for _, name := range []string{"validate", "summarize", "summarizeSet", "outcome", "convert", "report", "cancel", "info", "addGuide", "addGuideFiles", "removeGuide"} {
		call := api[name]
		fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (result any) {
			defer func() {
				if p := recover(); p != nil {
					result = fmt.Sprintf("fhirlens: internal error in %s: %v", name, p)
				}
			}()
			out, err := call(args)
			if err != nil {
				return "fhirlens." + name + ": " + err.Error()
			}
			return out
		})
		if err != nil {
			return err
		}
		obj[name] = fn // kept for the life of the program, never released
	}
	value, err := safejs.ValueOf(toJS(obj))
	if err != nil {
		return err
	}
	return safejs.Global().Set("fhirlens", value)
}

// toJS unwraps safejs.Func values so js.ValueOf accepts the map.
func toJS(obj map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		if fn, ok := v.(safejs.Func); ok {
			out[k] = safejs.Unsafe(fn.Value())
			continue
		}
		out[k] = v
	}
	return out
}

// jobFromArgs reads (id, name, bytes): bytes is a Uint8Array, copied once.
func jobFromArgs(kind jobKind, args []safejs.Value) (*job, error) {
	if len(args) < 3 {
		return nil, errors.New("needs (id, name, bytes)")
	}
	id, err := args[0].Int()
	if err != nil {
		return nil, fmt.Errorf("id: %w", err)
	}
	name, err := args[1].String()
	if err != nil {
		return nil, fmt.Errorf("name: %w", err)
	}
	data, err := copyBytes(args[2])
	if err != nil {
		return nil, fmt.Errorf("bytes: %w", err)
	}
	return &job{id: id, kind: kind, name: name, data: data}, nil
}

// setJobFromArgs reads (id, names, bytesList): arrays of equal length.
func setJobFromArgs(args []safejs.Value) (*job, error) {
	if len(args) < 3 {
		return nil, errors.New("needs (id, names, bytesList)")
	}
	id, err := args[0].Int()
	if err != nil {
		return nil, fmt.Errorf("id: %w", err)
	}
	n, err := args[1].Length()
	if err != nil {
		return nil, fmt.Errorf("names: %w", err)
	}
	if m, err := args[2].Length(); err != nil || m != n {
		return nil, errors.New("bytesList: one Uint8Array per name")
	}
	files := make([]record.File, n)
	for i := range n {
		nv, err := args[1].Index(i)
		if err != nil {
			return nil, err
		}
		if files[i].Name, err = nv.String(); err != nil {
			return nil, fmt.Errorf("names[%d]: %w", i, err)
		}
		bv, err := args[2].Index(i)
		if err != nil {
			return nil, err
		}
		if files[i].Data, err = copyBytes(bv); err != nil {
			return nil, fmt.Errorf("bytesList[%d]: %w", i, err)
		}
	}
	return &job{id: id, kind: jobSummarizeSet, name: "record set", files: files}, nil
}

func copyBytes(src safejs.Value) ([]byte, error) {
	lengthValue, err := src.Get("byteLength")
	if err != nil {
		return nil, err
	}
	if lengthValue.IsUndefined() {
		return nil, errors.New("not a Uint8Array")
	}
	n, err := lengthValue.Int()
	if err != nil {
		return nil, err
	}
	data := make([]byte, n)
	copied, err := safejs.CopyBytesToGo(data, src)
	if err != nil {
		return nil, err
	}
	return data[:copied], nil
}

func boolProp(obj safejs.Value, name string) bool {
	if obj.IsUndefined() || obj.IsNull() {
		return false
	}
	v, err := obj.Get(name)
	if err != nil {
		return false
	}
	b, err := v.Truthy()
	return err == nil && b
}

// jsOutbox posts a message to the page through globalThis.fhirlensPost,
// which the worker sets to its postMessage. A []byte value becomes a
// Uint8Array whose buffer is transferred, not copied, to the page.
func jsOutbox(msg message) {
	post, err := safejs.Global().Get("fhirlensPost")
	if err != nil || post.IsUndefined() {
		return
	}
	var transfer []any
	for k, v := range msg { // the order does not matter: each value is converted on its own
		b, ok := v.([]byte)
		if !ok {
			continue
		}
		arr, err := uint8Array(b)
		if err != nil {
			delete(msg, k)
			continue
		}
		buf, err := arr.Get("buffer")
		if err != nil {
			delete(msg, k)
			continue
		}
		msg[k] = safejs.Unsafe(arr)
		transfer = append(transfer, safejs.Unsafe(buf))
	}
	_, _ = post.Invoke(msg, transfer)
}

// uint8Array copies b into a new Uint8Array.
func uint8Array(b []byte) (safejs.Value, error) {
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return safejs.Value{}, err
	}
	arr, err := ctor.New(len(b))
	if err != nil {
		return safejs.Value{}, err
	}
	_, err = safejs.CopyBytesToJS(arr, b)
	return arr, err
}

// yieldToJS parks the only busy goroutine until a JS timer task has run:
// the Go scheduler then returns to the JS event loop, which delivers pending
// messages (a cancel) first. A plain time.Sleep is not enough: while the
// garbage collector has work, the scheduler runs it for the whole sleep
// and never returns to JS, so a cancel waited for the end of validation.
func yieldToJS() {
	done := make(chan struct{})
	fn, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		close(done)
		return nil
	})
	if err != nil {
		time.Sleep(time.Millisecond)
		return
	}
	defer fn.Release()
	setTimeout, err := safejs.Global().Get("setTimeout")
	if err == nil {
		_, err = setTimeout.Invoke(fn, 0)
	}
	if err != nil {
		time.Sleep(time.Millisecond)
		return
	}
	<-done
}

func stringProp(obj safejs.Value, name string) string {
	if obj.IsUndefined() || obj.IsNull() {
		return ""
	}
	v, err := obj.Get(name)
	if err != nil || v.IsUndefined() || v.IsNull() {
		return ""
	}
	str, err := v.String()
	if err != nil {
		return ""
	}
	return str
}
