// The Gumbel-Softmax family: noise, relaxed and straight-through samplers, exact categorical draws,
// relaxed Bernoulli, densities and temperature annealing. All ops are native LibTorch autograd
// functions (fused kernels on CUDA); these wrappers check arguments and pick defaults.
import { checkBool, checkDim, checkInt, checkNumber, checkShape, describe } from './check';
import { checkDevice, checkDtype, checkTensor, op, opRaw, Shape, Tensor, TensorOptions } from './tensor';

function checkLogits(logits: unknown, name = 'logits'): Tensor {
  const t = checkTensor(logits, name);
  if (!t.isFloatingPoint) throw new TypeError(`${name} must be a floating-point tensor, got ${t.dtype}`);
  if (t.numel() === 0) throw new RangeError(`${name} is empty`);
  return t;
}
function checkTau(tau: unknown): number {
  if (typeof tau !== 'number' || Number.isNaN(tau)) throw new TypeError(`tau must be a number, got ${describe(tau)}`);
  if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`tau must be a finite number > 0, got ${tau}`);
  return tau;
}
function checkNoise(noise: Tensor | undefined, logits: Tensor): Tensor | undefined {
  if (noise === undefined) return undefined;
  const n = checkTensor(noise, 'noise');
  const [a, b] = [n.shape, logits.shape];
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) throw new RangeError(`noise shape [${a}] does not match logits shape [${b}]`);
  return n;
}
function noiseOpts(o: TensorOptions | undefined): [string, string | undefined] {
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
  const f = opts.formula ?? 'safe';
  if (f !== 'safe' && f !== 'seed') throw new TypeError(`formula must be 'safe' or 'seed', got ${describe(f)}`);
  return op('gumbelFromUniform', checkLogits(uniforms, 'uniforms'), f === 'seed', checkNumber(opts.eps ?? 1e-20, 'eps', { finite: true }));
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
export function gumbelSoftmax(logits: Tensor, opts: GumbelSoftmaxOptions = {}): Tensor {
  const l = checkLogits(logits);
  const tau = checkTau(opts.tau ?? 1);
  const hard = checkBool(opts.hard ?? false, 'hard');
  const dim = checkDim(opts.dim ?? -1, l.ndim);
  return op('gumbelSoftmax', l, checkNoise(opts.noise, l), tau, hard, dim);
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
  const method = opts.method ?? 'gumbel-max';
  if (method !== 'gumbel-max' && method !== 'multinomial') throw new TypeError(`method must be 'gumbel-max' or 'multinomial', got ${describe(method)}`);
  return op('oneHotCategorical', l, checkDim(opts.dim ?? -1, l.ndim), method === 'multinomial');
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
export function relaxedBernoulli(logits: Tensor, opts: RelaxedBernoulliOptions = {}): Tensor {
  const l = checkLogits(logits);
  return op('relaxedBernoulli', l, checkNoise(opts.noise, l), checkTau(opts.tau ?? 1), checkBool(opts.hard ?? false, 'hard'));
}

/**
 * Log-densities equal to torch.distributions' RelaxedOneHotCategorical, ExpRelaxedCategorical and
 * RelaxedBernoulli. Where PyTorch returns NaN at low temperature (log of an underflowed 0), these
 * stay finite by reading 0 as the smallest normal number and using softplus for log1p(exp(.)).
 */
export const logProb = {
  relaxedOneHotCategorical(logits: Tensor, tau: number, value: Tensor, dim = -1): Tensor {
    const l = checkLogits(logits);
    return op('relaxedOneHotCategoricalLogProb', l, checkTau(tau), checkTensor(value, 'value'), checkDim(dim, l.ndim));
  },
  /** `logValue` is a log-space sample (ExpRelaxedCategorical's support). */
  expRelaxedCategorical(logits: Tensor, tau: number, logValue: Tensor, dim = -1): Tensor {
    const l = checkLogits(logits);
    return op('expRelaxedCategoricalLogProb', l, checkTau(tau), checkTensor(logValue, 'logValue'), checkDim(dim, l.ndim));
  },
  relaxedBernoulli(logits: Tensor, tau: number, value: Tensor): Tensor {
    return op('relaxedBernoulliLogProb', checkLogits(logits), checkTau(tau), checkTensor(value, 'value'));
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
    this.tau0 = checkTau(opts.tau0 ?? 1);
    this.rate = checkNumber(opts.rate ?? 3e-5, 'rate', { finite: true });
    if (this.rate < 0) throw new RangeError(`rate must be >= 0, got ${this.rate}`);
    this.every = checkInt(opts.every ?? 500, 'every', 1);
    this.tauMin = checkTau(opts.tauMin ?? 0.5);
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
  return opRaw('fusedKernels') as boolean;
}
