// utils.tensorboard.SummaryWriter: event files checked by readers that share nothing with the writer
// (a bitwise CRC-32C, a hand-rolled record parser, protobufjs on TensorBoard's .proto, and Python's
// protobuf with descriptors built from the same .proto files), PyTorch's own histogram code, and the
// failure modes: a truncated last record, a corrupt byte, a failed write.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import * as torch from '../lib';

const { SummaryWriter, crc32c, maskCrc, unmaskCrc, readEventFile } = torch.utils.tensorboard;
const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-tb-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PY = '/usr/bin/python3';
const pyHas = (mods: string): boolean => fs.existsSync(PY) && spawnSync(PY, ['-c', `import ${mods}`], { stdio: 'ignore' }).status === 0;
const hasPyProtobuf = pyHas('google.protobuf');
const hasPyTorch = pyHas('torch, numpy');
const testProto = hasPyProtobuf ? test : (n: string, f: () => void) => test.skip(`${n} [skipped: ${PY} has no protobuf; apt-get install python3-protobuf]`, f);
const testTorch = hasPyTorch ? test : (n: string, f: () => void) => test.skip(`${n} [skipped: ${PY} has no torch; apt-get install python3-torch]`, f);

// CRC-32C bit by bit (reflected polynomial 0x82F63B78), nothing shared with the library's.
function refCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of data) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
// TensorFlow's mask, in BigInt arithmetic: ((crc >> 15) | (crc << 17)) + 0xa282ead8, modulo 2^32.
function refMask(crc: number): number {
  const c = BigInt(crc);
  const m = 0xffffffffn;
  return Number((((c >> 15n) | ((c << 17n) & m)) + 0xa282ead8n) & m);
}

/** The records of an event file by a parser of its own; throws on any bad CRC. */
function parseRecords(file: string): { records: Buffer[]; trailing: number } {
  const b = fs.readFileSync(file);
  const records: Buffer[] = [];
  let off = 0;
  while (off + 12 <= b.length) {
    const len = Number(b.readBigUInt64LE(off));
    expect(b.readUInt32LE(off + 8)).toBe(refMask(refCrc32c(b.subarray(off, off + 8))));
    if (off + 16 + len > b.length) break;
    const data = b.subarray(off + 12, off + 12 + len);
    expect(b.readUInt32LE(off + 12 + len)).toBe(refMask(refCrc32c(data)));
    records.push(data);
    off += 16 + len;
  }
  return { records, trailing: b.length - off };
}

/** protobufjs on TensorBoard's .proto files, loaded here, apart from the library's loader. */
function eventType(): protobuf.Type {
  const dir = path.join(root, 'lib/utils/tensorboard/proto');
  const r = new protobuf.Root();
  r.resolvePath = (_o, t) => (t.startsWith('google/') ? t : path.join(dir, t));
  r.loadSync('tensorboard/compat/proto/event.proto');
  return r.lookupType('tensorboard.Event');
}
interface Ev {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  summary?: { value: { tag: string; simpleValue?: number; image?: { width: number; height: number; colorspace: number; encodedImageString: Buffer }; histo?: { bucket: number[]; bucketLimit: number[]; num: number }; tensor?: { stringVal: Buffer[] }; metadata?: { pluginData: { pluginName: string } } }[] };
}
function decodeAll(file: string): Ev[] {
  const T = eventType();
  return parseRecords(file).records.map((r) => T.toObject(T.decode(r), { longs: Number, bytes: Buffer, defaults: true }) as Ev);
}

/** A file with each kind of summary; its inputs, for comparisons. */
async function writeSample(dir: string): Promise<{ file: string; img: number[]; grid: number[]; hist: number[] }> {
  const w = new SummaryWriter(dir, { flushSecs: 1 });
  const img = Array.from({ length: 3 * 4 * 5 }, (_, i) => ((i * 37) % 101) / 100);
  const grid = Array.from({ length: 10 * 1 * 3 * 2 }, (_, i) => ((i * 13) % 17) / 16);
  const hist = Array.from({ length: 500 }, (_, i) => Math.sin(i) * Math.exp((i % 7) - 3));
  for (let s = 0; s < 5; s++) w.addScalar('loss/relaxed', 100 - s * 1.5, s);
  w.addScalar('tau', torch.tensor([0.5]), 7);
  w.addImage('picture', torch.tensor(img).reshape([3, 4, 5]), 3);
  w.addImages('grid', torch.tensor(grid).reshape([10, 1, 3, 2]), 3);
  w.addHistogram('weights', hist, 3);
  w.addHistogram('counts', torch.tensor([0, 1, 1, 2, 2, 2, 9], { dtype: 'int64' }), 4, 10);
  w.addText('notes', 'lr **0.001**, ünïcode', 5);
  await w.close();
  return { file: w.file, img, grid, hist };
}

