// nn.init: in-place initialisers drawing from LibTorch's generator in PyTorch's order, so that a seeded
// model starts from PyTorch's numbers.
import { checkNumber, checkOptions, describe } from '../check';
import { empty, tensor } from '../creation';
import { noGrad } from '../runtime';
import { scope } from '../scope';
import { checkTensor, fromHandle, opRaw, type Tensor } from '../tensor';

/** PyTorch's _calculate_fan_in_and_fan_out. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new RangeError(`fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${t.shape}])`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.size(1) * receptive, fanOut: t.size(0) * receptive };
}

/** xavier_normal_: N(0, gain^2 * 2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  checkTensor(t, 'tensor');
  checkNumber(gain, 'gain', { finite: true });
  const { fanIn, fanOut } = fans(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => t.normal_(0, std));
}

/** xavier_uniform_: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  checkTensor(t, 'tensor');
  checkNumber(gain, 'gain', { finite: true });
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(3.0) * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => t.uniform_(-a, a));
}

export function constant_(t: Tensor, value: number): Tensor {
  checkTensor(t, 'tensor');
  return noGrad(() => t.fill_(checkNumber(value, 'value')));
}
export const zeros_ = (t: Tensor): Tensor => noGrad(() => checkTensor(t, 'tensor').zero_());
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => checkTensor(t, 'tensor').normal_(mean, std));
}
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => checkTensor(t, 'tensor').uniform_(a, b));
}

/** The nonlinearities calculateGain knows (PyTorch's snake_case names are accepted too: 'leaky_relu'). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu';
const LINEAR = ['linear', 'conv1d', 'conv2d', 'conv3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'sigmoid'];
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** calculate_gain: the recommended gain for a nonlinearity (param: leakyRelu's negative slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const n = typeof nonlinearity === 'string' ? camel(nonlinearity) : nonlinearity;
  if (LINEAR.includes(n as string)) return 1;
  if (n === 'tanh') return 5.0 / 3;
  if (n === 'relu') return Math.sqrt(2.0);
  if (n === 'leakyRelu') {
    const slope = param === undefined ? 0.01 : checkNumber(param, 'param', { finite: true });
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (n === 'selu') return 3.0 / 4;
  throw new TypeError(`calculateGain: unsupported nonlinearity ${describe(nonlinearity)}; supported: ${[...LINEAR, 'tanh', 'relu', 'leakyRelu', 'selu'].join(', ')}`);
}

export type FanMode = 'fanIn' | 'fanOut';
export interface KaimingOptions {
  /** leakyRelu's negative slope (default 0). */
  a?: number;
  /** 'fanIn' (default) keeps the forward pass's variance, 'fanOut' the backward's. PyTorch's 'fan_in' is accepted too. */
  mode?: FanMode;
  /** default 'leakyRelu', as PyTorch's. */
  nonlinearity?: Nonlinearity;
}
/** The std of kaiming_*_ for a tensor, or undefined for an empty one (a no-op, as PyTorch's, with its warning). */
function kaimingStd(t: Tensor, opts: KaimingOptions | undefined, name: string): number | undefined {
  checkTensor(t, 'tensor');
  const o = checkOptions(opts, `${name} options`, ['a', 'mode', 'nonlinearity']);
  const a = checkNumber(o.a ?? 0, 'a', { finite: true });
  const mode: unknown = typeof o.mode === 'string' ? camel(o.mode) : (o.mode ?? 'fanIn');
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new TypeError(`${name}: mode must be 'fanIn' or 'fanOut', got ${describe(o.mode)}`);
  const gain = calculateGain(o.nonlinearity ?? 'leakyRelu', a);
  if (t.numel() === 0) {
    process.emitWarning('Initializing zero-element tensors is a no-op', 'UserWarning');
    return undefined;
  }
  const f = fans(t);
  return gain / Math.sqrt(mode === 'fanIn' ? f.fanIn : f.fanOut);
}

/** kaiming_uniform_: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform_(t: Tensor, opts?: KaimingOptions): Tensor {
  const std = kaimingStd(t, opts, 'kaimingUniform_');
  if (std === undefined) return t;
  const bound = Math.sqrt(3.0) * std;
  return noGrad(() => t.uniform_(-bound, bound));
}

/** kaiming_normal_: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, opts?: KaimingOptions): Tensor {
  const std = kaimingStd(t, opts, 'kaimingNormal_');
  if (std === undefined) return t;
  return noGrad(() => t.normal_(0, std));
}

/**
 * orthogonal_: a (semi-)orthogonal matrix from the QR decomposition of a normal draw, its signs fixed by
 * R's diagonal, times gain; PyTorch's steps and draws (the QR goes through LAPACK: equal to rounding).
 */
export function orthogonal_(t: Tensor, gain = 1): Tensor {
  checkTensor(t, 'tensor');
  checkNumber(gain, 'gain', { finite: true });
  if (t.ndim < 2) throw new RangeError(`orthogonal_: only tensors with 2 or more dimensions are supported, got shape [${t.shape}]`);
  if (t.numel() === 0) return t;
  const rows = t.size(0);
  const cols = t.numel() / rows;
  scope(() =>
    noGrad(() => {
      let flat = empty([rows, cols], { dtype: t.dtype, device: t.device }).normal_(0, 1);
      if (rows < cols) flat = flat.t();
      const [qh, rh] = opRaw('linalgQr', flat, 'reduced');
      let q = fromHandle(qh);
      const r = fromHandle(rh);
      q = q.mul(r.diag(0).sign());
      if (rows < cols) q = q.t();
      t.viewAs(q).copy_(q);
      t.mul_(gain);
    }),
  );
  return t;
}

/**
 * trunc_normal_: N(mean, std^2) truncated to [a, b], by PyTorch's inverse-CDF method (one uniform draw per
 * element, so the same draws as PyTorch's for the same seed).
 */
export function truncNormal_(t: Tensor, opts?: { mean?: number; std?: number; a?: number; b?: number }): Tensor {
  checkTensor(t, 'tensor');
  const o = checkOptions(opts, 'truncNormal_ options', ['mean', 'std', 'a', 'b']);
  const mean = checkNumber(o.mean ?? 0, 'mean', { finite: true });
  const std = checkNumber(o.std ?? 1, 'std', { finite: true, positive: true });
  const a = checkNumber(o.a ?? -2, 'a');
  const b = checkNumber(o.b ?? 2, 'b');
  if (!(a < b)) throw new RangeError(`truncNormal_: a (${a}) must be less than b (${b})`);
  if (mean < a - 2 * std || mean > b + 2 * std)
    process.emitWarning('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.', 'UserWarning');
  // Python's math.erf in double precision, through LibTorch's float64 erf (JS has no erf).
  const normCdf = (x: number): number => scope(() => (1 + tensor([x / Math.sqrt(2)], { dtype: 'float64' }).erf().item()) / 2);
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  scope(() =>
    noGrad(() => {
      t.uniform_(2 * l - 1, 2 * u - 1);
      t.erfinv_();
      t.mul_(std * Math.sqrt(2));
      t.add_(mean);
      t.copy_(t.clamp(a, b)); // clamp_'s values
    }),
  );
  return t;
}
