// nn.Dropout and nn.Dropout2d: active in training, the identity in eval, as PyTorch's. The masks come
// from ATen's dropout/feature_dropout (bernoulli_ on the global generator), so a seed gives PyTorch's.
import { checkOptions, describe } from '../check';
import { dropout, dropout2d } from '../functions';
import { checkTensor, type Tensor } from '../tensor';
import { Module } from './module';

export interface DropoutOptions {
  /** Probability of zeroing an element (Dropout) or a channel (Dropout2d); default 0.5. */
  p?: number;
}

/** p as PyTorch's Dropout(p) or Dropout(p=...): a number, or { p }. */
function probability(arg: number | DropoutOptions | undefined, kind: string): number {
  const p = typeof arg === 'number' || arg === undefined ? (arg ?? 0.5) : checkOptions(arg, `${kind} options`, ['p']).p ?? 0.5;
  if (typeof p !== 'number' || Number.isNaN(p)) throw new TypeError(`${kind}: p must be a number, got ${describe(p)}`);
  if (p < 0 || p > 1) throw new RangeError(`${kind}: dropout probability has to be between 0 and 1, but got ${p}`);
  return p;
}

export class Dropout extends Module {
  readonly p: number;
  constructor(p?: number | DropoutOptions) {
    super();
    this.p = probability(p, 'Dropout');
  }
  forward(x: Tensor): Tensor {
    return dropout(checkTensor(x, 'input'), this.p, this.training);
  }
}

/** Zeroes whole channels of [N, C, H, W] (or [C, H, W]: treated as N, C, L as PyTorch 1.13 does). */
export class Dropout2d extends Module {
  readonly p: number;
  constructor(p?: number | DropoutOptions) {
    super();
    this.p = probability(p, 'Dropout2d');
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`Dropout2d: expected a 4-D input [N, C, H, W] (or 3-D), got shape [${x.shape}]`);
    return dropout2d(x, this.p, this.training);
  }
}
