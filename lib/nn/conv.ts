// nn.Conv1d/Conv2d and nn.ConvTranspose1d/2d with PyTorch's parameters, initialisation (kaiming_uniform_
// with a = sqrt(5), then the bias, drawn in PyTorch's order) and state-dict keys, over the op table's
// convolutions. Padding modes other than 'zeros' pad with F.pad first, and padding 'same' pads as
// PyTorch's module does (ATen's _convolution_same for 'zeros'), so outputs are PyTorch's.
import { checkBool, checkInt, checkOptions, describe } from '../check';
import { empty } from '../creation';
import { conv1d, conv2d, convTranspose1d, convTranspose2d, pad } from '../functions';
import { checkTensor, type Tensor, type TensorOptions } from '../tensor';
import { resetLinearLike } from './default-init';
import { checkInputDtype } from './input-dtype';
import { Module } from './module';

/** One size per spatial dim, or one for all of them (PyTorch's _single/_pair). */
export type Size = number | readonly number[];

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

interface ConvCommon extends Pick<TensorOptions, 'dtype' | 'device'> {
  stride?: Size;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
}
export interface ConvOptions extends ConvCommon {
  /** Implicit padding per side, or 'same' (output as large as the input; stride 1 only) or 'valid' (none). */
  padding?: Size | 'same' | 'valid';
  /** How the padding is filled; default 'zeros'. */
  paddingMode?: PaddingMode;
}
export interface ConvTransposeOptions extends ConvCommon {
  padding?: Size;
  outputPadding?: Size;
  /** Only 'zeros', as PyTorch's. */
  paddingMode?: 'zeros';
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
  readonly paddingMode: PaddingMode;
  /** 'same' or 'valid' when padding was given so (padding then holds the left pads). */
  readonly paddingString: 'same' | 'valid' | null;
  /** F.pad's list (last dim first, left then right): what padding modes other than 'zeros' pad by. */
  readonly reversedPaddingRepeatedTwice: number[];
  protected abstract readonly spatial: number;

  constructor(kind: string, spatial: number, transposed: boolean, inChannels: number, outChannels: number, kernelSize: Size, opts: ConvOptions & { outputPadding?: Size } = {}) {
    super();
    const allowed = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'dtype', 'device', ...(transposed ? ['outputPadding' as const] : [])] as const;
    const o = checkOptions(opts, `${kind} options`, allowed);
    this.inChannels = checkInt(inChannels, 'inChannels', 1);
    this.outChannels = checkInt(outChannels, 'outChannels', 1);
    this.kernelSize = sizes(kernelSize, spatial, 'kernelSize', 1);
    this.stride = sizes(o.stride ?? 1, spatial, 'stride', 1);
    this.dilation = sizes(o.dilation ?? 1, spatial, 'dilation', 1);
    const mode = o.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(mode)) throw new TypeError(`${kind}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mode)}`);
    if (transposed && mode !== 'zeros') throw new TypeError(`${kind}: only 'zeros' paddingMode is supported, got '${mode}'`);
    this.paddingMode = mode;
    const p = o.padding ?? 0;
    if (typeof p === 'string') {
      if (transposed || (p !== 'same' && p !== 'valid')) throw new TypeError(`${kind}: padding must be ${transposed ? 'an integer or integers' : "an integer, integers, 'same' or 'valid'"}, got '${p}'`);
      if (p === 'same' && this.stride.some((s) => s !== 1)) throw new RangeError(`${kind}: padding='same' is not supported for strided convolutions (stride [${this.stride}])`);
      this.paddingString = p;
      // As PyTorch's module: 'same' pads dilation * (kernel - 1) in all, the odd one on the right.
      const total = this.kernelSize.map((k, i) => (p === 'same' ? this.dilation[i] * (k - 1) : 0));
      this.padding = total.map((t) => Math.floor(t / 2));
      this.reversedPaddingRepeatedTwice = reversePairs(total.flatMap((t, i) => [this.padding[i], t - this.padding[i]]));
    } else {
      this.paddingString = null;
      this.padding = sizes(p, spatial, 'padding', 0);
      this.reversedPaddingRepeatedTwice = reversePairs(this.padding.flatMap((x) => [x, x]));
    }
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
    checkTensor(x, 'input');
    const n = this.spatial;
    if (x.ndim !== n + 1 && x.ndim !== n + 2) throw new RangeError(`${this.constructor.name}: expected a ${n + 1}-D or ${n + 2}-D input, got shape [${x.shape}]`);
    const c = x.size(x.ndim - n - 1);
    if (c !== this.inChannels) throw new RangeError(`${this.constructor.name}(${this.inChannels}, ${this.outChannels}): input has ${c} channels (shape [${x.shape}])`);
    checkInputDtype(x, `${this.constructor.name}(${this.inChannels}, ${this.outChannels})`, this.weight);
  }

  /**
   * The input padded as PyTorch's module pads it, and the padding left for the convolution itself:
   * modes other than 'zeros' pad everything with F.pad; 'zeros' with an uneven 'same' pads the extra
   * right-hand zeros first (ATen's _convolution_same); otherwise the convolution pads.
   */
  protected padded(x: Tensor): { input: Tensor; padding: number[] } {
    const zero = this.padding.map(() => 0);
    if (this.paddingMode !== 'zeros') return { input: pad(x, this.reversedPaddingRepeatedTwice, this.paddingMode), padding: zero };
    const r = this.reversedPaddingRepeatedTwice;
    const extra = r.map((v, i) => (i % 2 === 1 ? v - r[i - 1] : 0));
    if (extra.every((v) => v === 0)) return { input: x, padding: this.padding };
    return { input: pad(x, extra, 'constant', 0), padding: this.padding };
  }
}

/** [a0, b0, a1, b1, ...] per dim, first dim first, to F.pad's order (last dim first). */
function reversePairs(v: number[]): number[] {
  const out: number[] = [];
  for (let i = v.length - 2; i >= 0; i -= 2) out.push(v[i], v[i + 1]);
  return out;
}

export class Conv1d extends ConvNd {
  protected readonly spatial = 1;
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super('Conv1d', 1, false, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const { input, padding } = this.padded(x);
    return conv1d(input, this.weight, this.bias, this.stride, padding, this.dilation, this.groups);
  }
}

export class Conv2d extends ConvNd {
  protected readonly spatial = 2;
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super('Conv2d', 2, false, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const { input, padding } = this.padded(x);
    return conv2d(input, this.weight, this.bias, this.stride, padding, this.dilation, this.groups);
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
