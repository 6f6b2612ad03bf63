// Resume and data inputs (issue 7, section 7): a resume that would change the model or the data order
// is refused with the differences listed; lr (and the other steering settings) change and are said;
// a missing checkpoint is an error; empty or wrongly sized image files are errors naming the file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadImages } from '../lib/data/mnist';
import { SEED_DEFAULTS, TrainConfig } from '../lib/train/config';
import { planResume } from '../lib/train/resume';
import { Trainer } from '../lib/train/trainer';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-resume-'));
const base: TrainConfig = { ...SEED_DEFAULTS, epochs: 1, limit: 200, batchSize: 100, device: 'cpu', out: '', logEvery: 1 };
let saved = '';

beforeAll(async () => {
  saved = tmp();
  const r = await new Trainer({ ...base, out: saved }).run();
  r.model.dispose();
}, 120_000);

/** A fresh folder holding a copy of the saved run's checkpoint. */
function copyRun(): string {
  const d = tmp();
  fs.copyFileSync(path.join(saved, 'checkpoint.pt'), path.join(d, 'checkpoint.pt'));
  return d;
}

test('--resume without a checkpoint is an error', async () => {
  await expect(new Trainer({ ...base, out: tmp() }).run({}, { resume: true })).rejects.toThrow(/nothing to resume: no checkpoint at/);
});

test.each([
  ['batchSize', 50],
  ['limit', 300],
  ['limit', undefined],
  ['latents', 20],
  ['categories', 5],
  ['reluLogits', false],
  ['seed', 7],
  ['data', '/elsewhere'],
] as const)('a resume with another %s (%p) is refused, naming it', async (key, value) => {
  const run = new Trainer({ ...base, epochs: 2, out: copyRun(), [key]: value }).run({}, { resume: true });
  await expect(run).rejects.toThrow(new RegExp(`cannot resume from .*checkpoint\\.pt: these settings change the model or the data order.*${key} `));
});

test('a resume lists every refused difference at once', async () => {
  const run = new Trainer({ ...base, epochs: 2, out: copyRun(), batchSize: 50, latents: 3 }).run({}, { resume: true });
  await expect(run).rejects.toThrow(/batchSize 100 -> 50; latents 30 -> 3/);
});

test('a resume applies a new lr, and says so', async () => {
  const results: number[] = [];
  for (const lr of [1e-3, 5e-2]) {
    let changes: string[] | undefined;
    const r = await new Trainer({ ...base, epochs: 2, lr, out: copyRun() }).run({ onStart: (i) => (changes = i.changes) }, { resume: true });
    r.model.dispose();
    expect(r.metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(changes).toEqual(['epochs 1 -> 2', ...(lr === 1e-3 ? [] : ['lr 0.001 -> 0.05'])]);
    results.push(r.metrics[1].relaxed);
  }
  // The lr was really used: epoch 2 differs (before, the checkpoint's lr silently won).
  expect(Math.abs(results[0] - results[1])).toBeGreaterThan(1e-3);
}, 120_000);

test('settings not given explicitly come from the checkpoint (the CLI passes the flags it saw)', () => {
  const savedCfg = { ...base, batchSize: 50, latents: 12, lr: 1e-2, out: '/a' };
  const plan = planResume(savedCfg, { ...base, out: '/b', lr: 2e-3 }, new Set(['lr', 'out']), 'ck.pt');
  expect(plan.config).toMatchObject({ batchSize: 50, latents: 12, lr: 2e-3, out: '/b' });
  expect(plan.changes).toEqual(['lr 0.01 -> 0.002']);
});

test("the job's world size: a change is refused mid-epoch and reported at an epoch boundary; absent means 1", () => {
  const savedCfg = { ...base, out: '/a' };
  const explicit = new Set(['out']);
  expect(() => planResume({ ...savedCfg, worldSize: 2 }, { ...base, out: '/a', worldSize: 1 }, explicit, 'ck.pt', { midEpoch: true })).toThrow(
    /cannot resume from ck\.pt: .*worldSize 2 -> 1 \(the checkpoint is mid-epoch: its data order and sums belong to 2 process\(es\); resume it as a job of 2 process\(es\)\)\. Resume as the saved job/,
  );
  expect(() => planResume(savedCfg, { ...base, out: '/a', worldSize: 2 }, explicit, 'ck.pt', { midEpoch: true })).toThrow(/worldSize 1 -> 2 \(the checkpoint is mid-epoch/);
  const plan = planResume(savedCfg, { ...base, out: '/a', worldSize: 4 }, explicit, 'ck.pt', { midEpoch: false });
  expect(plan.changes).toEqual(['worldSize 1 -> 4 (from this epoch on: each optimizer step now takes 4 batches)']);
  expect(plan.config.worldSize).toBe(4);
  expect(planResume({ ...savedCfg, worldSize: 2 }, { ...base, out: '/a', worldSize: 2 }, explicit, 'ck.pt', { midEpoch: true }).changes).toEqual([]);
});

describe('image files that training cannot use are errors naming the file', () => {
  function idxDir(n: number, rows: number, cols: number): string {
    const d = tmp();
    for (const split of ['train', 't10k']) {
      const head = Buffer.alloc(16);
      [0x803, n, rows, cols].forEach((v, i) => head.writeUInt32BE(v, 4 * i));
      fs.writeFileSync(path.join(d, `${split}-images-idx3-ubyte`), Buffer.concat([head, Buffer.alloc(n * rows * cols)]));
    }
    return d;
  }
  test('0 images', async () => {
    const dir = idxDir(0, 28, 28);
    expect(() => loadImages('train', { dir })).toThrow(new RegExp(`${dir}/train-images-idx3-ubyte: holds no images`));
    await expect(new Trainer({ ...base, data: dir, out: tmp() }).run()).rejects.toThrow(/holds no images/);
  });
  test.each([[32, 32], [1, 784], [28, 27]])('%ix%i images', (rows, cols) => {
    const dir = idxDir(3, rows, cols);
    expect(() => loadImages('train', { dir })).toThrow(new RegExp(`train-images-idx3-ubyte: images are ${rows}x${cols}, expected 28x28`));
    expect(loadImages('train', { dir, size: null }).shape).toEqual([3, rows * cols]);
  });
  test('a bad limit', () => {
    expect(() => loadImages('t10k', { limit: -1 })).toThrow(RangeError);
    expect(() => loadImages('t10k', { limit: 1.5 })).toThrow(TypeError);
  });
});
