// Tensor factories, as torch.zeros / torch.rand / torch.tensor / ...
import { checkBool, checkInt, checkNumber, checkOptions, checkShape, describe } from './check';
import { checkDevice, checkDtype, type Device, type DType, type NestedArray, op, type Shape, type Tensor, type TensorOptions } from './tensor';

/** The dtype a TypedArray converts to by default. */
export type DTypeOfArray<A> = A extends Float64Array ? 'float64' : A extends BigInt64Array ? 'int64' : A extends Int32Array ? 'int32' : A extends Int16Array ? 'int16' : A extends Int8Array ? 'int8' : A extends Uint8Array | Uint8ClampedArray ? 'uint8' : 'float32';
/** Nested arrays of booleans only (a bool tensor). */
export type NestedBool = boolean | readonly NestedBool[];

function opts(o: TensorOptions | undefined, dflt?: DType): [DType | undefined, Device | undefined] {
  if (o === undefined) return [dflt, undefined];
  checkOptions(o, 'options', ['dtype', 'device', 'requiresGrad']);
  if (o.requiresGrad !== undefined) checkBool(o.requiresGrad, 'requiresGrad');
  return [o.dtype === undefined ? dflt : checkDtype(o.dtype), o.device === undefined ? undefined : checkDevice(o.device)];
}

// As PyTorch's c10::checked_convert: a value outside an integer dtype's range is an error, not a
// wrapped or saturated number. Integral values may be negative down to -max for unsigned types (they
// wrap, as torch.tensor([-1], dtype=torch.uint8) gives 255); fractional ones must lie in [min, max].
const INT_RANGE: Partial<Record<DType, [number, number]>> = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647], int64: [-(2 ** 63), 2 ** 63] };
function checkIntRange(values: ArrayLike<number | boolean | bigint>, dtype: DType | undefined, fn: string, wrapNegativeIntoUint8 = true): void {
  const r = dtype && INT_RANGE[dtype];
  if (!r) return;
  const [min, max] = r;
  // int64's max (2^63 - 1) is not a double: 2^63 itself is the first value beyond it.
  const above = dtype === 'int64' ? (v: number): boolean => v >= max : (v: number): boolean => v > max;
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    if (typeof raw === 'boolean') continue;
    const v = Number(raw); // a bigint (from a BigInt64Array) only meets dtypes far inside its range
    // PyTorch takes a negative Python int into uint8 modulo 256 (tensor([-1], dtype=uint8) is 255); a typed
    // array's values are data, not literals, so fromTypedArray refuses them.
    const low = wrapNegativeIntoUint8 && Number.isInteger(v) && dtype === 'uint8' ? -max : min;
    if (!(v >= low) || above(v)) throw new RangeError(`${fn}: value ${v}${values.length > 1 ? ` (element ${i})` : ''} cannot be converted to ${dtype} without overflow`);
  }
}

function finish<T extends DType>(t: Tensor<T>, o: TensorOptions | undefined): Tensor<T> {
  if (o?.requiresGrad) t.requiresGrad = true;
  return t;
}

const make = (name: 'zeros' | 'ones' | 'empty' | 'rand' | 'randn') => <T extends DType = 'float32'>(shape: Shape, o?: TensorOptions<T>): Tensor<T> => finish(op(name, checkShape(shape), ...opts(o)), o);
export const zeros = make('zeros');
export const ones = make('ones');
export const empty = make('empty');
/** Uniform on [0, 1) from LibTorch's generator: the same numbers as PyTorch for the same seed. */
export const rand = make('rand');
/** Standard normal from LibTorch's generator. */
export const randn = make('randn');

export function full<T extends DType = 'float32'>(shape: Shape, value: number, o?: TensorOptions<T>): Tensor<T>;
export function full<T extends DType = 'bool'>(shape: Shape, value: boolean, o?: TensorOptions<T>): Tensor<T>;
/** As torch.full: a boolean fill makes a bool tensor unless a dtype is given. */
export function full(shape: Shape, value: number | boolean, o?: TensorOptions): Tensor {
  // NaN fills a floating tensor, as torch.full(shape, float('nan')); checkIntRange refuses it for integers.
  if (typeof value !== 'boolean' && !Number.isNaN(value)) checkNumber(value, 'value');
  const [dtype, device] = opts(o, typeof value === 'boolean' ? 'bool' : undefined);
  checkIntRange([value], dtype, 'full');
  return finish(op('full', checkShape(shape), value, dtype, device), o);
}

