// The straight-through estimators: each returns an exact one-hot sample of Cat(softmax(logits)) in the
// forward pass and its own gradient rule in the backward pass (native autograd functions).
import { describe } from '../check';
import { checkTensor, op, type Tensor } from '../tensor';
import { checkDim, checkKeys, checkLogits, checkSample, checkSamples, checkTau, sameShape } from './args';

export interface StraightThroughOptions {
  /** Temperature of the surrogate softmax, > 0 (default 1). */
  tau?: number;
  /** Category dimension (default -1). */
  dim?: number;
  /** A one-hot sample to use instead of drawing one (parity tests, common random numbers). */
  sample?: Tensor;
}

const ST_KEYS = ['tau', 'dim', 'sample'] as const;

function common(name: string, logits: Tensor, opts: unknown, extra: readonly string[] = []): { l: Tensor; o: Record<string, unknown>; tau: number; dim: number } {
  const l = checkLogits(logits);
  const o = checkKeys(opts, [...ST_KEYS, ...extra], name);
  return { l, o, tau: checkTau(o.tau ?? 1, l.dtype), dim: checkDim(o.dim ?? -1, l.ndim) };
}

/**
 * Straight-through (Bengio et al. 2013): forward D ~ Cat(softmax(logits)), backward the gradient of
 * softmax(logits / tau). Biased; cheap.
 */
export function st(logits: Tensor, opts: StraightThroughOptions = {}): Tensor {
  const { l, o, tau, dim } = common('st', logits, opts);
  return op('estimatorSt', l, checkSample(o.sample, l), tau, dim);
}

/**
 * ReinMax (Liu et al., NeurIPS 2023): forward D, backward 2 J(pi1) - J(pi0) / 2 with
 * pi1 = (D + softmax(logits / tau)) / 2, pi0 = softmax(logits): second-order accurate (Heun's method).
 * The paper recommends tau >= 1.
 */
export function reinmax(logits: Tensor, opts: StraightThroughOptions = {}): Tensor {
  const { l, o, tau, dim } = common('reinmax', logits, opts);
  return op('estimatorReinmax', l, checkSample(o.sample, l), tau, dim);
}

export interface GstOptions extends StraightThroughOptions {
  /** The gap between the sampled logit and the others: a number > 0 (default 1, GST-1.0) or 'adaptive' (GST-p). */
  gap?: number | 'adaptive';
}

/**
 * Gapped straight-through (Fan et al., ICML 2022): the gradient of softmax(m / tau) at logits m moved
 * (without gradient) so that the sample is their argmax by at least `gap`. No Monte Carlo.
 */
export function gst(logits: Tensor, opts: GstOptions = {}): Tensor {
  const { l, o, tau, dim } = common('gst', logits, opts, ['gap']);
  const gap = o.gap ?? 1;
  if (gap !== 'adaptive' && typeof gap !== 'number') throw new TypeError(`gst: gap must be a number > 0 or 'adaptive', got ${describe(gap)}`);
  if (typeof gap === 'number' && !(gap > 0 && Number.isFinite(gap))) throw new RangeError(`gst: gap must be a finite number > 0, got ${gap}`);
  return op('estimatorGst', l, checkSample(o.sample, l), tau, gap === 'adaptive' ? -1 : gap, dim);
}

export interface GumbelRaoOptions extends StraightThroughOptions {
  /** K, the number of conditional Gumbel perturbations averaged (default 10). */
  samples?: number;
  /** Exp(1) draws [K, ...logits.shape] to use instead of drawing them. */
  exponentials?: Tensor;
}

/**
 * Gumbel-Rao (Paulus et al., ICLR 2021): forward D, backward the straight-through Gumbel-Softmax
 * gradient averaged over K Gumbel perturbations conditioned on argmax = D (lower variance than ST-GS).
 */
export function gumbelRao(logits: Tensor, opts: GumbelRaoOptions = {}): Tensor {
  const { l, o, tau, dim } = common('gumbelRao', logits, opts, ['samples', 'exponentials']);
  let k = checkSamples(o.samples ?? 10, 1, 'gumbelRao');
  let e: Tensor | undefined;
  if (o.exponentials !== undefined) {
    e = checkTensor(o.exponentials, 'exponentials');
    if (o.samples === undefined) k = e.shape[0];
    sameShape(e, [k, ...l.shape], 'exponentials', '[K, ...logits.shape]');
  }
  return op('estimatorGumbelRao', l, checkSample(o.sample, l), e, k, tau, dim);
}

/**
 * Gumbel-perturbed logits conditioned on their argmax: [K, ...logits.shape] values logits + G with
 * G ~ Gumbel(0, 1) given argmax(logits + G) = sample (categories on the last dim), from K x Exp(1)
 * draws. Gumbel-Rao's building block, exposed for tests and research.
 */
export function conditionalGumbel(logits: Tensor, sample: Tensor, samples = 1, exponentials?: Tensor): Tensor {
  const l = checkLogits(logits);
  const d = sameShape(checkTensor(sample, 'sample'), l.shape, 'sample', 'that of logits');
  const k = checkSamples(samples, 1, 'conditionalGumbel');
  const e = exponentials === undefined ? exponentialLike([k, ...l.shape], l) : sameShape(checkTensor(exponentials, 'exponentials'), [k, ...l.shape], 'exponentials', '[K, ...logits.shape]');
  return op('conditionalGumbelLogits', l, d, e);
}

function exponentialLike(shape: number[], like: Tensor): Tensor {
  // Exp(1) = -log(U), U ~ torch.rand in (0, 1]: 1 - rand is never 0.
  return op('rand', shape, like.dtype, like.device).rsub(1).log().neg();
}
