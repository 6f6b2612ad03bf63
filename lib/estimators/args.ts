// Argument checks shared by the estimators: TypeError/RangeError naming the argument, before native code.
import { checkDim, checkInt, checkOptions, describe } from '../check';
import { checkTensor, type Tensor } from '../tensor';

export function checkLogits(logits: unknown, name = 'logits'): Tensor {
  const t = checkTensor(logits, name);
  if (!t.isFloatingPoint) throw new TypeError(`${name} must be a floating-point tensor, got ${t.dtype}`);
  if (t.numel() === 0 || t.ndim === 0) throw new RangeError(`${name} must be a non-empty tensor with a category dimension`);
  return t;
}

export { checkTau } from '../check';

export function sameShape(t: Tensor, shape: readonly number[], name: string, what: string): Tensor {
  const s = t.shape;
  if (s.length !== shape.length || s.some((v, i) => v !== shape[i])) throw new RangeError(`${name} must have shape [${shape}] (${what}), got [${s}]`);
  return t;
}

/** A given one-hot sample of the logits' shape, or undefined (the native side draws one). */
export function checkSample(sample: unknown, logits: Tensor): Tensor | undefined {
  if (sample === undefined) return undefined;
  return sameShape(checkTensor(sample, 'sample'), logits.shape, 'sample', 'that of logits');
}

/** Rejects keys an options object does not know (a misspelt option must not be silently ignored). */
export function checkKeys(opts: unknown, known: readonly string[], what: string): Record<string, unknown> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new TypeError(`${what} options must be an object, got ${describe(opts)}`);
  return checkOptions(opts as Record<string, unknown>, what, known);
}

export function checkSamples(v: unknown, min: number, what: string): number {
  return checkInt(v, `${what}: samples`, min);
}

export { checkDim };
