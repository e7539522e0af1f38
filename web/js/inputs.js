// Inputs: turns dropped or picked files, pasted text and samples into
// {name, bytes} items. Gzip is decompressed here, in the browser (every
// member of a multi-member file, within size and ratio limits); content
// that is plainly not FHIR text (images, archives, binaries) is refused with
// a message saying what it is. JSON and XML go to the validator.

// MAX_BYTES is the most one input may be, read or decompressed: a 300 MB
// bundle ran the validator's worker out of memory while building the record
// view (security probe, issue 17), so the page refuses more up front and
// names the command line for bigger files.
export const MAX_BYTES = 200 * 1024 * 1024;
// A gzip input may expand at most MAX_RATIO times once past RATIO_FLOOR:
// real FHIR JSON gzips 10–40×, the probe's bombs 235–1000×.
const MAX_RATIO = 200;
const RATIO_FLOOR = 64 * 1024 * 1024;
const CHUNK = 1024 * 1024;

export async function readFile(file) {
  if (file.size > MAX_BYTES) {
    throw new Error(`${file.name} is ${formatBytes(file.size)}; this page reads files up to ${formatBytes(MAX_BYTES)} (the memory a browser tab can give the validator). Use the command line (fhirlens validate) for larger files.`);
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

// gunzip decompresses every member of a gzip file (as gzip(1) does). The
// browser's DecompressionStream reads one member and calls what follows
// "junk", without saying where the member ended; so the input is fed in
// chunks, and when a chunk is refused the member is decompressed again up
// to each gzip header inside that chunk until one ends cleanly (its CRC and
// length checked by the browser). Output is counted as it arrives and the
// stream is cancelled at the size or ratio limit.
export async function gunzip(bytes, name, limits = {}) {
  if (typeof DecompressionStream === 'undefined') {
    throw new Error(`${name} is gzip-compressed and this browser cannot decompress it; unzip it first.`);
  }
  const out = new Output(bytes, name, limits.maxBytes || MAX_BYTES, limits.maxRatio || MAX_RATIO);
  let start = 0;
  while (start < bytes.length) {
    if (!isGzip(bytes.subarray(start))) {
      if (bytes.subarray(start).every((b) => b === 0)) break; // zero padding after the last member
      throw new Error(`${name}: its gzip content is followed by ${formatBytes(bytes.length - start)} that is not gzip; the file may be damaged.`);
    }
    const mark = out.length;
    const failure = await inflate(bytes, start, bytes.length, out);
    if (!failure) break;
    if (!/junk/i.test(failure.error.message)) {
      throw new Error(`${name} looks gzip-compressed but could not be decompressed (${failure.error.message}); the file may be truncated or damaged.`);
    }
    let next = -1;
    for (const p of memberEnds(bytes, start, failure.chunkStart, failure.chunkEnd)) {
      out.rollback(mark);
      if (!await inflate(bytes, start, p, out)) { next = p; break; }
    }
    if (next < 0) throw new Error(`${name}: its gzip content is followed by data that is not gzip; the file may be damaged.`);
    start = next;
  }
  return out.bytes();
}

// inflate decompresses bytes[start, end) as one gzip member into out; it
// returns null on success, or the error and the chunk being written then.
async function inflate(bytes, start, end, out) {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let limitError = null;
  let pos = start;
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      try {
        out.push(value, pos);
      } catch (err) {
        limitError = err;
        reader.cancel().catch(() => {});
        return;
      }
    }
  })();
  let error = null;
  let chunkStart = pos;
  try {
    while (pos < end && !limitError) {
      chunkStart = pos;
      const next = Math.min(end, pos + CHUNK);
      pos = next;
      await writer.write(bytes.subarray(chunkStart, next));
    }
    if (!limitError) await writer.close();
  } catch (err) {
    error = err;
  }
  try { await reading; } catch (err) { error = error || err; }
  if (limitError) throw limitError;
  return error ? { error, chunkStart, chunkEnd: pos } : null;
}

// memberEnds lists where a gzip member that started at start may end: at
// each gzip header, nearest the chunk that was refused first (the browser
// may refuse the chunk after the one holding the end), then the others
// backwards; and where a run of zeros ends the file (zero padding; the
// trailer's own last bytes may be zeros too).
function* memberEnds(bytes, start, from, to) {
  const header = (p) => bytes[p] === 0x1f && bytes[p + 1] === 0x8b && bytes[p + 2] === 8;
  const lo = Math.max(start + 18, from - CHUNK);
  const hi = Math.min(to, bytes.length - 2);
  for (let p = lo; p < hi; p++) if (header(p)) yield p;
  for (let p = lo - 1; p >= start + 18; p--) if (header(p)) yield p;
  let z = bytes.length;
  while (z > start && bytes[z - 1] === 0) z--;
  if (z < bytes.length) for (let p = Math.max(z, start + 18); p <= Math.min(z + 8, bytes.length); p++) yield p;
}

