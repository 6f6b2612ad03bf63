// nn.Identity, nn.Flatten (startDim 1, endDim -1 by default, keeping the batch dim) and nn.Unflatten.
import { checkDim, checkInt, describe } from '../check';
import { checkTensor, type Tensor } from '../tensor';
import { Module } from './module';

/** Returns its input; constructor arguments are accepted and ignored, as PyTorch's. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return checkTensor(x, 'input');
  }
}

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = checkInt(startDim, 'startDim');
    this.endDim = checkInt(endDim, 'endDim');
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    const s = checkDim(this.startDim, x.ndim, `Flatten: startDim`);
    const e = checkDim(this.endDim, x.ndim, `Flatten: endDim`);
    if (x.ndim > 0 && s > e) throw new RangeError(`Flatten: startDim (${this.startDim}) comes after endDim (${this.endDim}) for an input of shape [${x.shape}]`);
    return x.flatten(this.startDim, this.endDim);
  }
}

export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: number[];
  /** Splits dim into unflattenedSize (one entry may be -1, inferred). */
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = checkInt(dim, 'dim');
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0) throw new TypeError(`Unflatten: unflattenedSize must be a non-empty array of integers, got ${describe(unflattenedSize)}`);
    this.unflattenedSize = unflattenedSize.map((s, i) => checkInt(s, `unflattenedSize[${i}]`, -1));
    if (this.unflattenedSize.filter((s) => s === -1).length > 1) throw new RangeError(`Unflatten: only one entry of unflattenedSize can be -1, got [${this.unflattenedSize}]`);
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    const d = checkDim(this.dim, x.ndim, 'Unflatten: dim');
    const n = x.size(d);
    const known = this.unflattenedSize.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const sizes = this.unflattenedSize.map((s) => (s === -1 ? (known === 0 ? 0 : n / known) : s));
    if (sizes.some((s) => !Number.isInteger(s)) || sizes.reduce((a, b) => a * b, 1) !== n)
      throw new RangeError(`Unflatten: unflattenedSize [${this.unflattenedSize}] does not multiply to the size of dim ${this.dim} (${n}) of input shape [${x.shape}]`);
    return x.reshape([...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }
}
