// Patient summary: the compact tables of record.Summary (Go, record/summary.go)
// in clinical order — allergies, active problems, current medications,
// results by report, vital signs, immunizations, procedures, encounters,
// then history. A row opens its card in place (details on demand); a
// medicine's earlier prescriptions and an encounter's contents open the same
// way. Long sections show the first `show` rows and a "Show all N".
//
// Every value is inserted as text (see dom.js). Keyboard: each table is one
// tab stop; arrow keys move between its row buttons (roving tabindex).
import { h, button, codingsTitle, absentText, dateEl, safeClass, num } from './dom.js';

export function renderSummarySection(view, s, rec) {
  const sec = h('section', `rc-section rc-sum rc-sum-${safeClass(s.id)}`);
  sec.id = `rc-sec-${s.id}`;
  sec.tabIndex = -1;
  sec.dataset.section = s.id;
  const heading = h('h3', 'rc-section-title', s.title);
  if (s.rows) heading.append(h('span', 'rc-count', ` ${num(s.rows)}`));
  sec.append(heading);
  if (s.id === 'vitals') {
    sec.append(view.renderVitalsTable(rec.vitals || []));
    return sec;
  }
  if (!s.rows) {
    sec.append(h('p', 'rc-empty-section', s.empty || 'None recorded.'));
    return sec;
  }
  if (s.note) {
    const note = h('p', 'rc-sum-note rc-noprint', s.note);
    sec.append(note);
  }
  const grouped = s.groups.length > 1 || (s.groups[0] && (s.groups[0].title || s.groups[0].cardKey));
  const table = h('table', 'rc-table rc-sum-table');
  const thead = h('thead');
  const hr = h('tr');
  for (const c of s.columns) hr.append(h('th', null, c));
  thead.append(hr);
  table.append(thead);
  const rows = [];
  let shown = 0;
  const bodies = [];
  for (const g of s.groups) {
    const tbody = h('tbody', 'rc-sum-group');
    if (grouped) {
      const tr = h('tr', 'rc-sum-group-head');
      const th = h('th', null);
      th.colSpan = s.columns.length;
      th.scope = 'rowgroup';
      if (g.cardKey) th.append(rowButton(view, g.cardKey, g.title || 'Report', tr));
      else th.append(h('span', null, g.title || ''));
      if (g.date || g.dateInvalid) {
        th.append(document.createTextNode(' · '));
        th.append(g.dateInvalid ? invalidEl(g.date, g.dateInvalid) : dateEl(g.date));
      }
      tr.append(th);
      tbody.append(tr);
    }
    for (const r of g.rows) {
      const tr = renderRow(view, s, r);
      tbody.append(tr);
      rows.push(tr);
    }
    bodies.push(tbody);
    table.append(tbody);
  }
  // Collapse: rows (or groups, for grouped sections) past `show`.
  const limit = s.show || 10;
  const hideable = grouped ? bodies : rows;
  if (hideable.length > limit) {
    hideable.slice(limit).forEach((e) => e.classList.add('rc-collapsed'));
    const word = grouped ? (s.id === 'results' ? 'reports' : 'groups') : 'rows';
    const more = button(`Show all ${num(hideable.length)} ${word}`, 'rc-btn rc-show-all rc-noprint', () => {
      const open = more.getAttribute('aria-expanded') !== 'true';
      hideable.slice(limit).forEach((e) => e.classList.toggle('rc-collapsed', !open));
      more.setAttribute('aria-expanded', String(open));
      more.textContent = open ? `Show the first ${num(limit)} only` : `Show all ${num(hideable.length)} ${word}`;
    });
    more.setAttribute('aria-expanded', 'false');
    sec.append(table, more);
    shown = limit;
  } else {
    sec.append(table);
    shown = hideable.length;
  }
  sec.dataset.shown = String(shown);
  roving(table);
  return sec;
}

function renderRow(view, s, r) {
  const tr = h('tr', 'rc-sum-row');
  tr.dataset.card = r.cardKey;
  if (r.inactive) tr.classList.add('rc-inactive');
  const titleAt = s.id === 'encounters' ? 1 : 0; // an encounter row starts with its date
  r.cells.forEach((c, i) => {
    const td = h('td');
    if (!r.cardKey) {
      td.append(cellContent(c));
    } else if (i === titleAt) {
      td.append(rowButton(view, r.cardKey, c.text || view.titleOf(r.cardKey), tr, c.codes));
      if ((r.history || []).length) {
        const n = r.history.length;
        const word = s.id.includes('medications') ? (n === 1 ? 'earlier prescription' : 'earlier prescriptions') : (n === 1 ? 'earlier entry' : 'earlier entries');
        const more = listButton(view, `+${num(n)} ${word}`, r.history, tr, s.columns.length);
        more.classList.add('rc-history');
        td.append(' ', more);
      }
    } else if (s.id === 'encounters' && i === r.cells.length - 1 && (r.related || []).length) {
      td.append(listButton(view, c.text || `${num(r.related.length)} entries`, r.related, tr, s.columns.length));
    } else {
      td.append(cellContent(c));
    }
    if (c.flag) td.classList.add('rc-flag-cell', `rc-flag-${safeClass(c.flag)}`);
    tr.append(td);
  });
  const f = view.findings.get(r.cardKey);
  if (f && (f.worst === 'error' || f.worst === 'fatal')) {
    const mark = h('span', 'rc-dq-mark', '⚠');
    mark.title = `${num(f.errors || f.count)} data quality error${(f.errors || f.count) === 1 ? '' : 's'} in this entry (open it for details)`;
    mark.setAttribute('role', 'img');
    mark.setAttribute('aria-label', mark.title);
    tr.firstChild.append(' ', mark);
  }
  return tr;
}

