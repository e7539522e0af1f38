// Attachments (DocumentReference, Binary, DiagnosticReport.presentedForm).
// Content is decoded only when the user asks for it. Text is shown as text;
// raster images in <img> from a blob: URL; PDF drawn to canvas by pdf.js
// (pdf.js: never the browser's PDF viewer, which runs a PDF's scripts and
// follows its links in the app's tab). Active
// types (HTML, SVG, XML and anything unknown) are never given a blob: URL —
// it would share the page's origin — but shown as text, or on request in an
// <iframe sandbox> (opaque origin, no scripts) with a CSP forbidding loads.
import { h, button, base64Bytes, sizeText, safeHttpURL } from './dom.js';
import { renderPDF } from './pdf.js';

const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'text/markdown', 'application/json', 'application/fhir+json']);
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);
const RENDERABLE_ACTIVE = new Set(['text/html', 'application/xhtml+xml', 'image/svg+xml', 'text/xml', 'application/xml']);
const TEXT_LIMIT = 200000;

function mediaType(ct) {
  return String(ct || '').split(';')[0].trim().toLowerCase();
}

// renderAttachments returns the list element; blobURLs collects URLs to revoke.
export function renderAttachments(card, attachments, ctx) {
  const list = h('ul', 'rc-attachments');
  attachments.forEach((a, index) => {
    const li = h('li', 'rc-attachment');
    const head = h('div', 'rc-attachment-head');
    head.append(h('span', 'rc-attachment-title', a.title || 'Attachment'));
    const meta = [a.contentType || 'no content type'];
    if (a.dataBytes) meta.push(sizeText(a.dataBytes));
    else if (a.size) meta.push(sizeText(a.size) + ' (declared)');
    if (a.language) meta.push(a.language);
    if (a.creation) meta.push(a.creation);
    head.append(h('span', 'rc-attachment-meta', meta.join(' · ')));
    li.append(head);
    const body = h('div', 'rc-attachment-body');
    if (a.dataBytes > 0) {
      const show = button('Show content', 'rc-btn', async () => {
        show.disabled = true;
        let b64 = a.data;
        if (!b64 && ctx.loadAttachment) {
          try { b64 = await ctx.loadAttachment(card.key, index); } catch { b64 = null; }
        }
        body.replaceChildren(b64 ? renderContent(a, b64, ctx) : h('p', 'rc-muted', 'The content is not available in this view.'));
      });
      body.append(show);
    } else if (a.url) {
      const href = safeHttpURL(a.url);
      const p = h('p', 'rc-muted', 'Content is held elsewhere: ');
      if (href) {
        const link = h('a', 'rc-ext', a.url);
        link.href = href;
        link.rel = 'noopener noreferrer nofollow';
        link.target = '_blank';
        p.append(link);
      } else {
        p.append(h('code', null, a.url));
      }
      body.append(p);
    } else {
      body.append(h('p', 'rc-muted', 'No content.'));
    }
    li.append(body);
    list.append(li);
  });
  return list;
}

function renderContent(a, b64, ctx) {
  const bytes = base64Bytes(b64);
  if (!bytes) return h('p', 'rc-warning', 'The attachment data is not valid base64.');
  const type = mediaType(a.contentType);
  const wrap = h('div', 'rc-attachment-content');
  if (!a.active && IMAGE_TYPES.has(type)) {
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    ctx.blobURLs.push(url);
    const img = h('img', 'rc-attachment-img');
    img.alt = a.title || 'Attached image';
    img.src = url;
    wrap.append(img);
    return wrap;
  }
  if (!a.active && type === 'application/pdf') {
    wrap.append(renderPDF(bytes, a.title, ctx.blobURLs));
    return wrap;
  }
  const text = decodeText(bytes, a.contentType);
  if (!a.active && TEXT_TYPES.has(type) || a.active && RENDERABLE_ACTIVE.has(type)) {
    wrap.append(textBlock(text));
    if (a.active) {
      wrap.prepend(h('p', 'rc-muted', `${type} is shown as source text; it may contain active content.`));
      const render = button('Render in a sandbox', 'rc-btn', () => {
        render.remove();
        wrap.append(sandboxFrame(text, type, a.title));
      });
      wrap.append(render);
    }
    return wrap;
  }
  wrap.append(h('p', 'rc-muted', `${type || 'This content type'} cannot be shown here.`));
  return wrap;
}

function decodeText(bytes, contentType) {
  const m = /charset=([^;]+)/i.exec(String(contentType || ''));
  try {
    return new TextDecoder(m ? m[1].trim() : 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function textBlock(text) {
  const pre = h('pre', 'rc-attachment-text');
  if (text.length <= TEXT_LIMIT) {
    pre.textContent = text;
    return pre;
  }
  pre.textContent = text.slice(0, TEXT_LIMIT);
  const box = h('div');
  const more = button(`Show all ${text.length.toLocaleString()} characters`, 'rc-btn', () => {
    pre.textContent = text;
    more.remove();
  });
  box.append(pre, more);
  return box;
}

// An iframe with an empty sandbox: opaque origin, no scripts, no forms, no
// popups, no navigation of the page; the CSP forbids every network load.
function sandboxFrame(text, type, title) {
  const frame = document.createElement('iframe');
  frame.className = 'rc-attachment-sandbox';
  frame.setAttribute('sandbox', '');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.title = title || 'Attachment (sandboxed)';
  const csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">';
  if (type === 'text/html' || type === 'application/xhtml+xml' || type === 'image/svg+xml') {
    frame.srcdoc = csp + text;
  } else {
    // XML is shown as its text inside the sandbox.
    frame.srcdoc = csp + '<pre>' + text.replace(/&/g, '&amp;').replace(/</g, '&lt;') + '</pre>';
  }
  return frame;
}
