// Record tab: hosts the record viewer (web/js/record/view.js, issue 6) when
// it is part of the build, and a clear placeholder until then.
import { el } from './issues.js';

let viewer = null;

export function loadRecordView() {
  // Loaded at start-up, so showing a record later needs no request.
  const ready = import('./record/view.js')
    .then((m) => { if (typeof m.renderRecord === 'function') viewer = m; })
    .catch(() => { viewer = null; });
  return { available: () => viewer !== null, ready };
}

export function showRecord(container, file, actions) {
  if (container.dataset.file === String(file.id) && container.dataset.viewer === String(viewer !== null)) return;
  container.dataset.file = String(file.id);
  container.dataset.viewer = String(viewer !== null);
  container.replaceChildren();
  if (!viewer) {
    container.append(placeholder('The record view is not available in this build.',
      'The Issues and Raw JSON tabs show everything the validator found.'));
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
  try {
    if (!file.record) file.record = JSON.parse(file.recordJSON);
    viewer.renderRecord(container, file.record, {
      report: file.report,
      fileName: file.name,
      bytes: () => file.bytes, // attachment data is read from here when opened (omitted from the model)
      openRaw: actions.openRaw,
      openIssues: actions.openIssues,
    });
  } catch (err) {
    container.replaceChildren(placeholder('The record view failed to render this file.', String(err && err.message || err)));
  }
}

function placeholder(title, detail) {
  const box = el('div', 'record-placeholder');
  box.append(el('p', 'placeholder-title', title));
  if (detail) box.append(el('p', 'placeholder-detail', detail));
  return box;
}
