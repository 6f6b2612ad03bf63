// The Gumbel-Softmax family: noise, relaxed and straight-through samplers, exact categorical draws,
// relaxed Bernoulli, densities and temperature annealing. All ops are native LibTorch autograd
// functions (fused kernels on CUDA); these wrappers check arguments and pick defaults.
import { checkBool, checkDim, checkInt, checkNumber, checkOptions, checkShape, checkTau, describe } from './check';
import { checkDevice, checkDtype, checkTensor, type Device, type DType, op, opRaw, type Shape, type Tensor, type TensorOptions } from './tensor';
import { scope } from './scope';
import { where } from './functional';

// Empty tensors are fine (an empty batch gives an empty result, as in PyTorch).
function checkLogits(logits: unknown, name = 'logits'): Tensor {
  const t = checkTensor(logits, name);
  if (!t.isFloatingPoint) throw new TypeError(`${name} must be a floating-point tensor, got ${t.dtype}`);
  return t;
}
function checkNoise(noise: Tensor | undefined, logits: Tensor): Tensor | undefined {
  if (noise === undefined) return undefined;
  const n = checkTensor(noise, 'noise');
  const [a, b] = [n.shape, logits.shape];
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) throw new RangeError(`noise shape [${a}] does not match logits shape [${b}]`);
  return n;
}
function noiseOpts(o: TensorOptions | undefined): [DType, Device | undefined] {
  checkOptions(o, 'options', ['dtype', 'device']);
  const dtype = o?.dtype === undefined ? 'float32' : checkDtype(o.dtype);
  if (!['float32', 'float64', 'float16', 'bfloat16'].includes(dtype)) throw new TypeError(`noise dtype must be floating point, got ${dtype}`);
  return [dtype, o?.device === undefined ? undefined : checkDevice(o.device)];
}

/**
 * Standard Gumbel(0, 1) noise, g = -log(-log(U)) with U ~ torch.rand clamped to [tiny, 1): never
 * +-inf or NaN in any dtype (half/bfloat16 are computed in float32). Seeded by torch.manualSeed.
 */
export function sampleGumbel(shape: Shape, opts?: TensorOptions): Tensor {
  return op('sampleGumbel', checkShape(shape), ...noiseOpts(opts));
}

/**
 * Gumbel noise from given uniforms. `formula: 'safe'` (default) clamps U to [tiny, 1) and is always
 * finite; `formula: 'seed'` is the seed article's -log(-log(U + eps) + eps) with eps = 1e-20.
 */
export function gumbelFromUniform(uniforms: Tensor, opts: { formula?: 'safe' | 'seed'; eps?: number } = {}): Tensor {
  checkOptions(opts, 'gumbelFromUniform options', ['formula', 'eps']);
  const f = opts.formula ?? 'safe';
  if (f !== 'safe' && f !== 'seed') throw new TypeError(`formula must be 'safe' or 'seed', got ${describe(f)}`);
  const eps = checkNumber(opts.eps ?? 1e-20, 'eps', { finite: true });
  if (eps < 0) throw new RangeError(`eps must be >= 0, got ${eps}`);
  const u = checkLogits(uniforms, 'uniforms');
  if (!scope(() => u.ge(0).all().item() === true && u.le(1).all().item() === true)) throw new RangeError('uniforms must lie in [0, 1] (no NaN)');
  return op('gumbelFromUniform', u, f === 'seed', eps);
}

export interface GumbelSoftmaxOptions {
  /** Temperature, > 0 (default 1). */
  tau?: number;
  /** Straight-through: exactly one-hot forward, the relaxed sample's gradient backward (default false). */
  hard?: boolean;
  /** Category dimension (default -1). */
  dim?: number;
  /** Gumbel noise to use instead of drawing it (same shape as logits), e.g. to match PyTorch exactly. */
  noise?: Tensor;
}

/**
 * softmax((logits + g) / tau) along `dim`, as torch.nn.functional.gumbel_softmax. With `hard`, the
 * forward value is exactly one-hot (PyTorch's is y_hard - y_soft + y_soft, one-hot only to rounding),
 * ties broken as PyTorch's max(dim); gradients equal PyTorch's. Logits of -Infinity are never chosen
 * and get zero gradient.
 */
export function gumbelSoftmax(logits: Tensor, opts?: GumbelSoftmaxOptions): Tensor;
/** PyTorch's positional form F.gumbel_softmax(logits, tau, hard). */
export function gumbelSoftmax(logits: Tensor, tau: number, hard?: boolean): Tensor;
export function gumbelSoftmax(logits: Tensor, tauOrOpts?: number | GumbelSoftmaxOptions, ...rest: unknown[]): Tensor {
  const l = checkLogits(logits);
  const opts = positional<GumbelSoftmaxOptions>('gumbelSoftmax', tauOrOpts, rest, ['tau', 'hard', 'dim', 'noise']);
  const tau = checkTau(opts.tau ?? 1, l.dtype);
  const hard = checkBool(opts.hard ?? false, 'hard');
  const dim = checkDim(opts.dim ?? -1, l.ndim);
  return op('gumbelSoftmax', l, checkNoise(opts.noise, l), tau, hard, dim);
}

