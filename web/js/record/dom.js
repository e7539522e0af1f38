// Small DOM helpers for the record viewer. Every value from the record is
// inserted as text (textContent) or as an attribute value (setAttribute);
// nothing from the record is ever parsed as markup by these helpers.

export function h(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null && text !== '') e.textContent = String(text);
  return e;
}

export function button(label, className, onClick, title) {
  const b = h('button', className, label);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

// safeClass makes a record value (a status, a flag) usable in a class name.
export function safeClass(s) {
  return String(s || '').toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 40);
}

// num writes a count in the reader's locale ("1,234").
export function num(n) {
  return Number(n || 0).toLocaleString();
}

// A stable DOM id for a card key ("entry:3" -> "rc-card-entry-3").
export function cardDomId(key) {
  return 'rc-card-' + String(key).replace(/[^A-Za-z0-9_-]/g, '-');
}

// Full codings as one line per coding, for hover and focus.
export function codingsTitle(codes) {
  if (!codes || codes.length === 0) return '';
  return codes.map((c) => {
    const system = c.systemName || c.system || 'no system';
    const parts = [system];
    if (c.code) parts.push(c.code);
    let s = parts.join(' ');
    if (c.display) s += ' — ' + c.display;
    return s;
  }).join('\n');
}

// Text for an absent value: "not recorded", or the data-absent-reason.
export function absentText(reason) {
  if (!reason || reason === 'absent') return 'not recorded';
  if (reason === 'not in input') return 'not in the files given';
  return 'not recorded (' + reason + ')';
}

// A human date from a FHIR date/dateTime, keeping what was written visible
// on hover. Partial dates stay partial; nothing is invented.
export function dateText(s) {
  if (!s) return '';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}))?)?)?/.exec(s);
  if (!m) return s;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  if (!m[2]) return m[1];
  const mon = months[Number(m[2]) - 1] || m[2];
  if (!m[3]) return `${mon} ${m[1]}`;
  let out = `${Number(m[3])} ${mon} ${m[1]}`;
  if (m[4]) out += `, ${m[4]}:${m[5]}`;
  return out;
}

export function dateEl(s, className = 'rc-date') {
  const t = h('time', className, dateText(s));
  if (s) {
    t.setAttribute('datetime', s);
    t.title = s;
  }
  return t;
}

// Base64 to bytes; returns null when the text is not base64.
export function base64Bytes(b64) {
  try {
    const bin = atob(String(b64).replace(/\s+/g, ''));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

export function sizeText(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// The URL is only made a link when it is http(s); anything else
// (javascript:, data:, relative) stays text.
export function safeHttpURL(u) {
  try {
    const url = new URL(String(u));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
