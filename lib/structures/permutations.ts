// Permutations (the tutorial's third part): Mena et al. 2018's log-space Sinkhorn and Gumbel-Sinkhorn,
// the exact maximum-weight matching (Hungarian, O(n^3) in C++), permutation matrices and Kendall's
// tau. Native LibTorch ops (native/structures/); these wrappers check arguments and pick defaults.
import { checkOptions } from '../check';
import { checkDtype, checkTensor, type DType, op, type Tensor } from '../tensor';
import { checkFloatTensor, checkIters, checkNoise, checkSquare, checkTau, orDefault } from './args';

export interface SinkhornOptions {
  /** Rounds of row then column normalisation, >= 1 (default 20). */
  iters?: number;
}

export interface GumbelSinkhornOptions extends SinkhornOptions {
  /** Temperature, a finite number > 0 (default 1). */
  tau?: number;
  /** Gumbel noise to use instead of drawing it (logAlpha's shape). */
  noise?: Tensor;
}

/**
 * Sinkhorn normalisation of [..., n, n] in log space: `iters` times subtract the logsumexp over each
 * row, then over each column; the exponential of the result (doubly stochastic in the limit).
 * Differentiable. NaN or infinite entries are RangeErrors.
 */
export function sinkhorn(logAlpha: Tensor, opts: SinkhornOptions = {}): Tensor {
  const l = checkSquare(checkFloatTensor(logAlpha, 'logAlpha', 2), 'logAlpha');
  const o = checkOptions(opts, 'sinkhorn options', ['iters']);
  return op('sinkhorn', l, checkIters(orDefault(o.iters, 20)));
}

/** A relaxed permutation: sinkhorn((logAlpha + Gumbel noise) / tau). */
export function gumbelSinkhorn(logAlpha: Tensor, opts: GumbelSinkhornOptions = {}): Tensor {
  const l = checkSquare(checkFloatTensor(logAlpha, 'logAlpha', 2), 'logAlpha');
  const o = checkOptions(opts, 'gumbelSinkhorn options', ['tau', 'iters', 'noise']);
  return op('gumbelSinkhorn', l, checkNoise(o.noise, l, 'logAlpha'), checkTau(orDefault(o.tau, 1), l.dtype), checkIters(orDefault(o.iters, 20)));
}

function checkRealSquare(v: unknown, name: string): Tensor {
  const t = checkTensor(v, name);
  if (t.dtype === 'bool') throw new TypeError(`${name} must be a real-valued tensor, got bool`);
  if (t.ndim < 2) throw new RangeError(`${name} must be square matrices [..., n, n], got shape [${t.shape}]`);
  return checkSquare(t, name);
}

/**
 * The exact maximum-weight assignment of each [n, n] matrix in a batch (what
 * scipy.optimize.linear_sum_assignment(-logAlpha) returns): int64 [..., n], the column matched to each
 * row. Solved on the CPU in double precision (the result goes back to logAlpha's device).
 */
export function matching(logAlpha: Tensor): Tensor<'int64'> {
  return op<'matching', 'int64'>('matching', checkRealSquare(logAlpha, 'logAlpha'));
}

export interface PermutationMatrixOptions {
  /** The matrix's dtype (default float32). */
  dtype?: DType;
}

/** The 0/1 matrices P[..., i, indices[..., i]] = 1 of permutations given as int64 [..., n]. */
export function permutationMatrix(indices: Tensor, opts: PermutationMatrixOptions = {}): Tensor {
  const idx = checkTensor(indices, 'indices');
  if (idx.dtype !== 'int64') throw new TypeError(`indices must be an int64 tensor, got ${idx.dtype}`);
  if (idx.ndim < 1) throw new RangeError('indices must have at least one dim [..., n]');
  const o = checkOptions(opts, 'permutationMatrix options', ['dtype']);
  return op('permutationMatrix', idx, checkDtype(orDefault(o.dtype, 'float32')));
}

/**
 * Kendall's tau-b between a and b along the last dim, per batch row (scipy.stats.kendalltau): 1 for
 * the same order, -1 for the reverse; NaN for a row that is all ties. float64 when either input is,
 * else float32. NaN or infinite entries are RangeErrors.
 */
export function kendallTau(a: Tensor, b: Tensor): Tensor {
  const x = checkTensor(a, 'a');
  const y = checkTensor(b, 'b');
  for (const [t, n] of [[x, 'a'], [y, 'b']] as const) if (t.dtype === 'bool') throw new TypeError(`${n} must be a real-valued tensor, got bool`);
  const [sa, sb] = [x.shape, y.shape];
  if (sa.length < 1 || sa.length !== sb.length || sa.some((s, i) => s !== sb[i])) throw new RangeError(`a and b must have the same shape [..., n], got [${sa}] and [${sb}]`);
  return op('kendallTau', x, y);
}
