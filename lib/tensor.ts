/// <reference lib="esnext.disposable" preserve="true" />
// The Tensor class: a typed, disposable handle on a real LibTorch tensor, with PyTorch's API shape.
import { callNative, type NativeTensor } from './native';
import type { NativeFunctionName, NativeFunctions } from './native-api';
import { checkBool, checkDim, checkInt, checkNumber, checkOptions, describe } from './check';
import { formatTensor } from './format';
import { registerTensorClass, track } from './scope';
import { adoptHandle, boxHandleRange, releaseHandle } from './tensor-handles';

import { type DType, DTYPES, FLOAT_DTYPES, type FloatDType } from './dtype-table';
import type { DerivedFunctions, DerivedMethods } from './op-types';
import { installOpSurface } from './op-surface';
import { type IndexStep, parseIndex } from './slicing';

export type { DType, FloatDType };
export { DTYPES };
export type Device = 'cpu' | 'cuda' | `cuda:${number}`;
export type Shape = readonly number[];
export type NestedArray = number | boolean | readonly NestedArray[];
export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;
export type Reduction = 'none' | 'mean' | 'sum';
/** max(dim)/min(dim): the values and their int64 indices, as torch.return_types.max. */
export interface MaxMin<D extends DType = DType> {
  values: Tensor<D>;
  indices: Tensor<'int64'>;
}
export interface TensorOptions<T extends DType = DType> {
  dtype?: T;
  device?: Device;
  requiresGrad?: boolean;
}
/** The TypedArray that `data()` returns for each dtype (float16/bfloat16 widen to float32, bool to uint8). */
export interface DataArrays {
  float32: Float32Array;
  float64: Float64Array;
  float16: Float32Array;
  bfloat16: Float32Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int16: Int16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}
export type DataArray<D extends DType = DType> = DataArrays[D];
/** What `item()` gives: a boolean for bool tensors, a number otherwise. */
export type ItemOf<D extends DType> = D extends 'bool' ? boolean : number;
/** The dtype of exp/log/softmax/... results: floats keep theirs, integers and bool become float32. */
export type FloatOf<D extends DType> = D extends FloatDType ? D : 'float32';
/** The dtype of sum(): floats keep theirs, integers and bool sum as int64. */
export type SumOf<D extends DType> = D extends FloatDType ? D : 'int64';
/** Arithmetic results: the same dtype, or (integers with a float operand, int division) a float; never bool unless both are. */
export type ArithOf<D extends DType> = [D] extends ['bool'] ? DType : Exclude<DType, 'bool'>;
/** Arithmetic with a number or a tensor of the same dtype: floats keep their dtype. */
export type SameArithOf<D extends DType> = D extends FloatDType ? D : ArithOf<D>;


if (typeof (Symbol as { dispose?: symbol }).dispose !== 'symbol') {
  Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('Symbol.dispose') });
}

export function checkDtype(v: unknown, name = 'dtype'): DType {
  if (typeof v !== 'string' || !DTYPES.includes(v as DType)) throw new TypeError(`${name} must be one of ${DTYPES.join(', ')}; got ${describe(v)}`);
  return v as DType;
}

export function checkDevice(v: unknown, name = 'device'): Device {
  if (typeof v !== 'string' || !/^(cpu|cuda(:\d+)?)$/.test(v)) throw new TypeError(`${name} must be 'cpu', 'cuda' or 'cuda:N'; got ${describe(v)}`);
  return v as Device;
}

