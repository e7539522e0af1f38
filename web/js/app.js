// fhirlens page: inputs → validator worker → results (record, issues, raw).
import { Engine } from './engine.js';
import { readFile, fromText, fetchSample, formatBytes } from './inputs.js';
import { RawView, FormatSwitch } from './raw.js';
import { renderIssues, LEVELS, level, fmt, plural, countLevels, findingCount, el } from './issues.js';
import { loadRecordView, showRecord, navigateRecord, addRecordPatient } from './record-tab.js';
import { Guides, isGuideFile } from './guides.js';
import { initSettings, currentSettings } from './settings.js';

const $ = (id) => document.getElementById(id);
// timed runs fn and records its main-thread time as a performance measure
// (fhirlens-<name>), which the speed budgets (make bench-web) list.
function timed(name, fn) {
  const t0 = performance.now();
  try { return fn(); } finally { performance.measure(`fhirlens-${name}`, { start: t0, end: performance.now() }); }
}

const state = {
  files: [],          // {id, name, size, bytes, status, report, reportJSON, record, recordError, error, progress, jobId}
  current: null,      // file shown in the Record and Raw tabs
  severities: new Set(LEVELS.map(([l]) => l)), // error (fatal too), warning, information
  hiddenRules: new Set(), // rules hidden by the user (kept across batches)
  hideBestPractice: false,
  groupBy: 'rule',    // or 'resource'
  showClean: false,   // list the findings of files that conform
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
    $('engine-status').textContent = 'Validator ready · loading the FHIR R4 definitions…';
    $('version').textContent = `fhirlens ${info.version}` + (info.commit ? ` (commit ${info.commit.slice(0, 12)})` : '');
    guides.restore(); // a (re)started validator gets the stored guides
    recordView.load(); // ready for the first results, without slowing start-up
  },
  onDefinitions(info) {
    const defs = info.error ? `definitions failed to load: ${info.error}` : `FHIR ${info.fhirVersion} · ${(info.types || 0).toLocaleString()} types · ${(info.valueSets || 0).toLocaleString()} value sets`;
    $('engine-status').textContent = `Validator ready · ${defs}`;
    document.body.dataset.definitions = info.error ? 'failed' : 'loaded';
  },
  onFatal(message, wasReady) {
    document.body.dataset.engine = wasReady ? 'restarting' : 'failed';
    $('engine-status').textContent = wasReady ? 'The validator stopped; restarting it…' : message;
  },
});

const guides = new Guides(engine);
initSettings(() => resultsOutdated('A validation setting'));
$('profile-select').addEventListener('change', () => resultsOutdated('The profile to validate against'));

// resultsOutdated says, when a setting or the profile changes while results
// are shown, that they were made before the change, with a way to validate
// the same files again (otherwise the change showed nothing until the next drop).
function resultsOutdated(what) {
  const files = state.files.filter((f) => f.status === 'done' && f.bytes);
  if (!files.length || state.files.some((f) => !['done', 'failed', 'cancelled'].includes(f.status))) return;
  notice(`${what} changed after these files were validated; the findings shown were made before. `);
  const again = el('button', 'quiet', 'Validate them again');
  again.type = 'button';
  again.id = 'validate-again';
  again.addEventListener('click', () => start(files.map((f) => async () => ({ name: f.name, bytes: f.bytes })), files.map((f) => f.name)));
  $('notice').append(again);
}

// ---- inputs ----------------------------------------------------------------

// route sends IG packages to the guides and validates the rest.
function route(files) {
  const records = [];
  for (const f of files) {
    if (isGuideFile(f)) guides.addFile(f);
    else records.push(f);
  }
  if (records.length) start(records.map((f) => () => readFile(f)), records.map((f) => f.name));
}

