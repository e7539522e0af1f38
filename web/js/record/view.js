// Record viewer: renders the view model built by the Go package `record`
// (record.Summarize) as a clinical summary — banner, patient switcher,
// sections of cards, vital-sign trends, a filterable timeline, the sections
// of a FHIR document, and everything not linked to a patient.
//
// Security: every value from the record is inserted with textContent or
// setAttribute, never as markup. Narrative goes through narrative.js
// (sanitized in Go, then rebuilt from an allowlist); attachments through
// attachments.js (active content never in the page origin).
//
//   renderRecord(container, model, {
//     onOpenFindings(cardKey), onOpenRaw(cardKey), findingsByCard: Map,
//     // or, from the app shell:
//     report, openRaw(byteOffset), openIssues(query), fileName,
//     loadAttachment(cardKey, index) -> Promise<base64>, or bytes (the input
//     as a Uint8Array): where attachment data was omitted from the model
//   })
import { h, button, cardDomId, codingsTitle, absentText, dateText, dateEl, safeClass, num } from './dom.js';
import { renderNarrative } from './narrative.js';
import { renderAttachments } from './attachments.js';
import { findingsIndex } from './findings.js';
import { renderSummarySection, invalidEl, roving } from './summary.js';

const PAGE = 40; // cards rendered per section before "show more"
const TIMELINE_PAGE = 200;

export function renderRecord(container, model, opts = {}) {
  if (container._rcView) container._rcView.destroy();
  const view = new RecordView(container, model || {}, opts || {});
  container._rcView = view;
  view.render();
  return view;
}

class RecordView {
  constructor(container, model, opts) {
    this.container = container;
    this.model = model;
    this.opts = opts;
    this.patients = Array.isArray(model.patients) ? model.patients : [];
    this.unlinked = Array.isArray(model.unlinked) ? model.unlinked : [];
    this.index = new Map(); // card key -> {card, patient, list, pos}
    this.elements = new Map(); // card key -> rendered element
    this.lists = new Map(); // list id -> lazy list
    this.blobURLs = [];
    this.current = this.patients.length ? this.patients[0].key : null;
    // Position from the URL (Back, Forward, reload): patient and opened card.
    const initial = opts.initial || {};
    if (initial.patient && this.patients.some((p) => p.key === initial.patient)) this.current = initial.patient;
    this.openCard = null;
    this.findings = new Map();
    const all = [];
    for (const s of this.unlinked) {
      (s.cards || []).forEach((c, pos) => {
        this.index.set(c.key, { card: c, patient: null, list: `unlinked|${s.id}`, pos });
        all.push(c);
      });
    }
    this.addFindings(all);
    // Patients arrive either whole, or (from the app's worker) as a light
    // header with their JSON in model.patientJSON, parsed when first shown:
    // a big record set is not parsed on the main thread all at once.
    for (let i = 0; i < this.patients.length; i++) if (!this.patients[i].lazy) this.indexPatient(this.patients[i]);
    this.onBeforePrint = () => this.expandForPrint();
    this.onAfterPrint = () => this.restoreAfterPrint();
    window.addEventListener('beforeprint', this.onBeforePrint);
    window.addEventListener('afterprint', this.onAfterPrint);
  }

  // patient returns a patient's full record, parsing it on first use.
  patient(key) {
    const i = this.patients.findIndex((p) => p.key === key);
    if (i < 0) return null;
    let p = this.patients[i];
    if (p.lazy) {
      let json = (this.model.patientJSON || [])[i];
      // Still being built (a large file's patients arrive one by one):
      // shown as such, and drawn when it arrives (patientArrived).
      if (!json && this.model.pending) return { ...p, lazy: true, pending: true, sections: [] };
      const t0 = performance.now();
      if (typeof json === 'function') json = json(); // decoded on first use
      p = json ? JSON.parse(json) : { ...p, lazy: false, sections: [] };
      performance.measure('fhirlens-record-parse-patient', { start: t0, end: performance.now() });
      // What the cards show only when opened (facts, references, …) comes
      // apart, as JSON by card key (or a function giving it), parsed when
      // the first card opens.
      p.detailsJSON = (this.model.patientDetailsJSON || [])[i];
      this.patients[i] = p;
      this.indexPatient(p);
    }
    return p;
  }

  // patientArrived draws patient i when it is the one shown and was still
  // being built.
  patientArrived(i) {
    const p = this.patients[i];
    if (p && p.lazy && p.key === this.current && this.patientArea) this.renderPatient();
  }

  // patientsDone: every patient is built; one that never came is shown
  // as it is (empty).
  patientsDone() {
    const p = this.patients.find((x) => x.key === this.current);
    if (p && p.lazy && this.patientArea && !(this.model.patientJSON || [])[this.patients.indexOf(p)]) this.renderPatient();
  }

  // details completes a card with what it shows only when opened, from its
  // patient's details (parsed on first need); cards arrive whole otherwise.
  details(card) {
    const info = this.index.get(card.key);
    const p = info && info.patient ? this.patients.find((x) => x.key === info.patient) : null;
    if (!p || !p.detailsJSON) return card;
    if (!p.details) p.details = JSON.parse(typeof p.detailsJSON === 'function' ? p.detailsJSON() : p.detailsJSON);
    const d = p.details[card.key];
    if (d) {
      Object.assign(card, d);
      delete p.details[card.key];
    }
    return card;
  }

  indexPatient(p) {
    const cards = [];
    if (p.card) {
      this.index.set(p.card.key, { card: p.card, patient: p.key, list: null, pos: 0 });
      cards.push(p.card);
    }
    for (const s of p.sections || []) {
      (s.cards || []).forEach((c, pos) => {
        this.index.set(c.key, { card: c, patient: p.key, list: `${p.key}|${s.id}`, pos });
        cards.push(c);
      });
    }
    this.addFindings(cards);
  }

  addFindings(cards) {
    if (!cards.length) return;
    for (const [k, v] of findingsIndex(this.model, cards, this.opts)) this.findings.set(k, v);
  }

