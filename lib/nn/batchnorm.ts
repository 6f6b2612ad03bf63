// nn.BatchNorm1d/2d with PyTorch's semantics: batch statistics in training (biased variance to
// normalise, unbiased for the running estimate), running statistics in eval, momentum or (null) a
// cumulative average, numBatchesTracked, and PyTorch's state-dict keys. The arithmetic is ATen's
// batch_norm (the op table's batchNorm), which updates the running statistics in place as PyTorch does.
import { checkBool, checkInt, checkNumber, checkOptions } from '../check';
import { ones, scalarTensor, zeros } from '../creation';
import { batchNorm } from '../functions';
import { noGrad } from '../runtime';
import { checkTensor, type Tensor, type TensorOptions } from '../tensor';
import { checkInputDtype } from './input-dtype';
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

/** The shared part of BatchNorm1d/2d: parameters, buffers, and the forward over ATen's batch_norm. */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** The input ranks this module accepts, and how they read in messages. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(numFeatures: number, opts: BatchNormOptions | undefined, kind: string) {
    super();
    const o = checkOptions(opts, `${kind} options`, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype', 'device']);
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

  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    const name = `${this.constructor.name}(${this.numFeatures})`;
    if (!this.ranks.includes(x.ndim)) throw new RangeError(`${name}: expected a ${this.ranks.join('-D or ')}-D input ${this.layout}, got shape [${x.shape}]`);
    if (x.size(1) !== this.numFeatures) throw new RangeError(`${name}: input has ${x.size(1)} channels (shape [${x.shape}])`);
    checkInputDtype(x, name, this.weight ?? this.runningMean);
    if (this.training && x.numel() / this.numFeatures <= 1) throw new RangeError(`${name}: expected more than 1 value per channel when training, got input of shape [${x.shape}]`);
    // As PyTorch: batch statistics in training or without running statistics; the momentum of a
    // cumulative average is 1 / batches seen. The counter moves only once the batch went through.
    const tracked = this.training && this.trackRunningStats ? (this.numBatchesTracked as Tensor) : null;
    const momentum = this.momentum ?? (tracked ? 1 / (Number(tracked.item()) + 1) : 0);
    const useBatch = this.training || !this.trackRunningStats;
    const y = batchNorm(x, this.runningMean ?? null, this.runningVar ?? null, this.weight ?? null, this.bias ?? null, useBatch, momentum, this.eps);
    if (tracked) noGrad(() => tracked.add_(1));
    return y;
  }
}

export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = '[N, C(, L)]';
  constructor(numFeatures: number, opts?: BatchNormOptions) {
    super(numFeatures, opts, 'BatchNorm1d');
  }
}

export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = '[N, C, H, W]';
  constructor(numFeatures: number, opts?: BatchNormOptions) {
    super(numFeatures, opts, 'BatchNorm2d');
  }
}
