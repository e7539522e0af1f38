// Settings: the HL7 reference validator's options the page offers, named as
// its command line names them. Unchecked is the reference validator's
// default. The choice is kept in this browser (localStorage) for the next visit.

const KEY = 'fhirlens.settings';

// The checkboxes of the settings panel and the validate option each sets.
const BOXES = [
  ['setting-security-checks', 'securityChecks'],
  ['setting-no-example-urls', 'noExampleUrls'],
  ['setting-allow-comments', 'allowComments'],
  ['setting-any-extensions', 'anyExtensions'],
];

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '{}');
    return saved && typeof saved === 'object' ? saved : {};
  } catch {
    return {};
  }
}

// initSettings ticks the boxes as saved and saves every change; onChange is
// called after a change (to re-validate what is shown).
export function initSettings(onChange) {
  const saved = load();
  for (const [id, name] of BOXES) {
    const box = document.getElementById(id);
    if (!box) continue;
    box.checked = saved[name] === true;
    box.addEventListener('change', () => {
      try { localStorage.setItem(KEY, JSON.stringify(currentSettings())); } catch { /* storage refused: not kept */ }
      if (onChange) onChange();
    });
  }
}

// currentSettings returns the validate options for the ticked boxes.
export function currentSettings() {
  const out = {};
  for (const [id, name] of BOXES) {
    const box = document.getElementById(id);
    if (box && box.checked) out[name] = true;
  }
  return out;
}
