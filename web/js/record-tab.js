// Record tab: hosts the record viewer (web/js/record/view.js, issue 6) when
// it is part of the build, and a clear placeholder until then.
import { el } from './issues.js';

let viewer = null;
let loading = null;

// loadRecordView gives the viewer's state; load() imports it once (the app
// starts it when the validator is ready, not during start-up, where its
// modules would delay the worker's start) and resolves when it has loaded
// or failed to.
export function loadRecordView() {
  return {
    available: () => viewer !== null,
    load() {
      loading ||= import('./record/view.js')
        .then((m) => { if (typeof m.renderRecord === 'function') viewer = m; })
        .catch(() => { viewer = null; });
      return loading;
    },
  };
}

// showRecord renders the record of a file, or of a set of files dropped
// together ({id, name, files, recordJSON}: one record, cards located by file).
export function showRecord(container, file, actions) {
  const isSet = Array.isArray(file.files);
  if (container.dataset.file === String(file.id) && container.dataset.viewer === String(viewer !== null)) {
    // A record shown before its findings: they join it when the report comes.
    if (!isSet && file.report && !container._renderToken && container._rcFile === file && container._rcView && container._rcView.opts.report !== file.report) {
      container._rcView.setReport(file.report);
    }
    return;
  }
  container.dataset.file = String(file.id);
  container.dataset.viewer = String(viewer !== null);
  container._renderToken = null;
  container.replaceChildren();
  if (!viewer) {
    container.append(placeholder('The record view is not available in this build.',
      'The Findings and Raw JSON tabs show everything the validator found.'));
    return;
  }
  if (file.recordError) {
    container.append(placeholder(`No record view for ${file.name}.`, file.recordError));
    return;
  }
  if (!file.recordJSON && !file.record) {
    container.append(placeholder('The record view is still being built…', ''));
    delete container.dataset.file;
    return;
  }
  // The render runs as its own task, not in the one that drew the results
  // and the Issues list, so no single main-thread task does both.
  container.append(placeholder('Preparing the summary…', ''));
  const token = {};
  container._renderToken = token;
  setTimeout(() => {
    if (container._renderToken !== token) return;
    container._renderToken = null;
    render(container, file, actions, isSet);
  }, 0);
}

function render(container, file, actions, isSet) {
  const t0 = performance.now();
  container._rcFile = file;
  try {
    if (!file.record) {
      file.record = JSON.parse(file.recordJSON);
      if (file.recordParts) {
        // Each patient's record (decoded and parsed when shown) and its
        // cards' details (when the first card opens), from one buffer.
        const { buffer, parts } = file.recordParts;
        const text = (a, b) => () => new TextDecoder().decode(buffer.subarray(a, b));
        file.record.patientJSON = [];
        file.record.patientDetailsJSON = [];
        for (let i = 0; i + 3 < parts.length; i += 4) {
          file.record.patientJSON.push(text(parts[i], parts[i + 1]));
          file.record.patientDetailsJSON.push(text(parts[i + 2], parts[i + 3]));
        }
        for (const m of file.recordMore || []) attachPatient(file.record, m);
        file.record.pending = !!file.recordPending;
      }
    }
    viewer.renderRecord(container, file.record, {
      report: isSet ? undefined : file.report,
      reports: isSet ? file.files.map((f) => f.report) : undefined, // per file index, for findings
      fileName: file.name,
      // Attachment data is read from the input bytes when opened (it is
      // omitted from the model); in a set, from the card's file.
      bytes: isSet ? (i) => (file.files[i] ? file.files[i].bytes : null) : () => file.bytes,
      openRaw: actions.openRaw,
      initial: actions.initial, // {patient, card} from the URL
      onNavigate: actions.onNavigate,
      openIssues: actions.openIssues,
      deferTimeline: true, // drawn in a task after the summary
    });
    // For the speed budget (make bench-web): parse and render on the main thread.
    performance.measure('fhirlens-record-render', { start: t0, end: performance.now() });
  } catch (err) {
    container.replaceChildren(placeholder('The record view failed to render this file.', String(err && err.message || err)));
  }
}

// addRecordPatient takes a patient the worker built after the record was
// posted (a large file's record comes with its first patient, the others
// follow one by one): the viewer shows it when it is the one selected.
export function addRecordPatient(container, file, m) {
  if (m.done) {
    file.recordPending = false;
    if (file.record) file.record.pending = false;
    if (m.summarizeMs !== undefined) file.summarizeAllMs = m.summarizeMs;
    if (m.error) file.recordMoreError = m.error;
    const view = container && container._rcFile === file ? container._rcView : null;
    if (view) view.patientsDone();
    return;
  }
  (file.recordMore ||= []).push(m);
  if (!file.record) return; // taken when the record is rendered
  attachPatient(file.record, m);
  const view = container && container._rcFile === file ? container._rcView : null;
  if (view) view.patientArrived(m.index);
}

function attachPatient(record, m) {
  const text = (a, b) => () => new TextDecoder().decode(m.buffer.subarray(a, b));
  record.patientJSON ||= [];
  record.patientDetailsJSON ||= [];
  record.patientJSON[m.index] = text(m.parts[0], m.parts[1]);
  record.patientDetailsJSON[m.index] = text(m.parts[2], m.parts[3]);
}

function placeholder(title, detail) {
  const box = el('div', 'record-placeholder');
  box.append(el('p', 'placeholder-title', title));
  if (detail) box.append(el('p', 'placeholder-detail', detail));
  return box;
}

// navigateRecord moves the shown record to a position from the URL.
export function navigateRecord(container, nav) {
  if (container._rcView) container._rcView.navigate(nav);
}
