// The tutorial's NRI training: Adam, per-batch loss = Gaussian NLL + KL, soft Gumbel-Softmax edges in
// training (straight-through with hard), hard edges at evaluation, edge accuracy from the encoder's
// argmax. Each step runs in a scope, so memory stays flat in this plain synchronous loop.
import { checkBool, checkInt, checkNumber, checkOptions } from '../../check';
import { arange, randperm } from '../../creation';
import { Adam } from '../../optim/adam';
import { noGrad } from '../../runtime';
import { scope } from '../../scope';
import type { Device, Tensor } from '../../tensor';
import type { SpringsSplit } from './data';
import { edgeAccuracy, type Nri } from './model';

export interface NriTrainOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Gumbel-Softmax temperature (default 0.5). */
  tau?: number;
  /** Straight-through edges in training (default false: soft, as the tutorial). */
  hard?: boolean;
  /** Likelihood variance (default 5e-5). */
  variance?: number;
  /** Shuffle the training set each epoch (the tutorial's loader does not: default false). */
  shuffle?: boolean;
  device?: Device;
  /** After every step: epoch (1-based), step within it, steps per epoch, that step's numbers. */
  onStep?: (epoch: number, step: number, steps: number, m: NriStepMetrics) => void;
  /** After every epoch, with its training and validation metrics; return false to stop. */
  onEpoch?: (m: NriEpochMetrics) => boolean | void;
}

export interface NriStepMetrics {
  loss: number;
  nll: number;
  kl: number;
  mse: number;
  accuracy: number;
}

export interface NriEvalMetrics {
  nll: number;
  kl: number;
  mse: number;
  accuracy: number;
}

export interface NriEpochMetrics {
  epoch: number;
  train: NriEvalMetrics;
  valid: NriEvalMetrics | null;
  seconds: number;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function batchOf(split: SpringsSplit, idx: Tensor, device: Device | undefined): { data: Tensor; relations: Tensor } {
  // The index goes where the split is (a split kept on CUDA, an index made on the CPU).
  const at = idx.to(split.features.device);
  const data = split.features.indexSelect(0, at);
  const relations = split.edges.indexSelect(0, at);
  return device ? { data: data.to(device), relations: relations.to(device) } : { data, relations };
}

/** Mean metrics over a split in eval mode (hard edges, running batch-norm statistics, no gradients). */
export function evaluateNri(model: Nri, split: SpringsSplit, opts: { batchSize?: number; tau?: number; variance?: number; device?: Device } = {}): NriEvalMetrics {
  const o = checkOptions(opts, 'evaluateNri options', ['batchSize', 'tau', 'variance', 'device']);
  const batchSize = checkInt(o.batchSize ?? 128, 'batchSize', 1);
  const n = split.features.size(0);
  const was = model.training;
  model.eval();
  const acc: number[] = [];
  const nll: number[] = [];
  const kl: number[] = [];
  const mse: number[] = [];
  try {
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        scope(() => {
          const idx = arange(start, Math.min(n, start + batchSize), 1, { dtype: 'int64' });
          const { data, relations } = batchOf(split, idx, o.device);
          const out = model.forward(data, { tau: o.tau ?? 0.5, hard: true, variance: o.variance });
          acc.push(edgeAccuracy(out.logits, relations));
          nll.push(out.nll.item() as number);
          kl.push(out.kl.item() as number);
          mse.push(out.output.sub(data.narrow(2, 1, data.size(2) - 1)).pow(2).mean().item() as number);
        });
      }
    });
  } finally {
    model.train(was);
  }
  return { nll: mean(nll), kl: mean(kl), mse: mean(mse), accuracy: mean(acc) };
}

/** Trains `model` on train, evaluating on valid after each epoch (as the tutorial prints). */
export function trainNri(model: Nri, train: SpringsSplit, valid: SpringsSplit | null, opts?: NriTrainOptions): NriEpochMetrics[] {
  const o = checkOptions(opts, 'trainNri options', ['epochs', 'batchSize', 'lr', 'tau', 'hard', 'variance', 'shuffle', 'device', 'onStep', 'onEpoch']);
  const epochs = checkInt(o.epochs ?? 10, 'epochs', 1);
  const batchSize = checkInt(o.batchSize ?? 128, 'batchSize', 1);
  const lr = checkNumber(o.lr ?? 5e-4, 'lr', { finite: true, positive: true });
  const tau = checkNumber(o.tau ?? 0.5, 'tau', { finite: true, positive: true });
  const hard = checkBool(o.hard ?? false, 'hard');
  const shuffle = checkBool(o.shuffle ?? false, 'shuffle');
  const opt = new Adam(model.parameters(), { lr });
  const n = train.features.size(0);
  const steps = Math.ceil(n / batchSize);
  const history: NriEpochMetrics[] = [];
  model.train();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = Date.now();
    const seen: NriStepMetrics[] = [];
    const order = shuffle ? randperm(n, { dtype: 'int64' }) : arange(0, n, 1, { dtype: 'int64' });
    try {
      for (let s = 0; s < steps; s++) {
        const m = scope((): NriStepMetrics => {
          const idx = order.narrow(0, s * batchSize, Math.min(batchSize, n - s * batchSize));
          const { data, relations } = batchOf(train, idx, o.device);
          opt.zeroGrad();
          const out = model.forward(data, { tau, hard, variance: o.variance });
          out.loss.backward();
          opt.step();
          const mse = noGrad(() => out.output.sub(data.narrow(2, 1, data.size(2) - 1)).pow(2).mean().item() as number);
          return { loss: out.loss.item() as number, nll: out.nll.item() as number, kl: out.kl.item() as number, mse, accuracy: edgeAccuracy(out.logits, relations) };
        });
        seen.push(m);
        o.onStep?.(epoch, s + 1, steps, m);
      }
    } finally {
      order.dispose();
    }
    const trainMetrics = { nll: mean(seen.map((m) => m.nll)), kl: mean(seen.map((m) => m.kl)), mse: mean(seen.map((m) => m.mse)), accuracy: mean(seen.map((m) => m.accuracy)) };
    const validMetrics = valid ? evaluateNri(model, valid, { batchSize, tau, variance: o.variance, device: o.device }) : null;
    const record = { epoch, train: trainMetrics, valid: validMetrics, seconds: (Date.now() - t0) / 1000 };
    history.push(record);
    if (o.onEpoch?.(record) === false) break;
  }
  return history;
}
