// Argument checks shared by the structure ops (subsets, permutations): TypeError for a wrong type,
// RangeError naming the argument for a value out of range (NaN included), before any native call.
import { checkInt } from '../check';
import { checkTensor, type Tensor } from '../tensor';

/** An option's default applies only when it is left out: null is a value, and a wrong one. */
export function orDefault<T>(v: T | undefined, dflt: T): T {
  return v === undefined ? dflt : v;
}

export { checkTau } from '../check';

/** iters: an integer >= 1. */
export function checkIters(iters: unknown): number {
  return checkInt(iters, 'iters', 1);
}

/** A floating-point tensor with at least `minDims` dims. */
export function checkFloatTensor(v: unknown, name: string, minDims = 1): Tensor {
  const t = checkTensor(v, name);
  if (!t.isFloatingPoint) throw new TypeError(`${name} must be a floating-point tensor, got ${t.dtype}`);
  if (t.ndim < minDims) throw new RangeError(`${name} must have at least ${minDims} dim${minDims > 1 ? 's' : ''}, got shape [${t.shape}]`);
  return t;
}

/** Optional given noise: a floating-point tensor of exactly `like`'s shape. */
export function checkNoise(noise: unknown, like: Tensor, likeName: string): Tensor | undefined {
  if (noise === undefined) return undefined;
  const n = checkTensor(noise, 'noise');
  if (!n.isFloatingPoint) throw new TypeError(`noise must be a floating-point tensor, got ${n.dtype}`);
  const [a, b] = [n.shape, like.shape];
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) throw new RangeError(`noise shape [${a}] does not match ${likeName} shape [${b}]`);
  return n;
}

/** [..., n, n]. */
export function checkSquare(t: Tensor, name: string): Tensor {
  const s = t.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) throw new RangeError(`${name} must be square matrices [..., n, n], got shape [${s}]`);
  return t;
}
