// `gumbel-torch train --task jigsaw`: the tutorial's MNIST jigsaw behind the generic runner's
// conventions (lib/tasks/task.ts). Defaults are the tutorial's: 2 x 2 pieces, tau 0.1, 20 Sinkhorn
// iterations, Adam 1e-4, batch 64, 5 epochs.
import type { Device } from '../../tensor';
import type { Task, TaskConfig, TaskOption } from '../task';
import { pieceSide } from './pieces';
import { JigsawSession } from './session';

const OPTIONS: readonly TaskOption[] = [
  {
    name: 'pieces',
    type: 'int',
    default: 2,
    min: 2,
    max: 14,
    help: 'pieces per side (2: 2 x 2 pieces of 14 x 14); sides that do not divide 28 drop the last 28 % pieces rows and columns, as the tutorial',
  },
  { name: 'tau', type: 'number', default: 0.1, positive: true, resumable: true, help: 'Gumbel-Sinkhorn temperature in training' },
  { name: 'iters', type: 'int', default: 20, min: 1, max: 10000, resumable: true, help: 'Sinkhorn iterations' },
  { name: 'testLimit', type: 'int', min: 1, max: 10000, help: 'evaluate on the first N test images only (default all 10,000)' },
];

const num = (config: TaskConfig, key: string): number => config[key] as number;

export const jigsawTask: Task = {
  name: 'jigsaw',
  description: "MNIST jigsaw: unscramble digits cut into pieces with Gumbel-Sinkhorn (the tutorial's permutations part); test Kendall tau",
  defaults: { epochs: 5, batchSize: 64, lr: 1e-4 },
  options: OPTIONS,
  plots: [
    { title: 'Training loss', yLabel: 'MSE (sum) per image', series: [{ key: 'train.loss', label: 'train (Gumbel-Sinkhorn)' }, { key: 'test.loss', label: 'test (matching)' }] },
    { title: 'Test set, exact matching', yLabel: 'fraction', series: [{ key: 'test.kendallTau', label: "mean Kendall's tau" }, { key: 'test.accuracy', label: 'digits solved' }] },
  ],
  banner(config: TaskConfig, device: Device): string {
    const p = num(config, 'pieces');
    return `MNIST jigsaw, ${p} x ${p} pieces of ${pieceSide(p)} px, Gumbel-Sinkhorn tau ${num(config, 'tau')}, ${num(config, 'iters')} iterations, batch ${config.batchSize}, Adam ${config.lr}, on ${device}`;
  },
  create(config, ctx) {
    return new JigsawSession(
      {
        pieces: num(config, 'pieces'),
        tau: num(config, 'tau'),
        iters: num(config, 'iters'),
        batchSize: config.batchSize,
        lr: config.lr,
        device: ctx.device,
        limit: config.limit,
        testLimit: config.testLimit as number | undefined,
      },
      { limit: '--limit', testLimit: '--test-limit', batchSize: '--batch-size' },
    );
  },
};
