#!/usr/bin/env node
// Mutation fuzz of torch.load over files written by real PyTorch (test/fixtures/serialize/*.pt, the
// legacy-format legacy.pt included, and test/fixtures/vae_final.pt): truncations and byte flips of the whole file, and mutations of the
// pickle itself (byte flips, opcode replacement/insertion/deletion, integer operands set to edge
// values, truncation) and of storage records, re-zipped with valid CRCs so they reach the
// unpickler. Every file must give a value or a JS Error; loads run in child processes so that a
// crash is counted rather than fatal, and a load that does not end is counted as a hang. Issue 22's
// kinds too: dict keys Python holds equal (True and 1), an overlong FRAME, BUILD on a plain dict, and
// paths that are not regular files (a FIFO, a copy of /dev/zero).
//   node scripts/fuzz-load.js [count=5000] [seed=1]    (needs dist/: npm run build:ts)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const { ZipReader, writeZip } = require(path.join(root, 'dist', 'serialize', 'zip.js'));

const BASES = ['adam.pt', 'containers.pt', 'dtypes.pt', 'model_only.pt'].map((f) => path.join(root, 'test', 'fixtures', 'serialize', f));
// Opcodes a pickle may hold, valid or not here, so replacements hit every dispatcher branch.
const OPCODES = [0x28, 0x29, 0x2e, 0x30, 0x31, 0x32, 0x42, 0x43, 0x46, 0x47, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x58, 0x5d, 0x61, 0x62, 0x63, 0x64, 0x65, 0x67, 0x68, 0x69, 0x6a, 0x6c, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x7d, 0x80, 0x81, 0x82, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98];
const EDGE_INTS = [0, 1, 2, 3, 4, 255, 65535, 0x7fffffff, -1, -2, 0x80000000 | 0, 1000, 12, 100000];

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** The archive's records, so a mutated pickle can be re-zipped with valid CRCs. */
function unzip(buf) {
  const z = new ZipReader(buf);
  return z.names.map((name) => ({ name, data: Buffer.from(z.read(name)) }));
}
const rezip = (records) => Buffer.concat(writeZip(records));

// Offsets of opcodes in a pickle (a rough walk: enough to aim mutations at opcode boundaries).
function opcodeOffsets(pkl) {
  const arg = { 0x4a: 4, 0x4b: 1, 0x4d: 2, 0x71: 1, 0x72: 4, 0x68: 1, 0x6a: 4, 0x80: 1, 0x47: 8 };
  const out = [];
  for (let i = 0; i < pkl.length; ) {
    out.push(i);
    const op = pkl[i];
    if (op === 0x58 && i + 5 <= pkl.length) i += 5 + pkl.readUInt32LE(i + 1);
    else if (op === 0x63) {
      const a = pkl.indexOf(10, i + 1);
      const b = a < 0 ? -1 : pkl.indexOf(10, a + 1);
      i = b < 0 ? pkl.length : b + 1;
    } else if (op === 0x8a && i + 1 < pkl.length) i += 2 + pkl[i + 1];
    else i += 1 + (arg[op] ?? 0);
  }
  return out;
}

function mutate(base, kind, r) {
  const pick = (n) => Math.floor(r() * n);
  const buf = Buffer.from(base);
  if (kind === 'truncate') return buf.subarray(0, pick(buf.length));
  if (kind === 'flip') {
    for (let k = 1 + pick(4); k > 0; k--) buf[pick(buf.length)] ^= 1 << pick(8);
    return buf;
  }
  const recs = unzip(base);
  const pi = recs.findIndex((x) => x.name.endsWith('data.pkl'));
  let pkl = recs[pi].data;
  const offs = opcodeOffsets(pkl);
  const at = offs[pick(offs.length)];
  switch (kind) {
    case 'pickle-flip':
      for (let k = 1 + pick(3); k > 0; k--) pkl[pick(pkl.length)] ^= 1 << pick(8);
      break;
    case 'opcode-replace':
      pkl[at] = OPCODES[pick(OPCODES.length)];
      break;
    case 'opcode-insert':
      pkl = Buffer.concat([pkl.subarray(0, at), Buffer.from([OPCODES[pick(OPCODES.length)]]), pkl.subarray(at)]);
      break;
    case 'opcode-delete': {
      const end = offs[Math.min(offs.length - 1, offs.indexOf(at) + 1 + pick(3))];
      pkl = Buffer.concat([pkl.subarray(0, at), pkl.subarray(end)]);
      break;
    }
    case 'pickle-truncate':
      pkl = pkl.subarray(0, pick(pkl.length));
      break;
    case 'int-edge': {
      // An integer operand (sizes, strides, offsets, storage sizes, memo indices) set to an edge value.
      const ints = offs.filter((o) => [0x4a, 0x4b, 0x4d].includes(pkl[o]));
      const o = ints[pick(ints.length)];
      const v = EDGE_INTS[pick(EDGE_INTS.length)];
      if (pkl[o] === 0x4b) pkl[o + 1] = v & 255;
      else if (pkl[o] === 0x4d) pkl.writeUInt16LE(v & 0xffff, o + 1);
      else pkl.writeInt32LE(v | 0, o + 1);
      break;
    }
    case 'key-alias': // d[True] = 1; d[1] = 2 on the top object: one key in Python, or an error
      pkl = Buffer.concat([pkl.subarray(0, pkl.length - 1), Buffer.from([0x88, 0x4b, 1, 0x73, 0x4b, 1, 0x4b, 2, 0x73, 0x2e])]);
      break;
    case 'frame-overlong': { // a FRAME claiming more bytes than follow: must be an error
      const n = Buffer.alloc(8);
      n.writeBigUInt64LE(BigInt(pkl.length + 1 + pick(1 << 20)));
      pkl = Buffer.concat([pkl.subarray(0, 2), Buffer.from([0x95]), n, pkl.subarray(2)]);
      break;
    }
    case 'build-plain-dict': // {} BUILD {} then POP: BUILD on a plain dict must be an error
      pkl = Buffer.concat([pkl.subarray(0, pkl.length - 1), Buffer.from([0x7d, 0x7d, 0x62, 0x30, 0x2e])]);
      break;
    case 'storage-truncate': {
      const st = recs.filter((x) => /\/data\/\d+$/.test(x.name));
      const s = st[pick(st.length)];
      s.data = s.data.subarray(0, pick(s.data.length));
      break;
    }
    default:
      throw new Error(kind);
  }
  recs[pi].data = pkl;
  return rezip(recs);
}

