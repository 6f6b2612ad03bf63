// The Tensor methods and free functions derived from the op table at load time (their types are
// DerivedMethods/DerivedFunctions in lib/op-types.ts). One generic call path: positional arguments,
// or an options object as the last argument naming any optional argument (PyTorch's keywords); Tensors
// become handles; the C++ side checks every argument against the op's schema.
import { checkOptions, describe } from './check';
import { nativeFunction } from './native';
import type { NativeFunctionName, NativeTensor } from './native-api';
import { type ArgSpec, type OpSpec, OPS } from './op-table';
import { boxHandleRange } from './tensor-handles';

interface TensorLikeClass {
  prototype: object;
}
/** Wraps a handle the addon returned (tensor.ts's fromHandle). */
type FromHandle = (h: NativeTensor) => unknown;
interface TensorInstance {
  readonly isDisposed: boolean;
  readonly handle: NativeTensor;
}

type Call = (self: unknown, args: readonly unknown[]) => unknown;

function isOptional(a: ArgSpec): boolean {
  return a.length === 3 || a[1].endsWith('?');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

const releaseTensor = nativeFunction('releaseTensor');

/**
 * The function that runs one op's native with self and the user's arguments (after self). An in-place
 * form returns self: the native's second handle on it is released, never wrapped.
 */
function makeCall(name: string, nativeName: string, spec: OpSpec, TensorClass: TensorLikeClass, fromHandle: FromHandle, inPlace = false): Call {
  const fn = nativeFunction(nativeName as NativeFunctionName) as (...a: unknown[]) => unknown;
  const args = spec.args;
  const kw = new Set(spec.kwOnly ?? []);
  // User positions (after self) -> native positions; keyword-only arguments have none.
  const positional = args.map((_, i) => i).filter((i) => i > 0 && !kw.has(args[i][0]));
  const optionNames = args.filter((a, i) => i > 0 && isOptional(a)).map((a) => a[0]);
  const indexOf = new Map(args.map((a, i) => [a[0], i]));
  const isTensor = (v: unknown): v is TensorInstance => v instanceof (TensorClass as unknown as new () => TensorInstance);
  const unwrap = (v: unknown, i: number): unknown => {
    if (isTensor(v)) {
      if (v.isDisposed) throw new TypeError(`${nativeName}: argument '${args[i][0]}': tensor has been disposed`);
      return v.handle;
    }
    if (typeof v === 'number') return boxHandleRange(v);
    if (Array.isArray(v) && v.some((x: unknown) => isTensor(x) || (typeof x === 'number' && boxHandleRange(x) !== x))) return v.map((x: unknown) => unwrap(x, i));
    return v;
  };
  const ret = inPlace ? 'self' : (spec.ret ?? 'Tensor');
  const wrap = (h: unknown, self: unknown): unknown => {
    if (ret === 'Tensor') return fromHandle(h as NativeTensor);
    if (ret === 'void') return undefined;
    if (ret === 'self') {
      releaseTensor(h as NativeTensor); // a second handle on self
      return self;
    }
    if (!Array.isArray(h)) return fromHandle(h as NativeTensor); // 'Tensor|...' forms
    if (ret === 'Tensor[]' || ret === 'Tensor|Tensor[]') return (h as NativeTensor[]).map((x) => fromHandle(x));
    const names = ret.length === 3 ? ret.slice(1) : ret;
    const [a, b] = h as [NativeTensor, NativeTensor];
    return { [names[0]]: fromHandle(a), [names[1]]: fromHandle(b) };
  };
  return (self, user) => {
    let n = user.length;
    const out: unknown[] = [unwrap(self, 0)];
    const last = n > 0 ? user[n - 1] : undefined;
    const opts = optionNames.length > 0 && isPlainObject(last) ? (n--, last) : undefined;
    if (n > positional.length) throw new TypeError(`${name}: expected at most ${positional.length} positional arguments (${positional.map((i) => args[i][0]).join(', ')}), got ${n}`);
    for (let k = 0; k < n; k++) out[positional[k]] = unwrap(user[k], positional[k]);
    if (opts) {
      checkOptions(opts, `${name} options`, optionNames);
      for (const key of Object.keys(opts)) {
        const i = indexOf.get(key)!;
        if (out[i] !== undefined) throw new TypeError(`${name}: argument '${key}' given twice (as a position and as an option)`);
        out[i] = unwrap(opts[key], i);
      }
    }
    return wrap(fn(...out), self);
  };
}

/** Installs every 'method' and 'inplace' form on the Tensor prototype; returns the free functions. */
export function installOpSurface(TensorClass: TensorLikeClass, fromHandle: FromHandle): Record<string, (input: unknown, ...args: unknown[]) => unknown> {
  const proto = TensorClass.prototype as Record<string, unknown>;
  const functions: Record<string, (input: unknown, ...args: unknown[]) => unknown> = {};
  for (const [name, spec] of Object.entries(OPS) as [string, OpSpec][]) {
    const forms = spec.forms ?? [];
    if (forms.length === 0) continue;
    const call = makeCall(name, name, spec, TensorClass, fromHandle);
    if (forms.includes('method')) {
      if (name in proto) throw new Error(`op table: Tensor already has a method '${name}'`);
      Object.defineProperty(proto, name, { value: function (this: unknown, ...a: unknown[]) { return call(this, a); }, writable: true, configurable: true });
    }
    if (forms.includes('inplace')) {
      const callInPlace = makeCall(`${name}_`, `${name}_`, spec, TensorClass, fromHandle, true);
      Object.defineProperty(proto, `${name}_`, {
        value: function (this: TensorInstance, ...a: unknown[]) {
          return callInPlace(this, a);
        },
        writable: true,
        configurable: true,
      });
    }
    if (forms.includes('function')) {
      functions[name] = (input: unknown, ...a: unknown[]) => {
        if (spec.args[0][1] === 'Tensor' && !(input instanceof (TensorClass as unknown as new () => TensorInstance)))
          throw new TypeError(`${name}: argument 'input' must be a Tensor, got ${describe(input)}`);
        return call(input, a);
      };
    }
  }
  return functions;
}
