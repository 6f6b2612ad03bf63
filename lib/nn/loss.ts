// Loss modules (nn.MSELoss, nn.CrossEntropyLoss, ...) over the op table's loss functions, with PyTorch's
// constructor options and defaults. A class weight or posWeight is a buffer under PyTorch's key
// ('weight', 'pos_weight'), so it moves with to() and is in the state dict, as in PyTorch.
import { checkBool, checkInt, checkNumber, checkOptions, describe } from '../check';
import { binaryCrossEntropy } from '../functional';
import { binaryCrossEntropyWithLogits, crossEntropy, gaussianNllLoss, huberLoss, klDiv, l1Loss, mseLoss, nllLoss, smoothL1Loss } from '../functions';
import { checkTensor, type Reduction, type Tensor } from '../tensor';
import { Module } from './module';

export type KLDivReduction = Reduction | 'batchmean';

function checkReduction<R extends string>(v: unknown, owner: string, allowed: readonly R[]): R {
  if (!(allowed as readonly unknown[]).includes(v)) throw new TypeError(`${owner}: reduction must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(v)}`);
  return v as R;
}
const REDUCTIONS = ['none', 'mean', 'sum'] as const;

/** The shared part: a checked reduction, set when the module is made (PyTorch's _Loss). */
abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(name: string, reduction: unknown) {
    super();
    this.reduction = checkReduction(reduction ?? 'mean', name, REDUCTIONS);
  }
}

/** PyTorch's _WeightedLoss: an optional per-class (or per-element) weight, kept as a buffer. */
abstract class WeightedLoss extends Loss {
  readonly #hasWeight: boolean;
  constructor(name: string, weight: Tensor | undefined, reduction: unknown) {
    super(name, reduction);
    this.#hasWeight = weight !== undefined;
    if (weight !== undefined) this.registerBuffer('weight', checkTensor(weight, `${name}: weight`));
  }
  get weight(): Tensor | undefined {
    return this.#hasWeight ? this.buffer('weight') : undefined;
  }
}

export class MSELoss extends Loss {
  constructor(opts?: { reduction?: Reduction }) {
    super('MSELoss', checkOptions(opts, 'MSELoss options', ['reduction']).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends Loss {
  constructor(opts?: { reduction?: Reduction }) {
    super('L1Loss', checkOptions(opts, 'L1Loss options', ['reduction']).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(opts?: { reduction?: Reduction; beta?: number }) {
    const o = checkOptions(opts, 'SmoothL1Loss options', ['reduction', 'beta']);
    super('SmoothL1Loss', o.reduction);
    this.beta = checkNumber(o.beta ?? 1, 'beta', { finite: true });
    if (this.beta < 0) throw new RangeError(`SmoothL1Loss: beta must be >= 0, got ${this.beta}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(opts?: { reduction?: Reduction; delta?: number }) {
    const o = checkOptions(opts, 'HuberLoss options', ['reduction', 'delta']);
    super('HuberLoss', o.reduction);
    this.delta = checkNumber(o.delta ?? 1, 'delta', { finite: true, positive: true });
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.reduction, this.delta);
  }
}

export interface CrossEntropyLossOptions {
  weight?: Tensor;
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
}
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts?: CrossEntropyLossOptions) {
    const o = checkOptions(opts, 'CrossEntropyLoss options', ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
    super('CrossEntropyLoss', o.weight, o.reduction);
    this.ignoreIndex = checkInt(o.ignoreIndex ?? -100, 'ignoreIndex');
    this.labelSmoothing = checkNumber(o.labelSmoothing ?? 0, 'labelSmoothing');
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new RangeError(`CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
  }
  /** target: class indices (int64) or class probabilities (input's shape). */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.weight ?? null, { ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(opts?: { weight?: Tensor; ignoreIndex?: number; reduction?: Reduction }) {
    const o = checkOptions(opts, 'NLLLoss options', ['weight', 'ignoreIndex', 'reduction']);
    super('NLLLoss', o.weight, o.reduction);
    this.ignoreIndex = checkInt(o.ignoreIndex ?? -100, 'ignoreIndex');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.weight ?? null, { ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export class BCELoss extends WeightedLoss {
  constructor(opts?: { weight?: Tensor; reduction?: Reduction }) {
    const o = checkOptions(opts, 'BCELoss options', ['weight', 'reduction']);
    super('BCELoss', o.weight, o.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  readonly #hasPosWeight: boolean;
  constructor(opts?: { weight?: Tensor; reduction?: Reduction; posWeight?: Tensor }) {
    const o = checkOptions(opts, 'BCEWithLogitsLoss options', ['weight', 'reduction', 'posWeight']);
    super('BCEWithLogitsLoss', o.weight, o.reduction);
    this.#hasPosWeight = o.posWeight !== undefined;
    if (o.posWeight !== undefined) this.registerBuffer('pos_weight', checkTensor(o.posWeight, 'BCEWithLogitsLoss: posWeight'));
  }
  get posWeight(): Tensor | undefined {
    return this.#hasPosWeight ? this.buffer('pos_weight') : undefined;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.weight ?? null, { reduction: this.reduction, posWeight: this.posWeight ?? null });
  }
}

export class KLDivLoss extends Module {
  readonly reduction: KLDivReduction;
  readonly logTarget: boolean;
  constructor(opts?: { reduction?: KLDivReduction; logTarget?: boolean }) {
    super();
    const o = checkOptions(opts, 'KLDivLoss options', ['reduction', 'logTarget']);
    this.reduction = checkReduction(o.reduction ?? 'mean', 'KLDivLoss', [...REDUCTIONS, 'batchmean'] as const);
    this.logTarget = checkBool(o.logTarget ?? false, 'logTarget');
  }
  /** input: log-probabilities; target: probabilities (log-probabilities with logTarget). */
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export class GaussianNLLLoss extends Loss {
  readonly full: boolean;
  readonly eps: number;
  constructor(opts?: { full?: boolean; eps?: number; reduction?: Reduction }) {
    const o = checkOptions(opts, 'GaussianNLLLoss options', ['full', 'eps', 'reduction']);
    super('GaussianNLLLoss', o.reduction);
    this.full = checkBool(o.full ?? false, 'full');
    this.eps = checkNumber(o.eps ?? 1e-6, 'eps', { finite: true, positive: true });
  }
  /** var: the predicted variances (input's shape, or one per row: without, or with 1 as, the last dim). */
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllLoss(input, target, variance, this.full, this.eps, this.reduction);
  }
}