/**
 * The options of a sampler called as PyTorch's positional (logits, tau, hard) or with an options
 * object; anything else (extra arguments, unknown keys) is a TypeError, never silently ignored.
 */
function positional<T extends { tau?: number; hard?: boolean }>(fn: string, tauOrOpts: unknown, rest: unknown[], keys: (keyof T & string)[]): T {
  if (typeof tauOrOpts !== 'number') {
    if (rest.length) throw new TypeError(`${fn}(logits, options): unexpected argument after the options object`);
    return checkOptions(tauOrOpts as T | undefined, `${fn} options`, keys);
  }
  if (rest.length > 1) throw new TypeError(`${fn}(logits, tau, hard): got ${rest.length + 2} arguments; pass { dim, noise, ... } as an options object instead`);
  return { tau: tauOrOpts, ...(rest.length ? { hard: checkBool(rest[0], 'hard') } : {}) } as T;
}

/** The seed's gumbel_softmax_sample(logits, temperature): the relaxed sample along the last dim. */
export function gumbelSoftmaxSample(logits: Tensor, tau: number): Tensor {
  return gumbelSoftmax(logits, { tau });
}

export interface OneHotCategoricalOptions {
  dim?: number;
  /**
   * 'gumbel-max' (default): argmax(logits + g), exact and fused-friendly. 'multinomial': the same
   * draws as torch.distributions.OneHotCategorical(logits).sample() for the same seed.
   */
  method?: 'gumbel-max' | 'multinomial';
}

/** An exact one-hot sample from Categorical(softmax(logits)) along dim: the seed's evaluate=True. */
export function oneHotCategorical(logits: Tensor, opts: OneHotCategoricalOptions = {}): Tensor {
  const l = checkLogits(logits);
  checkOptions(opts, 'oneHotCategorical options', ['dim', 'method']);
  const method = opts.method ?? 'gumbel-max';
  if (method !== 'gumbel-max' && method !== 'multinomial') throw new TypeError(`method must be 'gumbel-max' or 'multinomial', got ${describe(method)}`);
  const dim = checkDim(opts.dim ?? -1, l.ndim);
  if (method === 'gumbel-max') return op('oneHotCategorical', l, dim, false);
  // torch.multinomial throws on a row with no distribution (a NaN, all -Infinity); such rows come out
  // NaN here, as from gumbel-max and PyTorch's hard gumbel_softmax. The others draw as PyTorch does.
  return scope(() => {
    // softmax in float32: CPU has no half-precision softmax.
    const bad = (l.dtype === 'float16' || l.dtype === 'bfloat16' ? l.to({ dtype: 'float32' }) : l).softmax(dim).isnan().sum(dim, true).gt(0);
    if (bad.any().item() !== true) return op('oneHotCategorical', l, dim, true);
    return where(bad, NaN, op('oneHotCategorical', where(bad, 0, l), dim, true) as Tensor);
  });
}

/** Logistic noise log(U) - log(1 - U), U clamped to [eps, 1 - eps] as torch.distributions does. */
export function sampleLogistic(shape: Shape, opts?: TensorOptions): Tensor {
  return op('sampleLogistic', checkShape(shape), ...noiseOpts(opts));
}
export function logisticFromUniform(uniforms: Tensor): Tensor {
  return op('logisticFromUniform', checkLogits(uniforms, 'uniforms'));
}

export interface RelaxedBernoulliOptions {
  tau?: number;
  /** Straight-through: forward (y > 0.5) exactly, backward the relaxed gradient. */
  hard?: boolean;
  /** Logistic noise to use instead of drawing it (see logisticFromUniform). */
  noise?: Tensor;
}

/**
 * Binary Concrete sample sigmoid((logits + L) / tau), clamped to [tiny, 1 - eps], as
 * RelaxedBernoulli(tau, logits).rsample(). PyTorch rebuilds the logits from probs
 * (log p - log1p(-p)); we use the logits directly, so gradients differ from PyTorch's by ~1e-6 / tau.
 */
export function relaxedBernoulli(logits: Tensor, opts?: RelaxedBernoulliOptions): Tensor;
/** Positional temperature, as torch.distributions.RelaxedBernoulli(temperature, logits=...). */
export function relaxedBernoulli(logits: Tensor, tau: number, hard?: boolean): Tensor;
export function relaxedBernoulli(logits: Tensor, tauOrOpts?: number | RelaxedBernoulliOptions, ...rest: unknown[]): Tensor {
  const l = checkLogits(logits);
  const opts = positional<RelaxedBernoulliOptions>('relaxedBernoulli', tauOrOpts, rest, ['tau', 'hard', 'noise']);
  return op('relaxedBernoulli', l, checkNoise(opts.noise, l), checkTau(opts.tau ?? 1, l.dtype), checkBool(opts.hard ?? false, 'hard'));
}

