// The k-NN task through the generic runner: a run stopped mid-epoch and resumed from its checkpoint ends
// with exactly the numbers of an uninterrupted run (model, SGD momentum, the epoch's two data orders and
// the generators restored), the final exact k-NN test included; nothing leaks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { knnTask } from '../../lib/tasks/knn/task';
import { TaskRunner } from '../../lib/tasks/runner';
import { settledLiveTensors } from '../helpers';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-knn-runner-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// 3 steps an epoch: 300 training images, 100 queries x 100 candidates.
const tiny = (out: string): Record<string, unknown> => ({ out, limit: 300, testLimit: 50, epochs: 2, device: 'cpu', logEvery: 1 });
const withoutTimes = (ms: Record<string, number>[]): Record<string, number>[] => ms.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.endsWith('Seconds'))));
const task = knnTask;

test('knn: a run stopped mid-epoch and resumed equals the uninterrupted run exactly; no tensor leaks', async () => {
  const before = await settledLiveTensors();
  const whole = await new TaskRunner(task, tiny(tmp())).run();
  expect(whole.stopped).toBe('done');
  expect(whole.metrics.map((m) => m.epoch)).toEqual([1, 2]);
  expect(Number.isFinite(whole.metrics[1]['test.accuracy'])).toBe(true);

  const out = tmp();
  const first = new TaskRunner(task, tiny(out));
  const stopped = await first.run({ onProgress: (p) => p.epoch === 2 && p.step === 1 && first.requestStop() });
  expect(stopped.stopped).toBe('interrupted');
  let resumedFrom: unknown;
  const resumed = await new TaskRunner(task, tiny(out)).run({ onStart: (i) => (resumedFrom = i.resumedFrom) }, { resume: true, explicit: new Set() });
  expect(resumedFrom).toEqual({ epoch: 2, step: 1 });
  expect(resumed.stopped).toBe('done');
  expect(withoutTimes(resumed.metrics)).toEqual(withoutTimes(whole.metrics));
  expect(await settledLiveTensors()).toBe(before);
}, 300_000);
