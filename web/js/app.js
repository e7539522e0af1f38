// fhirlens page: inputs → validator worker → results (record, issues, raw).
import { Engine } from './engine.js';
import { readFile, fromText, fetchSample, formatBytes } from './inputs.js';
import { RawView, FormatSwitch } from './raw.js';
import { renderIssues, SEVERITIES, el, findingCount } from './issues.js';
import { loadRecordView, showRecord, navigateRecord } from './record-tab.js';

const $ = (id) => document.getElementById(id);

const state = {
  files: [],          // {id, name, size, bytes, status, report, reportJSON, record, recordError, error, progress, jobId}
  current: null,      // file shown in the Record and Raw tabs
  severities: new Set(SEVERITIES),
  query: '',
  limit: 1500,
  tab: 'issues',
  rawFor: null,       // file whose bytes the raw view holds
  nav: {},            // record position {patient, card}, kept in the URL hash
  batchStarted: 0,
};
let fileSeq = 0;

const raw = new RawView($('raw-view'), { onPosition: (text) => { $('raw-position').textContent = text; } });
const recordView = loadRecordView();

const formatSwitch = new FormatSwitch($('raw-switch'), raw, (name, bytes, to) => engine.convert(name, bytes, to));
const engine = new Engine({
  onReady(info) {
    document.body.dataset.engine = 'ready';
    if (window.fhirlensReadyAt === undefined) window.fhirlensReadyAt = performance.now();
    const defs = info.error ? `definitions failed to load: ${info.error}` : `FHIR ${info.fhirVersion} · ${(info.types || 0).toLocaleString()} types · ${(info.valueSets || 0).toLocaleString()} value sets`;
    $('engine-status').textContent = `Validator ready · ${defs}`;
    $('version').textContent = `fhirlens ${info.version}` + (info.commit ? ` (commit ${info.commit.slice(0, 12)})` : '');
  },
  onFatal(message, wasReady) {
    document.body.dataset.engine = wasReady ? 'restarting' : 'failed';
    $('engine-status').textContent = wasReady ? 'The validator stopped; restarting it…' : message;
  },
});

// ---- inputs ----------------------------------------------------------------

const dropzone = $('dropzone');
const fileInput = $('file-input');
dropzone.addEventListener('click', () => fileInput.click());
dropzone.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fileInput.click(); }
});
fileInput.addEventListener('change', () => {
  const files = [...fileInput.files];
  fileInput.value = '';
  if (files.length) start(files.map((f) => () => readFile(f)), files.map((f) => f.name));
});

