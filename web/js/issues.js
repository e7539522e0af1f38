// Findings list: the findings of every file, grouped by rule within a file
// (with counts, expandable) or by resource (a contained resource's findings
// under its container, errors first), filtered by severity, hidden rules and
// a search that can exclude. Files with errors come first; files that
// conform are one line. Everything is inserted as text, never markup.

export const SEVERITIES = ['fatal', 'error', 'warning', 'information'];
// The words the page shows: fatal and error are both "errors" (as in the CLI and the report).
export const LEVELS = [['error', 'error', 'errors'], ['warning', 'warning', 'warnings'], ['information', 'note', 'notes']];
const PAGE = 1500;     // findings rendered before "show more"
const EAGER = 100;     // a closed group of at most this many findings is rendered at once; larger ones when opened

export function level(severity) { return severity === 'fatal' ? 'error' : severity; }
const rank = { fatal: 0, error: 1, warning: 2, information: 3 };

let numbers = null; // one formatter: toLocaleString('en-US') builds one per call
export function fmt(n) { return (numbers ||= new Intl.NumberFormat('en-US')).format(n); }
export function plural(n, word, words = word + 's') { return `${fmt(n)} ${n === 1 ? word : words}`; }

// countLevels counts a report's findings as the verdict words them: the
// engine's exact counts, listed or not.
export function countLevels(rep) {
  const s = rep.summary || { fatal: 0, error: 0, warning: 0, information: 0 };
  return { error: s.fatal + s.error, warning: s.warning, information: s.information };
}

// findingCount is every finding of a report, listed or only counted.
export function findingCount(rep) {
  const c = countLevels(rep);
  return c.error + c.warning + c.information;
}

// omittedOf maps a rule to the findings the engine counted but did not list.
function omittedOf(rep) {
  const m = new Map();
  for (const o of (rep.summary && rep.summary.omitted) || []) m.set(o.rule, (m.get(o.rule) || 0) + o.count);
  return m;
}

