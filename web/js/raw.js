// RawView: a virtualised view of the input bytes. Only the rows on screen
// exist in the DOM, so a 50 MB file scrolls like a small one. Long lines are
// wrapped into rows of at most WRAP bytes; very tall documents are scrolled
// through a scaled scrollbar because browsers cap element heights.

const WRAP = 240;            // bytes per row before a long line wraps
const MAX_SCROLL_PX = 4e6;   // tallest sizer we create
const decoder = new TextDecoder();
const severityRank = { fatal: 0, error: 1, warning: 2, information: 3 };

export class RawView {
  constructor(viewport, { onPosition } = {}) {
    this.viewport = viewport;
    this.onPosition = onPosition || (() => {});
    this.sizer = el('div', 'raw-sizer');
    this.rowsBox = el('div', 'raw-rows');
    this.viewport.append(this.sizer, this.rowsBox);
    this.rowHeight = 18;
    this.pool = [];
    this.bytes = new Uint8Array(0);
    this.rowStart = new Uint32Array(1);
    this.rowLine = new Uint32Array(1);
    this.rowCount = 0;
    this.marks = new Map();
    this.highlight = null;
    this.frame = 0;
    this.viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.layout()).observe(this.viewport);
  }

  // setFile shows bytes with issue markers; issues carry byte offsets.
  // FHIR XML is shown as XML (its findings point into it).
  setFile(bytes, issues = []) {
    this.bytes = bytes;
    this.xml = looksLikeXML(bytes);
    this.viewport.setAttribute('aria-label', this.xml ? 'Raw XML' : 'Raw JSON');
    this.index();
    this.marks = new Map();
    for (const issue of issues) {
      const row = this.rowOf(issue.offset || 0);
      const mark = this.marks.get(row);
      if (!mark) this.marks.set(row, { severity: issue.severity, messages: [issue.message] });
      else {
        if (severityRank[issue.severity] < severityRank[mark.severity]) mark.severity = issue.severity;
        if (mark.messages.length < 5) mark.messages.push(issue.message);
      }
    }
    this.highlight = null;
    this.viewport.scrollTop = 0;
    this.layout();
  }

  // index splits the bytes into rows: one per line, long lines wrapped.
  index() {
    const b = this.bytes;
    let cap = Math.max(1024, (b.length / 40) | 0);
    let starts = new Uint32Array(cap);
    let lines = new Uint32Array(cap);
    let n = 0;
    let line = 1;
    const push = (start) => {
      if (n === cap) {
        cap *= 2;
        const s = new Uint32Array(cap); s.set(starts); starts = s;
        const l = new Uint32Array(cap); l.set(lines); lines = l;
      }
      starts[n] = start; lines[n] = line; n++;
    };
    let lineStart = 0;
    const len = b.length;
    for (let i = 0; i <= len; i++) {
      if (i < len && b[i] !== 0x0a) continue;
      let start = lineStart;
      push(start);
      while (i - start > WRAP) {
        let cut = start + WRAP;
        while (cut > start + 1 && (b[cut] & 0xc0) === 0x80) cut--; // never split a UTF-8 sequence
        start = cut;
        push(start);
      }
      line++;
      lineStart = i + 1;
    }
    this.rowStart = starts.subarray(0, n);
    this.rowLine = lines.subarray(0, n);
    this.rowCount = n;
    this.lineDigits = String(line).length;
    this.viewport.style.setProperty('--gutter-ch', String(this.lineDigits + 2));
  }

  rowEnd(r) {
    let end = r + 1 < this.rowCount ? this.rowStart[r + 1] : this.bytes.length;
    if (r + 1 < this.rowCount && this.rowLine[r + 1] !== this.rowLine[r]) end--; // drop the newline
    if (end > this.rowStart[r] && this.bytes[end - 1] === 0x0d) end--;
    return Math.max(end, this.rowStart[r]);
  }

  rowOf(offset) {
    let lo = 0, hi = this.rowCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rowStart[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  layout() {
    const probe = this.pool[0];
    if (probe && probe.offsetHeight) this.rowHeight = probe.offsetHeight;
    this.viewHeight = this.viewport.clientHeight || 400;
    this.totalHeight = this.rowCount * this.rowHeight;
    this.sizerHeight = Math.min(this.totalHeight, MAX_SCROLL_PX);
    this.sizer.style.height = this.sizerHeight + 'px';
    this.render();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  // firstRow maps the scrollbar to a fractional row (scaled when huge).
  firstRow() {
    const visible = this.viewHeight / this.rowHeight;
    const maxScroll = this.sizerHeight - this.viewHeight;
    if (maxScroll <= 0) return 0;
    const frac = Math.min(1, this.viewport.scrollTop / maxScroll);
    return frac * Math.max(0, this.rowCount - visible);
  }

  render() {
    const exact = this.firstRow();
    const first = Math.floor(exact);
    const count = Math.min(this.rowCount - first, Math.ceil(this.viewHeight / this.rowHeight) + 2);
    while (this.pool.length < count) {
      const row = el('div', 'raw-row');
      row.append(el('span', 'raw-gutter'), el('span', 'raw-code'));
      this.rowsBox.append(row);
      this.pool.push(row);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i];
      if (i >= count) { row.hidden = true; continue; }
      row.hidden = false;
      this.fill(row, first + i);
    }
    const top = this.viewport.scrollTop - (exact - first) * this.rowHeight;
    this.rowsBox.style.transform = `translateY(${Math.max(0, top)}px)`;
    if (this.rowCount) {
      const topRow = Math.min(this.rowCount - 1, exact - first > 0.5 ? first + 1 : first);
      this.onPosition(`Line ${this.rowLine[topRow].toLocaleString()} of ${this.rowLine[this.rowCount - 1].toLocaleString()}`);
    }
  }

  fill(row, r) {
    const gutter = row.firstChild;
    const code = row.lastChild;
    const continued = r > 0 && this.rowLine[r] === this.rowLine[r - 1];
    gutter.textContent = continued ? '↪' : String(this.rowLine[r]);
    const mark = this.marks.get(r);
    gutter.className = mark ? `raw-gutter has-issue sev-${mark.severity}` : 'raw-gutter';
    gutter.title = mark ? mark.messages.join('\n') : '';
    row.dataset.line = this.rowLine[r];
    const start = this.rowStart[r];
    const end = this.rowEnd(r);
    code.replaceChildren();
    const h = this.highlight;
    if (h && h.start < end && h.end > start) {
      const hs = Math.max(h.start, start), he = Math.min(h.end, end);
      const tokens = this.xml ? appendXMLTokens : appendTokens;
      tokens(code, decoder.decode(this.bytes.subarray(start, hs)));
      const mark = el('mark', 'raw-mark');
      mark.textContent = decoder.decode(this.bytes.subarray(hs, he)) || ' ';
      code.append(mark);
      tokens(code, decoder.decode(this.bytes.subarray(he, end)));
      row.classList.add('is-target');
    } else {
      (this.xml ? appendXMLTokens : appendTokens)(code, decoder.decode(this.bytes.subarray(start, end)));
      row.classList.remove('is-target');
    }
  }

  // reveal scrolls to the value at a byte offset and highlights it.
  reveal(offset) {
    offset = Math.max(0, Math.min(offset || 0, Math.max(0, this.bytes.length - 1)));
    this.highlight = { start: offset, end: (this.xml ? xmlTokenEnd : tokenEnd)(this.bytes, offset) };
    this.layout();
    const row = this.rowOf(offset);
    const visible = this.viewHeight / this.rowHeight;
    const target = Math.max(0, row - Math.floor(visible / 3));
    const maxScroll = this.sizerHeight - this.viewHeight;
    const span = Math.max(1, this.rowCount - visible);
    this.viewport.scrollTop = maxScroll > 0 ? Math.round(target / span * maxScroll) : 0;
    this.render();
    return this.rowLine[row];
  }
}

// tokenEnd finds where the JSON token at offset ends; for a property name
// the highlight runs on over a primitive value.
function tokenEnd(b, off) {
  const n = b.length;
  const scalarEnd = (i) => {
    if (b[i] === 0x22) {
      i++;
      while (i < n && b[i] !== 0x22 && b[i] !== 0x0a) i += b[i] === 0x5c ? 2 : 1;
      return Math.min(i + 1, n);
    }
    if (b[i] === 0x7b || b[i] === 0x5b) return i + 1;
    while (i < n && !isDelimiter(b[i])) i++;
    return i;
  };
  let end = Math.max(scalarEnd(off), off + 1);
  if (b[off] === 0x22) {
    let j = end;
    while (j < n && (b[j] === 0x20 || b[j] === 0x09)) j++;
    if (b[j] === 0x3a) {
      j++;
      while (j < n && (b[j] === 0x20 || b[j] === 0x09)) j++;
      if (j < n && b[j] !== 0x7b && b[j] !== 0x5b && b[j] !== 0x0a) end = scalarEnd(j);
    }
  }
  return Math.min(end, n);
}

function isDelimiter(c) {
  return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a;
}

const tokenPattern = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

// appendTokens adds text with light JSON colouring (text nodes only).
function appendTokens(parent, text) {
  if (!text) return;
  let last = 0;
  tokenPattern.lastIndex = 0;
  for (let m; (m = tokenPattern.exec(text));) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    const span = document.createElement('span');
    span.className = m[1] ? (m[2] ? 'j-key' : 'j-str') : m[3] ? 'j-num' : 'j-lit';
    span.textContent = m[1] || m[3] || m[4];
    parent.append(span);
    if (m[2]) parent.append(m[2]);
    last = tokenPattern.lastIndex;
  }
  if (last < text.length) parent.append(text.slice(last));
}

