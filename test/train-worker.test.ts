// trainInWorker: the model trains on a worker thread; progress comes back as events; cancel() writes a
// checkpoint that resume continues from; failures reject `result` with the worker's message.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';

const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-worker-'));
const small = { limit: 1000, device: 'cpu' as const, seed: 3, logEvery: 1 };

beforeAll(() => {
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'train', 'worker-main.js'))) throw new Error('dist/ is missing: run npm run build:ts (npm ci does it)');
});

test('events arrive in order, and the run equals one on this thread', async () => {
  const out = tmpdir();
  const job = torch.trainInWorker({ ...small, epochs: 2, out });
  const seen: string[] = [];
  const steps: number[] = [];
  job.on('progress', (p) => steps.push(p.globalStep));
  for await (const e of job) if (seen[seen.length - 1] !== e.type) seen.push(e.type);
  expect(seen).toEqual(['start', 'progress', 'epoch', 'progress', 'epoch', 'done']);
  expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  const r = await job.result;
  expect(r.stopped).toBe('done');
  expect(r.metrics.map((m) => m.epoch)).toEqual([1, 2]);
  expect(fs.existsSync(r.checkpoint)).toBe(true);

  const here = await new torch.Trainer({ ...torch.train.TRAIN_DEFAULTS, ...small, epochs: 2, out: tmpdir() }).run();
  here.model.dispose();
  const losses = (m: torch.train.EpochMetrics[]): number[][] => m.map((x) => [x.relaxed, x.unrelaxed, x.test]);
  expect(losses(r.metrics)).toEqual(losses(here.metrics));
});

test('cancel() stops after the current step with a checkpoint, and resume finishes the run', async () => {
  const out = tmpdir();
  const job = torch.trainInWorker({ ...small, epochs: 3, out });
  job.on('progress', (p) => {
    if (p.globalStep === 5) job.cancel();
  });
  const r = await job.result;
  expect(r.stopped).toBe('interrupted');
  expect(r.metrics).toEqual([]);
  expect(fs.existsSync(path.join(out, 'checkpoint.pt'))).toBe(true);
  job.cancel(); // after the end: a no-op

  const resumed = torch.trainInWorker({ ...small, epochs: 3, out }, { resume: true });
  let start: torch.train.TrainStartInfo | undefined;
  resumed.on('start', (s) => (start = s));
  const r2 = await resumed.result;
  expect(start?.resumedFrom?.epoch).toBe(1);
  expect(start?.resumedFrom?.step).toBeGreaterThanOrEqual(5);
  expect(r2.stopped).toBe('done');
  expect(r2.metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
});

test('a failing run rejects result (and the iterator) with the worker error', async () => {
  const job = torch.trainInWorker({ ...small, epochs: 1, out: tmpdir(), data: tmpdir() });
  await expect(job.result).rejects.toThrow(/no train-images-idx3-ubyte/);
  const again = torch.trainInWorker({ ...small, epochs: 1, out: tmpdir(), data: tmpdir() });
  await expect((async () => {
    for await (const e of again) void e;
  })()).rejects.toThrow(/no train-images-idx3-ubyte/);
});

test('bad configs throw before a thread starts', () => {
  expect(() => torch.trainInWorker({ epoch: 2 } as unknown as torch.train.TrainConfig)).toThrow(/unknown option 'epoch' \(did you mean 'epochs'\?\)/);
  expect(() => torch.trainInWorker(null as unknown as torch.train.TrainConfig)).toThrow(TypeError);
  expect(() => (torch.trainInWorker as () => unknown)()).toThrow(/config must be a plain object/);
  expect(() => torch.trainInWorker(torch.ones([1]) as unknown as torch.train.TrainConfig)).toThrow(/config must be a plain object/);
  expect(() => torch.trainInWorker({}, { resume: 1 } as unknown as { resume: boolean })).toThrow(/resume must be a boolean/);
  expect(() => torch.trainInWorker({}, { resum: true } as unknown as { resume: boolean })).toThrow(/opts must be/);
  expect(() => torch.trainInWorker({ epochs: '2' } as unknown as torch.train.TrainConfig)).toThrow(/epochs must be an integer, got string/);
});
