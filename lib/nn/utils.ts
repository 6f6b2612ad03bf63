// nn.utils: clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters (torch.nn.utils),
// op for op as torch 1.13's Python, in native/ops/nn_utils.cc.
import { checkBool, checkNumber, checkOptions, describe } from '../check';
import { op, opRaw, Tensor } from '../tensor';

function params(v: unknown, who: string): Tensor[] {
  const ps = v instanceof Tensor ? [v] : v;
  if (!Array.isArray(ps) || !ps.every((p) => p instanceof Tensor && !p.isDisposed)) throw new TypeError(`${who}: parameters must be a tensor or an array of live tensors, got ${describe(v)}`);
  return ps as Tensor[];
}

export interface ClipGradNormOptions {
  /** p of the norm (default 2; Infinity for the largest magnitude). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` in place so that their total `normType`-norm is at most
 * `maxNorm`; returns the total norm before clipping (a scalar tensor), as PyTorch.
 */
export function clipGradNorm_(parameters: Tensor | Tensor[], maxNorm: number, opts: ClipGradNormOptions = {}): Tensor {
  const ps = params(parameters, 'clipGradNorm_');
  const o = checkOptions(opts, 'clipGradNorm_ options', ['normType', 'errorIfNonfinite']);
  const m = checkNumber(maxNorm, 'maxNorm');
  const p = checkNumber(o.normType ?? 2, 'normType');
  return op('clipGradNorm_', ps, m, p, checkBool(o.errorIfNonfinite ?? false, 'errorIfNonfinite'));
}

/** Clamps every gradient of `parameters` into [-clipValue, clipValue] in place. */
export function clipGradValue_(parameters: Tensor | Tensor[], clipValue: number): void {
  const ps = params(parameters, 'clipGradValue_');
  opRaw('clipGradValue_', ps, checkNumber(clipValue, 'clipValue'));
}

/** The parameters flattened and concatenated into one new 1-D tensor. */
export function parametersToVector(parameters: Tensor[]): Tensor {
  const ps = params(parameters, 'parametersToVector');
  return op('parametersToVector', ps);
}

/** Each parameter's data becomes its slice of `vec` (shared, as PyTorch's `param.data = ...`). */
export function vectorToParameters(vec: Tensor, parameters: Tensor[]): void {
  if (!(vec instanceof Tensor) || vec.isDisposed) throw new TypeError(`vectorToParameters: vec must be a live tensor, got ${describe(vec)}`);
  const ps = params(parameters, 'vectorToParameters');
  opRaw('vectorToParameters', vec, ps);
}
