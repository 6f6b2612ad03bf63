// nn.BatchNorm1d with PyTorch's semantics: batch statistics in training (biased variance to normalise,
// unbiased for the running estimate), running statistics in eval, momentum or (null) a cumulative
// average, numBatchesTracked, and PyTorch's state-dict keys. Composed of tensor ops, so autograd and
// every device come from LibTorch.
import { checkBool, checkInt, checkNumber, checkOptions } from '../check';
import { ones, scalarTensor, zeros } from '../creation';
import { noGrad } from '../runtime';
import { scope } from '../scope';
import type { Tensor, TensorOptions } from '../tensor';
import { Module } from './module';

export interface BatchNormOptions extends Pick<TensorOptions, 'dtype' | 'device'> {
  /** Added to the variance; default 1e-5. */
  eps?: number;
  /** Weight of the new batch in the running statistics; null: a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learnable weight and bias; default true. */
  affine?: boolean;
  /** Keep running statistics (used in eval); default true. */
  trackRunningStats?: boolean;
}

export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, opts?: BatchNormOptions) {
    super();
    const o = checkOptions(opts, 'BatchNorm1d options', ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype', 'device']);
    this.numFeatures = checkInt(numFeatures, 'numFeatures', 1);
    this.eps = checkNumber(o.eps ?? 1e-5, 'eps', { finite: true, positive: true });
    this.momentum = o.momentum === null ? null : checkNumber(o.momentum ?? 0.1, 'momentum', { finite: true });
    if (this.momentum !== null && (this.momentum < 0 || this.momentum > 1)) throw new RangeError(`momentum must be in [0, 1] or null, got ${this.momentum}`);
    this.affine = checkBool(o.affine ?? true, 'affine');
    this.trackRunningStats = checkBool(o.trackRunningStats ?? true, 'trackRunningStats');
    const t = { dtype: o.dtype, device: o.device };
    if (this.affine) {
      this.registerParameter('weight', ones([numFeatures], t));
      this.registerParameter('bias', zeros([numFeatures], t));
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], t));
      this.registerBuffer('running_var', ones([numFeatures], t));
      this.registerBuffer('num_batches_tracked', scalarTensor(0, { dtype: 'int64', device: o.device }));
    }
  }

  get weight(): Tensor | undefined {
    return this.affine ? this.param('weight') : undefined;
  }
  get bias(): Tensor | undefined {
    return this.affine ? this.param('bias') : undefined;
  }
  get runningMean(): Tensor | undefined {
    return this.trackRunningStats ? this.buffer('running_mean') : undefined;
  }
  get runningVar(): Tensor | undefined {
    return this.trackRunningStats ? this.buffer('running_var') : undefined;
  }
  get numBatchesTracked(): Tensor | undefined {
    return this.trackRunningStats ? this.buffer('num_batches_tracked') : undefined;
  }

  /** x: [N, C] or [N, C, L]. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`BatchNorm1d: expected a 2-D or 3-D input [N, C(, L)], got shape [${x.shape}]`);
    if (x.size(1) !== this.numFeatures) throw new RangeError(`BatchNorm1d(${this.numFeatures}): input has ${x.size(1)} channels (shape [${x.shape}])`);
    const dims = x.ndim === 2 ? [0] : [0, 2];
    const perChannel = x.ndim === 2 ? [1, this.numFeatures] : [1, this.numFeatures, 1];
    const useBatch = this.training || !this.trackRunningStats;
    return scope(() => {
      let mean: Tensor;
      let variance: Tensor;
      if (useBatch) {
        const count = dims.reduce((n, d) => n * x.size(d), 1);
        if (this.training && count <= 1) throw new RangeError(`BatchNorm1d: expected more than 1 value per channel when training, got input of shape [${x.shape}]`);
        mean = x.mean(dims, true);
        variance = x.sub(mean).pow(2).mean(dims, true);
        if (this.training && this.trackRunningStats) this.updateRunningStats(mean, variance, count);
      } else {
        mean = (this.runningMean as Tensor).view(perChannel);
        variance = (this.runningVar as Tensor).view(perChannel);
      }
      let y: Tensor = x.sub(mean).div(variance.add(this.eps).sqrt());
      if (this.affine) y = y.mul((this.weight as Tensor).view(perChannel)).add((this.bias as Tensor).view(perChannel));
      return y;
    });
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, count: number): void {
    noGrad(() =>
      scope(() => {
        const tracked = this.numBatchesTracked as Tensor;
        tracked.add_(1);
        const m = this.momentum ?? 1 / (tracked.item() as number);
        const unbiased = variance.detach().flatten().mul(count / (count - 1));
        (this.runningMean as Tensor).mul_(1 - m).add_(mean.detach().flatten(), m);
        (this.runningVar as Tensor).mul_(1 - m).add_(unbiased, m);
      }),
    );
  }
}
