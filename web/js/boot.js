// Starts the validator worker as early as possible, before the page's
// modules have loaded: downloading and compiling the wasm and decoding the
// definitions then overlap with the rest of the page load. app.js adopts it.
'use strict';
window.fhirlensWorker = new Worker('js/worker.js');