const dropzone = $('dropzone');
const fileInput = $('file-input');
dropzone.addEventListener('click', () => fileInput.click());
dropzone.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fileInput.click(); }
});
fileInput.addEventListener('change', () => {
  const files = [...fileInput.files];
  fileInput.value = '';
  if (files.length) route(files);
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
  route([...e.dataTransfer.files]);
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
  await guides.busy; // guides being loaded apply to this batch
  // A finished batch with results: files that cannot be read are added to
  // it (with their failure) instead of throwing its results away.
  const previous = hasResults() && state.files.every((f) => ['done', 'failed', 'cancelled'].includes(f.status)) ? state.files : null;
  const previousSet = state.set;
  cancelAll();
  notice('');
  const batch = names.map((name) => ({ id: ++fileSeq, name, status: 'reading', progress: null }));
  state.files = batch;
  state.set = null; // one record from all files, when there are several
  state.early = null; // the file whose record was shown before its findings
  state.current = state.files[0].id;
  state.rawFor = null;
  state.limit = 1500;
  state.query = ''; // a new input starts with every finding shown
  $('issue-search').value = '';
  state.severities = new Set(LEVELS.map(([l]) => l));
  state.showClean = false;
  state.batchStarted = performance.now();
  setPhase('loading');
  renderProgress();
  const read = [];
  for (let i = 0; i < readers.length; i++) {
    const file = batch[i];
    try {
      const { name, bytes } = await readers[i]();
      if (state.files !== batch) return; // a newer batch replaced this one
      file.name = name;
      file.size = bytes.length;
      read.push([file, bytes]);
    } catch (err) {
      if (state.files !== batch) return;
      file.status = 'failed';
      file.error = err.message || String(err);
    }
    renderProgress();
  }
  // Results wait for the record viewer (loaded once), so the tab chosen
  // for them and the Record tab are right.
  await recordView.load();
  if (state.files !== batch) return;
  // A report.json (fhirlens report, or the page's own) opens as a report;
  // dropped with its inputs, the inputs are validated and the report verified.
  const reportAt = read.findIndex(([, bytes]) => isReport(bytes));
  if (reportAt >= 0) {
    const [reportFile, reportBytes] = read.splice(reportAt, 1)[0];
    state.files = batch.filter((f) => f !== reportFile);
    openReport(reportFile.name, new TextDecoder().decode(reportBytes), read);
    if (read.length === 0) return;
  }
  if (read.length === 0 && previous) {
    state.files = [...previous, ...batch];
    state.set = previousSet;
    state.tab = 'issues';
    settle();
    return;
  }
  for (const [file, bytes] of read) {
    file.status = 'queued';
    submit(file, bytes, readers.length === 1);
  }
  settle();
}

// isReport tells a fhirlens report.json by its first member.
function isReport(bytes) {
  const head = new TextDecoder().decode(bytes.subarray(0, 200));
  return /^\s*\{\s*"format"\s*:\s*"fhirlens-report\/1"/.test(head);
}

// openReport shows a report.json's inputs and findings as results (no raw
// bytes, no record), with what the report says about itself; with inputs
// dropped too, it re-runs the report in the worker and says whether the
// verdicts and findings are the same (as `fhirlens verify`).
function openReport(name, text, inputs) {
  let r;
  try {
    r = JSON.parse(text);
  } catch (err) {
    notice(`${name} is not a readable report: ${err.message}`);
    return;
  }
  const made = `${name}: a conformance report by fhirlens ${r.fhirlens.version}${r.fhirlens.commit ? ` (commit ${r.fhirlens.commit.slice(0, 12)})` : ''}` +
    `${r.date ? ` of ${r.date}` : ''}, FHIR ${r.definitions.fhirVersion}${r.definitions.guides.length ? ` with ${r.definitions.guides.map((g) => `${g.name} ${g.version}`).join(', ')}` : ''}: ` +
    `${plural(r.summary.inputs, 'input')}, ${fmt(r.summary.conform)} conform.`;
  if (inputs.length) {
    notice(`${made} Verifying it against the ${plural(inputs.length, 'file')} dropped with it…`);
    engine.report(inputs.map(([f, bytes]) => ({ name: f.name, bytes: bytes.slice() })), text).then((fresh) => {
      const diffs = JSON.parse(fresh.diffs || '[]') || [];
      notice(diffs.length === 0
        ? `${made} Verified: the same verdicts and findings for the files dropped with it.`
        : `${made} Changed (${plural(diffs.length, 'difference')}): ${diffs.slice(0, 8).join(' · ')}${diffs.length > 8 ? ' …' : ''}`);
      document.body.dataset.verify = diffs.length === 0 ? 'same' : 'changed';
    }, (err) => {
      notice(`${made} It could not be verified here: ${err.message}`);
      document.body.dataset.verify = 'failed';
    });
    return; // the inputs are validated as usual and shown
  }
  notice(`${made} Drop its input files together with it to verify it.`);
  state.files = r.inputs.map((input) => ({
    id: ++fileSeq, name: input.name, size: input.size, status: 'done', fromReport: true,
    rules: Object.fromEntries(r.rules.map((ru) => [ru.id, ru])),
    report: {
      source: input.name, resources: input.resources, findings: input.findings,
      summary: { resources: input.counts.resources, fatal: 0, error: input.counts.errors, warning: input.counts.warnings,
        information: input.counts.notes, omitted: (input.omitted || []).map((o) => ({ ...o })) },
    },
  }));
  state.current = state.files.length ? state.files[0].id : null;
  state.tab = 'issues';
  if (!state.files.length) { setPhase('empty'); return; }
  settle();
}

// submit validates a file; a lone file also gets its record in the same job,
// files dropped together get one record of all of them (buildRecordSet).
function submit(file, bytes, withRecord) {
  // A buffer of its own, so it can be transferred whole (a file just read
  // has one already: copying 15 MB took a main-thread task of its own).
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  file.bytes = null;
  file.jobId = engine.validate(file.name, own, {
    record: withRecord,
    profile: guides.profile(),
    settings: currentSettings(),
    onBytes(b) { file.bytes = b; },
    onProgress(m) { file.status = 'running'; file.progress = m; renderProgress(); },
    onReport(m) {
      file.reportAt = performance.now(); // for the speed budgets (make bench-web)
      file.reportJSON = m.report;
      file.report = timed('parse-report', () => JSON.parse(m.report));
      file.report.findings ||= [];
      file.report.resources ||= [];
      file.rules = Object.fromEntries((m.rules ? JSON.parse(m.rules) || [] : []).map((r) => [r.id, r]));
      file.validateMs = m.validateMs;
      const recordOwed = withRecord && !file.recordReady;
      file.status = recordOwed ? 'summarizing' : 'done';
      if (recordOwed) renderProgress(); else settle();
    },
    onRecord(m) {
      file.recordAt = performance.now();
      file.recordJSON = m.model || null;
      file.recordParts = m.buffer ? { buffer: m.buffer, parts: m.parts } : null;
      file.recordPending = !!m.pending; // the other patients follow (onRecordPatient)
      file.recordError = m.error || null;
      file.summarizeMs = m.summarizeMs;
      file.recordReady = true;
      if (m.first) { showEarlyRecord(file); return; } // the report follows
      file.status = 'done';
      settle();
    },
    onRecordPatient(m) { addRecordPatient($('record-root'), file, m); },
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
  const withBytes = done.filter((f) => !f.fromReport);
  if (withBytes.length > 1) buildRecordSet(withBytes);
  const errors = done.reduce((n, f) => n + countLevels(f.report).error, 0);
  const failedReads = state.files.some((f) => f.status === 'failed');
  // A record shown before its findings keeps the tab the user is on.
  if (!(state.early && done.some((f) => f.id === state.early))) {
    state.tab = errors === 0 && !failedReads && withBytes.length && recordView.available() ? 'record' : 'issues';
    // A position in the URL (a reload, a shared link) wins once files are loaded.
    const fromURL = readHash();
    if (fromURL.tab) { state.tab = fromURL.tab; state.nav = fromURL.nav; }
  }
  // Say so before the (main-thread) rendering starts, and let it show.
  $('progress-label').textContent = 'Rendering the results…';
  $('progress-detail').textContent = `${plural(done.length, 'file')} · ${fmt(done.reduce((n, f) => n + findingCount(f.report), 0))} findings`;
  setTimeout(() => { // a timer, not a frame callback: hidden tabs get no frames
    setPhase('done');
    timed('render-results', renderResults);
  }, 20);
}

// showEarlyRecord shows the record of a large file as soon as it is built,
// before its findings (the worker validates the file next): the results
// open on the Record tab, with the validation's progress above them; the
// verdict, the counts and the findings follow with the report, and the
// record then marks what failed validation.
function showEarlyRecord(file) {
  if (state.files.length !== 1 || state.files[0] !== file) { renderProgress(); return; }
  state.early = file.id;
  state.current = file.id;
  file.status = 'running'; // the validation follows
  const fromURL = readHash();
  state.tab = fromURL.tab || 'record';
  if (fromURL.tab) state.nav = fromURL.nav;
  $('counts').replaceChildren();
  $('verdict').className = 'verdict';
  $('verdict').textContent = `Validating ${file.name}: the verdict and the findings follow.`;
  $('issues-tab-count').textContent = '…';
  $('issue-list').replaceChildren(el('p', 'issue-pending', 'Validating… the findings are listed here when the check is complete.'));
  $('shown-count').textContent = '';
  $('hidden-note').hidden = true;
  $('file-select').parentElement.hidden = true;
  $('results').hidden = false;
  selectTab(state.tab, false);
  renderProgress();
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
    onRecord(m) { set.recordJSON = m.model || null; set.recordParts = m.buffer ? { buffer: m.buffer, parts: m.parts } : null; set.recordError = m.error || null; set.summarizeMs = m.summarizeMs; set.status = 'done'; done(); },
    onError(message) { set.recordError = message; set.status = 'done'; done(); },
    onCancelled() { set.recordError = 'cancelled'; set.status = 'done'; done(); },
  });
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
  if (active.status === 'running' && p && p.phase === 'encoding') {
    label = `Collecting the findings of ${active.name}${position}`;
    fraction = 1;
    detail += ` · ${plural(p.done, 'finding')}`;
  } else if (active.status === 'running') {
    label = `Validating ${active.name}${position}`;
    if (p && p.total > 0) {
      fraction = p.done / p.total;
      if (p.done === p.total) label = `Finishing the checks of ${active.name}${position} (references across the file)`;
      detail += ` · ${fmt(p.done)} of ${plural(p.total, 'resource')}`;
    }
  }
  if (active.status === 'summarizing') {
    label = `Building the record view of ${active.name}${position}`;
    fraction = 1;
    detail += ` · ${plural(active.report.summary.resources, 'resource')} checked`;
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
  const counts = { error: 0, warning: 0, information: 0 };
  let resources = 0;
  for (const f of files) {
    if (!f.report) continue;
    resources += f.report.summary.resources; // the engine's count, as the CLI's
    const c = countLevels(f.report);
    for (const k in counts) counts[k] += c[k];
  }
  const countBox = $('counts');
  countBox.replaceChildren(...LEVELS.map(([s, one, many]) => {
    const b = el('button', `count sev-${s}`);
    b.type = 'button';
    b.setAttribute('aria-pressed', String(state.severities.has(s)));
    b.dataset.severity = s;
    b.append(el('span', 'count-n', fmt(counts[s])), el('span', 'count-label', counts[s] === 1 ? one : many));
    b.title = `Show or hide ${many}`;
    b.addEventListener('click', () => {
      if (state.severities.has(s)) state.severities.delete(s); else state.severities.add(s);
      b.setAttribute('aria-pressed', String(state.severities.has(s)));
      renderIssueList();
    });
    return b;
  }));

  const bad = counts.error;
  const verdict = $('verdict');
  const fileWord = plural(files.filter((f) => f.report).length, 'file');
  verdict.className = `verdict ${bad ? 'is-bad' : 'is-good'}`;
  verdict.textContent = bad
    ? `✗ ${plural(bad, 'error')} in ${fileWord} (${plural(resources, 'resource')} checked)`
    : `✓ No errors in ${fileWord} — ${plural(resources, 'resource')} ${resources === 1 ? 'conforms' : 'conform'} to FHIR R4${counts.warning ? `, with ${plural(counts.warning, 'warning')}` : ''}`;
  const failed = state.files.filter((f) => f.status === 'failed');
  if (failed.length) verdict.append(el('span', 'verdict-failed', ` · ${plural(failed.length, 'file')} could not be read`));

  const select = $('file-select');
  select.replaceChildren(...state.files.filter((f) => f.status === 'done').map((f) => {
    const o = el('option', '', `${f.name} (${formatBytes(f.size)})`);
    o.value = String(f.id);
    o.selected = f.id === state.current;
    return o;
  }));
  select.parentElement.hidden = select.options.length < 2;
  $('issues-tab-count').textContent = fmt(counts.error + counts.warning + counts.information);
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
  const list = $('issue-list');
  const { shown, matched, hidden, hiddenRules } = renderIssues(list, files.filter((f) => f.report), {
    severities: state.severities,
    hiddenRules: state.hiddenRules,
    hideBestPractice: state.hideBestPractice,
    groupBy: state.groupBy,
    showClean: state.showClean,
    query: state.query,
    limit: state.limit,
    onOpen: openIssue,
    onMore: () => { state.limit += 1500; renderIssueList(); },
    onToggleRule: (rule) => { state.hiddenRules.add(rule); renderIssueList(); },
    onShowClean: () => { state.showClean = true; renderIssueList(); },
  });
  const failed = files.filter((f) => f.status === 'failed');
  for (const f of failed) {
    const box = el('section', 'issue-file file-failed');
    box.append(el('h3', 'issue-file-head', f.name), el('p', 'file-error', f.error));
    list.prepend(box);
  }
  $('shown-count').textContent = matched === shown ? `${fmt(matched)} shown` : `${fmt(shown)} of ${fmt(matched)} listed`;
  // What is hidden is always said, with a way back.
  const note = $('hidden-note');
  note.replaceChildren();
  if (hidden > 0) {
    const rules = hiddenRules.length;
    note.append(el('span', '', `${plural(hidden, 'finding')} hidden (${rules === 1 ? `rule ${hiddenRules[0]}` : plural(rules, 'rule')}${state.hideBestPractice ? ', best practice' : ''}) `));
    const show = el('button', 'quiet', 'Show all');
    show.type = 'button';
    show.addEventListener('click', () => {
      state.hiddenRules.clear();
      state.hideBestPractice = false;
      $('hide-bp').checked = false;
      renderIssueList();
    });
    note.append(show);
  }
  note.hidden = hidden === 0;
}

$('hide-bp').addEventListener('change', (e) => { state.hideBestPractice = e.target.checked; renderIssueList(); });
$('group-by').addEventListener('change', (e) => { state.groupBy = e.target.value; state.limit = 1500; renderIssueList(); });

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
  if (name === 'raw' && file.bytes && (state.rawFor !== file || state.rawReport !== file.report)) {
    state.rawFor = file;
    state.rawReport = file.report; // findings arrive after a record shown first
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

// Findings opened from a report.json have no bytes to report on again.
const NO_INPUTS = 'The findings shown come from a report.json, without its input files: drop them together with it to validate them here.';

$('download').addEventListener('click', async () => {
  const files = state.files.filter((f) => f.reportJSON);
  if (!files.length) { notice(NO_INPUTS); return; }
  try {
    const json = await engine.outcome(files.map((f) => f.reportJSON));
    save(files.length === 1 ? `${files[0].name.replace(/\.(nd)?json$/i, '')}.outcome.json` : 'fhirlens-outcomes.json', json, 'application/fhir+json');
  } catch (err) {
    alert(`The report could not be converted: ${err.message}`);
  }
});

// Download report: report.html and report.json, built in the worker by the
// same code as `fhirlens report` (byte-identical for the same files).
function save(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

$('download-report').addEventListener('click', async () => {
  const files = state.files.filter((f) => f.status === 'done' && f.bytes);
  if (!files.length) { notice(NO_INPUTS); return; }
  const button = $('download-report');
  button.disabled = true;
  const label = button.textContent;
  button.textContent = 'Building the report…';
  try {
    const r = await engine.report(files.map((f) => ({ name: f.name, bytes: f.bytes })), '', (m) => {
      button.textContent = `Building the report… ${fmt(m.done + 1)} of ${fmt(m.total)}`;
    });
    window.fhirlens.lastReport = r;
    save('report.html', r.html, 'text/html');
    save('report.json', r.json, 'application/json');
    // The report is `fhirlens report FILES`: the base R4 rules and default
    // options. Say so when the page's own findings used more than that.
    const extras = [];
    if (guides.list.length) extras.push(guides.list.length === 1 ? 'the guide loaded here' : `the ${fmt(guides.list.length)} guides loaded here`);
    if (Object.keys(currentSettings()).length) extras.push('the settings changed here');
    if (extras.length) {
      notice(`The downloaded report checks the base FHIR R4 rules with default options, as \`fhirlens report FILES\` does, without ${extras.join(' or ')} (for a guide, run \`fhirlens report --ig PACKAGE FILES\`).`);
    }
  } catch (err) {
    notice(`The report could not be built: ${err.message}`);
  } finally {
    button.disabled = false;
    button.textContent = label;
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
    box.append(el('p', 'print-meta', `${formatBytes(f.size)} · ${plural(f.report.summary.resources, 'resource')} · ${plural(findingCount(f.report), 'finding')}`));
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
window.fhirlens = { state, engine, recordView };