  // setReport joins a validation report that arrived after the record was
  // shown (a large file's record is built before it is validated). Nothing
  // is drawn again unless the report marks something: errors on entries or
  // the "Data quality" entry point.
  setReport(report) {
    this.opts = { ...this.opts, report };
    this.findings = new Map();
    const cards = [];
    for (const info of this.index.values()) cards.push(info.card);
    this.addFindings(cards);
    let marks = this.dataQualityErrors() > 0;
    for (const f of this.findings.values()) marks ||= f.worst === 'error' || f.worst === 'fatal' || (this.showAllFindings && f.count > 0);
    if (!marks || !this.root) return;
    this.elements.clear();
    this.lists.clear();
    this.opts.initial = { patient: this.current, card: this.openCard };
    const y = window.scrollY;
    this.render();
    window.scrollTo(0, y);
  }

  // loadAll parses every patient (print of everything, a reference into a
  // patient not shown yet).
  loadAll() {
    for (const p of this.patients) if (p.lazy) this.patient(p.key);
  }

  destroy() {
    window.removeEventListener('beforeprint', this.onBeforePrint);
    window.removeEventListener('afterprint', this.onAfterPrint);
    for (const u of this.blobURLs) URL.revokeObjectURL(u);
    this.blobURLs = [];
  }

  render() {
    const root = h('div', 'rc-record');
    this.root = root;
    root.append(this.renderTop());
    if (this.model.document) root.append(this.renderDocument(this.model.document));
    this.patientArea = h('div', 'rc-patient-area');
    root.append(this.patientArea);
    if (this.patients.length === 0) {
      this.patientArea.append(h('p', 'rc-empty', 'This file names no patient. Its resources are listed below.'));
    } else {
      this.renderPatient();
    }
    for (const l of this.model.lists || []) root.append(renderSummarySection(this, l, {}));
    if (this.unlinked.length) root.append(this.renderUnlinked());
    if (Array.isArray(this.model.skipped) && this.model.skipped.length) root.append(this.renderSkipped());
    this.container.replaceChildren(root);
    if (this.opts.initial && this.opts.initial.card && this.index.has(this.opts.initial.card)) {
      const key = this.opts.initial.card;
      requestAnimationFrame(() => { this.goToCard(key); this.openCard = key; });
    }
  }

  // ---- top bar and patient switcher ------------------------------------------

  renderTop() {
    const top = h('div', 'rc-top');
    const title = h('div', 'rc-top-title');
    title.append(h('h2', 'rc-heading', 'Clinical record'));
    const input = this.model.input || {};
    const parts = [];
    if (this.opts.fileName && input.kind !== 'set') parts.push(this.opts.fileName);
    if (input.kind === 'bundle') parts.push(`Bundle${input.bundleType ? ` (${input.bundleType})` : ''}`);
    else if (input.kind === 'ndjson') parts.push('NDJSON');
    else if (input.kind === 'resource') parts.push('single resource');
    else if (input.kind === 'set') parts.push(`one record from ${num((this.model.files || []).length)} files`);
    parts.push(`${num(input.resources || 0)} resource${input.resources === 1 ? '' : 's'}`);
    parts.push(`${num(this.patients.length)} patient${this.patients.length === 1 ? '' : 's'}`);
    title.append(h('p', 'rc-subtle', parts.join(' · ')));
    const dups = this.model.duplicates || [];
    if (dups.length) {
      const d = h('p', 'rc-subtle rc-dups', `${num(dups.length)} resource${dups.length === 1 ? ' is' : 's are'} given again in another file (same type and id): each is shown once.`);
      d.title = dups.slice(0, 20).map((x) => `${x.type}/${x.id}`).join('\n');
      title.append(d);
    }
    const failed = (this.model.files || []).filter((f) => f.error);
    for (const f of failed) title.append(h('p', 'rc-subtle rc-warning rc-noprint', `${f.name}: not part of the record (${String(f.error).replace(/^record: /, '')})`));
    top.append(title);
    const controls = h('div', 'rc-top-controls');
    if (this.patients.length > 1) {
      const label = h('label', 'rc-switcher');
      label.append(h('span', null, 'Patient'));
      const select = h('select', 'rc-select');
      for (const p of this.patients) {
        const o = h('option', null, patientLabel(p));
        o.value = p.key;
        select.append(o);
      }
      select.value = this.current;
      select.addEventListener('change', () => { this.selectPatient(select.value); this.openCard = null; this.emitNav(true); });
      this.switcher = select;
      label.append(select);
      controls.append(label);
    }
    const errors = this.dataQualityErrors();
    if (errors > 0 && (this.opts.openIssues || this.opts.onOpenDataQuality)) {
      const dq = button(`Data quality: ${num(errors)} error${errors === 1 ? '' : 's'}`, 'rc-btn rc-dq rc-noprint', () => {
        if (this.opts.onOpenDataQuality) this.opts.onOpenDataQuality();
        else this.opts.openIssues('');
      }, 'Validation errors in these files: what failed and where (values that failed are marked in the record)');
      controls.append(dq);
    }
    controls.append(button('Print summary', 'rc-btn rc-noprint', () => this.print('summary'), 'Print the summary of this patient (a few pages)'));
    controls.append(button('Print full record', 'rc-btn rc-noprint', () => this.print('full'), 'Print every entry of this patient'));
    top.append(controls);
    return top;
  }

  selectPatient(key) {
    if (key === this.current) return;
    this.current = key;
    if (this.switcher) this.switcher.value = key;
    // Drop the previous patient's rendered cards and lists.
    for (const [k, info] of this.index) if (info.patient && this.elements.has(k)) this.elements.delete(k);
    for (const id of Array.from(this.lists.keys())) if (!id.startsWith('unlinked|')) this.lists.delete(id);
    this.renderPatient();
  }

  renderPatient() {
    const rec = this.patient(this.current);
    const t0 = performance.now();
    try { this.drawPatient(rec); } finally { performance.measure('fhirlens-record-draw-patient', { start: t0, end: performance.now() }); }
  }