function el(tag, className) {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

function looksLikeXML(b) {
  let i = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i] === 0x3c;
}

// xmlTokenEnd: a finding in XML points at an element's '<' (the highlight
// runs over the start tag) or at an attribute value (to its closing quote).
function xmlTokenEnd(b, off) {
  const n = b.length;
  let i = off;
  if (b[i] === 0x3c) {
    let quote = 0;
    for (; i < n; i++) {
      if (quote) { if (b[i] === quote) quote = 0; continue; }
      if (b[i] === 0x22 || b[i] === 0x27) quote = b[i];
      else if (b[i] === 0x3e || b[i] === 0x0a) return Math.min(i + 1, n);
    }
    return n;
  }
  const quote = off > 0 && (b[off - 1] === 0x22 || b[off - 1] === 0x27) ? b[off - 1] : 0;
  while (i < n && b[i] !== 0x0a && (quote ? b[i] !== quote : !isDelimiter(b[i]) && b[i] !== 0x3c)) i++;
  return Math.max(i, off + 1);
}

const xmlPattern = /(<\/?[\w:.-]+|\/?>)|([\w:.-]+)(=)("[^"]*"|'[^']*')|(<!--[\s\S]*?-->)/g;

// appendXMLTokens adds text with light XML colouring (text nodes only).
function appendXMLTokens(parent, text) {
  if (!text) return;
  let last = 0;
  xmlPattern.lastIndex = 0;
  for (let m; (m = xmlPattern.exec(text));) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    const span = (cls, t) => { const e = document.createElement('span'); e.className = cls; e.textContent = t; parent.append(e); };
    if (m[1]) span('x-tag', m[1]);
    else if (m[5]) span('x-comment', m[5]);
    else { span('x-attr', m[2]); parent.append(m[3]); span('j-str', m[4]); }
    last = xmlPattern.lastIndex;
  }
  if (last < text.length) parent.append(text.slice(last));
}

