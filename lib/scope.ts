// Dispose scopes: every tensor made inside scope(fn) is freed when fn returns, except what it returns.
import type { Tensor } from './tensor';

const stack: Set<Tensor>[] = [];

/** Called by every new Tensor: the innermost open scope takes ownership. */
export function track(t: Tensor): void {
  stack[stack.length - 1]?.add(t);
}

/** Removes a tensor from the open scopes so that it outlives them (e.g. running totals). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of stack) s.delete(t);
  return t;
}

/** The Tensor class, as far as `instanceof` needs it (its constructor is private). */
type InstanceTest = { [Symbol.hasInstance](value: unknown): boolean };

function collect(value: unknown, out: Set<Tensor>, seen: Set<unknown>, TensorClass: InstanceTest): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof TensorClass) {
    out.add(value as Tensor);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, seen, TensorClass);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, out, seen, TensorClass);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, out, seen, TensorClass);
  }
}

let tensorClass: InstanceTest | undefined;
export function registerTensorClass(c: InstanceTest): void {
  tensorClass = c;
}

/**
 * Runs `fn` and disposes every tensor created during it, except tensors in its result (a tensor,
 * or arrays, Maps and plain objects holding tensors), which move to the enclosing scope.
 * Like tf.tidy; `fn` must be synchronous.
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('scope(fn): fn must be a function');
  const own = new Set<Tensor>();
  stack.push(own);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    for (const t of own) t.dispose();
    throw e;
  }
  stack.pop();
  if (result instanceof Promise) {
    for (const t of own) t.dispose();
    throw new TypeError('scope(fn): fn returned a Promise; scopes are synchronous (use keep() and dispose() in async code)');
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors, new Set(), tensorClass ?? Object);
  const parent = stack[stack.length - 1];
  for (const t of own) {
    if (survivors.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