const KINDS = [['truncate', 1], ['flip', 2], ['pickle-flip', 3], ['opcode-replace', 3], ['opcode-insert', 1], ['opcode-delete', 1], ['pickle-truncate', 1], ['int-edge', 3], ['storage-truncate', 1],
  ['key-alias', 0.5], ['frame-overlong', 0.5], ['build-plain-dict', 0.5], ['not-regular', 0.1]];
/** Kinds whose every file must be an error (the others may load). */
const MUST_FAIL = ['frame-overlong', 'build-plain-dict', 'not-regular'];

// A FIFO nobody writes, or a copy of /dev/zero (an endless stream; mknod needs root, else a FIFO).
function specialFile(file, zero) {
  if (zero && spawnSync('mknod', [file, 'c', '1', '5']).status === 0) return;
  if (spawnSync('mkfifo', [file]).status !== 0) throw new Error(`mkfifo ${file} failed`);
}

/** Writes `count` mutants into dir; returns their kinds. */
function makeMutants(dir, count, seed) {
  const r = rng(seed);
  const bases = BASES.map((f) => fs.readFileSync(f));
  const vae = path.join(root, 'test', 'fixtures', 'vae_final.pt');
  if (fs.existsSync(vae)) bases.push(fs.readFileSync(vae));
  const legacy = fs.readFileSync(path.join(root, 'test', 'fixtures', 'serialize', 'legacy.pt')); // not a zip: raw mutations only
  const total = KINDS.reduce((a, [, w]) => a + w, 0);
  const kinds = [];
  for (let i = 0; i < count; i++) {
    let x = r() * total;
    const [kind] = KINDS.find(([, w]) => (x -= w) < 0) ?? KINDS[0];
    // The 4.9 MB VAE file only now and then, so the run stays quick.
    const raw = kind === 'truncate' || kind === 'flip';
    const base = raw && i % 5 === 0 ? legacy : bases[i % 50 === 49 && bases.length > BASES.length ? bases.length - 1 : Math.floor(r() * BASES.length)];
    if (kind === 'not-regular') specialFile(path.join(dir, `${i}.pt`), r() < 0.5);
    else fs.writeFileSync(path.join(dir, `${i}.pt`), mutate(base, kind, r));
    kinds.push(kind);
  }
  return kinds;
}

/** Loads every mutant in child processes; a child that dies is restarted after the file it died on. */
function runFuzz(dir, count) {
  const child = path.join(__dirname, 'fuzz-load-child.js');
  const result = new Array(count);
  for (let start = 0; start < count; ) {
    // No load may take long: a child still busy after the limit hangs on the file it began last.
    const r = spawnSync(process.execPath, [child, dir, String(start), String(count)], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: HANG_MS * 4 + count * 200, killSignal: 'SIGKILL' });
    let last = start - 1;
    for (const line of r.stdout.split('\n')) {
      const m = /^(\d+) (begin|value|error|bad)(?: (.*))?$/.exec(line);
      if (!m) continue;
      const i = Number(m[1]);
      if (m[2] === 'begin') last = i;
      else result[i] = { outcome: m[2], detail: m[3] ?? '' };
    }
    if (r.status === 0 && !r.signal) break;
    const hung = r.error && r.error.code === 'ETIMEDOUT';
    if (last >= start && result[last] === undefined) result[last] = { outcome: hung ? 'hang' : 'crash', detail: `${r.signal ?? `exit ${r.status}`}: ${r.stderr.slice(-300)}` };
    start = Math.max(start, last) + 1;
  }
  const counts = { files: count, value: 0, error: 0, bad: 0, crash: 0, hang: 0, missing: 0 };
  for (let i = 0; i < count; i++) counts[result[i] ? result[i].outcome : 'missing']++;
  return { counts, result };
}

const HANG_MS = 15000;

module.exports = { makeMutants, runFuzz, MUST_FAIL };

if (require.main === module) {
  const count = Number(process.argv[2] ?? 5000);
  const seed = Number(process.argv[3] ?? 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-fuzz-'));
  const t0 = Date.now();
  const kinds = makeMutants(dir, count, seed);
  const { counts, result } = runFuzz(dir, count);
  const byKind = {};
  kinds.forEach((k, i) => {
    byKind[k] ??= { value: 0, error: 0, bad: 0, crash: 0, hang: 0 };
    byKind[k][result[i]?.outcome ?? 'crash']++;
  });
  console.log(JSON.stringify({ seed, ...counts, seconds: (Date.now() - t0) / 1000, byKind }, null, 1));
  for (const [i, x] of result.entries()) if (x && (['crash', 'bad', 'hang'].includes(x.outcome) || (MUST_FAIL.includes(kinds[i]) && x.outcome === 'value'))) console.log(i, kinds[i], x.outcome, x.detail);
  fs.rmSync(dir, { recursive: true, force: true });
}