  drawPatient(rec) {
    this.pendingTimeline = null;
    const area = this.patientArea;
    area.replaceChildren();
    this.fullBox = null;
    if (!rec) return;
    area.append(this.renderBanner(rec));
    if (rec.pending) {
      area.append(h('p', 'rc-empty rc-pending', 'Building this patient\u2019s record…'));
      return;
    }
    const summary = (rec.summary && rec.summary.sections) || [];
    const nav = h('nav', 'rc-toc rc-noprint');
    nav.setAttribute('aria-label', 'Summary sections');
    const tocList = h('ul');
    const toc = (id, text) => {
      const li = h('li');
      const a = h('a', null, text);
      a.href = '#' + id;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        this.flush();
        const t = document.getElementById(id);
        if (id === 'rc-full' && this.fullBox) { this.fullBox.open = true; this.fillFull(); }
        if (t) { t.scrollIntoView({ block: 'start' }); t.focus({ preventScroll: true }); }
      });
      li.append(a);
      tocList.append(li);
    };
    for (const s of summary) toc(`rc-sec-${s.id}`, s.rows ? `${s.title} (${num(s.rows)})` : s.title);
    if ((rec.timeline || []).length) toc('rc-sec-timeline', `Timeline (${num(rec.timeline.length)})`);
    const total = (rec.sections || []).reduce((n, s) => n + s.cards.length, 0);
    if (total) toc('rc-full', `All entries (${num(total)})`);
    nav.append(tocList);
    if (tocList.childElementCount) area.append(nav);
    const body = h('div', 'rc-summary');
    for (const s of summary) body.append(renderSummarySection(this, s, rec));
    area.append(body);
    if ((rec.timeline || []).length) {
      if (this.opts.deferTimeline) {
        // The timeline, below the summary, is drawn in a task of its own
        // (the summary shows sooner; each main-thread task stays shorter);
        // print, a link to it or a position in it draw it at once.
        const holder = h('section', 'rc-section rc-timeline');
        holder.id = 'rc-sec-timeline';
        holder.tabIndex = -1;
        area.append(holder);
        const fill = () => {
          if (this.pendingTimeline !== fill) return;
          this.pendingTimeline = null;
          holder.replaceWith(this.renderTimeline(rec.timeline));
        };
        this.pendingTimeline = fill;
        setTimeout(fill, 0);
      } else {
        area.append(this.renderTimeline(rec.timeline));
      }
    }
    if (total) area.append(this.renderFull(rec, total));
  }

  // flush draws what was deferred (the timeline) now.
  flush() {
    if (this.pendingTimeline) this.pendingTimeline();
  }

  // renderFull is every entry of the patient as a card, by section: filled
  // when opened (or when a reference leads into it, or for print).
  renderFull(rec, total) {
    const det = h('details', 'rc-full rc-print-full');
    det.id = 'rc-full';
    det.tabIndex = -1;
    det.append(h('summary', 'rc-full-summary', `All entries as cards (${num(total)})`));
    this.fullBox = det;
    this.fullRec = rec;
    this.fullFilled = false;
    det.addEventListener('toggle', () => { if (det.open) this.fillFull(); });
    return det;
  }

  fillFull() {
    if (this.fullFilled || !this.fullBox) return;
    this.fullFilled = true;
    for (const s of this.fullRec.sections || []) this.fullBox.append(this.renderSection(s, `${this.fullRec.key}|${s.id}`, 'h3'));
  }

  // noteOpened tells the page which card is open (for the URL); null when closed.
  noteOpened(key) {
    this.openCard = key;
    this.emitNav(false);
  }

  // emitNav reports the position (patient, opened card) to the page, which
  // keeps it in the URL hash; push adds a history entry (Back returns).
  emitNav(push) {
    if (this.opts.onNavigate) this.opts.onNavigate({ patient: this.current, card: this.openCard }, push);
  }

  // navigate moves to a position from the URL (Back, Forward, reload).
  navigate(nav) {
    this.flush();
    nav = nav || {};
    if (nav.patient && nav.patient !== this.current && this.patients.some((p) => p.key === nav.patient)) this.selectPatient(nav.patient);
    this.openCard = nav.card || null;
    if (nav.card && this.index.has(nav.card)) this.goToCard(nav.card);
  }

  // ---- banner ------------------------------------------------------------------

  renderBanner(rec) {
    const b = rec.banner || {};
    const banner = h('section', 'rc-banner');
    banner.setAttribute('aria-label', 'Patient');
    if (rec.card) {
      banner.id = cardDomId(rec.card.key);
      banner.tabIndex = -1;
      this.elements.set(rec.card.key, banner);
    }
    const names = b.names || [];
    const main = names.find((n) => n.use === 'official') || names[0];
    const head = h('div', 'rc-banner-head');
    const name = h('h3', 'rc-patient-name', main ? main.text || 'Name without text' : (b.inInput ? 'No name recorded' : 'Patient not in the files given'));
    head.append(name);
    if (b.deceased && b.deceased.flag === 'deceased') {
      const chip = h('span', 'rc-chip rc-chip-deceased');
      if (b.deceased.invalid) chip.append('Died · ', invalidEl(b.deceased.text, b.deceased.invalid));
      else if (/^\d{4}/.test(b.deceased.text || '')) chip.append('Died ', dateEl(b.deceased.text));
      else chip.append(b.deceased.text || 'Deceased');
      head.append(chip);
    }
    const alerts = (rec.summary && rec.summary.alerts) || [];
    if (alerts.length) {
      const box = h('ul', 'rc-alerts');
      box.setAttribute('aria-label', 'Alerts');
      for (const a of alerts) {
        const li = h('li', `rc-alert rc-alert-${safeClass(a.kind)}${a.flag ? ` rc-alert-${safeClass(a.flag)}` : ''}`);
        if (a.kind === 'allergies' || a.kind === 'no-allergies') {
          const link = h('a', null, a.text);
          link.href = '#rc-sec-allergies';
          link.addEventListener('click', (e) => { e.preventDefault(); const t = document.getElementById('rc-sec-allergies'); if (t) { t.scrollIntoView({ block: 'start' }); t.focus({ preventScroll: true }); } });
          li.append(a.flag === 'critical' ? '⚠ ' : '', link);
        } else if (a.cardKey) {
          li.append('⚑ ', this.cardLink(a.cardKey, a.text));
        } else li.append(a.text);
        box.append(li);
      }
      head.append(box);
    }
    if (rec.card) head.append(this.cardActions(rec.card));
    banner.append(head);
    if (!b.inInput) {
      banner.append(h('p', 'rc-muted', `Referenced as ${b.reference || rec.key}; the Patient resource is not in the files given.`));
      return banner;
    }
    const others = names.filter((n) => n !== main);
    const dl = h('dl', 'rc-banner-facts');
    const row = (label, valueEl) => {
      const div = h('div', 'rc-banner-fact');
      div.append(h('dt', null, label));
      const dd = h('dd');
      dd.append(valueEl);
      div.append(dd);
      dl.append(div);
    };
    if (others.length) row('Also known as', h('span', null, others.map((n) => n.text + (n.use ? ` (${n.use})` : '')).join('; ')));
    const born = h('span');
    if (b.birthDate && b.birthDate.invalid) {
      born.append(invalidEl(b.birthDate.text, b.birthDate.invalid));
      born.append(h('span', 'rc-muted', ' (no age: the date is not valid)'));
    } else if (b.birthDate && b.birthDate.text) {
      born.append(dateEl(b.birthDate.text));
      if (b.age) born.append(h('span', 'rc-age', ` (${b.age})`));
    } else {
      born.append(valueSpan(b.birthDate));
    }
    row('Born', born);
    row('Gender', valueSpan(b.gender));
    if (b.deceased && b.deceased.flag !== 'deceased' && b.deceased.text) row('Deceased', valueSpan(b.deceased));
    for (const id of b.identifiers || []) {
      const label = id.systemName || id.type || 'Identifier';
      const v = valueSpan(id.value);
      if (id.nhsNumberValid === false && !(id.value && id.value.flag === 'warning')) {
        v.classList.add('rc-flag-warning');
        v.append(h('span', 'rc-flag-text', ` ⚠ ${id.nhsNumberCheck}`));
      }
      if (id.nhsNumberValid === false) v.setAttribute('aria-invalid', 'true');
      if (id.system && !id.systemName) v.title = id.system;
      row(label, v);
    }
    for (const a of b.addresses || []) row(a.note ? `Address (${a.note})` : 'Address', valueSpan(a));
    for (const t of b.telecom || []) row(t.note ? `Contact (${t.note})` : 'Contact', valueSpan(t));
    for (const gp of b.generalPractitioners || []) row('Registered GP', this.refEl(gp));
    if (b.managingOrganization) row('Managing organisation', this.refEl(b.managingOrganization));
    banner.append(dl);
    return banner;
  }

  // ---- sections and cards -----------------------------------------------------

  renderSection(section, listId, headingTag) {
    const sec = h('section', `rc-section rc-section-${section.id}`);
    const headingId = listId.startsWith('unlinked|') ? `rc-sec-unlinked-${section.id}` : `rc-sec-${section.id}`;
    sec.id = headingId;
    sec.tabIndex = -1;
    const heading = h(headingTag, 'rc-section-title', section.title);
    heading.append(h('span', 'rc-count', ` ${num(section.cards.length)}`));
    sec.append(heading);
    const list = this.lazyList(listId, section.cards, (c) => this.renderCard(c, section.id));
    sec.append(list.el);
    return sec;
  }

  lazyList(id, items, renderItem, page = PAGE) {
    const el = h('div', 'rc-cards');
    const more = h('div', 'rc-more rc-noprint');
    let shown = 0;
    const renderUpTo = (n) => {
      n = Math.min(n, items.length);
      const frag = document.createDocumentFragment();
      for (; shown < n; shown++) frag.append(renderItem(items[shown]));
      el.insertBefore(frag, more);
      more.replaceChildren();
      if (shown < items.length) {
        const rest = items.length - shown;
        more.append(button(`Show ${num(Math.min(page, rest))} more of ${num(rest)}`, 'rc-btn', () => renderUpTo(shown + page)));
        if (rest > page) more.append(button('Show all', 'rc-btn', () => renderUpTo(items.length)));
      }
    };
    el.append(more);
    renderUpTo(page);
    const list = { el, renderUpTo, renderAll: () => renderUpTo(items.length) };
    this.lists.set(id, list);
    return list;
  }

  renderCard(card, sectionId) {
    this.details(card);
    const art = h('article', `rc-card rc-type-${safeClass(card.resourceType)}${isInactive(card.status) ? ' rc-inactive' : ''}`);
    art.id = cardDomId(card.key);
    art.tabIndex = 0;
    this.elements.set(card.key, art);
    const head = h('header', 'rc-card-head');
    const title = h('h4', 'rc-card-title', card.title || card.resourceType);
    title.id = art.id + '-title';
    art.setAttribute('aria-labelledby', title.id);
    if (card.code && card.code.codes && card.code.codes.length) codedFocus(title, card.code.codes);
    head.append(title);
    const meta = h('div', 'rc-card-meta');
    meta.append(h('span', 'rc-chip rc-chip-type', card.kind || card.resourceType));
    if (card.status) meta.append(h('span', `rc-chip rc-status rc-status-${safeClass(card.status.split(',')[0])}`, card.status));
    if (card.date && card.dateInvalid) {
      meta.append(invalidEl(card.date, card.dateInvalid));
    } else if (card.date) {
      const d = h('span', 'rc-card-date');
      d.append(dateEl(card.date));
      if (card.dateEnd) { d.append(document.createTextNode(' – ')); d.append(dateEl(card.dateEnd)); }
      meta.append(d);
    }
    head.append(meta, this.cardActions(card));
    art.append(head);

    const facts = headerlessFacts(card);
    if (facts.length) {
      const dl = h('dl', 'rc-facts');
      for (const f of facts) {
        const row = h('div', 'rc-fact');
        row.append(h('dt', null, f.label));
        const dd = h('dd');
        dd.append(this.factValue(f));
        row.append(dd);
        dl.append(row);
      }
      art.append(dl);
    }
    if ((card.problems || []).length) {
      const p = h('div', 'rc-problems');
      p.append(h('p', 'rc-warning', 'Not understood by the viewer — shown as written where possible, otherwise left out (see the raw JSON):'));
      const ul = h('ul');
      for (const pr of card.problems) ul.append(h('li', null, pr));
      p.append(ul);
      art.append(p);
    }
    if ((card.absent || []).length) {
      art.append(h('p', 'rc-absent-list', 'Data absent: ' + card.absent.map((a) => `${a.path || card.resourceType} (${a.reason})`).join('; ')));
    }
    if ((card.attachments || []).length) art.append(renderAttachments(card, card.attachments, { blobURLs: this.blobURLs, loadAttachment: this.attachmentLoader() }));
    if (card.narrative && (card.narrative.xhtml || card.narrative.text)) {
      art.append(this.narrativeDetails(card.narrative, facts.length === 0 && !(card.attachments || []).length));
    }
    const refs = card.references || [];
    if (refs.length) {
      const det = h('details', 'rc-refs');
      det.append(h('summary', null, `References (${num(refs.length)})`));
      const ul = h('ul');
      for (const r of refs) {
        const li = h('li');
        li.append(h('span', 'rc-ref-path', r.path + ': '), this.refEl(r));
        ul.append(li);
      }
      det.append(ul);
      art.append(det);
    }
    return art;
  }

  narrativeDetails(narrative, open) {
    const det = h('details', 'rc-narrative-box');
    det.append(h('summary', null, open ? 'Narrative (no structured data shown)' : 'Narrative'));
    let filled = false;
    const fill = () => {
      if (filled) return;
      filled = true;
      det.append(renderNarrative(narrative));
    };
    det.addEventListener('toggle', () => { if (det.open) fill(); });
    if (open) { det.open = true; fill(); }
    return det;
  }

  cardActions(card) {
    const box = h('div', 'rc-card-actions rc-noprint');
    const f = this.findings.get(card.key);
    if (f && f.count > 0 && (f.worst === 'error' || f.worst === 'fatal' || this.showAllFindings)) {
      const label = `${num(f.count)} finding${f.count === 1 ? '' : 's'}`;
      box.append(button(label, `rc-badge rc-badge-${f.worst || 'information'}`, () => this.openFindings(card), `Show the validation findings of this ${card.resourceType}`));
    }
    if (this.opts.onOpenRaw || this.opts.openRaw) {
      box.append(button('Raw JSON', 'rc-btn rc-btn-small', () => this.openRaw(card), 'Show this resource in the raw JSON'));
    }
    return box;
  }

  // attachmentLoader fetches base64 data the model left out
  // (Options.OmitAttachmentData): from opts.loadAttachment, or from the input
  // bytes (opts.bytes) using the card's byte range and the attachment path.
  // opts.bytes may be a function returning them, read when the user asks:
  // the page can get the input buffer back from its worker after rendering.
  attachmentLoader() {
    if (this.opts.loadAttachment) return this.opts.loadAttachment;
    if (!this.opts.bytes) return null;
    return async (cardKey, index) => {
      const loc0 = this.index.has(cardKey) ? this.index.get(cardKey).card.location || {} : {};
      const bytes = typeof this.opts.bytes === 'function' ? this.opts.bytes(loc0.file) : this.opts.bytes;
      if (!bytes) return null;
      const info = this.index.get(cardKey);
      if (info) this.details(info.card);
      const loc = info && info.card.location;
      const att = info && (info.card.attachments || [])[index];
      if (!loc || !att || !loc.length) return null;
      const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      const resource = JSON.parse(new TextDecoder().decode(view.subarray(loc.offset, loc.offset + loc.length)));
      let node = resource;
      for (const part of String(att.path || '').split('.').filter(Boolean)) {
        const m = /^([A-Za-z0-9_]+)(?:\[(\d+)\])?$/.exec(part);
        if (!m || node == null) return null;
        node = node[m[1]];
        if (m[2] !== undefined) node = Array.isArray(node) ? node[Number(m[2])] : undefined;
      }
      return node && typeof node.data === 'string' ? node.data : null;
    };
  }

  openFindings(card) {
    if (this.opts.onOpenFindings) return this.opts.onOpenFindings(card.key);
    if (this.opts.openIssues) return this.opts.openIssues(card.id ? `${card.resourceType}/${card.id}` : card.resourceType);
  }

  openRaw(card) {
    if (this.opts.onOpenRaw) return this.opts.onOpenRaw(card.key);
    if (this.opts.openRaw) return this.opts.openRaw(card.location ? card.location.offset : 0, card.location ? card.location.file : undefined);
  }

  factValue(f) {
    let el;
    if (f.absent) {
      el = h('span', 'rc-absent', absentText(f.absent));
    } else if (f.refKey && this.index.has(f.refKey)) {
      el = this.cardLink(f.refKey, f.text || this.titleOf(f.refKey));
    } else {
      el = h('span', 'rc-value');
      el.append(datesIn(f.text || ''));
    }
    if (f.codes && f.codes.length) codedFocus(el, f.codes);
    if (f.flag) {
      el.classList.add(`rc-flag-${safeClass(f.flag)}`);
      const word = { abnormal: 'abnormal', critical: 'critical', warning: 'check' }[f.flag];
      if (word) el.append(h('span', 'rc-flag-text', ` (${word})`));
    }
    return el;
  }

  // refEl renders a reference: a link to the card when resolved, else its text.
  refEl(r) {
    const linked = r.targetKey && this.index.has(r.targetKey) && !r.contained;
    const text = r.display || (linked ? this.titleOf(r.targetKey) : '') || r.reference || '(no reference)';
    if (linked) {
      const a = this.cardLink(r.targetKey, text);
      if (r.reference) a.title = r.reference;
      return a;
    }
    const span = h('span', 'rc-ref-text', text);
    if (r.contained) span.append(h('span', 'rc-muted', ` (contained #${r.contained})`));
    else if (r.unresolved) span.append(h('span', 'rc-muted', ` (${r.unresolved})`));
    if (r.reference && r.display) span.title = r.reference;
    return span;
  }

  // titleOf names a card for a link: its title, else its type.
  titleOf(key) {
    const info = this.index.get(key);
    if (!info) return 'linked resource';
    return info.card.title || info.card.resourceType;
  }

  cardLink(key, text) {
    const a = h('a', 'rc-ref', text);
    a.href = '#' + cardDomId(key);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      // Following a reference is a step the browser's Back undoes.
      this.goToCard(key);
      this.openCard = key;
      this.emitNav(true);
    });
    return a;
  }

  // goToCard shows a card wherever it is: switching patient, opening the
  // unlinked list, and rendering a lazy list far enough.
  goToCard(key) {
    this.flush();
    if (!this.index.has(key)) this.loadAll();
    const info = this.index.get(key);
    if (!info) return;
    if (info.patient && info.patient !== this.current) this.selectPatient(info.patient);
    if (!info.patient && this.unlinkedBox) {
      this.unlinkedBox.open = true;
      this.fillUnlinked();
    }
    if (info.patient && info.list && this.fullBox) { this.fullBox.open = true; this.fillFull(); }
    if (info.list && this.lists.has(info.list)) this.lists.get(info.list).renderUpTo(info.pos + 1);
    const el = this.elements.get(key);
    if (!el) return;
    el.scrollIntoView({ block: 'start' });
    el.focus({ preventScroll: true });
    el.classList.remove('rc-flash');
    void el.offsetWidth; // restart the highlight animation
    el.classList.add('rc-flash');
  }

  // ---- vital signs -------------------------------------------------------------

  renderVitalsTable(series) {
    const table = h('table', 'rc-table rc-vitals');
    const thead = h('thead');
    const hr = h('tr');
    for (const t of ['Measurement', 'Latest', 'Date', 'Trend', 'Readings', 'History']) hr.append(h('th', null, t));
    thead.append(hr);
    table.append(thead);
    const tbody = h('tbody');
    for (const s of series) {
      const pts = s.points || [];
      const last = pts[pts.length - 1];
      const tr = h('tr');
      const name = h('td');
      const open = button(s.title, 'rc-row-list', () => {
        const was = open.getAttribute('aria-expanded') === 'true';
        if (tr._detail) { tr._detail.remove(); tr._detail = null; }
        open.setAttribute('aria-expanded', String(!was));
        if (was) return;
        const row = h('tr', 'rc-sum-detail');
        const td = h('td');
        td.colSpan = 6;
        const ul = h('ul', 'rc-sum-list');
        for (const p of pts.slice().reverse()) {
          const li = h('li');
          li.append(dateEl(p.date), ' · ', this.cardLink(p.cardKey, p.text));
          ul.append(li);
        }
        td.append(ul);
        row.append(td);
        tr.after(row);
        tr._detail = row;
      });
      open.setAttribute('aria-expanded', 'false');
      open.tabIndex = -1;
      if (s.code && s.code.codes) open.title = codingsTitle(s.code.codes);
      name.append(open);
      tr.append(name);
      const latest = h('td');
      if (last) latest.append(this.cardLink(last.cardKey, last.text));
      tr.append(latest);
      const date = h('td');
      if (last) date.append(dateEl(last.date));
      tr.append(date);
      const arrow = { up: '↑ rising', down: '↓ falling', same: '→ steady' }[s.trend] || '';
      tr.append(h('td', `rc-trend rc-trend-${s.trend || 'none'}`, arrow));
      tr.append(h('td', 'rc-num', num(pts.length)));
      const hist = h('td');
      hist.append(sparkline(pts));
      tr.append(hist);
      tbody.append(tr);
    }
    table.append(tbody);
    roving(table);
    return table;
  }

  // ---- timeline -----------------------------------------------------------------

  renderTimeline(items) {
    const sec = h('section', 'rc-section rc-timeline');
    sec.id = 'rc-sec-timeline';
    sec.tabIndex = -1;
    sec.append(h('h3', 'rc-section-title', 'Timeline'));
    const controls = h('div', 'rc-timeline-controls rc-noprint');
    const types = new Map();
    for (const it of items) types.set(it.kind || it.resourceType, (types.get(it.kind || it.resourceType) || 0) + 1);
    const fs = h('fieldset', 'rc-types');
    fs.append(h('legend', null, 'Show'));
    const checks = [];
    for (const [t, n] of Array.from(types).sort((a, b) => a[0].localeCompare(b[0]))) {
      const label = h('label', 'rc-check');
      const cb = h('input');
      cb.type = 'checkbox';
      cb.checked = true;
      cb.value = t;
      checks.push(cb);
      label.append(cb, document.createTextNode(` ${t} (${num(n)})`));
      fs.append(label);
    }
    controls.append(fs);
    const range = h('div', 'rc-range');
    const from = dateInput('From');
    const to = dateInput('To');
    range.append(from.label, to.label);
    controls.append(range);
    const count = h('p', 'rc-subtle');
    count.setAttribute('aria-live', 'polite');
    controls.append(count);
    sec.append(controls);
    const listBox = h('div');
    sec.append(listBox);
    const newestFirst = items.slice().reverse();
    const apply = () => {
      const on = new Set(checks.filter((c) => c.checked).map((c) => c.value));
      const lo = from.input.value, hi = to.input.value;
      const shown = newestFirst.filter((it) => {
        if (!on.has(it.kind || it.resourceType)) return false;
        const d = (it.sort || it.date || '').slice(0, 10);
        if (lo && d < lo) return false;
        if (hi && d.slice(0, hi.length) > hi) return false;
        return true;
      });
      count.textContent = `${num(shown.length)} of ${num(items.length)} dated entries, newest first`;
      const ol = h('ol', 'rc-timeline-list');
      let n = 0;
      const more = h('li', 'rc-more rc-noprint');
      const renderUpTo = (limit) => {
        const frag = document.createDocumentFragment();
        for (; n < Math.min(limit, shown.length); n++) frag.append(this.timelineItem(shown[n]));
        ol.insertBefore(frag, more);
        more.replaceChildren();
        if (n < shown.length) more.append(button(`Show ${num(Math.min(TIMELINE_PAGE, shown.length - n))} more`, 'rc-btn', () => renderUpTo(n + TIMELINE_PAGE)));
      };
      ol.append(more);
      renderUpTo(TIMELINE_PAGE);
      this.timelineRenderAll = () => renderUpTo(shown.length);
      listBox.replaceChildren(ol);
    };
    for (const c of checks) c.addEventListener('change', apply);
    from.input.addEventListener('change', apply);
    to.input.addEventListener('change', apply);
    apply();
    return sec;
  }

  timelineItem(it) {
    const info = this.index.get(it.cardKey);
    const card = info ? info.card : {};
    const li = h('li', `rc-tl-item rc-tl-${safeClass(card.section)}`);
    const when = h('span', 'rc-tl-date');
    when.append(dateEl(it.date));
    if (card.dateEnd) { when.append(document.createTextNode(' – ')); when.append(dateEl(card.dateEnd)); }
    li.append(when, h('span', 'rc-chip rc-chip-type', it.kind || it.resourceType), this.cardLink(it.cardKey, this.titleOf(it.cardKey)));
    return li;
  }

  // ---- FHIR document ------------------------------------------------------------

  renderDocument(doc) {
    const sec = h('section', 'rc-document');
    sec.setAttribute('aria-label', 'FHIR document');
    const head = h('div', 'rc-doc-head');
    head.append(h('h2', 'rc-doc-title', doc.title && doc.title.text ? doc.title.text : 'Untitled document'));
    const meta = h('dl', 'rc-banner-facts');
    const row = (label, el) => {
      const d = h('div', 'rc-banner-fact');
      d.append(h('dt', null, label));
      const dd = h('dd');
      dd.append(el);
      d.append(dd);
      meta.append(d);
    };
    if (doc.type) {
      const t = h('span', null, doc.type.text);
      codedFocus(t, doc.type.codes);
      row('Type', t);
    }
    row('Status', valueSpan(doc.status));
    const date = h('span');
    if (doc.date && doc.date.text) date.append(dateEl(doc.date.text)); else date.append(valueSpan(doc.date));
    row('Date', date);
    if (doc.subject) row('Subject', this.refEl(doc.subject));
    for (const a of doc.authors || []) row('Author', this.refEl(a));
    head.append(meta);
    if (this.index.has(doc.cardKey)) {
      const c = this.index.get(doc.cardKey).card;
      head.append(this.cardActions(c));
    }
    sec.append(head);
    for (const s of doc.sections || []) sec.append(this.renderDocSection(s, 3));
    return sec;
  }

  renderDocSection(s, level) {
    const sec = h('section', 'rc-doc-section');
    const title = h(`h${Math.min(level, 6)}`, 'rc-doc-section-title', s.title || (s.code && s.code.text) || 'Untitled section');
    if (s.code && s.code.codes) codedFocus(title, s.code.codes);
    sec.append(title);
    if (s.narrative) sec.append(renderNarrative(s.narrative));
    if (s.emptyReason) sec.append(h('p', 'rc-muted', `Section empty: ${s.emptyReason.text}`));
    if ((s.entries || []).length) {
      const ul = h('ul', 'rc-doc-entries');
      for (const e of s.entries) {
        const li = h('li');
        li.append(this.refEl(e));
        ul.append(li);
      }
      const det = h('details', 'rc-doc-entries-box');
      det.append(h('summary', null, `Entries (${num(s.entries.length)})`));
      det.append(ul);
      sec.append(det);
    }
    for (const sub of s.sections || []) sec.append(this.renderDocSection(sub, level + 1));
    return sec;
  }

  // ---- unlinked and skipped -----------------------------------------------------

  renderUnlinked() {
    const total = this.unlinked.reduce((n, s) => n + s.cards.length, 0);
    const det = h('details', 'rc-unlinked');
    det.append(h('summary', 'rc-unlinked-summary', `Not linked to a patient (${num(total)})`));
    this.unlinkedBox = det;
    this.unlinkedFilled = false;
    det.addEventListener('toggle', () => { if (det.open) this.fillUnlinked(); });
    if (this.patients.length === 0) { det.open = true; this.fillUnlinked(); }
    return det;
  }

  fillUnlinked() {
    if (this.unlinkedFilled || !this.unlinkedBox) return;
    this.unlinkedFilled = true;
    for (const s of this.unlinked) this.unlinkedBox.append(this.renderSection(s, `unlinked|${s.id}`, 'h3'));
  }

  renderSkipped() {
    const det = h('details', 'rc-skipped');
    const n = this.model.skipped.length;
    det.append(h('summary', null, `${num(n)} item${n === 1 ? '' : 's'} of the input ${n === 1 ? 'is' : 'are'} not a resource`));
    const ul = h('ul');
    for (const s of this.model.skipped.slice(0, 500)) {
      const l = s.location || {};
      const where = typeof l.line === 'number' ? `line ${l.line}` : typeof l.entry === 'number' ? `entry ${l.entry}` : 'input';
      ul.append(h('li', null, `${where}: ${s.reason}`));
    }
    det.append(ul);
    return det;
  }

  // ---- print ------------------------------------------------------------------------

  // dataQualityErrors counts error and fatal findings on this record's cards.
  dataQualityErrors() {
    const reports = Array.isArray(this.opts.reports) ? this.opts.reports : this.opts.report ? [this.opts.report] : null;
    let n = 0;
    if (reports) {
      for (const r of reports) {
        if (r && r.summary) n += (r.summary.fatal || 0) + (r.summary.error || 0); // exact, kept or not
        else for (const i of (r && r.findings) || []) if (i && (i.severity === 'error' || i.severity === 'fatal')) n++;
      }
      return n;
    }
    for (const f of this.findings.values()) n += f.errors || 0;
    return n;
  }

  // print: "summary" prints the banner and summary tables (collapsed rows
  // stay out); "full" adds every entry and the timeline. Neither prints
  // validation counts.
  print(mode) {
    this.printMode = mode;
    window.print();
  }

  expandForPrint() {
    this.flush();
    const mode = this.printMode || 'summary';
    document.documentElement.classList.add('rc-printing', `rc-printing-${mode}`);
    this.printClosed = [];
    if (mode !== 'full') return;
    if (this.fullBox) { this.fullBox.open = true; this.fillFull(); }
    for (const d of this.root.querySelectorAll('details')) {
      if (!d.open && !d.classList.contains('rc-refs')) { this.printClosed.push(d); d.open = true; }
    }
    this.fillUnlinked();
    for (const list of this.lists.values()) list.renderAll();
    if (this.timelineRenderAll) this.timelineRenderAll();
  }

  restoreAfterPrint() {
    document.documentElement.classList.remove('rc-printing', 'rc-printing-summary', 'rc-printing-full');
    this.printMode = null;
    for (const d of this.printClosed || []) d.open = false;
    this.printClosed = [];
  }
}

