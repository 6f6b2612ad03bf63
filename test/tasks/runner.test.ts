// The generic task runner, in process, on a tiny NRI: a run stopped mid-epoch and resumed ends with
// exactly the numbers of an uninterrupted run (session state, order, running sums and generators all
// restored); nothing leaks; bad settings, a truncated checkpoint and a --limit past the set are clean
// errors that leave the checkpoint as it was.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { nriTask } from '../../lib/tasks/nri/task';
import { TaskRunner } from '../../lib/tasks/runner';
import { settledLiveTensors } from '../helpers';
import { readTaskCheckpoint } from '../../lib/tasks/checkpoint';
import type { Task } from '../../lib/tasks/task';
import { selectedTask } from '../../lib/cli/task-train';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-runner-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const cache = tmp();
// Small enough for seconds: 40 systems of 6 frames, hidden 8, batch 8 (5 steps an epoch).
const tiny = (out: string): Record<string, unknown> => ({ out, cache, trainSims: 40, validSims: 16, testSims: 16, frames: 6, hidden: 8, batchSize: 8, epochs: 2, lr: 1e-3, device: 'cpu', shuffle: true, logEvery: 1 });
const withoutTimes = (ms: Record<string, number>[]): Record<string, number>[] => ms.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.endsWith('Seconds'))));

test('a run stopped mid-epoch and resumed equals the uninterrupted run exactly; no tensor leaks', async () => {
  const before = await settledLiveTensors();
  const whole = await new TaskRunner(nriTask, tiny(tmp())).run();
  expect(whole.stopped).toBe('done');
  expect(whole.metrics.map((m) => m.epoch)).toEqual([1, 2]);
  for (const k of ['train.loss', 'train.accuracy', 'valid.accuracy', 'test.accuracy', 'valid.nll']) expect(Number.isFinite(whole.metrics[1][k])).toBe(true);

  const out = tmp();
  const first = new TaskRunner(nriTask, tiny(out));
  const stopped = await first.run({ onProgress: (p) => p.epoch === 2 && p.step === 2 && first.requestStop() });
  expect(stopped.stopped).toBe('interrupted');
  const ck = torch.scope(() => {
    const c = readTaskCheckpoint(path.join(out, 'checkpoint.pt'));
    return { epoch: c.epoch, step: c.step, task: c.task };
  });
  expect(ck).toEqual({ epoch: 2, step: 2, task: 'nri' });
  let resumedFrom: unknown;
  const resumed = await new TaskRunner(nriTask, tiny(out)).run({ onStart: (i) => (resumedFrom = i.resumedFrom) }, { resume: true, explicit: new Set() });
  expect(resumedFrom).toEqual({ epoch: 2, step: 2 });
  expect(resumed.stopped).toBe('done');
  expect(withoutTimes(resumed.metrics)).toEqual(withoutTimes(whole.metrics));
  expect(await settledLiveTensors()).toBe(before);
});

test('bad settings are errors naming the option; a misspelt one names the closest', () => {
  expect(() => new TaskRunner(nriTask, { hiden: 3 })).toThrow(/unknown option 'hiden' \(did you mean 'hidden'\?\)/);
  expect(() => new TaskRunner(nriTask, { hidden: 0 })).toThrow(RangeError);
  expect(() => new TaskRunner(nriTask, { hidden: 'wide' })).toThrow(TypeError);
  expect(() => new TaskRunner(nriTask, { tau: -1 })).toThrow(/tau must be > 0/);
  expect(() => new TaskRunner(nriTask, { estimator: 'rloo' })).toThrow(/estimator must be one of gumbel-softmax, st-gumbel/);
  expect(() => new TaskRunner(nriTask, { estimator: 'reinmax', hard: true })).toThrow(/--hard applies to the Gumbel-Softmax estimator only/);
  expect(() => new TaskRunner(nriTask, { device: 'tpu' })).toThrow(/device must be auto, cpu, cuda or cuda:N/);
  expect(() => new TaskRunner(nriTask, [] as never)).toThrow(TypeError);
});

test('--limit past the training set and --frames past the simulations are RangeErrors naming the flag', async () => {
  await expect(new TaskRunner(nriTask, { ...tiny(tmp()), limit: 41 }).run()).rejects.toThrow(/--limit 41 is larger than the training set: it has 40 simulations/);
  await expect(new TaskRunner(nriTask, { ...tiny(tmp()), frames: 50 }).run()).rejects.toThrow(/--frames 50: the simulations have 49 frames/);
});

