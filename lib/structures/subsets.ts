// k-subsets (the tutorial's second part): Xie & Ermon 2019's relaxed top-k sampler, the exact
// Gumbel-top-k sampler and the Plackett-Luce log-probability of an ordered draw. Native LibTorch ops
// (native/structures/subsets.cc); these wrappers check arguments and pick defaults.
import { checkBool, checkDim, checkInt, checkOptions } from '../check';
import { checkTensor, fromHandle, op, opRaw, type Tensor } from '../tensor';
import { checkFloatTensor, checkNoise, checkTau, orDefault } from './args';

export interface RelaxedTopKOptions {
  /** How many items to choose, in [1, valid items per row]. */
  k: number;
  /** Temperature, a finite number > 0 (default 1). */
  tau?: number;
  /** Exactly k-hot forward (the top k of the relaxed sample), the relaxed gradient backward (default false). */
  hard?: boolean;
  /** The item dimension (default -1). */
  dim?: number;
  /** Gumbel noise to use instead of drawing it (scores' shape). */
  noise?: Tensor;
}

export interface GumbelTopKOptions {
  k: number;
  dim?: number;
  noise?: Tensor;
}

export interface SubsetLogProbOptions {
  dim?: number;
}

// k: an integer in [1, n]; the native op also checks it against the valid (not -Infinity) items per row.
function checkK(k: unknown, scores: Tensor, dim: number): number {
  if (k === undefined) throw new TypeError('k is required (the number of items to choose)');
  return checkInt(k, 'k', 1, scores.shape[dim]);
}

/**
 * A relaxed k-hot sample of `scores` along `dim` (Xie & Ermon 2019): with s = scores + Gumbel noise,
 * k rounds of a = softmax(s / tau) with the mass already chosen masked out in log space
 * (s += log(max(1 - a, tiny_f32))), summed. The result sums to k along dim and never holds -inf or NaN.
 * `-Infinity` scores mask an item (never chosen); NaN and +Infinity are RangeErrors.
 */
export function relaxedTopK(scores: Tensor, opts: RelaxedTopKOptions): Tensor {
  const s = checkFloatTensor(scores, 'scores');
  const o = checkOptions(opts, 'relaxedTopK options', ['k', 'tau', 'hard', 'dim', 'noise']);
  const dim = checkDim(orDefault(o.dim, -1), s.ndim);
  const k = checkK(o.k, s, dim);
  return op('relaxedTopK', s, checkNoise(o.noise, s, 'scores'), k, checkTau(orDefault(o.tau, 1), s.dtype), checkBool(orDefault(o.hard, false), 'hard'), dim);
}

/**
 * An exact draw of k items without replacement from Categorical(softmax(scores)) along `dim`:
 * the top k of scores + Gumbel noise. `indices` (int64, k along dim) are in draw order; `mask` is the
 * k-hot mask (scores' shape and dtype). No gradient.
 */
export function gumbelTopK(scores: Tensor, opts: GumbelTopKOptions): { indices: Tensor<'int64'>; mask: Tensor } {
  const s = checkFloatTensor(scores, 'scores');
  const o = checkOptions(opts, 'gumbelTopK options', ['k', 'dim', 'noise']);
  const dim = checkDim(orDefault(o.dim, -1), s.ndim);
  const k = checkK(o.k, s, dim);
  const [indices, mask] = opRaw('gumbelTopK', s, checkNoise(o.noise, s, 'scores'), k, dim);
  return { indices: fromHandle<'int64'>(indices), mask: fromHandle(mask) };
}

/**
 * The Plackett-Luce log-probability of the ordered draw `indices` (int64, k distinct items along
 * `dim`, in draw order) from softmax(scores): sum_j scores[i_j] - logsumexp(scores of the items not
 * drawn before step j). Differentiable in scores, e.g. for score-function estimators. A draw that
 * picks a masked (-Infinity) item has log-probability -Infinity. Works on a [..., k, n] expansion of
 * the scores: memory O(k n) per row.
 */
export function logProb(scores: Tensor, indices: Tensor, opts: SubsetLogProbOptions = {}): Tensor {
  const s = checkFloatTensor(scores, 'scores');
  const o = checkOptions(opts, 'logProb options', ['dim']);
  const idx = checkTensor(indices, 'indices');
  if (idx.dtype !== 'int64') throw new TypeError(`indices must be an int64 tensor, got ${idx.dtype}`);
  return op('subsetLogProb', s, idx, checkDim(orDefault(o.dim, -1), s.ndim));
}