// ---- helpers ----------------------------------------------------------------------

// Facts the card header already shows are left out of the list: the status
// (and the clinical/verification statuses it is made of) and the main date.
function headerlessFacts(card) {
  let dateShown = false;
  const period = card.date && card.dateEnd ? `${card.date} to ${card.dateEnd}` : null;
  return (card.facts || []).filter((f) => {
    if (f.absent || f.refKey) return true;
    if (f.label === 'Status' && f.text === card.status) return false;
    if (card.status && (f.label === 'Clinical status' || f.label === 'Verification status')) return false;
    if (!dateShown && card.date && (f.text === card.date || f.text === period)) {
      dateShown = true;
      return false;
    }
    return true;
  });
}

// Resolved problems, stopped medications and the like are shown muted.
const INACTIVE = /^(resolved|inactive|remission|refuted|entered-in-error|stopped|cancelled|superseded|revoked)/;
function isInactive(status) {
  return INACTIVE.test(String(status || ''));
}

// datesIn shows FHIR dates in a fact ("2016-03-13T00:01:20-05:00",
// "A to B", "from A", "until B") in a readable form, the value as written
// on hover; any other text is returned unchanged.
const ISO = '\\d{4}(?:-\\d{2}(?:-\\d{2}(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:\\d{2})?)?)?)?';
const DATE_ONLY = new RegExp(`^${ISO}$`);
const DATE_RANGE = new RegExp(`^(?:(${ISO}) to (${ISO})|from (${ISO})|until (${ISO}))$`);
function datesIn(text) {
  if (!/^\d{4}|^from \d|^until \d/.test(text)) return document.createTextNode(text);
  if (DATE_ONLY.test(text) && text.length >= 7) return dateEl(text, 'rc-date');
  const m = DATE_RANGE.exec(text);
  if (!m) return document.createTextNode(text);
  const frag = document.createDocumentFragment();
  if (m[1]) frag.append(dateEl(m[1]), document.createTextNode(' to '), dateEl(m[2]));
  else if (m[3]) frag.append(document.createTextNode('from '), dateEl(m[3]));
  else frag.append(document.createTextNode('until '), dateEl(m[4]));
  return frag;
}

