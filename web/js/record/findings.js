// Findings per card. The caller may pass findingsByCard (card key -> array of
// findings or a count); otherwise they are worked out from a validation
// report (resources with byte offsets and expressions, findings pointing at a
// resource index), matching by offset, then Bundle entry, then ndjson line.

const RANK = { fatal: 0, error: 1, warning: 2, information: 3 };

export function findingsIndex(model, cards, opts) {
  const byCard = new Map();
  if (opts.findingsByCard instanceof Map) {
    for (const [key, v] of opts.findingsByCard) byCard.set(key, summarize(v));
    return byCard;
  }
  if (Array.isArray(opts.reports)) {
    // A record set: one report per file; cards say which file they are in.
    const lists = new Map();
    opts.reports.forEach((report, fileIndex) => {
      if (!usable(report)) return;
      const byOffset = new Map();
      for (const c of cards) {
        const l = c.location || {};
        if (l.file === fileIndex && typeof l.offset === 'number') byOffset.set(l.offset, c.key);
      }
      collect(lists, report, report.resources.map((res) => (res ? byOffset.get(res.offset) || null : null)));
    });
    for (const [key, list] of lists) byCard.set(key, summarize(list));
    return byCard;
  }
  const report = opts.report;
  if (!usable(report)) return byCard;
  const byOffset = new Map(), byEntry = new Map(), byLine = new Map(), byIndex = new Map();
  for (const c of cards) {
    // A card built on the validator's report carries its resource index: exact.
    if (typeof c.resource === 'number') byIndex.set(c.resource, c.key);
    const l = c.location || {};
    if (typeof l.offset === 'number') byOffset.set(l.offset, c.key);
    if (typeof l.entry === 'number') byEntry.set(l.entry, c.key);
    if (typeof l.line === 'number') byLine.set(l.line, c.key);
  }
  const resourceKey = report.resources.map((res, i) => {
    if (byIndex.has(i)) return byIndex.get(i);
    if (byIndex.size) return null; // the record was built on this report: no guessing
    if (!res) return null;
    if (byOffset.has(res.offset)) return byOffset.get(res.offset);
    const m = /^Bundle\.entry\[(\d+)\]/.exec(res.expression || '');
    if (m && byEntry.has(Number(m[1]))) return byEntry.get(Number(m[1]));
    if (model.input && model.input.kind === 'ndjson' && byLine.has(res.line)) return byLine.get(res.line);
    if (model.input && model.input.kind === 'resource' && cards.length === 1) return cards[0].key;
    return null;
  });
  const lists = new Map();
  collect(lists, report, resourceKey);
  for (const [key, list] of lists) byCard.set(key, summarize(list));
  return byCard;
}

function usable(report) {
  return report && Array.isArray(report.resources) && Array.isArray(report.findings);
}

// collect adds each finding of a report to its card's list in lists;
// resourceKey maps the report's resource index to a card key (or null).
function collect(lists, report, resourceKey) {
  for (const f of report.findings) {
    if (!f || typeof f.resource !== 'number' || f.resource < 0) continue;
    const key = resourceKey[f.resource];
    if (!key) continue;
    if (!lists.has(key)) lists.set(key, []);
    lists.get(key).push(f);
  }
}

// summarize reduces findings to {count, worst, errors}.
// errors counts error and fatal findings (the ones the record marks).
function summarize(v) {
  if (typeof v === 'number') return { count: v, worst: v > 0 ? 'error' : '', errors: v };
  if (!Array.isArray(v)) return { count: 0, worst: '', errors: 0 };
  let worst = '';
  let errors = 0;
  for (const f of v) {
    const s = f && f.severity;
    if (s in RANK && (worst === '' || RANK[s] < RANK[worst])) worst = s;
    if (s === 'error' || s === 'fatal') errors++;
  }
  return { count: v.length, worst, errors };
}