let dragDepth = 0;
document.addEventListener('dragenter', (e) => { if (hasFiles(e)) { dragDepth++; document.body.classList.add('dragging'); } });
document.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; document.body.classList.remove('dragging'); } });
document.addEventListener('dragover', (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
document.addEventListener('drop', (e) => {
  dragDepth = 0;
  document.body.classList.remove('dragging');
  if (!e.dataTransfer || !e.dataTransfer.files.length) return;
  e.preventDefault();
  const files = [...e.dataTransfer.files];
  start(files.map((f) => () => readFile(f)), files.map((f) => f.name));
});
function hasFiles(e) { return e.dataTransfer && [...e.dataTransfer.types].includes('Files'); }

$('paste-go').addEventListener('click', () => {
  const text = $('paste-text').value;
  if (!text.trim()) { $('paste-text').focus(); return; }
  const name = text.trimStart().startsWith('<') ? 'pasted.xml' : 'pasted.json';
  start([async () => fromText(name, text)], [name]);
});
for (const button of document.querySelectorAll('button.sample')) {
  button.addEventListener('click', () => start([() => fetchSample(button.dataset.sample)], [button.textContent]));
}

// ---- running a batch ---------------------------------------------------------

function notice(text) {
  const box = $('notice');
  box.textContent = text;
  box.hidden = !text;
}

async function start(readers, names) {
  cancelAll();
  notice('');
  state.files = names.map((name) => ({ id: ++fileSeq, name, status: 'reading', progress: null }));
  state.set = null; // one record from all files, when there are several
  state.current = state.files[0].id;
  state.rawFor = null;
  state.limit = 1500;
  state.query = ''; // a new input starts with every finding shown
  $('issue-search').value = '';
  state.severities = new Set(SEVERITIES);
  state.batchStarted = performance.now();
  setPhase('loading');
  renderProgress();
  for (let i = 0; i < readers.length; i++) {
    const file = state.files[i];
    try {
      const { name, bytes } = await readers[i]();
      if (!state.files.includes(file)) return; // a newer batch replaced this one
      file.name = name;
      file.size = bytes.length;
      file.status = 'queued';
      submit(file, bytes, readers.length === 1);
    } catch (err) {
      file.status = 'failed';
      file.error = err.message || String(err);
    }
    renderProgress();
  }
  settle();
}

// submit validates a file; a lone file also gets its record in the same job,
// files dropped together get one record of all of them (buildRecordSet).
function submit(file, bytes, withRecord) {
  const own = new Uint8Array(bytes.byteLength);
  own.set(bytes); // a buffer of its own, so it can be transferred whole
  file.bytes = null;
  file.jobId = engine.validate(file.name, own, {
    record: withRecord,
    onBytes(b) { file.bytes = b; },
    onProgress(m) { file.status = 'running'; file.progress = m; renderProgress(); },
    onReport(m) {
      file.reportJSON = m.report;
      file.report = JSON.parse(m.report);
      file.report.findings ||= [];
      file.report.resources ||= [];
      file.validateMs = m.validateMs;
      file.status = withRecord ? 'summarizing' : 'done';
      if (withRecord) renderProgress(); else settle();
    },
    onRecord(m) {
      file.recordJSON = m.model || null;
      file.recordPatients = m.patients || null;
      file.recordError = m.error || null;
      file.summarizeMs = m.summarizeMs;
      file.status = 'done';
      settle();
    },
    onCancelled() { file.status = 'cancelled'; settle(); },
    onError(message) {
      if (file.report) { file.recordError = message; file.status = 'done'; } else { file.status = 'failed'; file.error = message; }
      settle();
    },
  });
}

function cancelAll() {
  for (const file of state.files) {
    if (file.jobId && !['done', 'failed', 'cancelled'].includes(file.status)) engine.cancel(file.jobId);
  }
}
$('cancel').addEventListener('click', () => {
  cancelAll();
  $('progress-label').textContent = 'Cancelling…';
  for (const file of state.files) {
    if (file.status === 'reading') file.status = 'cancelled';
  }
});

function settle() {
  const open = state.files.filter((f) => !['done', 'failed', 'cancelled'].includes(f.status));
  if (open.length) { renderProgress(); return; }
  const done = state.files.filter((f) => f.status === 'done');
  window.fhirlensLastRunMs = performance.now() - state.batchStarted;
  const cancelled = state.files.filter((f) => f.status === 'cancelled');
  if (cancelled.length) {
    notice(`Cancelled: ${cancelled.map((f) => f.name).join(', ')} ${cancelled.length === 1 ? 'was' : 'were'} not validated.`);
  }
  if (done.length === 0) {
    const failed = state.files.filter((f) => f.status === 'failed');
    if (failed.length === 0) { setPhase('empty'); return; }
    $('failure-message').replaceChildren(...failed.map((f) => el('span', 'failure-line', f.error)));
    $('failure-hint').textContent = engine.broken
      ? 'Reload the page to try again; if it keeps failing, the app was not deployed completely.'
      : 'The app is still ready: drop another file or try a sample.';
    setPhase('failed');
    return;
  }
  if (!done.some((f) => f.id === state.current)) state.current = done[0].id;
  if (done.length > 1) buildRecordSet(done);
  const errors = done.reduce((n, f) => n + f.report.summary.fatal + f.report.summary.error, 0);
  state.tab = errors === 0 && recordView.available() ? 'record' : 'issues';
  // A position in the URL (a reload, a shared link) wins once files are loaded.
  const fromURL = readHash();
  if (fromURL.tab) { state.tab = fromURL.tab; state.nav = fromURL.nav; }
  setPhase('done');
  renderResults();
}

// buildRecordSet asks for one record of every file read (a bulk export's
// ndjson files are one record); the Record tab shows it when it arrives.
function buildRecordSet(files) {
  const ids = files.map((f) => f.id).join(',');
  if (state.set && state.set.ids === ids) return;
  const set = { id: `set:${ids}`, ids, name: `${files.length} files`, files, status: 'building' };
  state.set = set;
  const done = () => { if (state.set === set && state.tab === 'record') selectTab('record', false); };
  engine.summarizeSet(files.map((f) => f.name), files.map((f) => f.bytes ? f.bytes.slice() : new Uint8Array(0)), {
    onRecord(m) { set.recordJSON = m.model || null; set.recordPatients = m.patients || null; set.recordError = m.error || null; set.summarizeMs = m.summarizeMs; set.status = 'done'; done(); },
    onError(message) { set.recordError = message; set.status = 'done'; done(); },
    onCancelled() { set.recordError = 'cancelled'; set.status = 'done'; done(); },
  });
}

// resourceCount is the report's own count (computed in Go, the same number
// the CLI prints).
function resourceCount(report) {
  return report.summary ? report.summary.resources : 0;
}

function hasResults() { return state.files.some((f) => f.status === 'done'); }

function setPhase(phase) {
  document.body.dataset.state = phase;
  $('status').hidden = phase !== 'loading';
  $('failure').hidden = phase !== 'failed';
  $('results').hidden = phase !== 'done';
}

function renderProgress() {
  const files = state.files;
  const active = files.find((f) => f.status === 'running' || f.status === 'summarizing') || files.find((f) => f.status === 'queued' || f.status === 'reading');
  if (!active) return;
  const position = files.length > 1 ? ` (file ${files.indexOf(active) + 1} of ${files.length})` : '';
  const p = active.progress;
  let label = `Reading ${active.name}${position}…`;
  let fraction = null;
  let detail = active.size ? formatBytes(active.size) : '';
  if (active.status === 'queued') label = `Waiting for the validator: ${active.name}${position}`;
  if (active.status === 'running') {
    label = `Validating ${active.name}${position}`;
    if (p && p.total > 0) {
      fraction = p.done / p.total;
      detail += ` · ${p.done.toLocaleString()} of ${p.total.toLocaleString()} resources`;
    }
  }
  if (active.status === 'summarizing') {
    label = `Building the record view of ${active.name}${position}`;
    fraction = 1;
    detail += ` · ${resourceCount(active.report).toLocaleString()} resources checked`;
  }
  detail += ` · ${((performance.now() - state.batchStarted) / 1000).toFixed(1)} s`;
  $('progress-label').textContent = label;
  $('progress-detail').textContent = detail;
  const bar = $('progress-bar');
  bar.classList.toggle('indeterminate', fraction === null);
  if (fraction === null) bar.removeAttribute('aria-valuenow');
  else bar.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  $('progress-fill').style.width = fraction === null ? '' : `${(fraction * 100).toFixed(1)}%`;
}

// ---- results -----------------------------------------------------------------

function doneFiles() { return state.files.filter((f) => f.status === 'done' || f.status === 'failed'); }
function currentFile() { return state.files.find((f) => f.id === state.current); }

function renderResults() {
  const files = doneFiles();
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  let resources = 0;
  for (const f of files) {
    if (!f.report) continue;
    resources += resourceCount(f.report);
    for (const s of SEVERITIES) counts[s] += f.report.summary[s];
  }
  const countBox = $('counts');
  countBox.replaceChildren(...SEVERITIES.map((s) => {
    const b = el('button', `count sev-${s}`);
    b.type = 'button';
    b.setAttribute('aria-pressed', String(state.severities.has(s)));
    b.dataset.severity = s;
    b.append(el('span', 'count-n', counts[s].toLocaleString()), el('span', 'count-label', s === 'information' ? 'info' : s + (counts[s] === 1 ? '' : 's')));
    b.title = `Show or hide ${s} issues`;
    b.addEventListener('click', () => {
      if (state.severities.has(s)) state.severities.delete(s); else state.severities.add(s);
      b.setAttribute('aria-pressed', String(state.severities.has(s)));
      renderIssueList();
    });
    return b;
  }));

  const bad = counts.fatal + counts.error;
  const verdict = $('verdict');
  const fileWord = `${files.length} file${files.length === 1 ? '' : 's'}`;
  verdict.className = `verdict ${bad ? 'is-bad' : 'is-good'}`;
  verdict.textContent = bad
    ? `✗ ${bad.toLocaleString()} error${bad === 1 ? '' : 's'} in ${fileWord} (${resources.toLocaleString()} resources checked)`
    : `✓ No errors in ${fileWord} — ${resources.toLocaleString()} resources conform to FHIR R4${counts.warning ? `, with ${counts.warning} warning${counts.warning === 1 ? '' : 's'}` : ''}`;
  const failed = state.files.filter((f) => f.status === 'failed');
  if (failed.length) verdict.append(el('span', 'verdict-failed', ` · ${failed.length} file${failed.length === 1 ? '' : 's'} could not be read`));

  const select = $('file-select');
  select.replaceChildren(...state.files.filter((f) => f.status === 'done').map((f) => {
    const o = el('option', '', `${f.name} (${formatBytes(f.size)})`);
    o.value = String(f.id);
    o.selected = f.id === state.current;
    return o;
  }));
  select.parentElement.hidden = select.options.length < 2;
  $('issues-tab-count').textContent = (counts.fatal + counts.error + counts.warning + counts.information).toLocaleString();
  renderIssueList();
  selectTab(state.tab, false);
}

$('file-select').addEventListener('change', (e) => {
  state.current = Number(e.target.value);
  selectTab(state.tab, false);
});

let searchTimer = 0;
$('issue-search').addEventListener('input', (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { state.query = e.target.value; state.limit = 1500; renderIssueList(); }, 120);
});

function renderIssueList() {
  const files = doneFiles();
  const { shown, matched } = renderIssues($('issue-list'), files.filter((f) => f.report), {
    severities: state.severities,
    query: state.query,
    limit: state.limit,
    onOpen: openIssue,
    onMore: () => { state.limit += 1500; renderIssueList(); },
  });
  const failed = files.filter((f) => f.status === 'failed');
  for (const f of failed) {
    const box = el('section', 'issue-file');
    box.append(el('h3', 'issue-file-head', f.name), el('p', 'file-error', f.error));
    $('issue-list').prepend(box);
  }
  $('shown-count').textContent = matched === shown ? `${matched.toLocaleString()} shown` : `${shown.toLocaleString()} of ${matched.toLocaleString()} shown`;
}

function openIssue(file, issue) {
  state.current = file.id;
  $('file-select').value = String(file.id);
  selectTab('raw', true);
  formatSwitch.restore();
  const line = raw.reveal(issue.offset);
  $('raw-title').textContent = `${file.name} — line ${line}: ${issue.message}`;
}

// Opens the raw view at a byte offset (used by the record view's "raw" links).
function openRaw(file, offset) {
  state.current = file.id;
  selectTab('raw', true);
  formatSwitch.restore();
  const line = raw.reveal(offset);
  $('raw-title').textContent = `${file.name} — line ${line}`;
}

// ---- tabs --------------------------------------------------------------------

const tabs = ['record', 'issues', 'raw'];
for (const name of tabs) {
  const tab = $(`tab-${name}`);
  tab.addEventListener('click', () => selectTab(name, true));
  tab.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(name);
    const next = { ArrowRight: (i + 1) % 3, ArrowLeft: (i + 2) % 3, Home: 0, End: 2 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    selectTab(tabs[next], true);
    $(`tab-${tabs[next]}`).focus();
  });
}

