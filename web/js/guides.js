// Guides: implementation guides (IG packages .tgz, or folders of
// conformance resources) loaded into the validator, kept in this browser's
// IndexedDB so they are there on the next visit, listed with name, version
// and profile count, removable; and the profile picker. Nothing is uploaded.
import { el } from './issues.js';

const DB = 'fhirlens';
const STORE = 'guides';

function openDB() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') { reject(new Error('this browser has no IndexedDB')); return; }
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, fn) {
  const db = await openDB();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const result = fn(t.objectStore(STORE));
    t.oncomplete = () => { db.close(); resolve(result && result.result); };
    t.onerror = () => { db.close(); reject(t.error); };
  });
}

// isGuideFile says whether a picked or dropped file is an IG package.
export function isGuideFile(file) {
  return /\.(tgz|tar\.gz)$/i.test(file.name);
}

export class Guides {
  constructor(engine, { onChange } = {}) {
    this.engine = engine;
    this.onChange = onChange || (() => {});
    this.list = [];
    this.busy = Promise.resolve();
    this.$ = (id) => document.getElementById(id);
    this.$('guide-pick').addEventListener('click', () => this.$('guide-input').click());
    this.$('guide-folder').addEventListener('click', () => this.$('guide-folder-input').click());
    this.$('guide-input').addEventListener('change', (e) => {
      const files = [...e.target.files];
      e.target.value = '';
      for (const f of files) this.addFile(f);
    });
    this.$('guide-folder-input').addEventListener('change', (e) => {
      const files = [...e.target.files];
      e.target.value = '';
      if (files.length) this.addFolder(files);
    });
    this.render();
  }

  // profile is the profile chosen in the picker ('' for the claims only).
  profile() { return this.$('profile-select').value; }

  status(text) { this.$('guide-status').textContent = text; }

  // queue runs guide operations one after another.
  queue(fn) {
    this.busy = this.busy.then(fn, fn);
    return this.busy;
  }

  // restore sends the stored guides to a (re)started validator.
  restore() {
    return this.queue(async () => {
      let stored = [];
      try {
        stored = await tx('readonly', (s) => s.getAll());
      } catch (err) {
        this.status(`Stored guides could not be read: ${err.message || err}`);
        return;
      }
      if (!stored || !stored.length) { this.render(); return; }
      this.status(`Loading ${stored.length} stored guide${stored.length === 1 ? '' : 's'}…`);
      for (const g of stored) {
        const res = await this.send(g);
        if (res.error) this.status(`${g.name}: ${res.error}`);
      }
      if (!this.$('guide-status').textContent.includes(':')) this.status('');
      document.body.dataset.guides = 'restored';
    });
  }

  send(g) {
    return this.engine.guide(g.kind === 'files' ? { name: g.name, files: g.files } : { name: g.name, bytes: g.bytes })
      .then((res) => { if (!res.error) this.update(res.guides); return res; })
      .catch((err) => ({ error: err.message || String(err) }));
  }

  async addFile(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return this.add({ name: file.name, kind: 'tgz', bytes });
  }

  async addFolder(files) {
    const name = (files[0].webkitRelativePath || files[0].name).split('/')[0] || 'folder';
    const list = [];
    for (const f of files) {
      if (!/\.(json|xml)$/i.test(f.name) || f.size > 64 * 1024 * 1024) continue;
      list.push({ name: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
    }
    return this.add({ name, kind: 'files', files: list });
  }

  add(g) {
    return this.queue(async () => {
      this.status(`Loading ${g.name}…`);
      const res = await this.send(g);
      if (res.error) { this.status(`${g.name} could not be loaded: ${res.error}`); return; }
      g.key = res.added;
      try {
        await tx('readwrite', (s) => s.put(g));
        this.status(`${res.added} loaded and kept in this browser.`);
      } catch (err) {
        this.status(`${res.added} loaded, but could not be kept for the next visit: ${err.message || err}`);
      }
    });
  }

  remove(key) {
    return this.queue(async () => {
      const res = await this.engine.guide({ remove: key }).catch((err) => ({ error: err.message || String(err) }));
      if (res.error) { this.status(res.error); return; }
      this.update(res.guides);
      try { await tx('readwrite', (s) => s.delete(key)); } catch { /* gone from the validator anyway */ }
      this.status(`${key} removed.`);
    });
  }

  update(list) {
    this.list = list || [];
    this.render();
    this.onChange();
  }

  render() {
    const ul = this.$('guide-list');
    ul.replaceChildren();
    for (const g of this.list) {
      const li = el('li', 'guide');
      li.dataset.key = g.key;
      li.append(el('span', 'guide-name', g.name), el('span', 'guide-version', g.version || 'no version'),
        el('span', 'guide-count', `${g.profiles} profile${g.profiles === 1 ? '' : 's'}`));
      const rm = el('button', 'quiet guide-remove', 'Remove');
      rm.type = 'button';
      rm.setAttribute('aria-label', `Remove ${g.key}`);
      rm.addEventListener('click', () => this.remove(g.key));
      li.append(rm);
      if (g.problems && g.problems.length) {
        const d = el('details', 'guide-problems');
        d.append(el('summary', null, `${g.problems.length} thing${g.problems.length === 1 ? '' : 's'} could not be loaded`));
        const inner = el('ul');
        for (const p of g.problems) inner.append(el('li', null, p));
        d.append(inner);
        li.append(d);
      }
      ul.append(li);
    }
    this.$('guides-empty').hidden = this.list.length > 0;
    const select = this.$('profile-select');
    const chosen = select.value;
    select.replaceChildren(el('option', null, 'the profiles resources claim (meta.profile)'));
    select.firstChild.value = '';
    for (const g of this.list) {
      const group = el('optgroup');
      group.label = g.key;
      for (const p of g.resourceProfiles) {
        const o = el('option', null, `${p.title || p.name} (${p.type})`);
        o.value = p.url;
        group.append(o);
      }
      select.append(group);
    }
    select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '';
    this.$('profile-picker').hidden = this.list.length === 0;
  }
}
