// PDF attachments, drawn as pictures. A PDF from a record is hostile: it can
// carry document JavaScript, OpenAction URIs and link annotations, and the
// browser's own PDF viewer runs the first and follows the others in the
// app's tab. So no PDF is ever given to the browser's viewer. Mozilla's
// pdf.js (vendored in web/vendor/pdfjs, served from the app's origin by
// `make web`) parses it in a Web Worker and draws each page onto a <canvas>:
// no script from the PDF runs (pdf.js's scripting sandbox is not loaded), no
// annotation layer or form layer exists (annotation appearances are painted
// into the canvas, so a link is only pixels), nothing is fetched (no CMap,
// standard-font or wasm URL is given; the page's CSP allows only 'self'
// anyway). When pdf.js cannot draw the file, the user gets a download typed
// application/octet-stream, so no browser opens it in its viewer.
import { h, sizeText } from './dom.js';

const MAX_PAGES = 30; // pages drawn; the rest are named, not drawn
const MAX_CANVAS_PIXELS = 8 * 1024 * 1024; // per page, whatever the page size claims
const MAX_SIDE = 8192; // canvas side, in device pixels
const TARGET_WIDTH = 820; // CSS pixels

let loading = null;

function loadPdfjs() {
  if (!loading) {
    loading = import(new URL('../../gen/pdfjs/pdf.min.mjs', import.meta.url).href).then((pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = new URL('../../gen/pdfjs/pdf.worker.min.mjs', import.meta.url).href;
      return pdfjs;
    });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

// renderPDF returns an element that fills itself with the drawn pages (or a
// message) and a download as pdf.js works; blobURLs collects URLs to revoke.
export function renderPDF(bytes, title, blobURLs) {
  const wrap = h('div', 'rc-pdf');
  const status = h('p', 'rc-muted', 'Drawing the PDF…');
  wrap.append(status);
  draw(bytes, wrap, status).catch((err) => {
    status.className = 'rc-warning';
    status.textContent = `This PDF cannot be shown here (${(err && err.name) || 'error'}: ${(err && err.message) || err}).`;
  }).finally(() => wrap.append(downloadLink(bytes, title, blobURLs)));
  return wrap;
}

async function draw(bytes, wrap, status) {
  const pdfjs = await loadPdfjs();
  // pdf.js transfers the buffer to its worker: give it a copy.
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    enableXfa: false,
    useWasm: false,
    useWorkerFetch: false,
    useSystemFonts: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    stopAtErrors: false,
    maxImageSize: 64 * 1024 * 1024,
  });
  try {
    const doc = await task.promise;
    const n = doc.numPages;
    const shown = Math.min(n, MAX_PAGES);
    status.textContent = n === 1 ? 'PDF, 1 page (drawn as a picture: links and scripts in it do nothing).'
      : `PDF, ${n} pages${n > shown ? `, the first ${shown} drawn` : ''} (drawn as pictures: links and scripts in it do nothing).`;
    const pages = h('div', 'rc-pdf-pages');
    wrap.append(pages);
    for (let i = 1; i <= shown; i++) {
      const page = await doc.getPage(i);
      pages.append(await drawPage(pdfjs, page, i));
      page.cleanup();
    }
    if (n > shown) wrap.append(h('p', 'rc-muted', `${n - shown} more page${n - shown === 1 ? '' : 's'} not drawn; download the file to read them.`));
  } finally {
    await task.destroy(); // ends the worker and frees the document
  }
}

async function drawPage(pdfjs, page, number) {
  const base = page.getViewport({ scale: 1 });
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  let scale = (TARGET_WIDTH / Math.max(base.width, 1)) * dpr;
  const area = base.width * base.height * scale * scale;
  if (area > MAX_CANVAS_PIXELS) scale *= Math.sqrt(MAX_CANVAS_PIXELS / area);
  scale = Math.min(scale, MAX_SIDE / Math.max(base.width, 1), MAX_SIDE / Math.max(base.height, 1));
  const viewport = page.getViewport({ scale });
  const canvas = h('canvas', 'rc-pdf-page');
  canvas.width = Math.max(1, Math.floor(viewport.width));
  canvas.height = Math.max(1, Math.floor(viewport.height));
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Page ${number}`);
  await page.render({ canvas, viewport, annotationMode: pdfjs.AnnotationMode.ENABLE }).promise;
  return canvas;
}

// A download that no browser opens in its PDF viewer by itself.
export function downloadLink(bytes, title, blobURLs) {
  const box = h('p', 'rc-pdf-download');
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const name = String(title || 'attachment').replace(/[^\w .-]+/g, '_').slice(0, 80) + '.pdf';
  const a = h('a', 'rc-btn', `Download the PDF (${sizeText(bytes.length)})`);
  a.href = url;
  a.download = name;
  a.rel = 'noopener noreferrer';
  blobURLs.push(url);
  box.append(a, h('span', 'rc-muted', ' A PDF from a record can contain scripts and links: open it only in a PDF reader you trust.'));
  return box;
}
