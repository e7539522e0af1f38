// Inputs: turns dropped or picked files, pasted text and samples into
// {name, bytes} items. Gzip is decompressed here, in the browser; content
// that is plainly not JSON is refused with a message saying what it is.

const MAX_BYTES = 512 * 1024 * 1024;

export async function readFile(file) {
  if (file.size > MAX_BYTES) {
    throw new Error(`${file.name} is ${formatBytes(file.size)}; fhirlens reads files up to ${formatBytes(MAX_BYTES)}.`);
  }
  let bytes = new Uint8Array(await file.arrayBuffer());
  let name = file.name;
  if (isGzip(bytes)) {
    bytes = await gunzip(bytes, name);
    name = name.replace(/\.gz$/i, '');
  }
  refuseNonJSON(name, bytes);
  return { name, bytes };
}

export function fromText(name, text) {
  const bytes = new TextEncoder().encode(text);
  refuseNonJSON(name, bytes);
  return { name, bytes };
}

export async function fetchSample(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Sample ${url} could not be loaded (HTTP ${response.status}); was the app built with "make web"?`);
  const name = url.split('/').pop();
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { name, bytes };
}

function isGzip(bytes) {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes, name) {
  if (typeof DecompressionStream === 'undefined') {
    throw new Error(`${name} is gzip-compressed and this browser cannot decompress it; unzip it first.`);
  }
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new Error(`${name} looks gzip-compressed but could not be decompressed (${err.message}); the file may be truncated or damaged.`);
  }
}

const signatures = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (unzip it and drop the .json files)'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF binary)'],
];

// refuseNonJSON throws for content that is certainly not JSON text. Anything
// that might be JSON goes to the validator, which reports syntax problems.
function refuseNonJSON(name, bytes) {
  if (bytes.length === 0) throw new Error(`${name} is empty.`);
  for (const [magic, what] of signatures) {
    if (magic.every((b, i) => bytes[i] === b)) {
      throw new Error(`${name} is not FHIR JSON: it is ${what}. fhirlens reads FHIR JSON (.json), ndjson (.ndjson) and gzip-compressed JSON (.json.gz).`);
    }
  }
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of sample) {
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) control++;
  }
  if (control > 0) {
    throw new Error(`${name} is not FHIR JSON: it contains binary data (${control} control byte${control === 1 ? '' : 's'} in its first ${formatBytes(sample.length)}). fhirlens reads FHIR JSON (.json), ndjson (.ndjson) and gzip-compressed JSON (.json.gz).`);
  }
  if (!/^\s*[[{]/.test(new TextDecoder().decode(bytes.subarray(0, 256)).replace(/^\uFEFF/, ''))) {
    const start = new TextDecoder().decode(bytes.subarray(0, 40)).trim();
    if (start.startsWith('<')) {
      throw new Error(`${name} looks like XML or HTML, not JSON. fhirlens validates FHIR JSON; convert FHIR XML to JSON first.`);
    }
  }
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
