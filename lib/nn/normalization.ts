// nn.LayerNorm and nn.GroupNorm with PyTorch's parameters (weight ones, bias zeros), defaults and
// state-dict keys, over ATen's layer_norm and group_norm (the op table's layerNorm, groupNorm).
import { checkBool, checkInt, checkNumber, checkOptions } from '../check';
import { ones, zeros } from '../creation';
import { groupNorm, layerNorm } from '../functions';
import { checkTensor, type Tensor, type TensorOptions } from '../tensor';
import { checkInputDtype } from './input-dtype';
import { Module } from './module';

export interface LayerNormOptions extends Pick<TensorOptions, 'dtype' | 'device'> {
  /** Added to the variance; default 1e-5. */
  eps?: number;
  /** Learnable per-element weight and bias of normalizedShape; default true. */
  elementwiseAffine?: boolean;
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  /** normalizedShape: the trailing dims to normalise over (one integer means the last dim). */
  constructor(normalizedShape: number | readonly number[], opts?: LayerNormOptions) {
    super();
    const o = checkOptions(opts, 'LayerNorm options', ['eps', 'elementwiseAffine', 'dtype', 'device']);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? [...(normalizedShape as number[])] : null;
    if (shape === null || shape.length === 0) throw new TypeError(`LayerNorm: normalizedShape must be an integer or a non-empty array of integers, got ${JSON.stringify(normalizedShape)}`);
    this.normalizedShape = shape.map((s, i) => checkInt(s, `normalizedShape[${i}]`, 1));
    this.eps = checkNumber(o.eps ?? 1e-5, 'eps', { finite: true, positive: true });
    this.elementwiseAffine = checkBool(o.elementwiseAffine ?? true, 'elementwiseAffine');
    if (this.elementwiseAffine) {
      const t = { dtype: o.dtype, device: o.device };
      this.registerParameter('weight', ones(this.normalizedShape, t));
      this.registerParameter('bias', zeros(this.normalizedShape, t));
    }
  }
  get weight(): Tensor | undefined {
    return this.elementwiseAffine ? this.param('weight') : undefined;
  }
  get bias(): Tensor | undefined {
    return this.elementwiseAffine ? this.param('bias') : undefined;
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    const n = this.normalizedShape;
    const tail = x.shape.slice(x.ndim - n.length);
    if (x.ndim < n.length || tail.some((s, i) => s !== n[i])) throw new RangeError(`LayerNorm([${n}]): input shape [${x.shape}] does not end with [${n}]`);
    checkInputDtype(x, `LayerNorm([${n}])`, this.weight);
    return layerNorm(x, n, this.weight ?? null, this.bias ?? null, this.eps);
  }
}

export interface GroupNormOptions extends Pick<TensorOptions, 'dtype' | 'device'> {
  /** Added to the variance; default 1e-5. */
  eps?: number;
  /** Learnable per-channel weight and bias; default true. */
  affine?: boolean;
}

export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;

  constructor(numGroups: number, numChannels: number, opts?: GroupNormOptions) {
    super();
    const o = checkOptions(opts, 'GroupNorm options', ['eps', 'affine', 'dtype', 'device']);
    this.numGroups = checkInt(numGroups, 'numGroups', 1);
    this.numChannels = checkInt(numChannels, 'numChannels', 1);
    if (this.numChannels % this.numGroups !== 0) throw new RangeError(`GroupNorm: numChannels (${this.numChannels}) must be divisible by numGroups (${this.numGroups})`);
    this.eps = checkNumber(o.eps ?? 1e-5, 'eps', { finite: true, positive: true });
    this.affine = checkBool(o.affine ?? true, 'affine');
    if (this.affine) {
      const t = { dtype: o.dtype, device: o.device };
      this.registerParameter('weight', ones([this.numChannels], t));
      this.registerParameter('bias', zeros([this.numChannels], t));
    }
  }
  get weight(): Tensor | undefined {
    return this.affine ? this.param('weight') : undefined;
  }
  get bias(): Tensor | undefined {
    return this.affine ? this.param('bias') : undefined;
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    const name = `GroupNorm(${this.numGroups}, ${this.numChannels})`;
    if (x.ndim < 2) throw new RangeError(`${name}: expected an input of shape [N, C, *], got shape [${x.shape}]`);
    if (x.size(1) !== this.numChannels) throw new RangeError(`${name}: input has ${x.size(1)} channels (shape [${x.shape}])`);
    checkInputDtype(x, name, this.weight);
    return groupNorm(x, this.numGroups, this.weight ?? null, this.bias ?? null, this.eps);
  }
}