function selectTab(name, user) {
  state.tab = name;
  if (hasResults()) writeHash(user && !applyingHash);
  for (const t of tabs) {
    const on = t === name;
    const tab = $(`tab-${t}`);
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  const file = currentFile();
  if (!file) return;
  if (name === 'raw' && file.bytes && state.rawFor !== file) {
    state.rawFor = file;
    raw.setFile(file.bytes, file.report ? file.report.findings : []);
    formatSwitch.show(file);
    $('raw-title').textContent = file.name;
  }
  if (name === 'record') {
    const set = state.set;
    showRecord($('record-root'), set || file, {
      initial: state.nav,
      onNavigate(nav, push) { state.nav = nav; writeHash(push); },
      openRaw: (offset, fileIndex) => openRaw(set && fileIndex !== undefined && set.files[fileIndex] ? set.files[fileIndex] : file, offset),
      openIssues: (query) => {
        state.query = query || '';
        $('issue-search').value = state.query;
        selectTab('issues', true);
        renderIssueList();
      },
    });
  }
  if (user && name === 'raw') $('raw-view').focus({ preventScroll: true });
}

// ---- position in the URL -------------------------------------------------------
// The tab, the record's patient and its opened card live in the hash, so Back
// and Forward move through them and a reload returns to them once the files
// are dropped again. Each entry remembers its scroll position.

let applyingHash = false;

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  const tab = tabs.includes(p.get('tab')) ? p.get('tab') : null;
  return { tab, nav: { patient: p.get('patient') || null, card: p.get('card') || null } };
}

