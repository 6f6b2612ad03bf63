// train --tensorboard: the event files hold the run's curves, pictures and latent usage, and writing
// them leaves the training itself (its random stream, its numbers) exactly as without.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { main } from '../lib/cli/main';

const { readEventFile } = torch.utils.tensorboard;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-cli-tb-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function train(out: string, ...extra: string[]): Promise<number> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write; // the run's own lines
  try {
    return await main(['node', 'gumbel-torch', 'train', '--epochs', '2', '--limit', '600', '--batch-size', '100', '--latents', '6', '--categories', '5', '--device', 'cpu', '--log-every', '2', '--out', out, ...extra]);
  } finally {
    process.stdout.write = write;
  }
}
const eventFile = (dir: string): string => path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('events.out.tfevents.')) as string);

test('curves per progress update, numbers and pictures per epoch, latent usage; training unchanged', async () => {
  const a = path.join(tmp, 'a');
  const b = path.join(tmp, 'b');
  expect(await train(a, '--tensorboard')).toBe(0);
  expect(await train(b)).toBe(0);
  const strip = (f: string): unknown => (JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, number>[]).map((m) => ({ ...m, trainSeconds: 0, testSeconds: 0 }));
  expect(strip(path.join(a, 'metrics.json'))).toEqual(strip(path.join(b, 'metrics.json')));
  expect(fs.existsSync(path.join(b, 'tb'))).toBe(false);
  const c = readEventFile(eventFile(path.join(a, 'tb')));
  expect(c.error).toBeUndefined();
  // 6 steps per epoch, a progress update every 2: steps 2, 4, 6, 8, 10, 12.
  for (const tag of ['loss/relaxed', 'loss/unrelaxed', 'tau', 'lr', 'grad_norm']) expect(c.scalars.get(tag)?.steps).toEqual([2, 4, 6, 8, 10, 12]);
  for (const p of c.scalars.get('grad_norm')?.points() ?? []) expect(p.value).toBeGreaterThan(0);
  const metrics = JSON.parse(fs.readFileSync(path.join(a, 'metrics.json'), 'utf8')) as { test: number; relaxed: number }[];
  expect(c.scalars.get('epoch/test')?.points().map((p) => [p.step, p.value])).toEqual(metrics.map((m, i) => [i + 1, Math.fround(m.test)]));
  // The window means of an epoch average (equal windows) to the epoch's relaxed loss.
  const w = (c.scalars.get('loss/relaxed')?.points() ?? []).slice(0, 3).map((p) => p.value);
  expect(w.reduce((s, v) => s + v, 0) / 3).toBeCloseTo(metrics[0].relaxed, 3);
  expect(c.images.get('samples')?.map((p) => [p.step, p.width, p.height])).toEqual([1, 2].map((e) => [e, 8 * 28, 2 * 28]));
  expect(c.images.get('reconstructions')?.length).toBe(2);
  const usage = c.histograms.get('latent_usage') ?? [];
  expect(usage.length).toBe(2);
  expect(usage[0].num).toBe(100 * 6);
  expect(usage[0].min).toBeGreaterThanOrEqual(0);
  expect(usage[0].max).toBeLessThanOrEqual(4);
  expect(c.texts.get('config')?.[0].text).toMatch(/\| latents \| 6 \|/);
  // hparams for TensorBoard's HPARAMS tab, in a sub-run.
  expect(readEventFile(eventFile(path.join(a, 'tb', 'hparams'))).scalars.get('hparam/test')?.points()[0].value).toBeCloseTo(metrics[1].test, 3);
});

test('--tensorboard DIR, and a resume appends a new event file whose steps go on', async () => {
  const out = path.join(tmp, 'c');
  const dir = path.join(tmp, 'board');
  expect(await train(out, '--tensorboard', dir, '--epochs', '1')).toBe(0);
  expect(await train(out, '--tensorboard', dir, '--resume', '--epochs', '2')).toBe(0);
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('events.'));
  expect(files.length).toBe(2);
  const steps = files.flatMap((f) => readEventFile(path.join(dir, f)).scalars.get('tau')?.points().map((p) => p.step) ?? []).sort((x, y) => x - y);
  expect(steps).toEqual([2, 4, 6, 8, 10, 12]);
});

test('--tensorboard into a place that cannot be written is one clear error before any epoch', async () => {
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, '');
  await expect(train(path.join(tmp, 'd'), '--tensorboard', path.join(file, 'tb'))).rejects.toThrow(/^--tensorboard .*a-file\/tb: cannot write there \(ENOTDIR\)$/);
  expect(fs.existsSync(path.join(tmp, 'd', 'metrics.json'))).toBe(false);
});

test("hooks.gradNorm: the gradients' global L2 norm of the step, as computed from the model's gradients", async () => {
  const norms: number[] = [];
  let direct = Number.NaN;
  const trainer = new torch.Trainer({ epochs: 1, batchSize: 100, latents: 6, categories: 5, temp: 1, annealRate: 0, annealEvery: 500, tauMin: 0.5, hard: false, estimator: 'gumbel-softmax', lr: 1e-3, seed: 3, device: 'cpu', out: path.join(tmp, 'gn'), reluLogits: true, logEvery: 1, limit: 300 });
  const res = await trainer.run({
    gradNorm: true,
    onProgress: (p) => void norms.push(p.gradNorm ?? Number.NaN),
    // After the epoch the last step's gradients are still on the parameters (zeroed at the next step).
    onEpoch: (_m, ctx) => {
      let sq = 0;
      for (const p of ctx.model.parameters()) for (const g of (p.grad?.data() as Float32Array | undefined) ?? []) sq += g * g;
      direct = Math.sqrt(sq);
    },
  });
  res.model.dispose();
  expect(norms.length).toBe(3);
  for (const n of norms) expect(n).toBeGreaterThan(0);
  expect(Math.abs(norms[2] - direct) / direct).toBeLessThan(1e-5);
});