function cellContent(c) {
  if (c.invalid) return invalidEl(c.text, c.invalid);
  if (c.absent) return h('span', 'rc-absent', absentText(c.absent));
  if (c.date) return dateEl(c.date);
  const span = h('span', 'rc-value', c.text || '');
  if (c.codes && c.codes.length) {
    span.title = codingsTitle(c.codes);
    span.classList.add('rc-coded');
  }
  if (c.computed) span.classList.add('rc-computed');
  return span;
}

// invalidEl shows a value that failed validation as written, marked.
export function invalidEl(text, why) {
  const s = h('span', 'rc-invalid');
  s.append(h('span', 'rc-invalid-label', 'invalid date as recorded: '), h('span', 'rc-invalid-value', text));
  s.title = why;
  return s;
}

// rowButton opens the row's card below the row (again to close it).
function rowButton(view, key, text, tr, codes) {
  const b = button(text, 'rc-row-open', () => toggleDetail(view, tr, [key], b, tr.cells.length || 1));
  b.setAttribute('aria-expanded', 'false');
  b.tabIndex = -1;
  if (codes && codes.length) b.title = codingsTitle(codes);
  return b;
}

function listButton(view, text, keys, tr, span) {
  const b = button(text, 'rc-row-list', () => toggleDetail(view, tr, keys, b, span, true));
  b.setAttribute('aria-expanded', 'false');
  b.tabIndex = -1;
  return b;
}

// toggleDetail inserts (or removes) a row under tr showing cards: one card
// in full, or a list of cards (date · kind · title), each openable.
function toggleDetail(view, tr, keys, btn, span, asList) {
  const open = btn.getAttribute('aria-expanded') === 'true';
  const existing = tr._detail;
  if (existing) { existing.remove(); tr._detail = null; }
  for (const b of tr.querySelectorAll('[aria-expanded="true"]')) b.setAttribute('aria-expanded', 'false');
  if (open) { view.noteOpened(null); return; }
  const row = h('tr', 'rc-sum-detail');
  const td = h('td');
  td.colSpan = Math.max(span, tr.cells.length);
  if (asList) {
    const ul = h('ul', 'rc-sum-list');
    for (const k of keys) {
      const info = view.index.get(k);
      if (!info) continue;
      const c = info.card;
      const li = h('li');
      if (c.date) li.append(c.dateInvalid ? invalidEl(c.date, c.dateInvalid) : dateEl(c.date), ' · ');
      li.append(h('span', 'rc-muted', `${c.kind || c.resourceType} · `));
      const open1 = button(c.title || c.kind || c.resourceType, 'rc-row-open', () => {
        const next = li.querySelector('.rc-card');
        if (next) { next.remove(); open1.setAttribute('aria-expanded', 'false'); return; }
        li.append(view.renderCard(c, c.section));
        open1.setAttribute('aria-expanded', 'true');
        view.noteOpened(c.key);
      });
      open1.setAttribute('aria-expanded', 'false');
      li.append(open1);
      if (c.status) li.append(h('span', 'rc-muted', ` · ${c.status}`));
      ul.append(li);
    }
    td.append(ul);
  } else {
    const info = view.index.get(keys[0]);
    if (info) td.append(view.renderCard(info.card, info.card.section));
    view.noteOpened(keys[0]);
  }
  row.append(td);
  tr.after(row);
  tr._detail = row;
  btn.setAttribute('aria-expanded', 'true');
}

// roving makes a table one tab stop: arrow keys move between its buttons.
export function roving(box) {
  const first = box.querySelector('.rc-row-open, .rc-row-list');
  if (first) first.tabIndex = 0;
  box.addEventListener('keydown', (e) => {
    const keysMap = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, Home: -Infinity, End: Infinity };
    if (!(e.key in keysMap)) return;
    const list = [...box.querySelectorAll('.rc-row-open, .rc-row-list')].filter((x) => !x.closest('.rc-collapsed'));
    const i = list.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    const d = keysMap[e.key];
    const j = d === -Infinity ? 0 : d === Infinity ? list.length - 1 : Math.max(0, Math.min(list.length - 1, i + d));
    list[i].tabIndex = -1;
    list[j].tabIndex = 0;
    list[j].focus();
  });
  box.addEventListener('focusin', (e) => {
    if (!e.target.matches('.rc-row-open, .rc-row-list')) return;
    for (const x of box.querySelectorAll('.rc-row-open, .rc-row-list')) x.tabIndex = x === e.target ? 0 : -1;
  });
}
