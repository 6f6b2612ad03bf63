// Tensor factories, as torch.zeros / torch.rand / torch.tensor / ...
import { checkBool, checkInt, checkNumber, checkOptions, checkShape, describe } from './check';
import { checkDevice, checkDtype, DType, NestedArray, op, Shape, Tensor, TensorOptions } from './tensor';

function opts(o: TensorOptions | undefined, dflt?: DType): [DType | undefined, string | undefined] {
  if (o === undefined) return [dflt, undefined];
  checkOptions(o, 'options', ['dtype', 'device', 'requiresGrad']);
  if (o.requiresGrad !== undefined) checkBool(o.requiresGrad, 'requiresGrad');
  return [o.dtype === undefined ? dflt : checkDtype(o.dtype), o.device === undefined ? undefined : checkDevice(o.device)];
}

function finish(t: Tensor, o: TensorOptions | undefined): Tensor {
  if (o?.requiresGrad) t.requiresGrad = true;
  return t;
}

const make = (name: string) => (shape: Shape, o?: TensorOptions): Tensor => finish(op(name, checkShape(shape), ...opts(o)), o);
export const zeros = make('zeros');
export const ones = make('ones');
export const empty = make('empty');
/** Uniform on [0, 1) from LibTorch's generator: the same numbers as PyTorch for the same seed. */
export const rand = make('rand');
/** Standard normal from LibTorch's generator. */
export const randn = make('randn');

export function full(shape: Shape, value: number | boolean, o?: TensorOptions): Tensor {
  if (typeof value !== 'boolean') checkNumber(value, 'value');
  return finish(op('full', checkShape(shape), value, ...opts(o)), o);
}

export function randint(low: number, high: number, shape: Shape, o?: TensorOptions): Tensor {
  checkInt(low, 'low');
  checkInt(high, 'high');
  if (high <= low) throw new RangeError(`randint: high (${high}) must be greater than low (${low})`);
  return op('randint', low, high, checkShape(shape), ...opts(o, 'int64'));
}

export function randperm(n: number, o?: TensorOptions): Tensor {
  return op('randperm', checkInt(n, 'n', 0), ...opts(o, 'int64'));
}

/** arange(end) or arange(start, end, step?), as torch.arange (int64 for integral bounds). */
export function arange(start: number, end?: number, step = 1, o?: TensorOptions): Tensor {
  if (end === undefined) [start, end] = [0, start];
  checkNumber(start, 'start', { finite: true });
  checkNumber(end, 'end', { finite: true });
  checkNumber(step, 'step', { finite: true });
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  const [dtype, device] = opts(o);
  return finish(op('arange', start, end, step, dtype, device), o);
}

export function eye(n: number, o?: TensorOptions): Tensor {
  return op('eye', checkInt(n, 'n', 0), ...opts(o));
}

export function zerosLike(t: Tensor): Tensor {
  return op('zerosLike', t);
}
export function onesLike(t: Tensor): Tensor {
  return op('onesLike', t);
}
export function randLike(t: Tensor): Tensor {
  return op('randLike', t);
}
export function randnLike(t: Tensor): Tensor {
  return op('randnLike', t);
}

type AnyTypedArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint8ClampedArray | BigInt64Array;
const TYPED = [Float32Array, Float64Array, Int32Array, Int16Array, Int8Array, Uint8Array, Uint8ClampedArray, BigInt64Array];

/** A tensor holding a copy of a TypedArray; dtype defaults to the array's (Float32Array -> float32, ...). */
export function fromTypedArray(array: AnyTypedArray, shape?: Shape, o?: TensorOptions): Tensor {
  if (!TYPED.some((C) => array instanceof C)) throw new TypeError(`fromTypedArray: expected a TypedArray, got ${describe(array)}`);
  const s = shape === undefined ? [array.length] : checkShape(shape);
  const n = s.reduce((a, b) => a * b, 1);
  if (n !== array.length) throw new RangeError(`fromTypedArray: shape [${s.join(', ')}] holds ${n} elements but the array has ${array.length}`);
  return finish(op('fromTypedArray', array, s, ...opts(o)), o);
}

function inferShape(data: NestedArray, path = 'data'): number[] {
  if (!Array.isArray(data)) return [];
  if (data.length === 0) return [0];
  const inner = inferShape(data[0], `${path}[0]`);
  return [data.length, ...inner];
}

/**
 * A tensor from a number, a boolean or nested arrays, as torch.tensor. Numbers default to float32
 * (JS does not tell 1 from 1.0); booleans to bool; pass { dtype } for anything else.
 */
export function tensor(data: NestedArray | AnyTypedArray, o?: TensorOptions): Tensor {
  if (TYPED.some((C) => data instanceof C)) return fromTypedArray(data as AnyTypedArray, undefined, o);
  const shape = inferShape(data as NestedArray);
  const flat: (number | boolean)[] = [];
  const walk = (v: NestedArray, d: number, path: string): void => {
    if (d === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`tensor: ${path} must be a number or boolean, got ${describe(v)}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) throw new RangeError(`tensor: ragged nested array at ${path} (expected length ${shape[d]})`);
    v.forEach((x, i) => walk(x, d + 1, `${path}[${i}]`));
  };
  walk(data as NestedArray, 0, 'data');
  const allBool = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
  if (!allBool && flat.some((v) => typeof v === 'boolean')) throw new TypeError('tensor: data mixes booleans and numbers');
  const [dtype, device] = opts(o, allBool ? 'bool' : 'float32');
  const src = allBool ? Uint8Array.from(flat as boolean[], (b) => (b ? 1 : 0)) : Float64Array.from(flat as number[]);
  return finish(op('fromTypedArray', src, shape, dtype, device), o);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A 0-d tensor, as torch.scalar_tensor; a bigint must fit in int64. */
export function scalarTensor(value: number | boolean | bigint, o?: TensorOptions): Tensor {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`value ${value} does not fit in int64`);
  } else if (typeof value !== 'boolean' && typeof value !== 'number') {
    throw new TypeError(`value must be a number, a boolean or a bigint, got ${describe(value)}`);
  }
  return finish(op('scalarTensor', value, ...opts(o)), o);
}