function valueSpan(v) {
  if (!v) return h('span', 'rc-absent', absentText('absent'));
  if (v.absent) return h('span', 'rc-absent', absentText(v.absent));
  const s = h('span', 'rc-value', v.text || '');
  if (v.flag) s.classList.add(`rc-flag-${safeClass(v.flag)}`);
  if (v.note && v.flag === 'warning') s.append(h('span', 'rc-flag-text', ` ⚠ ${v.note}`));
  if (v.codes && v.codes.length) codedFocus(s, v.codes);
  return s;
}

// codedFocus makes a coded value show its full codings on hover and on
// keyboard focus (title for the mouse, a CSS tooltip from data-codes).
function codedFocus(el, codes) {
  const text = codingsTitle(codes);
  if (!text) return;
  el.classList.add('rc-coded');
  el.title = text;
  el.setAttribute('data-codes', text);
  if (el.tagName !== 'A' && el.tabIndex < 0) el.tabIndex = 0;
}

function patientLabel(p) {
  const b = p.banner || {};
  const names = b.names || [];
  const main = names.find((n) => n.use === 'official') || names[0];
  let s = main && main.text ? main.text : (b.inInput ? 'Unnamed patient' : `${b.reference || p.key} (not in these files)`);
  if (b.birthDate && b.birthDate.text) s += ` — born ${dateText(b.birthDate.text)}`;
  return s;
}