export function randint<T extends DType = 'int64'>(low: number, high: number, shape: Shape, o?: TensorOptions<T>): Tensor<T> {
  checkInt(low, 'low');
  checkInt(high, 'high');
  if (high <= low) throw new RangeError(`randint: high (${high}) must be greater than low (${low})`);
  return op('randint', low, high, checkShape(shape), ...opts(o, 'int64'));
}

export function randperm<T extends DType = 'int64'>(n: number, o?: TensorOptions<T>): Tensor<T> {
  return op('randperm', checkInt(n, 'n', 0), ...opts(o, 'int64'));
}

/** arange(end) or arange(start, end, step?), as torch.arange (int64 for integral bounds). */
export function arange<T extends DType = 'int64' | 'float32'>(start: number, end?: number, step = 1, o?: TensorOptions<T>): Tensor<T> {
  if (end === undefined) [start, end] = [0, start];
  checkNumber(start, 'start', { finite: true });
  checkNumber(end, 'end', { finite: true });
  checkNumber(step, 'step', { finite: true });
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  const [dtype, device] = opts(o);
  return finish(op('arange', start, end, step, dtype, device), o);
}

export function eye<T extends DType = 'float32'>(n: number, o?: TensorOptions<T>): Tensor<T> {
  return op('eye', checkInt(n, 'n', 0), ...opts(o));
}

export function zerosLike<T extends DType>(t: Tensor<T>): Tensor<T> {
  return op('zerosLike', t);
}
export function onesLike<T extends DType>(t: Tensor<T>): Tensor<T> {
  return op('onesLike', t);
}
export function randLike<T extends DType>(t: Tensor<T>): Tensor<T> {
  return op('randLike', t);
}
export function randnLike<T extends DType>(t: Tensor<T>): Tensor<T> {
  return op('randnLike', t);
}

type AnyTypedArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint8ClampedArray | BigInt64Array;
const TYPED = [Float32Array, Float64Array, Int32Array, Int16Array, Int8Array, Uint8Array, Uint8ClampedArray, BigInt64Array];

/** A tensor holding a copy of a TypedArray; dtype defaults to the array's (Float32Array -> float32, ...). */
export function fromTypedArray<A extends AnyTypedArray, T extends DType = DTypeOfArray<A>>(array: A, shape?: Shape, o?: TensorOptions<T>): Tensor<T> {
  if (!TYPED.some((C) => array instanceof C)) throw new TypeError(`fromTypedArray: expected a TypedArray, got ${describe(array)}`);
  const s = shape === undefined ? [array.length] : checkShape(shape);
  const n = s.reduce((a, b) => a * b, 1);
  if (n !== array.length) throw new RangeError(`fromTypedArray: shape [${s.join(', ')}] holds ${n} elements but the array has ${array.length}`);
  const [dtype, device] = opts(o);
  // A narrowing conversion is checked (PyTorch's torch.tensor(ndarray, dtype) would wrap silently).
  if (dtype !== undefined && dtype !== defaultDtypeOf(array)) checkIntRange(array, dtype, 'fromTypedArray', false);
  return finish(op('fromTypedArray', array, s, dtype, device), o);
}

function defaultDtypeOf(a: AnyTypedArray): DType {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  return 'float32';
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
export function tensor<T extends DType = 'bool'>(data: NestedBool, o?: TensorOptions<T>): Tensor<T>;
export function tensor<T extends DType = 'float32'>(data: NestedArray, o?: TensorOptions<T>): Tensor<T>;
export function tensor<A extends AnyTypedArray, T extends DType = DTypeOfArray<A>>(data: A, o?: TensorOptions<T>): Tensor<T>;
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
  checkIntRange(flat, dtype, 'tensor');
  const src = allBool ? Uint8Array.from(flat as boolean[], (b) => (b ? 1 : 0)) : Float64Array.from(flat as number[]);
  return finish(op('fromTypedArray', src, shape, dtype, device), o);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** As torch.scalar_tensor: float32 unless a dtype is given, for booleans too; a bigint must fit in int64. */
export function scalarTensor<T extends DType = 'float32'>(value: number | boolean | bigint, o?: TensorOptions<T>): Tensor<T> {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`value ${value} does not fit in int64`);
  } else if (typeof value !== 'boolean' && typeof value !== 'number') {
    throw new TypeError(`value must be a number, a boolean or a bigint, got ${describe(value)}`);
  }
  const [dtype, device] = opts(o);
  if (typeof value === 'number') checkIntRange([value], dtype, 'scalarTensor');
  return finish(op('scalarTensor', value, dtype, device), o);
}
