// The TypeScript side of the op table, derived by types (no generated TypeScript): each table entry's
// native signature, and the signatures of its derived Tensor method and free function.
import type { ArgSpec, ArgType, OpName, OpTable } from './op-table';
import type { DType, FloatDType } from './dtype-table';
import type { NativeTensor } from './native-api';
import type { Device, Tensor } from './tensor';

type H = NativeTensor;
/** A JS number is an integer Scalar when integral (as a Python int), else a double; a bigint must fit int64. */
export type NativeScalar = number | boolean | bigint;

/** An argument type's native (handle-level) TypeScript type, without its optionality. */
interface NativeArgTypes {
  Tensor: H;
  'Tensor?': H;
  'Tensor[]': readonly H[];
  Operand: H | NativeScalar;
  Scalar: NativeScalar;
  'Scalar?': NativeScalar;
  'ScalarOrStr?': NativeScalar | string;
  float: number;
  'float?': number;
  int: number;
  'int?': number;
  bool: boolean;
  'int[]': readonly number[];
  'int[]?': readonly number[];
  dims: number | readonly number[];
  'dims?': number | readonly number[];
  str: string;
  'DType?': DType;
  'Device?': string;
  Reduction: 'none' | 'mean' | 'sum';
}

/** Whether an argument may be left out: it has a default or its type ends in '?'. */
type IsOptional<A extends ArgSpec> = A extends readonly [string, ArgType, unknown] ? true : A[1] extends `${string}?` ? true : false;

/** An argument list as a (labelled-less) parameter tuple; optional arguments are optional elements. */
export type ParamsOf<A extends readonly ArgSpec[], Map> = A extends readonly [infer F extends ArgSpec, ...infer R extends readonly ArgSpec[]]
  ? IsOptional<F> extends true
    ? [arg?: Lookup<Map, F[1]> | null | undefined, ...ParamsOf<R, Map>]
    : [Lookup<Map, F[1]>, ...ParamsOf<R, Map>]
  : [];
type Lookup<Map, K> = K extends keyof Map ? Map[K] : never;

type SpecOf<K extends OpName> = OpTable[K];
type RetOf<K extends OpName, Tensorish, Pair> =
  SpecOf<K> extends { ret: 'void' } ? void
  : SpecOf<K> extends { ret: 'Tensor[]' } ? Tensorish[]
  : SpecOf<K> extends { ret: 'Tensor|Tensor[]' } ? Tensorish | Tensorish[]
  : SpecOf<K> extends { ret: readonly ['Tensor|', string, string] } ? Tensorish | Pair
  : SpecOf<K> extends { ret: readonly [string, string] } ? Pair
  : Tensorish;

/** Every table op as a native function (lib/native-api.ts extends NativeFunctions with this), and name_ for in-place forms. */
export type TableNatives = { [K in OpName]: (...args: ParamsOf<SpecOf<K>['args'], NativeArgTypes>) => RetOf<K, H, [H, H]> extends infer R ? (SpecOf<K> extends { ret: 'self' } ? H : R) : never } & {
  [K in OpsWithForm<'inplace'> as `${K}_`]: (...args: ParamsOf<SpecOf<K>['args'], NativeArgTypes>) => H;
};
export type TableNativeName = OpName | `${OpsWithForm<'inplace'>}_`;

// ---- the derived surface: Tensor methods and free functions
/** A result dtype from the table's `out`. */
export type OutOf<O, D extends DType> = O extends 'same' ? D
  : O extends 'float' ? (D extends FloatDType ? D : 'float32')
  : O extends 'bool' ? 'bool'
  : O extends 'int64' ? 'int64'
  : DType;

/** The names of the ops that have a given form. */
export type OpsWithForm<F extends string> = { [K in OpName]: SpecOf<K> extends { forms: readonly (infer X)[] } ? (F extends X ? K : never) : never }[OpName];

/** The user-level argument types: Tensors where the native takes handles. */
interface UserArgTypes extends Omit<NativeArgTypes, 'Tensor' | 'Tensor?' | 'Tensor[]' | 'Operand' | 'Device?'> {
  Tensor: Tensor;
  'Tensor?': Tensor;
  'Tensor[]': readonly Tensor[];
  Operand: Tensor | number | boolean;
  'Device?': Device;
}
type UserType<A extends ArgSpec> = Lookup<UserArgTypes, A[1]>;