// dateInput is a date filter in the page's one date format: it takes
// "2020", "Mar 2020", "4 Mar 2020" or "2020-03-04" and says back what it
// understood ("from 4 Mar 2020"), in the format the record uses. Its value
// is an ISO prefix ("2020-03"), "" when empty, or null when not a date.
function dateInput(labelText) {
  const label = h('label', 'rc-date-input');
  label.append(h('span', null, labelText + ' '));
  const input = h('input');
  input.type = 'text';
  input.size = 11;
  input.placeholder = 'e.g. Mar 2020';
  input.setAttribute('inputmode', 'text');
  const echo = h('span', 'rc-muted rc-date-echo');
  echo.setAttribute('aria-live', 'polite');
  label.append(input, echo);
  const box = {
    label,
    input: {
      addEventListener: (type, fn) => input.addEventListener(type === 'change' ? 'input' : type, fn),
      get value() { const v = parseDateFilter(input.value); return v === null ? '' : v; },
    },
  };
  input.addEventListener('input', () => {
    const v = parseDateFilter(input.value);
    echo.textContent = input.value.trim() === '' ? '' : v === null ? ' not a date' : ` ${dateText(v)}`;
    input.setAttribute('aria-invalid', String(v === null));
  });
  return box;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
export function parseDateFilter(text) {
  const t = String(text || '').trim().toLowerCase();
  if (!t) return '';
  let m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(t);
  if (m) return valid(m[1], m[2], m[3]);
  m = /^(?:(\d{1,2})\s+)?([a-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(t);
  if (m && MONTHS.includes(m[2])) return valid(m[3], String(MONTHS.indexOf(m[2]) + 1).padStart(2, '0'), m[1] && m[1].padStart(2, '0'));
  return null;
  function valid(y, mo, d) {
    if (mo && (Number(mo) < 1 || Number(mo) > 12)) return null;
    if (d) {
      const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
      if (date.getUTCDate() !== Number(d)) return null;
      return `${y}-${mo}-${d}`;
    }
    return mo ? `${y}-${mo}` : y;
  }
}

// sparkline draws a series as an SVG polyline from numbers only.
function sparkline(points) {
  const numeric = points.filter((p) => typeof p.value === 'number' && Number.isFinite(p.value));
  const unit = numeric.length ? numeric[numeric.length - 1].unit : undefined;
  const vals = numeric.filter((p) => p.unit === unit); // never mix units
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'rc-spark');
  svg.setAttribute('width', '120');
  svg.setAttribute('height', '24');
  svg.setAttribute('viewBox', '0 0 120 24');
  svg.setAttribute('aria-hidden', 'true');
  if (vals.length < 2) return svg;
  const min = Math.min(...vals.map((p) => p.value)), max = Math.max(...vals.map((p) => p.value));
  const span = max - min || 1;
  const coords = vals.map((p, i) => `${(i / (vals.length - 1) * 116 + 2).toFixed(1)},${(22 - (p.value - min) / span * 20).toFixed(1)}`);
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('points', coords.join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '1.5');
  svg.append(line);
  return svg;
}