function hashNow() {
  const p = new URLSearchParams();
  p.set('tab', state.tab);
  if (state.tab === 'record') {
    if (state.nav.patient) p.set('patient', state.nav.patient);
    if (state.nav.card) p.set('card', state.nav.card);
  }
  return '#' + p.toString();
}

function writeHash(push) {
  const next = hashNow();
  if (next === location.hash) return;
  if (push) {
    history.replaceState({ ...(history.state || {}), scrollY: window.scrollY }, '', location.href);
    history.pushState({ scrollY: null }, '', next);
  } else {
    history.replaceState({ ...(history.state || {}) }, '', next);
  }
}

window.addEventListener('popstate', () => {
  if (!hasResults()) return;
  const { tab, nav } = readHash();
  applyingHash = true;
  try {
    state.nav = nav;
    selectTab(tab || 'issues', false);
    if ((tab || 'issues') === 'record') navigateRecord($('record-root'), nav);
  } finally {
    applyingHash = false;
  }
  const y = history.state && history.state.scrollY;
  if (typeof y === 'number' && !nav.card) window.scrollTo(0, y);
});

// Leaving with results loaded asks first (they would have to be dropped again).
window.addEventListener('beforeunload', (e) => {
  if (hasResults()) { e.preventDefault(); e.returnValue = ''; }
});