describe('CRC-32C and masking', () => {
  test('RFC 3720 (iSCSI) test vectors and the check value', () => {
    const vec = (f: (i: number) => number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => f(i));
    expect(crc32c(vec(() => 0))).toBe(0x8a9136aa);
    expect(crc32c(vec(() => 0xff))).toBe(0x62a8ab43);
    expect(crc32c(vec((i) => i))).toBe(0x46dd794e);
    expect(crc32c(vec((i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
  test('random buffers agree with a bitwise CRC; mask and unmask invert each other', () => {
    for (let n = 0; n < 300; n += 7) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 2654435761 + n) & 255);
      const c = crc32c(b);
      expect(c).toBe(refCrc32c(b));
      expect(maskCrc(c)).toBe(refMask(c));
      expect(unmaskCrc(maskCrc(c))).toBe(c);
      expect(maskCrc(c)).not.toBe(c);
    }
    // TensorFlow's mask of the check value, worked by hand: rotr15(0xE3069283) = 0x2507C60D, plus 0xA282EAD8 = 0xC78AB0E5.
    expect(maskCrc(0xe3069283)).toBe(0xc78ab0e5);
  });
});

describe('SummaryWriter event files', () => {
  test('name, first event file_version, and every summary decoded by an independent reader', async () => {
    const { file, img } = await writeSample(path.join(tmp, 'a'));
    expect(path.basename(file)).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/\./g, '\\.')}\\.${process.pid}\\.\\d+$`));
    const { trailing } = parseRecords(file);
    expect(trailing).toBe(0);
    const evs = decodeAll(file);
    expect(evs[0].fileVersion).toBe('brain.Event:2');
    const values = evs.slice(1).flatMap((e) => (e.summary?.value ?? []).map((v) => ({ step: e.step ?? 0, ...v })));
    expect(values.filter((v) => v.tag === 'loss/relaxed').map((v) => [v.step, v.simpleValue])).toEqual([0, 1, 2, 3, 4].map((s) => [s, Math.fround(100 - s * 1.5)]));
    expect(values.find((v) => v.tag === 'tau')).toMatchObject({ step: 7, simpleValue: 0.5 });
    const pic = values.find((v) => v.tag === 'picture')?.image;
    expect(pic).toMatchObject({ width: 5, height: 4, colorspace: 3 });
    // The PNG decoded by pngjs: pixel (y, x) channel c is trunc(255 * img[c][y][x]).
    const { PNG } = await import('pngjs');
    const png = PNG.sync.read(pic?.encodedImageString as Buffer);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) for (let c = 0; c < 3; c++) expect(png.data[(y * 5 + x) * 4 + c]).toBe(Math.trunc(Math.fround(Math.fround(img[c * 20 + y * 5 + x]) * 255)));
    const grid = values.find((v) => v.tag === 'grid')?.image;
    expect(grid).toMatchObject({ width: 2 * 8, height: 3 * 2, colorspace: 3 }); // 10 images: 8 columns, 2 rows
    const h = values.find((v) => v.tag === 'weights')?.histo;
    expect(h?.num).toBe(500);
    expect(h?.bucket.reduce((a, b) => a + b, 0)).toBe(500);
    expect(h?.bucketLimit.length).toBe(h?.bucket.length);
    const text = values.find((v) => v.tag === 'notes/text_summary');
    expect(text?.metadata?.pluginData.pluginName).toBe('text');
    expect(text?.tensor?.stringVal[0].toString('utf8')).toBe('lr **0.001**, ünïcode');
  });

  test("the library's own reader sees the same; addScalars and addHparams write sub-runs", async () => {
    const dir = path.join(tmp, 'b');
    const w = new SummaryWriter(dir);
    w.addScalars('loss', { train: 1.5, 'test/x': 2.5 }, 3);
    await w.addHparams({ lr: 0.001, hard: true, estimator: 'gumbel-softmax' }, { 'hparam/test': 99.5 }, undefined, 'hp');
    await w.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['events.out.tfevents.' + path.basename(w.file).split('.').slice(3).join('.'), 'hp', 'loss_test_x', 'loss_train'].sort());
    const sub = (d: string): string => path.join(dir, d, fs.readdirSync(path.join(dir, d))[0]);
    expect(readEventFile(sub('loss_train')).scalars.get('loss')?.points()).toEqual([expect.objectContaining({ step: 3, value: 1.5 })]);
    const hp = decodeAll(sub('hp')).flatMap((e) => e.summary?.value ?? []);
    expect(hp.map((v) => v.tag)).toEqual(['_hparams_/experiment', '_hparams_/session_start_info', '_hparams_/session_end_info', 'hparam/test']);
    expect(hp[0].metadata?.pluginData.pluginName).toBe('hparams');
    const sample = await writeSample(path.join(tmp, 'b2'));
    const c = readEventFile(sample.file);
    expect(c.error).toBeUndefined();
    expect(c.scalars.get('loss/relaxed')?.length).toBe(5);
    expect(c.images.get('picture')?.[0]).toMatchObject({ step: 3, width: 5, height: 4 });
    expect(c.texts.get('notes')?.[0].text).toBe('lr **0.001**, ünïcode');
  });

  test('a truncated last record is left out quietly; a corrupt byte ends the file with a reason', async () => {
    const { file } = await writeSample(path.join(tmp, 'c'));
    const full = fs.readFileSync(file);
    const whole = readEventFile(file);
    const n = whole.scalars.get('loss/relaxed')?.length;
    for (const cut of [1, 5, 13, 20]) {
      const f = path.join(tmp, `cut${cut}`);
      fs.writeFileSync(f, full.subarray(0, full.length - cut));
      const c = readEventFile(f);
      expect(c.error).toBeUndefined();
      expect(c.trailing).toBeGreaterThan(0);
      expect(c.texts.size).toBe(0); // the text was the last event
      expect(c.scalars.get('loss/relaxed')?.length).toBe(n);
      // Once the rest arrives, an incremental read picks up the last event.
      fs.writeFileSync(f, full);
      expect(readEventFile(f, c).texts.get('notes')?.length).toBe(1);
    }
    const bad = Buffer.from(full);
    bad[60] ^= 0x40;
    fs.writeFileSync(path.join(tmp, 'bad'), bad);
    const c = readEventFile(path.join(tmp, 'bad'));
    expect(c.error).toMatch(/bad (data|length) CRC at byte \d+/);
  });

  test('a failed write is reported once and adding goes on; writing does not wait for the disk', async () => {
    const dir = path.join(tmp, 'd');
    const errors: string[] = [];
    const w = new SummaryWriter(dir, { maxQueue: 2, onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? e.message) });
    await w.flush();
    // Every write of the writer now goes to /dev/full instead of its file, and fails with ENOSPC.
    const nodeFs = jest.requireActual<typeof fs>('node:fs');
    const fd = nodeFs.openSync('/dev/full', 'w');
    const realWrite = nodeFs.write;
    const patched = jest.spyOn(nodeFs, 'write').mockImplementation(((_fd: number, ...rest: unknown[]) => (realWrite as unknown as (...a: unknown[]) => void)(fd, ...rest)) as unknown as typeof fs.write);
    try {
      for (let s = 0; s < 50; s++) w.addScalar('x', s, s);
      await w.flush();
      for (let s = 50; s < 60; s++) w.addScalar('x', s, s);
      await w.flush();
    } finally {
      patched.mockRestore();
      fs.closeSync(fd);
    }
    expect(errors).toEqual(['ENOSPC']);
    await w.close();
    // add() returns before anything reaches the disk: the queue goes out in the background.
    const w2 = new SummaryWriter(path.join(tmp, 'e'), { maxQueue: 1000, flushSecs: 3600 });
    await w2.flush();
    const before = fs.statSync(w2.file).size;
    for (let s = 0; s < 100; s++) w2.addScalar('x', s, s);
    expect(fs.statSync(w2.file).size).toBe(before);
    await w2.close();
    expect(readEventFile(w2.file).scalars.get('x')?.length).toBe(100);
  });

  test('events still queued when the process exits are written; a process killed mid-run leaves a readable file', () => {
    const dist = path.join(root, 'dist', 'index.js');
    if (!fs.existsSync(dist)) throw new Error('dist/ is missing: run npm run build:ts (npm ci does it)');
    const dir = path.join(tmp, 'exit');
    // No close(), no flush: 500 events queued (flushSecs 1 hour), then process.exit.
    const script = `const { utils } = require(${JSON.stringify(dist)}); const w = new utils.tensorboard.SummaryWriter(${JSON.stringify(dir)}, { maxQueue: 100000, flushSecs: 3600 }); for (let s = 0; s < 500; s++) w.addScalar('x', s, s); process.exit(0);`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const file = path.join(dir, fs.readdirSync(dir)[0]);
    expect(readEventFile(file).scalars.get('x')?.length).toBe(500);
    // Killed while writing (maxQueue 1: a write per event): every whole record reads back, nothing worse.
    const dir2 = path.join(tmp, 'killed');
    const script2 = `const { utils } = require(${JSON.stringify(dist)}); const w = new utils.tensorboard.SummaryWriter(${JSON.stringify(dir2)}, { maxQueue: 1 }); let s = 0; const t = setInterval(() => { for (let i = 0; i < 200; i++) w.addScalar('x', s, s++); if (s === 2000) process.stdout.write('go'); }, 1);`;
    const child = spawnSync(process.execPath, ['-e', script2], { encoding: 'utf8', timeout: 3000, killSignal: 'SIGKILL' });
    expect(child.signal).toBe('SIGKILL');
    const c = readEventFile(path.join(dir2, fs.readdirSync(dir2)[0]));
    expect(c.error).toBeUndefined();
    const steps = c.scalars.get('x')?.steps ?? [];
    expect(steps.length).toBeGreaterThan(0);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i));
  });

  test('bad arguments are clear errors', () => {
    const w = new SummaryWriter(path.join(tmp, 'f'));
    expect(() => new SummaryWriter(path.join(tmp, 'g'), { flushSec: 3 } as never)).toThrow(/unknown option 'flushSec' \(did you mean 'flushSecs'\?\)/);
    expect(() => w.addScalar('', 1)).toThrow(TypeError);
    expect(() => w.addScalar('x', '1' as never)).toThrow(/scalarValue must be a number/);
    expect(() => w.addScalar('x', 1, -1)).toThrow(/globalStep/);
    expect(() => w.addScalar('x', torch.zeros([2]))).toThrow(/one-element/);
    expect(() => w.addImage('i', torch.zeros([2, 4, 4]))).toThrow(/1, 3 or 4 channels/);
    expect(() => w.addImage('i', torch.zeros([4, 4]), 0, undefined, 'CHW')).toThrow(/needs a 3-d tensor/);
    expect(() => w.addHistogram('h', [])).toThrow(/empty/);
    expect(() => w.addHistogram('h', [1, NaN])).toThrow(/finite/);
    expect(() => w.addHistogram('h', [1, 2], 0, [3, 1])).toThrow(/increasing edges/);
    expect(() => w.addText('t', 3 as never)).toThrow(/textString must be a string/);
    return w.close().then(() => expect(() => w.addScalar('x', 1)).toThrow(/closed/));
  });
});

describe('read by Python and compared with PyTorch', () => {
  testProto("Python's protobuf with descriptors from TensorBoard's .proto reads the same scalars, images, histograms and text", async () => {
    const { file, img, grid } = await writeSample(path.join(tmp, 'py'));
    // A killed writer: the file ends in half a record.
    const cut = path.join(tmp, 'py', 'cut.tfevents');
    const full = fs.readFileSync(file);
    fs.writeFileSync(cut, full.subarray(0, full.length - 9));
    const r = spawnSync(PY, [path.join(root, 'scripts/read_tfevents.py'), file, cut], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, { events: number; trailing: number; fileVersion: string; scalars: Record<string, [number, number][]>; images: Record<string, { step: number; width: number; height: number; channels: number; pixels: number[] }[]>; histograms: Record<string, { num: number; bucket: number[]; bucketLimit: number[] }[]>; texts: Record<string, [number, string][]> }>;
    const py = out[file];
    const ours = readEventFile(file);
    expect(py.fileVersion).toBe('brain.Event:2');
    expect(py.trailing).toBe(0);
    for (const [tag, pts] of ours.scalars) expect(py.scalars[tag]).toEqual(pts.points().map((p) => [p.step, p.value]));
    const pic = py.images.picture[0];
    expect(pic).toMatchObject({ step: 3, width: 5, height: 4, channels: 3 });
    expect(pic.pixels).toEqual(Array.from({ length: 60 }, (_, i) => Math.trunc(Math.fround(Math.fround(img[(i % 3) * 20 + Math.floor(i / 3)]) * 255))));
    // The grid: image k at row floor(k/8), column k%8; grayscale repeated in R, G and B.
    const g = py.images.grid[0];
    expect(g).toMatchObject({ width: 16, height: 6 });
    const at = (y: number, x: number, c: number): number => g.pixels[(y * 16 + x) * g.channels + c];
    for (let k = 0; k < 10; k++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 2; x++) {
          const v = Math.trunc(Math.fround(Math.fround(grid[k * 6 + y * 2 + x]) * 255));
          for (let c = 0; c < 3; c++) expect(at(Math.floor(k / 8) * 3 + y, (k % 8) * 2 + x, c)).toBe(v);
        }
    for (const [tag, pts] of ours.histograms) expect(py.histograms[tag].map((h) => [h.num, h.bucket, h.bucketLimit])).toEqual(pts.map((h) => [h.num, h.bucket, h.bucketLimit]));
    expect(py.texts['notes/text_summary']).toEqual([[5, 'lr **0.001**, ünïcode']]);
    // The truncated copy: every whole record, the cut one left out, no error.
    expect(out[cut].events).toBe(py.events - 1);
    expect(out[cut].trailing).toBeGreaterThan(0);
    expect(out[cut].texts).toEqual({});
  });

  testTorch("histograms are PyTorch's make_histogram (its own code, run by Python) for the default, counted and given bins", () => {
    const vals = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
    const cases = [
      { values: vals(1000, (i) => Math.sin(i * 1.3) * Math.exp((i % 11) - 5)), bins: 'tensorflow' as const },
      { values: vals(257, (i) => (i * 7919) % 101), bins: 'tensorflow' as const },
      { values: [3, 3, 3], bins: 'tensorflow' as const },
      { values: vals(300, (i) => Math.cos(i) * 4), bins: 30 },
      { values: [2, 2, 2, 2], bins: 5 },
      { values: vals(50, (i) => i % 10), bins: 10, maxBins: 3 },
      { values: vals(90, (i) => i / 9 - 3), bins: [-4, -1, 0, 0.5, 2, 10] },
      { values: vals(2000, (i) => Math.tan(i)), bins: 'tensorflow' as const, maxBins: 40 },
    ];
    const r = spawnSync(PY, [path.join(root, 'scripts/tb_pytorch_histogram.py')], { input: JSON.stringify(cases.map((c) => ({ maxBins: null, ...c }))), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.stderr).toBe('');
    const ref = JSON.parse(r.stdout) as { min: number; max: number; num: number; sum: number; sumSquares: number; bucketLimit: number[]; bucket: number[] }[];
    const dir = path.join(tmp, 'hist');
    const w = new SummaryWriter(dir);
    cases.forEach((c, i) => w.addHistogram(`h${i}`, c.values, i, c.bins, undefined, c.maxBins));
    return w.close().then(() => {
      const got = decodeAll(w.file).slice(1).map((e) => e.summary?.value[0].histo as unknown as (typeof ref)[0]);
      got.forEach((h, i) => {
        expect(h.bucket).toEqual(ref[i].bucket);
        expect(h.bucketLimit.length).toBe(ref[i].bucketLimit.length);
        h.bucketLimit.forEach((l, k) => expect(l).toBeCloseTo(ref[i].bucketLimit[k], 12));
        expect([h.min, h.max, h.num]).toEqual([ref[i].min, ref[i].max, ref[i].num]);
        expect(h.sum).toBeCloseTo(ref[i].sum, 6);
        expect(h.sumSquares / ref[i].sumSquares).toBeCloseTo(1, 12);
      });
    });
  });
});