// Output collects decompressed bytes in one buffer that doubles as needed,
// refusing to grow past the limit.
class Output {
  constructor(input, name, maxBytes, maxRatio) {
    this.name = name;
    this.compressed = input.length;
    this.maxBytes = maxBytes;
    this.maxRatio = maxRatio;
    this.before = 0; // compressed bytes of the members already read
    // The last member's trailer holds its length mod 4 GB: a hint only.
    const n = input.length;
    const hint = n >= 4 ? (input[n - 4] | input[n - 3] << 8 | input[n - 2] << 16 | input[n - 1] << 24) >>> 0 : 0;
    this.buf = new Uint8Array(Math.min(maxBytes, Math.max(hint, n * 4, 1 << 16)));
    this.length = 0;
  }

  push(chunk, consumed) {
    const need = this.length + chunk.length;
    if (need > this.maxBytes) {
      throw new Error(`${this.name} expands past ${formatBytes(this.maxBytes)}, the most this page reads (the memory a browser tab can give the validator); fhirlens stopped decompressing it. Use the command line (fhirlens validate --max-input) for larger files.`);
    }
    if (need > RATIO_FLOOR && need > this.maxRatio * Math.max(1, consumed)) {
      throw new Error(`${this.name} expands more than ${this.maxRatio}× (${formatBytes(need)} from ${formatBytes(consumed)} of compressed data): a decompression bomb? fhirlens stopped decompressing it.`);
    }
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.min(this.maxBytes, Math.max(need, this.buf.length * 2)));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(chunk, this.length);
    this.length = need;
  }

  rollback(mark) { this.length = mark; }

  bytes() {
    return this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
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
  const wide = wideText(bytes);
  if (wide) {
    throw new Error(`${name} is ${wide}; FHIR JSON must be UTF-8. Convert it first (for example: iconv -f ${wide.slice(0, 6)}${wide.includes('little') ? 'LE' : 'BE'} -t UTF-8).`);
  }
  for (const [magic, what] of signatures) {
    if (magic.every((b, i) => bytes[i] === b)) {
      throw new Error(`${name} is not FHIR JSON: it is ${what}. fhirlens reads FHIR JSON (.json), FHIR XML (.xml), ndjson (.ndjson) and their gzip-compressed forms (.gz).`);
    }
  }
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of sample) {
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) control++;
  }
  if (control > 0) {
    throw new Error(`${name} is not FHIR JSON: it contains binary data (${control} control byte${control === 1 ? '' : 's'} in its first ${formatBytes(sample.length)}). fhirlens reads FHIR JSON (.json), FHIR XML (.xml), ndjson (.ndjson) and their gzip-compressed forms (.gz).`);
  }
}

// wideText names UTF-16 and UTF-32 text by its byte-order mark, or by the
// zero bytes after a leading '{' or '[' (named, not decoded: FHIR JSON is
// UTF-8).
function wideText(b) {
  const at = (...xs) => xs.every((x, i) => b[i] === x);
  const open = (c) => c === 0x7b || c === 0x5b;
  if (at(0, 0, 0xfe, 0xff)) return 'UTF-32 text (big-endian, with a byte-order mark)';
  if (at(0xff, 0xfe, 0, 0)) return 'UTF-32 text (little-endian, with a byte-order mark)';
  if (at(0xfe, 0xff)) return 'UTF-16 text (big-endian, with a byte-order mark)';
  if (at(0xff, 0xfe)) return 'UTF-16 text (little-endian, with a byte-order mark)';
  if (b.length >= 4 && open(b[0]) && at(b[0], 0, 0, 0)) return 'UTF-32 text (little-endian, without a byte-order mark)';
  if (b.length >= 4 && open(b[3]) && at(0, 0, 0)) return 'UTF-32 text (big-endian, without a byte-order mark)';
  if (b.length >= 2 && open(b[0]) && b[1] === 0) return 'UTF-16 text (little-endian, without a byte-order mark)';
  if (b.length >= 2 && b[0] === 0 && open(b[1])) return 'UTF-16 text (big-endian, without a byte-order mark)';
  return '';
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