/**
 * Log-densities equal to torch.distributions' RelaxedOneHotCategorical, ExpRelaxedCategorical and
 * RelaxedBernoulli. Where PyTorch returns NaN at low temperature (log of an underflowed 0), these
 * stay finite by reading 0 as the smallest normal number and using softplus for log1p(exp(.)).
 */
export const logProb = {
  /** `value` must lie on the simplex along dim (entries >= 0 summing to 1 within 1e-6), as PyTorch validates. */
  relaxedOneHotCategorical(logits: Tensor, tau: number, value: Tensor, dim = -1): Tensor {
    const l = checkLogits(logits);
    const d = checkDim(dim, l.ndim);
    const v = checkTensor(value, 'value');
    // PyTorch's simplex check (1e-6), widened to the rounding of half-precision sums.
    const tol = v.dtype === 'float16' ? 4e-3 : v.dtype === 'bfloat16' ? 3e-2 : 1e-6;
    const inSupport = scope(() => v.ge(0).all().item() === true && v.double().sum(checkDim(dim, v.ndim)).sub(1).abs().lt(tol).all().item() === true);
    if (!inSupport) throw new RangeError('value must lie on the simplex along dim (entries >= 0 summing to 1), the support of RelaxedOneHotCategorical');
    return op('relaxedOneHotCategoricalLogProb', l, checkTau(tau, l.dtype), v, d);
  },
  /** `logValue` is a log-space sample (ExpRelaxedCategorical's support). */
  expRelaxedCategorical(logits: Tensor, tau: number, logValue: Tensor, dim = -1): Tensor {
    const l = checkLogits(logits);
    const v = checkTensor(logValue, 'logValue');
    // PyTorch's support is real_vector: anything but NaN.
    if (scope(() => v.isnan().any().item() === true)) throw new RangeError('logValue must not hold NaN (the support of ExpRelaxedCategorical is real vectors)');
    return op('expRelaxedCategoricalLogProb', l, checkTau(tau, l.dtype), v, checkDim(dim, l.ndim));
  },
  /** `value` must lie in [0, 1], as PyTorch validates. */
  relaxedBernoulli(logits: Tensor, tau: number, value: Tensor): Tensor {
    const l = checkLogits(logits);
    const v = checkTensor(value, 'value');
    if (!scope(() => v.ge(0).all().item() === true && v.le(1).all().item() === true))
      throw new RangeError('value must lie in [0, 1] (no NaN), the support of RelaxedBernoulli');
    return op('relaxedBernoulliLogProb', l, checkTau(tau, l.dtype), v);
  },
};

export interface TemperatureScheduleOptions {
  /** Initial temperature (default 1). */
  tau0?: number;
  /** Decay rate per step (default 3e-5; Jang et al. use 1e-5 to 1e-4). */
  rate?: number;
  /** Update every N steps (default 500). */
  every?: number;
  /** Floor (default 0.5). */
  tauMin?: number;
}

/** Annealing tau = max(tauMin, tau0 * exp(-rate * step)), recomputed every N steps (Jang et al. 2017). */
export class TemperatureSchedule {
  readonly tau0: number;
  readonly rate: number;
  readonly every: number;
  readonly tauMin: number;
  constructor(opts: TemperatureScheduleOptions = {}) {
    checkOptions(opts, 'TemperatureSchedule options', ['tau0', 'rate', 'every', 'tauMin']);
    this.tau0 = checkTau(opts.tau0 ?? 1, undefined, 'tau0');
    this.rate = checkNumber(opts.rate ?? 3e-5, 'rate', { finite: true });
    if (this.rate < 0) throw new RangeError(`rate must be >= 0, got ${this.rate}`);
    this.every = checkInt(opts.every ?? 500, 'every', 1);
    this.tauMin = checkTau(opts.tauMin ?? 0.5, undefined, 'tauMin');
  }
  /** The temperature in force at a training step (0-based). */
  at(step: number): number {
    checkInt(step, 'step', 0);
    const updated = Math.floor(step / this.every) * this.every;
    return Math.max(this.tauMin, this.tau0 * Math.exp(-this.rate * updated));
  }
}

/**
 * Whether CUDA tensors use the fused Gumbel-Softmax kernels (default true). Turning them off runs the
 * same ops composed from ATen, for comparison and benchmarks.
 */
export function setFusedKernels(on: boolean): void {
  opRaw('setFusedKernels', checkBool(on, 'on'));
}
export function fusedKernels(): boolean {
  return opRaw('fusedKernels');
}