type KwOnly<K extends OpName> = SpecOf<K> extends { kwOnly: readonly (infer N)[] } ? N : never;
type Tail<A extends readonly ArgSpec[]> = A extends readonly [ArgSpec, ...infer R extends readonly ArgSpec[]] ? R : [];
/** The positional arguments split into the required ones and the optional ones after them. */
type Req<A extends readonly ArgSpec[], Kw> = A extends readonly [infer F extends ArgSpec, ...infer R extends readonly ArgSpec[]]
  ? F[0] extends Kw ? Req<R, Kw> : IsOptional<F> extends true ? [] : [UserType<F>, ...Req<R, Kw>]
  : [];
type Opt<A extends readonly ArgSpec[], Kw> = A extends readonly [infer F extends ArgSpec, ...infer R extends readonly ArgSpec[]]
  ? F[0] extends Kw ? Opt<R, Kw> : IsOptional<F> extends true ? [UserType<F> | null | undefined, ...Opt<R, Kw>] : Opt<R, Kw>
  : [];
type Optionals<A extends readonly ArgSpec[]> = A extends readonly [infer F extends ArgSpec, ...infer R extends readonly ArgSpec[]]
  ? IsOptional<F> extends true ? F | Optionals<R> : Optionals<R>
  : never;
/** PyTorch's keyword arguments as an options object: every optional argument by name (null: as None, its default). */
export type OptionsOf<A extends readonly ArgSpec[]> = { [F in Optionals<A> as F[0]]?: UserType<F> | null };
/** Every prefix of a tuple ([a, b] -> [] | [a] | [a, b]): the optional positionals given. */
type Prefixes<P extends readonly unknown[]> = P extends readonly [...infer Init, unknown] ? P | Prefixes<Init> : [];

/**
 * A derived form's parameters after self: the required positionals, optional ones left off from the
 * right, then optionally an options object naming any optional argument, as PyTorch's keywords:
 * x.topk(3), x.topk(3, 1), x.topk(3, { largest: false }).
 */
export type UserParams<K extends OpName> =
  | [...Req<Tail<SpecOf<K>['args']>, KwOnly<K>>, ...Prefixes<Opt<Tail<SpecOf<K>['args']>, KwOnly<K>>>]
  | [...Req<Tail<SpecOf<K>['args']>, KwOnly<K>>, ...Prefixes<Opt<Tail<SpecOf<K>['args']>, KwOnly<K>>>, OptionsOf<SpecOf<K>['args']>];

type OutTensor<K extends OpName, D extends DType> = Tensor<OutOf<SpecOf<K> extends { out: infer O } ? O : undefined, D>>;
type PairNames<K extends OpName> = SpecOf<K> extends { ret: readonly [infer A, infer B] } ? [A, B] : SpecOf<K> extends { ret: readonly ['Tensor|', infer A, infer B] } ? [A, B] : [never, never];
type PairOf<K extends OpName, D extends DType> = { [N in PairNames<K>[number] & string]: N extends 'indices' ? Tensor<'int64'> : OutTensor<K, D> };
type Result<K extends OpName, D extends DType> = SpecOf<K> extends { ret: 'self' } ? Tensor<D> : RetOf<K, OutTensor<K, D>, PairOf<K, D>>;

/** The Tensor methods derived from the table: x.sin(), x.topk(3), and in-place x.sin_(). */
export type DerivedMethods<D extends DType> = {
  [K in OpsWithForm<'method'>]: (...args: UserParams<K>) => Result<K, D>;
} & {
  [K in OpsWithForm<'inplace'> as `${K}_`]: (...args: UserParams<K>) => Tensor<D>;
};

type FullParams<K extends OpName> =
  | [...Req<SpecOf<K>['args'], KwOnly<K>>, ...Prefixes<Opt<SpecOf<K>['args'], KwOnly<K>>>]
  | [...Req<SpecOf<K>['args'], KwOnly<K>>, ...Prefixes<Opt<SpecOf<K>['args'], KwOnly<K>>>, OptionsOf<SpecOf<K>['args']>];

/** The free functions derived from the table: torch.sin(x), torch.atan2(y, x), torch.linspace(0, 1, 5). */
export type DerivedFunctions = {
  [K in OpsWithForm<'function'>]: SpecOf<K>['args'][0][1] extends 'Tensor'
    ? <D extends DType>(input: Tensor<D>, ...args: UserParams<K>) => Result<K, D>
    : (...args: FullParams<K>) => Result<K, 'float32'>;
};
