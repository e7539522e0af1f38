// The validator's Web Worker: loads Go's wasm_exec.js and fhirlens.wasm, then
// forwards the page's requests to globalThis.fhirlens (registered by Go).
// Go answers through fhirlensPost; long work never blocks this thread's
// message handler, which only hands the bytes over and returns.
'use strict';

// Start-up marks (ms since the page's time origin) for the load budget.
const marks = {};
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };
mark('workerStart');

// Start downloading and compiling the validator before loading Go's glue
// script: compiling needs no imports, so it streams while importScripts
// below blocks this thread; only instantiating waits for wasm_exec.js.
const wasmURL = new URL('../gen/fhirlens.wasm', self.location.href);
const wasmModule = WebAssembly.compileStreaming(fetch(wasmURL)).catch(async () => {
  // Static hosts that do not send application/wasm: compile from bytes.
  const response = await fetch(wasmURL);
  if (!response.ok) throw new Error(`fhirlens.wasm: HTTP ${response.status} (was the app built with "make web"?)`);
  return WebAssembly.compile(await response.arrayBuffer());
});
wasmModule.catch(() => {}); // reported when awaited below
// The R4 definitions are a file of their own, downloaded in parallel with the
// wasm (they are not linked into it); Go asks for them once it has started.
const r4Response = fetch(new URL('../gen/r4.bin', self.location.href));
self.fhirlensFetchR4 = async () => {
  const response = await r4Response;
  if (!response.ok) throw new Error(`gen/r4.bin: HTTP ${response.status} (was the app built with "make web"?)`);
  return new Uint8Array(await response.arrayBuffer());
};

importScripts('../gen/wasm_exec.js');

// Go posts the record model as a header and its patients in one buffer,
// which is transferred, not copied (the page decodes and parses a patient
// only when it is shown).
self.fhirlensPost = (msg, transfer) => self.postMessage(msg, transfer || []);

// The STU3 definitions, fetched from the app's own origin on first need
// (Go calls this when an input turns out to be STU3).
self.fhirlensFetchSTU3 = async () => {
  const response = await fetch(new URL('../gen/stu3.bin', self.location.href));
  if (!response.ok) throw new Error(`gen/stu3.bin: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
};

let api = null;
const pending = [];

self.onmessage = (event) => {
  if (api) dispatch(event.data);
  else pending.push(event.data);
};

function dispatch(m) {
  let refused;
  try {
    switch (m.type) {
      case 'validate':
        refused = api.validate(m.id, m.name, m.bytes, { record: !!m.record, profile: m.profile || '', ...(m.settings || {}) });
        break;
      case 'summarize':
        refused = api.summarize(m.id, m.name, m.bytes);
        break;
      case 'summarizeSet':
        refused = api.summarizeSet(m.id, m.names, m.bytesList);
        break;
      case 'report':
        refused = api.report(m.id, m.meta, m.bytes);
        break;
      case 'outcome':
        refused = api.outcome(m.id, m.reports);
        break;
      case 'convert':
        refused = api.convert(m.id, m.name, m.source, m.to);
        break;
      case 'cancel':
        refused = api.cancel(m.id);
        break;
      case 'addGuide':
        refused = api.addGuide(m.id, m.name, m.bytes);
        break;
      case 'addGuideFiles':
        refused = api.addGuideFiles(m.id, m.name, m.names, m.bytesList);
        break;
      case 'removeGuide':
        refused = api.removeGuide(m.id, m.key);
        break;
      case 'info':
        self.postMessage({ type: 'info', info: api.info() });
        break;
      default:
        refused = 'unknown request ' + m.type;
    }
  } catch (err) {
    refused = String(err && err.message || err);
  }
  if (m.bytes) {
    // Go holds its own copy now: hand the buffer back to the page without copying.
    self.postMessage({ type: 'bytes', id: m.id, bytes: m.bytes }, [m.bytes.buffer]);
  }
  if (typeof refused === 'string') {
    self.postMessage({ type: 'error', id: m.id, message: refused });
  }
}

(async () => {
  const go = new Go();
  let instance;
  try {
    instance = await WebAssembly.instantiate(await wasmModule, go.importObject);
  } catch (err) {
    self.postMessage({ type: 'fatal', message: 'The validator could not be loaded: ' + (err && err.message || err) });
    return;
  }
  mark('compiled');
  const exited = go.run(instance);
  mark('goReady');
  self.postMessage({ type: 'marks', marks });
  api = self.fhirlens;
  if (!api) {
    self.postMessage({ type: 'fatal', message: 'The validator did not start.' });
    return;
  }
  for (const m of pending.splice(0)) dispatch(m);
  await exited;
  api = null;
  self.postMessage({ type: 'fatal', message: 'The validator stopped unexpectedly (out of memory?).' });
})();
