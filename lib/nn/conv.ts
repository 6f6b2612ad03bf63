// nn.Conv1d/Conv2d and nn.ConvTranspose1d/2d with PyTorch's parameters, initialisation (kaiming_uniform_
// with a = sqrt(5), then the bias, drawn in PyTorch's order) and state-dict keys, over the op table's
// convolutions.
import { checkBool, checkInt, checkOptions } from '../check';
import { empty } from '../creation';
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../functions';
import type { Tensor, TensorOptions } from '../tensor';
import { resetLinearLike } from './default-init';
import { Module } from './module';

/** One size per spatial dim, or one for all of them (PyTorch's _single/_pair). */
export type Size = number | readonly number[];

export interface ConvOptions extends Pick<TensorOptions, 'dtype' | 'device'> {
  stride?: Size;
  padding?: Size;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
}
export interface ConvTransposeOptions extends ConvOptions {
  outputPadding?: Size;
}

/** A size argument as one non-negative (or positive) integer per spatial dim. */
export function sizes(v: Size, n: number, name: string, min: number): number[] {
  const list = typeof v === 'number' ? Array.from({ length: n }, () => v) : Array.isArray(v) ? [...v] : null;
  if (list === null || list.length !== n) throw new TypeError(`${name} must be an integer or ${n} integers, got ${JSON.stringify(v)}`);
  return list.map((x, i) => checkInt(x, `${name}[${i}]`, min));
}

abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly outputPadding: number[];
  readonly groups: number;
  readonly hasBias: boolean;
  protected abstract readonly spatial: number;

  constructor(kind: string, spatial: number, transposed: boolean, inChannels: number, outChannels: number, kernelSize: Size, opts: ConvTransposeOptions = {}) {
    super();
    const allowed = ['stride', 'padding', 'dilation', 'groups', 'bias', 'dtype', 'device', ...(transposed ? ['outputPadding' as const] : [])] as const;
    const o = checkOptions(opts, `${kind} options`, allowed);
    this.inChannels = checkInt(inChannels, 'inChannels', 1);
    this.outChannels = checkInt(outChannels, 'outChannels', 1);
    this.kernelSize = sizes(kernelSize, spatial, 'kernelSize', 1);
    this.stride = sizes(o.stride ?? 1, spatial, 'stride', 1);
    this.padding = sizes(o.padding ?? 0, spatial, 'padding', 0);
    this.dilation = sizes(o.dilation ?? 1, spatial, 'dilation', 1);
    this.outputPadding = sizes(o.outputPadding ?? 0, spatial, 'outputPadding', 0);
    this.groups = checkInt(o.groups ?? 1, 'groups', 1);
    if (this.inChannels % this.groups !== 0) throw new RangeError(`${kind}: inChannels (${this.inChannels}) must be divisible by groups (${this.groups})`);
    if (this.outChannels % this.groups !== 0) throw new RangeError(`${kind}: outChannels (${this.outChannels}) must be divisible by groups (${this.groups})`);
    this.hasBias = checkBool(o.bias ?? true, 'bias');
    const t = { dtype: o.dtype, device: o.device };
    const shape = transposed ? [this.inChannels, this.outChannels / this.groups, ...this.kernelSize] : [this.outChannels, this.inChannels / this.groups, ...this.kernelSize];
    this.registerParameter('weight', empty(shape, t));
    if (this.hasBias) this.registerParameter('bias', empty([this.outChannels], t));
    this.resetParameters();
  }

  /** PyTorch's default: kaiming_uniform_(weight, a=sqrt(5)), then the bias (fanIn: weight.size(1) x kernel). */
  resetParameters(): void {
    resetLinearLike(this.weight, this.bias, this.weight.size(1) * this.kernelSize.reduce((x, y) => x * y, 1));
  }

  get weight(): Tensor {
    return this.param('weight');
  }
  get bias(): Tensor | undefined {
    return this.hasBias ? this.param('bias') : undefined;
  }

  /** The input's rank is checked here so the error names the module, not ATen's kernel. */
  protected checkInput(x: Tensor): void {
    const n = this.spatial;
    if (x.ndim !== n + 1 && x.ndim !== n + 2) throw new RangeError(`${this.constructor.name}: expected a ${n + 1}-D or ${n + 2}-D input, got shape [${x.shape}]`);
    const c = x.size(x.ndim - n - 1);
    if (c !== this.inChannels) throw new RangeError(`${this.constructor.name}(${this.inChannels}, ${this.outChannels}): input has ${c} channels (shape [${x.shape}])`);
  }
}

export class Conv1d extends ConvNd {
  protected readonly spatial = 1;
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super('Conv1d', 1, false, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return conv1d(x, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

export class Conv2d extends ConvNd {
  protected readonly spatial = 2;
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super('Conv2d', 2, false, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return conv2d(x, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

export class ConvTranspose1d extends ConvNd {
  protected readonly spatial = 1;
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvTransposeOptions) {
    super('ConvTranspose1d', 1, true, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return convTranspose1d(x, this.weight, this.bias, this.stride, this.padding, this.outputPadding, this.groups, this.dilation);
  }
}

export class ConvTranspose2d extends ConvNd {
  protected readonly spatial = 2;
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvTransposeOptions) {
    super('ConvTranspose2d', 2, true, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return convTranspose2d(x, this.weight, this.bias, this.stride, this.padding, this.outputPadding, this.groups, this.dilation);
  }
}