export function checkTensor(v: unknown, name: string): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${name} must be a Tensor, got ${describe(v)}`);
  if (v.isDisposed) throw new TypeError(`${name} has been disposed`);
  return v;
}

/** PyTorch's rounding_mode of div: null (true division), 'trunc' or 'floor'. */
export interface DivOptions {
  roundingMode?: 'trunc' | 'floor' | null;
}
/** The addon's spelling of a div's rounding mode ('' is true division). */
function roundingMode(opts: DivOptions | undefined, fn: string): string {
  const m = checkOptions(opts, `${fn} options`, ['roundingMode']).roundingMode;
  if (m === undefined || m === null) return '';
  if (m !== 'trunc' && m !== 'floor') throw new TypeError(`${fn}: roundingMode must be 'trunc', 'floor' or null, got ${describe(m)}`);
  return m;
}
/** @internal The arithmetic methods take what PyTorch's do; anything after is an error, never ignored. */
export function noMoreArgs(fn: string, extra: readonly unknown[], max: number): void {
  if (extra.length > 0) throw new TypeError(`${fn}: expected at most ${max} argument${max === 1 ? '' : 's'}, got ${max + extra.length}`);
}

function checkTensorLike(v: unknown, name: string): TensorLike {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return checkTensor(v, name);
}

/** A native argument as the TypeScript side holds it: a Tensor where the addon takes a handle. */
type Lift<T> = T extends NativeTensor ? Tensor : T extends readonly NativeTensor[] ? readonly Tensor[] : T;
type LiftArgs<P extends readonly unknown[]> = { [I in keyof P]: Lift<P[I]> };
type ArgsOf<K extends NativeFunctionName> = LiftArgs<Parameters<NativeFunctions[K]>>;
/** The natives that return one tensor handle. */
export type TensorOpName = { [K in NativeFunctionName]: ReturnType<NativeFunctions[K]> extends NativeTensor ? K : never }[NativeFunctionName];

/** The key of Tensor's constructor: only this module makes Tensors (through fromHandle). */
const CONSTRUCT = Symbol('Tensor.construct');
let adopt: (h: NativeTensor) => Tensor;

/**
 * @internal A Tensor owning a handle the addon has just returned. A module function, not a static of
 * the exported class, so that users cannot wrap a live tensor's handle a second time (an alias).
 */
export function fromHandle<T extends DType = DType>(h: NativeTensor): Tensor<T> {
  return adopt(h) as Tensor<T>;
}

function unwrapArg(v: unknown): unknown {
  if (v instanceof Tensor) return v.handle;
  if (typeof v === 'number') return boxHandleRange(v);
  if (Array.isArray(v) && v.length > 0 && v[0] instanceof Tensor) return v.map((t: Tensor) => t.handle);
  return v;
}
function unwrapArgs<K extends NativeFunctionName>(args: ArgsOf<K>): Parameters<NativeFunctions[K]> {
  return args.map(unwrapArg) as Parameters<NativeFunctions[K]>;
}

/** Calls a native op (typed by lib/native-api.ts); Tensor arguments become handles, the result a Tensor. */
export function op<K extends TensorOpName, T extends DType = DType>(name: K, ...args: ArgsOf<K>): Tensor<T> {
  // The rest array is this call's own: unwrapped in place rather than copied (a tiny op's cost).
  const a = args as unknown[];
  for (let i = 0; i < a.length; i++) a[i] = unwrapArg(a[i]);
  return fromHandle<T>(callNative(name, a as Parameters<NativeFunctions[K]>) as NativeTensor); // K's result is a handle (TensorOpName)
}
/** Calls a native function whose result is not one tensor (metadata, flags, tuples of handles). */
export function opRaw<K extends NativeFunctionName>(name: K, ...args: ArgsOf<K>): ReturnType<NativeFunctions[K]> {
  return callNative(name, unwrapArgs<K>(args));
}

// The methods derived from the op table (lib/op-table.ts): typed here, installed by installOpSurface.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Tensor<D extends DType = DType> extends DerivedMethods<D> {}
// The interface above only adds the derived methods' types; installOpSurface installs them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Tensor<D extends DType = DType> {
  #h: NativeTensor | null;

  /** @internal Use the factories (tensor, zeros, rand, ...) instead. */
  private constructor(key: symbol, h: NativeTensor) {
    // `private` binds TypeScript only: from JS, `new Tensor(n)` would adopt any number as a handle.
    if (key !== CONSTRUCT) throw new TypeError('Tensor cannot be constructed directly: use torch.tensor(), torch.zeros(), torch.rand(), ...');
    this.#h = h;
    track(this);
    adoptHandle(this);
  }

  static {
    adopt = (h) => new Tensor(CONSTRUCT, h);
  }

  /** @internal The native handle; throws if the tensor was disposed. */
  get handle(): NativeTensor {
    if (this.#h === null) throw new TypeError('tensor has been disposed');
    return this.#h;
  }

  get isDisposed(): boolean {
    return this.#h === null;
  }

  /** Frees the tensor's memory now. Safe to call twice. */
  dispose(): void {
    const h = this.#h;
    if (h === null) return;
    this.#h = null;
    releaseHandle(this, h);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- metadata
  // A wrapper's shape never changes (no op here resizes in place), so it is read once.
  #shape: number[] | undefined;
  get shape(): number[] {
    this.#shape ??= opRaw('shape', this);
    return [...this.#shape];
  }
  get ndim(): number {
    this.#shape ??= opRaw('shape', this);
    return this.#shape.length;
  }
  /** The number of dimensions, as torch.Tensor.dim(). */
  dim(): number {
    if (arguments.length) throw new TypeError('dim() takes no arguments (the size of one dimension is size(dim))');
    return this.ndim;
  }
  get dtype(): D {
    return opRaw('dtype', this) as D;
  }
  get device(): Device {
    return opRaw('device', this);
  }
  numel(): number {
    return opRaw('numel', this);
  }
  /** The shape, or the size of one dimension, as torch.Tensor.size. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    const s = this.shape;
    return dim === undefined ? s : s[checkDim(dim, s.length)];
  }
  /** The strides in elements, or the stride of one dimension, as torch.Tensor.stride. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    const s = opRaw('strides', this);
    return dim === undefined ? s : s[checkDim(dim, s.length)];
  }
  isContiguous(): boolean {
    return opRaw('isContiguous', this);
  }
  get isFloatingPoint(): boolean {
    return FLOAT_DTYPES.has(this.dtype);
  }

  // ---- data out
  /** A copy of the values as the matching TypedArray (row-major). */
  data(): DataArray<D> {
    return opRaw('data', this) as DataArray<D>;
  }
  /** The value of a one-element tensor as a JS number (boolean for bool tensors). */
  item(): ItemOf<D> {
    const v = opRaw('item', this) as ItemOf<D>;
    // An int64 beyond 2^53 would come back rounded; PyTorch's is exact, so refuse rather than be wrong.
    if (typeof v === 'number' && !(Math.abs(v) <= Number.MAX_SAFE_INTEGER) && this.dtype === 'int64') {
      throw new RangeError(`item(): the int64 value ${(this.data() as BigInt64Array)[0]} is outside ±(2^53 - 1), where a JS number cannot hold every integer exactly; read it with data() (a BigInt64Array)`);
    }
    return v;
  }
  /** Values as nested JS arrays. */
  toArray(): NestedArray {
    const shape = this.shape;
    const d: DataArray = this.data();
    const isBool = this.dtype === 'bool';
    const val = (i: number): number | boolean => (isBool ? d[i] !== 0 : Number(d[i]));
    if (shape.length === 0) return val(0);
    let k = 0;
    const build = (dim: number): NestedArray => Array.from({ length: shape[dim] }, () => (dim === shape.length - 1 ? val(k++) : build(dim + 1)));
    return build(0);
  }
  toString(): string {
    if (this.#h === null) return 'tensor(<disposed>)';
    const suffixes: string[] = [];
    const dev = this.device;
    if (dev !== 'cpu') suffixes.push(`device='${dev}'`);
    const dt = this.dtype;
    if (!['float32', 'int64', 'bool'].includes(dt)) suffixes.push(`dtype=torch.${dt}`);
    if (this.requiresGrad) suffixes.push('requires_grad=True');
    return formatTensor(this.shape, this.data(), dt, suffixes);
  }

  // ---- conversion
  to<T extends DType>(dtype: T): Tensor<T>;
  to(device: Device): Tensor<D>;
  to<T extends DType = D>(options: { dtype?: T; device?: Device; nonBlocking?: boolean }): Tensor<T>;
  to(target: Device | DType | { dtype?: DType; device?: Device; nonBlocking?: boolean }): Tensor {
    let dtype: DType | undefined;
    let device: Device | undefined;
    let nonBlocking = false;
    if (typeof target === 'string') {
      if (DTYPES.includes(target as DType)) dtype = target as DType;
      else device = checkDevice(target, 'to(target)');
    } else if (target && typeof target === 'object') {
      checkOptions(target, 'to(options)', ['dtype', 'device', 'nonBlocking']);
      if (target.dtype !== undefined) dtype = checkDtype(target.dtype);
      if (target.device !== undefined) device = checkDevice(target.device);
      if (target.nonBlocking !== undefined) nonBlocking = checkBool(target.nonBlocking, 'nonBlocking');
    } else {
      throw new TypeError(`to(target): expected a device, a dtype or { dtype, device }, got ${describe(target)}`);
    }
    return op('to', this, dtype, device, nonBlocking);
  }
  cpu(): Tensor<D> {
    return this.to('cpu');
  }
  cuda(index = 0): Tensor<D> {
    return this.to(`cuda:${checkInt(index, 'index', 0)}`);
  }
  float(): Tensor<'float32'> {
    return this.to('float32');
  }
  double(): Tensor<'float64'> {
    return this.to('float64');
  }
  long(): Tensor<'int64'> {
    return this.to('int64');
  }
  contiguous(): Tensor<D> {
    return op('contiguous', this);
  }
  clone(): Tensor<D> {
    return op('clone', this);
  }
  detach(): Tensor<D> {
    return op('detach', this);
  }

  // ---- arithmetic
  add(other: number | Tensor<D>, alpha?: number): Tensor<SameArithOf<D>>;
  add(other: TensorLike, alpha?: number): Tensor<ArithOf<D>>;
  add(other: TensorLike, alpha: number = 1, ...extra: unknown[]): Tensor {
    noMoreArgs('add', extra, 2);
    return op('add', this, checkTensorLike(other, 'other'), checkNumber(alpha, 'alpha'));
  }
  sub(other: number | Tensor<D>, alpha?: number): Tensor<SameArithOf<D>>;
  sub(other: TensorLike, alpha?: number): Tensor<ArithOf<D>>;
  sub(other: TensorLike, alpha: number = 1, ...extra: unknown[]): Tensor {
    noMoreArgs('sub', extra, 2);
    return op('sub', this, checkTensorLike(other, 'other'), checkNumber(alpha, 'alpha'));
  }
  mul(other: number | Tensor<D>): Tensor<SameArithOf<D>>;
  mul(other: TensorLike): Tensor<ArithOf<D>>;
  mul(other: TensorLike, ...extra: unknown[]): Tensor {
    noMoreArgs('mul', extra, 1);
    return op('mul', this, checkTensorLike(other, 'other'));
  }
  /** True division: integer tensors divide to float32; `{ roundingMode: 'trunc' | 'floor' }` rounds (keeping integers integral). */
  div(other: number | Tensor<D>, opts: { roundingMode: 'trunc' | 'floor' }): Tensor<SameArithOf<D>>;
  div(other: number | Tensor<D>, opts?: DivOptions): Tensor<FloatOf<D>>;
  div(other: TensorLike, opts?: DivOptions): Tensor<ArithOf<D>>;
  div(other: TensorLike, opts?: DivOptions, ...extra: unknown[]): Tensor {
    noMoreArgs('div', extra, 2);
    return op('div', this, checkTensorLike(other, 'other'), roundingMode(opts, 'div'));
  }
  pow(exponent: number | Tensor<D>): Tensor<SameArithOf<D>>;
  pow(exponent: TensorLike): Tensor<ArithOf<D>>;
  pow(exponent: TensorLike, ...extra: unknown[]): Tensor {
    noMoreArgs('pow', extra, 1);
    return op('pow', this, checkTensorLike(exponent, 'exponent'));
  }
  /** other - this, as torch.rsub (Python's `number - tensor`). */
  rsub(other: TensorLike, ...extra: unknown[]): Tensor<SameArithOf<D>> {
    noMoreArgs('rsub', extra, 1);
    return op('rsub', this, checkTensorLike(other, 'other'));
  }
  neg(): Tensor<D> {
    return op('neg', this);
  }
  add_(other: TensorLike, alpha: number = 1, ...extra: unknown[]): this {
    noMoreArgs('add_', extra, 2);
    return this.inPlace(op('add_', this, checkTensorLike(other, 'other'), checkNumber(alpha, 'alpha')));
  }
  sub_(other: TensorLike, alpha: number = 1, ...extra: unknown[]): this {
    noMoreArgs('sub_', extra, 2);
    return this.inPlace(op('sub_', this, checkTensorLike(other, 'other'), checkNumber(alpha, 'alpha')));
  }
  mul_(other: TensorLike, ...extra: unknown[]): this {
    noMoreArgs('mul_', extra, 1);
    return this.inPlace(op('mul_', this, checkTensorLike(other, 'other')));
  }
  div_(other: TensorLike, opts?: DivOptions, ...extra: unknown[]): this {
    noMoreArgs('div_', extra, 2);
    return this.inPlace(op('div_', this, checkTensorLike(other, 'other'), roundingMode(opts, 'div_')));
  }
  zero_(): this {
    return this.inPlace(op('zero_', this));
  }
  fill_(value: Scalar): this {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`fill_: value must be a number or a boolean, got ${describe(value)}`);
    return this.inPlace(op('fill_', this, value));
  }
  copy_(src: Tensor): this {
    return this.inPlace(op('copy_', this, checkTensor(src, 'src')));
  }
  uniform_(from = 0, to = 1): this {
    return this.inPlace(op('uniform_', this, checkNumber(from, 'from', { finite: true }), checkNumber(to, 'to', { finite: true })));
  }
  normal_(mean = 0, std = 1): this {
    return this.inPlace(op('normal_', this, checkNumber(mean, 'mean', { finite: true }), checkNumber(std, 'std', { finite: true })));
  }
  private inPlace(result: Tensor): this {
    result.dispose(); // the native result is a second handle on this same tensor
    return this;
  }
  /** Both operands must have the same dtype (as in PyTorch), so the result has this one's. */
  matmul(other: Tensor): Tensor<D> {
    return op('matmul', this, checkTensor(other, 'other'));
  }

  // ---- elementwise
  exp(): Tensor<FloatOf<D>> {
    return op('exp', this);
  }
  log(): Tensor<FloatOf<D>> {
    return op('log', this);
  }
  log1p(): Tensor<FloatOf<D>> {
    return op('log1p', this);
  }
  sqrt(): Tensor<FloatOf<D>> {
    return op('sqrt', this);
  }
  abs(): Tensor<D> {
    return op('abs', this);
  }
  /** Bounds are numbers, or tensors (broadcast against this one), as torch.clamp's two overloads. */
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor<D> {
    if (min instanceof Tensor || max instanceof Tensor) {
      for (const [v, n] of [[min, 'min'], [max, 'max']] as const)
        if (v != null && !(v instanceof Tensor)) throw new TypeError(`clamp(): ${n} must be a Tensor when the other bound is one (as torch.clamp), got ${describe(v)}`);
      return op('clampTensor', this, min == null ? undefined : checkTensor(min, 'min'), max == null ? undefined : checkTensor(max, 'max'));
    }
    if (min != null) checkNumber(min, 'min');
    if (max != null) checkNumber(max, 'max');
    if (min == null && max == null) throw new TypeError('clamp(): at least one of min and max must be given');
    return op('clamp', this, min ?? undefined, max ?? undefined);
  }
  relu(): Tensor<D> {
    return op('relu', this);
  }
  sigmoid(): Tensor<FloatOf<D>> {
    return op('sigmoid', this);
  }
  tanh(): Tensor<FloatOf<D>> {
    return op('tanh', this);
  }
  softmax(dim: number): Tensor<FloatOf<D>> {
    return op('softmax', this, this.axis(dim));
  }
  logSoftmax(dim: number): Tensor<FloatOf<D>> {
    return op('logSoftmax', this, this.axis(dim));
  }
  isnan(): Tensor<'bool'> {
    return op('isnan', this);
  }
  isfinite(): Tensor<'bool'> {
    return op('isfinite', this);
  }

  // ---- reductions
  sum(dim?: number | number[], keepdim?: boolean): Tensor<SumOf<D>>;
  sum<T extends DType>(dim: number | number[] | undefined, keepdim: boolean, opts: { dtype: T }): Tensor<T>;
  sum(dim?: number | number[], keepdim = false, opts: { dtype?: DType } = {}): Tensor {
    checkOptions(opts, 'sum options', ['dtype']);
    return op('sum', this, this.dims(dim), checkBool(keepdim, 'keepdim'), opts.dtype && checkDtype(opts.dtype));
  }
  mean(dim?: number | number[], keepdim = false): Tensor<FloatOf<D>> {
    return op('mean', this, this.dims(dim), checkBool(keepdim, 'keepdim'));
  }
  logsumexp(dim: number | number[], keepdim = false): Tensor<FloatOf<D>> {
    const dims = this.dims(dim);
    if (dims === undefined) throw new TypeError('logsumexp: dim is required (an integer or an array of integers), got undefined');
    return op('logsumexp', this, dims, checkBool(keepdim, 'keepdim'));
  }
  max(): Tensor<D>;
  max(dim: number, keepdim?: boolean): MaxMin<D>;
  max(dim?: number, keepdim = false): Tensor<D> | MaxMin<D> {
    return this.extreme('max', dim, keepdim);
  }
  min(): Tensor<D>;
  min(dim: number, keepdim?: boolean): MaxMin<D>;
  min(dim?: number, keepdim = false): Tensor<D> | MaxMin<D> {
    return this.extreme('min', dim, keepdim);
  }
  private extreme(kind: 'max' | 'min', dim: number | undefined, keepdim: boolean): Tensor<D> | MaxMin<D> {
    if (dim === undefined) return op(`${kind}All`, this);
    const [values, indices] = opRaw(`${kind}Dim`, this, this.axis(dim), checkBool(keepdim, 'keepdim'));
    return { values: fromHandle<D>(values), indices: fromHandle<'int64'>(indices) };
  }
  argmax(dim?: number, keepdim = false): Tensor<'int64'> {
    return op('argmax', this, dim === undefined ? undefined : this.axis(dim), checkBool(keepdim, 'keepdim'));
  }
  any(): Tensor<'bool'> {
    return op('any', this);
  }
  all(): Tensor<'bool'> {
    return op('all', this);
  }

  // ---- comparisons
  eq(other: TensorLike): Tensor<'bool'> {
    return op('eq', this, checkTensorLike(other, 'other'));
  }
  ne(other: TensorLike): Tensor<'bool'> {
    return op('ne', this, checkTensorLike(other, 'other'));
  }
  lt(other: TensorLike): Tensor<'bool'> {
    return op('lt', this, checkTensorLike(other, 'other'));
  }
  le(other: TensorLike): Tensor<'bool'> {
    return op('le', this, checkTensorLike(other, 'other'));
  }
  gt(other: TensorLike): Tensor<'bool'> {
    return op('gt', this, checkTensorLike(other, 'other'));
  }
  ge(other: TensorLike): Tensor<'bool'> {
    return op('ge', this, checkTensorLike(other, 'other'));
  }

  // ---- shape
  /** A view with another shape (one entry may be -1): view(2, 3) or view([2, 3]), as in PyTorch. */
  view(shape: Shape): Tensor<D>;
  view(...shape: number[]): Tensor<D>;
  view(...shape: (number | Shape)[]): Tensor<D> {
    return op('view', this, shapeArg(shape));
  }
  reshape(shape: Shape): Tensor<D>;
  reshape(...shape: number[]): Tensor<D>;
  reshape(...shape: (number | Shape)[]): Tensor<D> {
    return op('reshape', this, shapeArg(shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor<D> {
    return op('flatten', this, this.axis(startDim, 'startDim'), this.axis(endDim, 'endDim'));
  }
  permute(dims: Shape): Tensor<D>;
  permute(...dims: number[]): Tensor<D>;
  permute(...dims: (number | Shape)[]): Tensor<D> {
    return op('permute', this, intsArg(dims, 'dims').map((x, i) => this.axis(x, `dims[${i}]`)));
  }
  transpose(dim0: number, dim1: number): Tensor<D> {
    return op('transpose', this, this.axis(dim0, 'dim0'), this.axis(dim1, 'dim1'));
  }
  /** transpose(0, 1) of a 2-d tensor; 0-d and 1-d tensors come back as they are (a new handle), as torch.t. */
  t(): Tensor<D> {
    if (this.ndim > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but it has ${this.ndim}; use transpose(dim0, dim1) or .T`);
    return this.T;
  }
  /** The dimensions reversed (the transpose of a matrix), as torch.Tensor.T. */
  get T(): Tensor<D> {
    return this.permute(Array.from({ length: this.ndim }, (_, i) => this.ndim - 1 - i));
  }
  unsqueeze(dim: number): Tensor<D> {
    return op('unsqueeze', this, checkDim(dim, this.ndim + 1));
  }
  squeeze(dim?: number): Tensor<D> {
    return op('squeeze', this, dim === undefined ? undefined : this.axis(dim));
  }
  expand(shape: Shape): Tensor<D>;
  expand(...shape: number[]): Tensor<D>;
  expand(...shape: (number | Shape)[]): Tensor<D> {
    return op('expand', this, intsArg(shape, 'shape'));
  }
  /**
   * Python's indexing, as a view: x.slice(':, 1:3') is x[:, 1:3], x.slice('..., -1') is x[..., -1];
   * integers select (dropping the dim), a:b:c slices (step > 0), '...' stands for the dims not named,
   * None inserts a dim.
   */
  slice(index: string): Tensor<D> {
    const steps = parseIndex(index);
    const named = steps.filter((s) => s.kind === 'slice' || s.kind === 'index').length;
    if (named > this.ndim) throw new RangeError(`slice('${index}'): too many indices for a tensor of dimension ${this.ndim}`);
    const at = steps.findIndex((s) => s.kind === 'ellipsis');
    const full = Array.from({ length: this.ndim - named }, (): IndexStep => ({ kind: 'slice', step: 1 }));
    const plan = at < 0 ? steps : [...steps.slice(0, at), ...full, ...steps.slice(at + 1)];
    // Each step makes a view of the previous one; the intermediate handles are freed as it goes.
    let t: Tensor<D> = op('view', this, this.shape);
    let dim = 0;
    for (const s of plan) {
      let next: Tensor<D>;
      if (s.kind === 'slice') next = op('sliceDim', t, dim++, s.start, s.end, s.step);
      else if (s.kind === 'index') next = op('select', t, dim, s.index);
      else if (s.kind === 'newaxis') next = op('unsqueeze', t, dim++);
      else continue;
      t.dispose();
      t = next;
    }
    return t;
  }
  select(dim: number, index: number): Tensor<D> {
    return op('select', this, this.axis(dim), checkInt(index, 'index'));
  }
  narrow(dim: number, start: number, length: number): Tensor<D> {
    return op('narrow', this, this.axis(dim), checkInt(start, 'start'), checkInt(length, 'length', 0));
  }
  indexSelect(dim: number, index: Tensor): Tensor<D> {
    return op('indexSelect', this, this.axis(dim), checkTensor(index, 'index'));
  }
  gather(dim: number, index: Tensor): Tensor<D> {
    return op('gather', this, this.axis(dim), checkTensor(index, 'index'));
  }
  scatter(dim: number, index: Tensor, src: TensorLike): Tensor<D> {
    return op('scatter', this, this.axis(dim), checkTensor(index, 'index'), checkTensorLike(src, 'src'));
  }

  // ---- autograd
  get requiresGrad(): boolean {
    return opRaw('requiresGrad', this);
  }
  set requiresGrad(v: boolean) {
    opRaw('setRequiresGrad', this, checkBool(v, 'requiresGrad'));
  }
  requiresGrad_(v = true): this {
    this.requiresGrad = v;
    return this;
  }
  // The wrapper .grad last returned: reading .grad again gives it back while it holds the same
  // gradient (as p.grad is p.grad in PyTorch), so repeated reads make no new live tensors.
  #grad: Tensor<D> | undefined;
  /** The accumulated gradient, or undefined; the same Tensor object while the gradient stays the same. */
  get grad(): Tensor<D> | undefined {
    const h = opRaw('grad', this);
    if (h === undefined) return (this.#grad = undefined);
    const last = this.#grad;
    if (last && !last.isDisposed && callNative('sameTensor', [last.handle, h])) {
      callNative('releaseTensor', [h]);
      return last;
    }
    return (this.#grad = fromHandle<D>(h));
  }
  /** Sets or clears the gradient; like PyTorch, it must match this tensor's shape, dtype and device. */
  set grad(g: Tensor | undefined) {
    if (g !== undefined) {
      checkTensor(g, 'grad');
      const [a, b] = [g.shape, this.shape];
      if (a.length !== b.length || a.some((s, i) => s !== b[i])) throw new RangeError(`grad: assigned grad has shape [${a}], expected [${b}] (the tensor's shape)`);
      if (g.dtype !== this.dtype) throw new TypeError(`grad: assigned grad has dtype ${g.dtype}, expected ${this.dtype} (the tensor's dtype)`);
      if (g.device !== this.device) throw new TypeError(`grad: assigned grad is on ${g.device}, expected ${this.device} (the tensor's device)`);
    }
    opRaw('setGrad', this, g);
  }
  get isLeaf(): boolean {
    return opRaw('isLeaf', this);
  }
  backward(gradient?: Tensor, opts: { retainGraph?: boolean } = {}): void {
    checkOptions(opts, 'backward options', ['retainGraph']);
    opRaw('backward', this, gradient === undefined ? undefined : checkTensor(gradient, 'gradient'),
      opts.retainGraph === undefined ? undefined : checkBool(opts.retainGraph, 'retainGraph'));
  }

  /** Normalises a dim against this tensor's rank (RangeError when out of range). */
  private axis(d: number, name = 'dim'): number {
    return checkDim(d, this.ndim, name);
  }
  private dims(d: number | number[] | undefined): number[] | undefined {
    if (d === undefined) return undefined;
    const nd = this.ndim;
    return (Array.isArray(d) ? d : [d]).map((x, i) => checkDim(x, nd, Array.isArray(d) ? `dim[${i}]` : 'dim'));
  }
}
registerTensorClass(Tensor);
/** @internal The free functions derived from the op table (exported by lib/functions.ts). */
export const derivedFunctions = installOpSurface(Tensor, fromHandle) as unknown as DerivedFunctions;
// console.log / util.inspect print like PyTorch. Installed by its registered symbol, so that the
// public types do not depend on node:util.
Object.defineProperty(Tensor.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: Tensor): string {
    return this.toString();
  },
});

/** Integers given as separate arguments, f(2, 3), or as one array, f([2, 3]); never both. */
function intsArg(args: unknown[], name: string): number[] {
  const asArray = Array.isArray(args[0]);
  if (asArray && args.length > 1) throw new TypeError(`${name}: pass the sizes as separate numbers or as one array, not both`);
  const s = asArray ? (args[0] as unknown[]) : args;
  return s.map((v, i) => checkInt(v, `${name}[${i}]`));
}
function shapeArg(shape: unknown[]): number[] {
  const s = intsArg(shape, 'shape');
  if (s.filter((v) => v === -1).length > 1) throw new RangeError('shape: only one dimension can be -1');
  s.forEach((v, i) => {
    if (v < -1) throw new RangeError(`shape[${i}] must be >= -1, got ${v}`);
  });
  return s;
}