export function countsLine(c) {
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.information, 'note')}`;
}

// parseQuery reads the search box: words must all match (message, path,
// rule, resource…); "-word" excludes; rule:, severity: (error, warning,
// note; fatal counts as error), path: and resource: look at one field;
// "-rule:dom-6" excludes a rule.
export function parseQuery(text) {
  const terms = [];
  for (const raw of text.trim().split(/\s+/)) {
    if (!raw) continue;
    let t = raw.toLowerCase();
    const negate = t.startsWith('-') && t.length > 1;
    if (negate) t = t.slice(1);
    let field = 'any';
    const m = /^(rule|severity|sev|path|resource|code):(.*)$/.exec(t);
    if (m) { field = m[1] === 'sev' ? 'severity' : m[1]; t = m[2]; }
    if (field === 'severity' && (t === 'note' || t === 'notes' || t === 'info')) t = 'information';
    if (field === 'severity' && t.endsWith('s') && t !== 'information') t = t.slice(0, -1);
    if (!t) continue;
    terms.push({ field, text: t, negate });
  }
  return terms;
}

function fieldText(issue, res, field) {
  switch (field) {
    case 'rule': return (issue.rule || '').toLowerCase();
    case 'severity': return level(issue.severity);
    case 'path': return (issue.expression || '').toLowerCase();
    case 'code': return (issue.code || '').toLowerCase();
    case 'resource': return res ? `${res.type}/${res.id || ''}`.toLowerCase() : '';
  }
  return [issue.message, issue.expression, issue.rule, issue.code, level(issue.severity),
    res && res.type, res && res.id, res && `${res.type}/${res.id}`].join('\u0000').toLowerCase();
}

export function matchesQuery(terms, issue, res) {
  for (const t of terms) {
    const hay = fieldText(issue, res, t.field);
    const hit = t.field === 'severity' ? hay === t.text : hay.includes(t.text);
    if (hit === t.negate) return false;
  }
  return true;
}

// containers maps each resource to the top resource it is contained in
// (itself when not contained), from the engine's expressions: the longest
// resource expression that the part before ".contained[" starts with. One
// map lookup per dot (the pairwise scan took 20 s for 20,000 contained resources).
function containers(resources) {
  const out = resources.map((_, i) => i);
  const byExpression = new Map(); // resources that are not contained, first of each expression
  resources.forEach((c, j) => {
    if (c.expression && !c.expression.includes('.contained[') && !byExpression.has(c.expression)) byExpression.set(c.expression, j);
  });
  resources.forEach((r, i) => {
    const e = r.expression || '';
    const at = e.indexOf('.contained[');
    for (let k = at; k > 0; k = e.lastIndexOf('.', k - 1)) {
      const j = byExpression.get(e.slice(0, k));
      if (j !== undefined) { out[i] = j; return; }
    }
  });
  return out;
}

// renderIssues draws the list and returns counts for the tool bar:
// {shown, matched, hidden (by hidden rules), hiddenRules (ids with findings)}.
export function renderIssues(container, files, opts) {
  const { severities, hiddenRules, hideBestPractice, groupBy = 'rule', showClean = false, onOpen, onMore, onToggleRule, onShowClean } = opts;
  const limit = opts.limit ?? PAGE;
  const terms = parseQuery(opts.query || '');
  container.replaceChildren();
  let shown = 0, matched = 0, hidden = 0;
  const hiddenSeen = new Set();
  const budget = { left: limit };
  const clean = [];
  const order = files.map((f, i) => ({ f, i, errors: countLevels(f.report).error }))
    .sort((a, b) => (b.errors > 0) - (a.errors > 0) || a.i - b.i);
  for (const { f: file, errors } of order) {
    const rep = file.report;
    const rules = file.rules || {};
    const isHidden = (rule) => hiddenRules.has(rule) || (hideBestPractice && rules[rule]?.bestPractice);
    const picked = [];
    for (const o of (rep.summary && rep.summary.omitted) || []) {
      // counted but not listed: hidden with their rule too
      if (severities.has(level(o.severity)) && isHidden(o.rule) && !terms.length) { hidden += o.count; hiddenSeen.add(o.rule); }
    }
    rep.findings.forEach((issue, index) => {
      if (!severities.has(level(issue.severity))) return;
      const res = issue.resource >= 0 ? rep.resources[issue.resource] : null;
      if (terms.length && !matchesQuery(terms, issue, res)) return;
      if (isHidden(issue.rule)) { hidden++; hiddenSeen.add(issue.rule); return; }
      picked.push(index);
    });
    if (errors === 0 && !showClean && !terms.length && files.length > 1) { clean.push({ file, picked }); continue; }
    matched += picked.length;
    const section = el('section', 'issue-file');
    section.dataset.file = file.name;
    const head = el('h3', 'issue-file-head');
    head.append(el('span', 'file-name', file.name), el('span', 'file-meta', fileMeta(rep)));
    section.append(head);
    if (errors === 0) {
      const total = findingCount(rep);
      section.append(el('p', 'no-issues', total ? `No errors: this file conforms to FHIR R4 (${plural(total, 'other finding')}).` : 'No findings: this file conforms to FHIR R4.'));
    }
    if (picked.length === 0 && rep.findings.length) section.append(el('p', 'no-match', 'No findings match the filter.'));
    const ctx = { file, rep, rules, onOpen, budget, onToggleRule, open: terms.length > 0 };
    if (groupBy === 'resource') renderByResource(section, picked, ctx);
    else renderByRule(section, picked, ctx);
    container.append(section);
  }
  if (clean.length) {
    const c = { error: 0, warning: 0, information: 0 };
    for (const { file } of clean) { const n = countLevels(file.report); c.warning += n.warning; c.information += n.information; }
    const line = el('p', 'clean-files');
    const others = c.warning + c.information;
    line.append(el('span', 'clean-mark', '✓ '), el('strong', '', `${plural(clean.length, 'file')} ${clean.length === 1 ? 'conforms' : 'conform'} to FHIR R4`),
      el('span', 'clean-detail', others ? ` — no errors; ${plural(c.warning, 'warning')}, ${plural(c.information, 'note')}` : ' — no findings'),
      el('span', 'clean-names', `: ${clean.map(({ file }) => file.name).join(', ')}`));
    if (others && onShowClean) {
      const b = el('button', 'quiet show-clean', 'Show their findings');
      b.type = 'button';
      b.addEventListener('click', onShowClean);
      line.append(' ', b);
    }
    container.append(line);
  }
  shown = limit - budget.left;
  if (budget.left <= 0 && matched > shown) {
    const more = el('button', 'show-more', `Show ${fmt(Math.min(PAGE, matched - shown))} more of ${fmt(matched - shown)} not yet listed`);
    more.type = 'button';
    more.addEventListener('click', onMore);
    container.append(more);
  }
  return { shown, matched, hidden, hiddenRules: [...hiddenSeen], cleanFiles: clean.length };
}

function renderByRule(section, picked, ctx) {
  const { rep, rules } = ctx;
  const omitted = omittedOf(rep);
  const groups = new Map();
  for (const index of picked) {
    const issue = rep.findings[index];
    let g = groups.get(issue.rule);
    if (!g) { g = { rule: issue.rule, worst: issue.severity, items: [] }; groups.set(issue.rule, g); }
    g.items.push(index);
    if (rank[issue.severity] < rank[g.worst]) g.worst = issue.severity;
  }
  const sorted = [...groups.values()].sort((a, b) =>
    rank[level(a.worst)] - rank[level(b.worst)] || b.items.length - a.items.length || (a.rule < b.rule ? -1 : 1));
  for (const g of sorted) {
    const meta = rules[g.rule] || {};
    const d = el('details', 'rule-group');
    d.dataset.rule = g.rule;
    const sum = el('summary', 'rule-head');
    sum.append(el('span', `sev-badge sev-${level(g.worst)}`, level(g.worst) === 'information' ? 'note' : level(g.worst)),
      el('span', 'rule-id', g.rule), el('span', 'rule-count', fmt(g.items.length + (omitted.get(g.rule) || 0))));
    // The engine lists a limited number per rule; the rest are counted.
    if (omitted.get(g.rule)) sum.append(el('span', 'rule-listed', `(${fmt(g.items.length)} listed)`));
    const text = meta.summary || rep.findings[g.items[0]].message;
    sum.append(el('span', 'rule-summary', text));
    if (meta.bestPractice) sum.append(el('span', 'rule-tag', 'best practice'));
    if (ctx.onToggleRule) {
      const hide = el('button', 'quiet hide-rule', 'Hide');
      hide.type = 'button';
      hide.title = `Hide every ${g.rule} finding`;
      hide.addEventListener('click', (e) => { e.preventDefault(); ctx.onToggleRule(g.rule); });
      sum.append(hide);
    }
    d.append(sum);
    const list = el('ul', 'issue-items');
    d.append(list);
    const fill = () => { if (!list.dataset.filled) { list.dataset.filled = '1'; fillItems(list, g.items, ctx, true); } };
    if (level(g.worst) === 'error' || ctx.open) d.open = true;
    if (d.open || g.items.length <= EAGER) fill();
    else d.addEventListener('toggle', () => { if (d.open) fill(); });
    section.append(d);
  }
}

function renderByResource(section, picked, ctx) {
  const { rep } = ctx;
  const top = containers(rep.resources);
  const groups = new Map(); // container index (or -1) → finding indexes
  for (const index of picked) {
    const r = rep.findings[index].resource;
    const key = r >= 0 ? top[r] : -1;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(index);
  }
  for (const [key, items] of groups) {
    // errors before warnings before notes; document order within each
    items.sort((a, b) => rank[level(rep.findings[a].severity)] - rank[level(rep.findings[b].severity)] || a - b);
    const group = el('div', 'issue-group');
    group.append(resourceHead(key >= 0 ? rep.resources[key] : null));
    const list = el('ul', 'issue-items');
    group.append(list);
    fillItems(list, items, ctx, false);
    section.append(group);
  }
}

function fillItems(list, items, ctx, withResource) {
  const { file, rep, onOpen, budget } = ctx;
  for (const index of items) {
    if (budget.left <= 0) {
      list.append(el('li', 'more-note', `${plural(items.length - list.childElementCount, 'more finding')} — use “Show more” below, or narrow the search`));
      return;
    }
    budget.left--;
    const issue = rep.findings[index];
    const res = issue.resource >= 0 ? rep.resources[issue.resource] : null;
    const item = el('li');
    item.append(issueButton(issue, withResource ? res : null, rep, () => onOpen(file, issue, index)));
    list.append(item);
  }
}

function fileMeta(rep) {
  const c = countLevels(rep);
  const parts = [plural(rep.summary ? rep.summary.resources : rep.resources.length, 'resource')];
  if (rep.format) parts.push(rep.format);
  parts.push(countsLine(c));
  return parts.join(' · ');
}

function resourceHead(res) {
  const head = el('h4', 'issue-resource');
  if (!res) {
    head.append(el('span', 'res-type', 'Whole file'));
    return head;
  }
  head.append(el('span', 'res-type', res.type || 'Resource'));
  if (res.id) head.append(el('span', 'res-id', res.id));
  head.append(el('span', 'res-path', `${res.expression}${res.line ? ` · line ${res.line}` : ''}`));
  return head;
}

function issueButton(issue, res, rep, onClick) {
  const sev = level(issue.severity);
  const b = el('button', `issue sev-${issue.severity}`);
  b.type = 'button';
  b.append(el('span', `sev-badge sev-${sev}`, sev === 'information' ? 'note' : sev));
  const body = el('span', 'issue-body');
  body.append(el('span', 'issue-msg', issue.message));
  const meta = el('span', 'issue-meta');
  if (issue.line) meta.append(el('span', 'issue-loc', `line ${issue.line}, col ${issue.col}`));
  else meta.append(el('span', 'issue-loc', 'whole file'));
  if (res) meta.append(el('span', 'issue-res', res.id ? `${res.type}/${res.id}` : res.type));
  if (issue.expression) meta.append(el('span', 'issue-expr', issue.expression));
  if (issue.rule) meta.append(el('span', 'issue-rule', issue.rule));
  if (issue.profile) meta.append(el('span', 'issue-profile', `profile ${issue.profile}`));
  body.append(meta);
  b.append(body);
  b.title = issue.line ? 'Show in the raw JSON' : 'A finding about the file as a whole';
  b.addEventListener('click', onClick);
  return b;
}

export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
