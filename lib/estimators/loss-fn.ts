// The downstream loss that score-function and enumeration estimators need: they call it on samples.
import { describe } from '../check';
import { Tensor } from '../tensor';

/**
 * f(z): the loss of each latent code for each batch element. `z` is one-hot [S, B, ...latents, C]
 * (S samples per batch element), or [N, 1, ...latents, C] (N codes shared by the whole batch, from
 * `exact`); f returns [S, B] (resp. [N, B]), broadcasting over a batch dimension of size 1.
 */
export type LossFn = (z: Tensor) => Tensor;

export function checkLossFn(f: unknown, who: string): LossFn {
  if (typeof f !== 'function') throw new TypeError(`${who}: f must be a function of the sample returning the loss per sample and batch element, got ${describe(f)}`);
  return f as LossFn;
}

/** Calls f and checks that it returned a floating-point [rows, batch] tensor. */
export function callLossFn(f: LossFn, z: Tensor, rows: number, batch: number, who: string): Tensor {
  const v = f(z);
  if (!(v instanceof Tensor)) throw new TypeError(`${who}: f must return a Tensor, got ${describe(v)}`);
  const s = v.shape;
  if (s.length !== 2 || s[0] !== rows || s[1] !== batch) throw new RangeError(`${who}: f must return shape [${rows}, ${batch}] for z of shape [${z.shape}], got [${s}]`);
  return v;
}
