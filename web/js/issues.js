// Issue list: the findings of every file, grouped by file and resource,
// filtered by severity and a search text. Everything is inserted as text.

export const SEVERITIES = ['fatal', 'error', 'warning', 'information'];
const PAGE = 1500; // issues rendered before "show more"

export function renderIssues(container, files, { severities, query, limit = PAGE, onOpen, onMore }) {
  container.replaceChildren();
  const q = query.trim().toLowerCase();
  let shown = 0, matched = 0;
  for (const file of files) {
    if (!file.report) continue;
    const rep = file.report;
    const section = el('section', 'issue-file');
    const head = el('h3', 'issue-file-head');
    head.append(el('span', 'file-name', file.name), el('span', 'file-meta', fileMeta(rep)));
    section.append(head);
    const errors = rep.summary.fatal + rep.summary.error;
    const total = findingCount(rep);
    if (errors === 0 && total > 0) {
      section.append(el('p', 'no-issues', `No errors: this file conforms to FHIR R4 (${total.toLocaleString()} other finding${total === 1 ? '' : 's'} below).`));
    }
    let group = null, groupKey = null, fileMatched = 0;
    rep.findings.forEach((issue, index) => {
      if (!severities.has(issue.severity)) return;
      const res = issue.resource >= 0 ? rep.resources[issue.resource] : null;
      if (q && !matches(issue, res, q)) return;
      matched++; fileMatched++;
      if (shown >= limit) return;
      shown++;
      if (groupKey !== issue.resource || !group) {
        groupKey = issue.resource;
        group = el('div', 'issue-group');
        group.append(resourceHead(res));
        const list = el('ul', 'issue-items');
        group.append(list);
        section.append(group);
      }
      const item = el('li');
      item.append(issueButton(issue, () => onOpen(file, issue, index)));
      group.lastChild.append(item);
    });
    if (fileMatched === 0) {
      section.append(el('p', 'no-issues', total === 0 ? 'No findings: this file conforms to FHIR R4.' : 'No findings match the filter.'));
    }
    // Findings beyond the per-rule limit are counted, not listed.
    for (const o of rep.summary.omitted || []) {
      if (severities.has(o.severity)) section.append(el('p', 'omitted', omittedText(o)));
    }
    container.append(section);
  }
  if (matched > shown) {
    const more = el('button', 'show-more', `Show ${Math.min(PAGE, matched - shown).toLocaleString()} more of ${(matched - shown).toLocaleString()} hidden findings`);
    more.type = 'button';
    more.addEventListener('click', onMore);
    container.append(more);
  }
  return { shown, matched };
}

function fileMeta(rep) {
  const n = rep.summary.resources;
  const parts = [`${n.toLocaleString()} resource${n === 1 ? '' : 's'}`];
  if (rep.format) parts.push(rep.format);
  const f = findingCount(rep);
  parts.push(`${f.toLocaleString()} finding${f === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

// findingCount is every finding of a report, listed or only counted.
export function findingCount(rep) {
  const s = rep.summary;
  return s ? s.fatal + s.error + s.warning + s.information : 0;
}

// omittedText says what the report counted but did not list, in the words
// the CLI uses: "and 81,997 more warnings of dom-6 (counted, not listed)".
function omittedText(o) {
  const word = o.severity === 'information' ? 'note' : o.severity;
  return `and ${o.count.toLocaleString('en-US')} more ${word}${o.count === 1 ? '' : 's'} of ${o.rule} (counted, not listed)`;
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

function issueButton(issue, onClick) {
  const b = el('button', `issue sev-${issue.severity}`);
  b.type = 'button';
  b.append(el('span', `sev-badge sev-${issue.severity}`, issue.severity));
  const body = el('span', 'issue-body');
  body.append(el('span', 'issue-msg', issue.message));
  const meta = el('span', 'issue-meta');
  if (issue.line) meta.append(el('span', 'issue-loc', `line ${issue.line}, col ${issue.col}`));
  if (issue.expression) meta.append(el('span', 'issue-expr', issue.expression));
  if (issue.rule) meta.append(el('span', 'issue-rule', issue.rule));
  body.append(meta);
  b.append(body);
  b.title = 'Show in the raw JSON';
  b.addEventListener('click', onClick);
  return b;
}

function matches(issue, res, q) {
  const hay = [issue.message, issue.expression, issue.rule, issue.code, issue.severity,
    res && res.type, res && res.id, res && `${res.type}/${res.id}`].join('\u0000').toLowerCase();
  return hay.includes(q);
}

export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