// ---- output ------------------------------------------------------------------

$('download').addEventListener('click', async () => {
  const files = state.files.filter((f) => f.reportJSON);
  if (!files.length) return;
  try {
    const json = await engine.outcome(files.map((f) => f.reportJSON));
    const url = URL.createObjectURL(new Blob([json], { type: 'application/fhir+json' }));
    const a = el('a');
    a.href = url;
    a.download = files.length === 1 ? `${files[0].name.replace(/\.(nd)?json$/i, '')}.outcome.json` : 'fhirlens-outcomes.json';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    alert(`The report could not be converted: ${err.message}`);
  }
});

$('print').addEventListener('click', () => {
  buildPrintReport();
  document.body.classList.add('print-issues');
  window.print();
});
window.addEventListener('afterprint', () => document.body.classList.remove('print-issues'));

// buildPrintReport lays out every issue of every file as a plain document.
function buildPrintReport() {
  const box = $('print-report');
  box.replaceChildren();
  const files = state.files.filter((f) => f.report);
  if (!files.length) return;
  box.append(el('h1', '', 'fhirlens validation report'));
  box.append(el('p', 'print-meta', `FHIR R4 · ${new Date().toLocaleString()} · ${$('verdict').textContent}`));
  for (const f of files) {
    box.append(el('h2', '', f.name));
    box.append(el('p', 'print-meta', `${formatBytes(f.size)} · ${resourceCount(f.report)} resources · ${findingCount(f.report)} findings`));
    if (!f.report.findings.length) { box.append(el('p', '', 'No findings.')); continue; }
    const table = el('table');
    const head = el('tr');
    for (const h of ['Severity', 'Location', 'Message']) head.append(el('th', '', h));
    table.append(head);
    for (const i of f.report.findings) {
      const row = el('tr', `sev-${i.severity}`);
      row.append(el('td', 'sev', i.severity), el('td', 'loc', `${i.line ? `line ${i.line}:${i.col}` : ''}${i.expression ? `\n${i.expression}` : ''}`), el('td', '', `${i.message}${i.rule ? ` [${i.rule}]` : ''}`));
      table.append(row);
    }
    box.append(table);
  }
}

// For tests and benchmarks.
window.fhirlens = { state, engine };
