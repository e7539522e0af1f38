// Starts the validator worker as early as possible, before the page's
// modules have loaded: downloading and compiling the wasm and decoding the
// definitions then overlap with the rest of the page load. app.js adopts it
// (engine.js) and replays what the worker said before then.
// A classic script without async (it is tiny, first in <head>): loaded
// async, it ran only after parsing, just before the page's modules, which
// held the worker back by hundreds of milliseconds.
'use strict';
(() => {
  const worker = new Worker('js/worker.js');
  const early = [];
  worker.onmessage = (e) => early.push(e);
  worker.onerror = (e) => { e.preventDefault(); early.push(e); };
  window.fhirlensWorker = { worker, early };
})();
