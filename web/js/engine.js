// Engine: the page's side of the validator worker. It starts the worker,
// restarts it if it dies, and turns its messages into callbacks per job.

export class Engine {
  constructor({ onReady, onDefinitions, onFatal } = {}) {
    this.onReady = onReady || (() => {});
    this.onDefinitions = onDefinitions || (() => {});
    this.onFatal = onFatal || (() => {});
    this.jobs = new Map(); // id → handlers
    this.nextId = 1;
    this.info = null;
    this.start();
  }

  start() {
    this.ready = false;
    // The first worker was started by boot.js while the page loaded; what it
    // said before this module ran is replayed in order.
    const boot = window.fhirlensWorker;
    window.fhirlensWorker = null;
    this.worker = boot ? boot.worker : new Worker(new URL('./worker.js', import.meta.url));
    // How many workers this page has started (a replaced worker reads its
    // files again); the browser tests read it.
    document.body.dataset.workerStarts = String(Number(document.body.dataset.workerStarts || 0) + 1);
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.die(e.message || 'The validator worker failed.');
    };
    // After the caller's module has run: its callbacks may use what it defines later.
    if (boot) {
      queueMicrotask(() => {
        for (const e of boot.early.splice(0)) {
          if (this.broken || this.worker !== boot.worker) break;
          if (e.type === 'error') this.worker.onerror(e);
          else this.receive(e.data);
        }
      });
    }
  }

  // die fails every job in flight. A worker that had been working is
  // replaced; one that never started would fail again, so the engine stays
  // down and says why (the page remains usable for viewing results).
  die(message) {
    this.worker.terminate();
    const wasReady = this.ready;
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.onError?.(message);
    this.onFatal(message, wasReady);
    if (wasReady) this.start();
    else this.broken = message;
  }

  receive(m) {
    if (m.type === 'ready') {
      this.ready = true;
      if (m.mainAtEpochMs) m.mainAt = m.mainAtEpochMs - performance.timeOrigin;
      this.info = m;
      this.onReady(m);
      return;
    }
    if (m.type === 'definitions') {
      // After "ready": the definitions are decoded (or failed to load).
      this.info = { ...this.info, ...m, type: 'ready' };
      this.definitionsAt = performance.now();
      this.onDefinitions(this.info);
      return;
    }
    if (m.type === 'marks') {
      // Worker start-up marks, relative to the page's time origin.
      this.marks = Object.fromEntries(Object.entries(m.marks).map(([k, v]) => [k, v - performance.timeOrigin]));
      return;
    }
    if (m.type === 'fatal') {
      this.die(m.message);
      return;
    }
    const job = this.jobs.get(m.id);
    if (!job) return;
    // The worker hands the input buffer back once Go holds its copy. Go may
    // answer before that message arrives; hold its answers until then, so a
    // report or record never reaches the page without the bytes it points into.
    if (job.awaitingBytes && m.type !== 'bytes' && m.type !== 'progress') {
      job.held.push(m);
      return;
    }
    switch (m.type) {
      case 'bytes':
        job.awaitingBytes = false;
        job.onBytes?.(m.bytes);
        for (const held of job.held.splice(0)) this.receive(held);
        break;
      case 'progress': job.onProgress?.(m); break;
      // A large input's record comes first ("first": its report follows).
      case 'result': job.onReport?.(m); if (!job.record || job.recordReceived) this.end(m.id); break;
      case 'record': job.recordReceived = true; job.onRecord?.(m); if (!m.first) this.end(m.id); break;
      case 'recordPatient': job.onRecordPatient?.(m); break; // a large input's later patients, one by one
      case 'outcome': job.onOutcome?.(m.json); this.end(m.id); break;
      case 'converted': job.onConverted?.(m.text); this.end(m.id); break;
      case 'conformance': job.onConformance?.(m); this.end(m.id); break;
      case 'cancelled': job.onCancelled?.(); this.end(m.id); break;
      case 'guides': job.onGuides?.(m); this.end(m.id); break;
      case 'error': job.onError?.(m.message); this.end(m.id); break;
    }
  }

  end(id) { this.jobs.delete(id); }

  // validate sends bytes (a Uint8Array; its buffer is transferred and comes
  // back through onBytes) and returns the job id.
  validate(name, bytes, handlers) {
    const id = this.nextId++;
    if (this.broken) {
      setTimeout(() => handlers.onError?.(this.broken));
      return id;
    }
    this.jobs.set(id, { ...handlers, awaitingBytes: true, held: [] });
    this.worker.postMessage({ type: 'validate', id, name, bytes, record: !!handlers.record, profile: handlers.profile || '', settings: handlers.settings || {} }, [bytes.buffer]);
    return id;
  }

  // summarizeSet builds one record from several files (copies of their
  // bytes are sent; the page keeps its own) and returns the job id.
  summarizeSet(names, bytesList, handlers) {
    const id = this.nextId++;
    if (this.broken) {
      setTimeout(() => handlers.onError?.(this.broken));
      return id;
    }
    this.jobs.set(id, { ...handlers, awaitingBytes: false, held: [] });
    this.worker.postMessage({ type: 'summarizeSet', id, names, bytesList });
    return id;
  }

  // cancel asks the worker to stop a job. Validation stops within about
  // 100 ms; a step that cannot be interrupted (building the record view)
  // is ended by replacing the worker.
  cancel(id) {
    if (!this.jobs.has(id)) return;
    this.worker.postMessage({ type: 'cancel', id });
    setTimeout(() => {
      if (!this.jobs.has(id)) return;
      this.worker.terminate();
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      for (const job of jobs) job.onCancelled?.();
      this.start();
    }, 1500);
  }

  // convert gives the canonical JSON or XML form ("json" or "xml") of a
  // resource as text; bytes are copied, the page keeps its own.
  convert(name, bytes, to) {
    return new Promise((resolve, reject) => {
      if (this.broken) { reject(new Error(this.broken)); return; }
      const id = this.nextId++;
      this.jobs.set(id, { onConverted: resolve, onError: (msg) => reject(new Error(msg)) });
      this.worker.postMessage({ type: 'convert', id, name, source: bytes, to });
    });
  }

  // report builds the conformance report of files ({name, bytes}) in the
  // worker, exactly as `fhirlens report` does: resolves {json, html} (and
  // diffs, a JSON list, when verifyJSON — a report.json's text — is given).
  report(files, verifyJSON, onProgress) {
    return new Promise((resolve, reject) => {
      if (this.broken) { reject(new Error(this.broken)); return; }
      const id = this.nextId++;
      const sizes = files.map((f) => f.bytes.byteLength);
      const all = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
      let off = 0;
      for (const f of files) { all.set(f.bytes, off); off += f.bytes.byteLength; }
      this.jobs.set(id, {
        onConformance: resolve, onProgress,
        onError: (msg) => reject(new Error(msg)), onCancelled: () => reject(new Error('cancelled')),
      });
      const meta = JSON.stringify({ names: files.map((f) => f.name), sizes, verify: verifyJSON || '' });
      this.worker.postMessage({ type: 'report', id, meta, bytes: all }, [all.buffer]);
    });
  }

  // guide loads an implementation guide (a .tgz as bytes, or a folder as
  // files [{name, bytes}]; copies are sent) or, with remove, drops one by
  // key. It resolves with {guides: [...], added, error}.
  guide({ name, bytes, files, remove }) {
    return new Promise((resolve, reject) => {
      if (this.broken) { reject(new Error(this.broken)); return; }
      const id = this.nextId++;
      this.jobs.set(id, {
        awaitingBytes: false, held: [],
        onGuides: (m) => resolve({ guides: JSON.parse(m.guides || '[]'), added: m.added, error: m.error }),
        onError: (msg) => reject(new Error(msg)),
      });
      if (remove) this.worker.postMessage({ type: 'removeGuide', id, key: remove });
      else if (files) this.worker.postMessage({ type: 'addGuideFiles', id, name, names: files.map((f) => f.name), bytesList: files.map((f) => f.bytes.slice()) });
      else this.worker.postMessage({ type: 'addGuide', id, name, bytes: bytes.slice() });
    });
  }

  // outcome converts report JSON strings to OperationOutcome JSON.
  outcome(reportJSONs) {
    return new Promise((resolve, reject) => {
      if (this.broken) { reject(new Error(this.broken)); return; }
      const id = this.nextId++;
      this.jobs.set(id, { onOutcome: resolve, onError: (msg) => reject(new Error(msg)) });
      this.worker.postMessage({ type: 'outcome', id, reports: '[' + reportJSONs.join(',') + ']' });
    });
  }
}