test('a truncated checkpoint is a clean error and stays as it was; a changed model setting is refused on resume', async () => {
  const out = tmp();
  await new TaskRunner(nriTask, { ...tiny(out), epochs: 1 }).run();
  const file = path.join(out, 'checkpoint.pt');
  const refused = new TaskRunner(nriTask, { ...tiny(out), hidden: 16, epochs: 2 }).run({}, { resume: true, explicit: new Set(['hidden', 'epochs']) });
  await expect(refused).rejects.toThrow(/cannot resume from .*checkpoint\.pt: these settings change the model or the data of the saved run: hidden 8 -> 16/);
  const whole = fs.readFileSync(file);
  fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
  const cut = fs.readFileSync(file);
  await expect(new TaskRunner(nriTask, { ...tiny(out), epochs: 2 }).run({}, { resume: true, explicit: new Set(['epochs']) })).rejects.toThrow(/cannot read the checkpoint .*checkpoint\.pt: /);
  expect(fs.readFileSync(file).equals(cut)).toBe(true);
  await expect(new TaskRunner(nriTask, tiny(tmp())).run({}, { resume: true })).rejects.toThrow(/nothing to resume: no checkpoint at/);
});

/** A task of one scalar parameter fitted by SGD: the runner's contract without a model's cost. */
function lineTask(nanAt?: number): Task {
  return {
    name: 'line',
    description: 'fits w to 3',
    defaults: { epochs: 3, batchSize: 1, lr: 0.4 },
    options: [{ name: 'target', type: 'number', default: 3, help: 'the value w fits' }],
    banner: () => 'line',
    create(c) {
      let w = 0;
      let steps = 0;
      return {
        stepsPerEpoch: 4,
        beginEpoch: () => undefined,
        trainStep: () => {
          steps++;
          w -= c.lr * 2 * (w - (c.target as number));
          return { loss: steps === nanAt ? NaN : (w - (c.target as number)) ** 2, w: torch.tensor([w]).sum() };
        },
        evaluate: () => ({ 'valid.w': w }),
        finalTest: () => ({ 'final.error': Math.abs(w - (c.target as number)) }),
        picture: () => [],
        stateDict: () => ({ w, steps }),
        loadStateDict: (s) => {
          w = s.w as number;
          steps = s.steps as number;
        },
        dispose: () => undefined,
      };
    },
  };
}

test('any task: numbers and device tensors as step metrics, the final test in the last record, a non-finite metric stops keeping the last checkpoint', async () => {
  const out = tmp();
  const done = await new TaskRunner(lineTask(), { out, device: 'cpu' }).run();
  expect(done.stopped).toBe('done');
  expect(done.metrics).toHaveLength(3);
  expect(done.metrics[2]['valid.w']).toBeCloseTo(3, 2);
  expect(done.metrics[2]['final.error']).toBeLessThan(0.01);
  expect(done.metrics[0]['train.w']).toBeGreaterThan(0);
  const bad = tmp();
  const r = await new TaskRunner(lineTask(6), { out: bad, device: 'cpu', logEvery: 1 }).run();
  expect(r.stopped).toBe('non-finite');
  expect(r.message).toMatch(/train\.loss became non-finite \(NaN\) at epoch 2, step 2; training stopped; the last good checkpoint .*checkpoint\.pt was kept/);
  expect(torch.scope(() => readTaskCheckpoint(path.join(bad, 'checkpoint.pt')).epoch)).toBe(2);
  await expect(new TaskRunner(lineTask(), { out: bad }).run({}, { resume: true, explicit: new Set() }).then(() => 0)).resolves.toBe(0);
  await expect(new TaskRunner(nriTask, { out: bad }).run({}, { resume: true })).rejects.toThrow(/it is a checkpoint of task 'line', not 'nri' \(use --task line\)/);
});

test('the task a train command line asks for is the last --task, as commander reads it', () => {
  expect(selectedTask(['--epochs', '2'])).toBe('vae');
  expect(selectedTask(['--task', 'nri'])).toBe('nri');
  expect(selectedTask(['--task=nri', '--task', 'vae'])).toBe('vae');
  expect(selectedTask(['--task', 'vae', '--task=nri'])).toBe('nri');
  expect(selectedTask(['--', '--task', 'nri'])).toBe('vae');
});