// FormatSwitch is the raw view's "view as JSON / XML" button: it shows the
// canonical form of the input in the other format (converted by the
// validator worker), and back. Findings are marked on the original only.
export class FormatSwitch {
  constructor(button, raw, convert) {
    this.button = button;
    this.raw = raw;
    this.convert = convert; // (name, bytes, "json"|"xml") → Promise<text>
    this.file = null;
    this.converted = false;
    button.addEventListener('click', () => this.toggle());
  }

  // show resets the switch for the file the raw view now holds.
  show(file) {
    this.file = file;
    this.converted = false;
    this.label();
  }

  other() { return this.raw.xml ? 'json' : 'xml'; }

  label() {
    const f = this.file;
    this.button.hidden = !f || !f.bytes || (f.report && f.report.format === 'ndjson');
    if (this.converted) this.button.textContent = `View original (${this.original.toUpperCase()})`;
    else this.button.textContent = `View as ${this.other().toUpperCase()}`;
  }

  // restore goes back to the original bytes (offsets of findings point there).
  restore() {
    if (!this.converted || !this.file) return;
    this.converted = false;
    this.raw.setFile(this.file.bytes, this.file.report ? this.file.report.findings : []);
    this.label();
  }

  async toggle() {
    const f = this.file;
    if (!f || !f.bytes) return;
    if (this.converted) { this.restore(); return; }
    const to = this.other();
    this.original = this.raw.xml ? 'xml' : 'json';
    this.button.disabled = true;
    try {
      const text = await this.convert(f.name, f.bytes.slice(), to);
      if (this.file !== f) return;
      this.raw.setFile(new TextEncoder().encode(text), []);
      this.converted = true;
    } catch (err) {
      this.button.title = String(err && err.message || err);
    } finally {
      this.button.disabled = false;
      this.label();
    }
  }
}
