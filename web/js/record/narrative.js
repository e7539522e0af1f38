// Narrative rendering. The model's narrative XHTML is already sanitized in
// Go; here it is parsed inertly (DOMParser documents run no script and load
// nothing) and rebuilt element by element from an allowlist, so even a
// sanitizer bug cannot put script, handlers, styles or external resources
// into the page. Without XHTML the plain text is shown.
import { h, safeHttpURL } from './dom.js';

const KEEP = new Set([
  'p', 'div', 'span', 'b', 'i', 'em', 'strong', 'u', 's', 'sub', 'sup', 'small', 'big', 'br', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody',
  'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col', 'pre', 'code', 'blockquote', 'q', 'cite',
  'abbr', 'acronym', 'a', 'img', 'tt', 'var', 'samp', 'kbd', 'dfn', 'ins', 'del', 'address', 'center',
]);
// Dropped together with their content.
const DROP = new Set([
  'script', 'style', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg',
  'math', 'noscript', 'noembed', 'noframes', 'textarea', 'select', 'option', 'button', 'head', 'title',
  'link', 'meta', 'base', 'form', 'input', 'audio', 'video', 'source', 'track', 'canvas', 'map', 'area',
]);
const ATTRS = new Set(['title', 'lang', 'dir', 'colspan', 'rowspan', 'span', 'scope', 'abbr', 'alt', 'headers']);
const RASTER = /^data:image\/(png|jpeg|gif|webp|bmp);base64,[A-Za-z0-9+/=\s]+$/;

export function renderNarrative(narrative) {
  const box = h('div', 'rc-narrative');
  if (!narrative) return box;
  if (narrative.xhtml) {
    const doc = parse(narrative.xhtml);
    const root = doc && (doc.body ? doc.body : doc.documentElement);
    if (root) {
      rebuild(root, box, 0);
      if (box.textContent.trim() !== '' || box.querySelector('img')) return box;
    }
  }
  const pre = h('div', 'rc-narrative-text', narrative.text || '');
  box.replaceChildren(pre);
  return box;
}

function parse(xhtml) {
  try {
    const doc = new DOMParser().parseFromString(String(xhtml), 'application/xhtml+xml');
    if (!doc.getElementsByTagName('parsererror').length) return doc;
  } catch { /* fall through */ }
  try {
    return new DOMParser().parseFromString(String(xhtml), 'text/html');
  } catch {
    return null;
  }
}

function rebuild(from, to, depth) {
  if (depth > 64) return;
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
      to.append(document.createTextNode(node.nodeValue));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const name = node.localName.toLowerCase();
    if (DROP.has(name)) continue;
    if (!KEEP.has(name)) {
      rebuild(node, to, depth + 1); // unwrap: keep the text
      continue;
    }
    const el = document.createElement(name);
    for (const attr of Array.from(node.attributes)) {
      const an = attr.localName.toLowerCase();
      if (ATTRS.has(an)) el.setAttribute(an, attr.value);
    }
    if (name === 'a') {
      const href = safeHttpURL(node.getAttribute('href') || '');
      if (href) {
        el.setAttribute('href', href);
        el.setAttribute('rel', 'noopener noreferrer nofollow');
        el.setAttribute('target', '_blank');
      }
    }
    if (name === 'img') {
      const src = node.getAttribute('src') || '';
      if (!RASTER.test(src)) {
        // No external or active images: show the alternative text instead.
        const alt = node.getAttribute('alt');
        if (alt) to.append(h('span', 'rc-img-alt', `[image: ${alt}]`));
        continue;
      }
      el.setAttribute('src', src);
    }
    rebuild(node, el, depth + 1);
    to.append(el);
  }
}
