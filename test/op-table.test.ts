// The op table (lib/op-table.ts) against the addon: the generated C++ is what the table gives, every
// table op is registered, and for every form of every op a wrong type or a wrong position is a
// TypeError naming the op and the argument (one sweep over the whole table).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../lib';
import { native } from '../lib/native';
import { type ArgSpec, type ArgType, type OpSpec, OPS } from '../lib/op-table';
import { DTYPES } from '../lib/dtype-table';

const root = path.resolve(__dirname, '..');
const ops = Object.entries(OPS) as [string, OpSpec][];

// Native errors are made in Node's realm, not jest's sandbox: compare by name, not instanceof.
function thrown(fn: () => unknown): Error | undefined {
  try {
    const r = fn();
    if (r instanceof torch.Tensor) r.dispose();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

/** A valid value of each argument type (the arguments before the one under test must pass). */
function valid(type: ArgType, t: () => unknown): unknown {
  switch (type) {
    case 'Tensor':
    case 'Tensor?':
    case 'Operand':
      return t();
    case 'Tensor[]':
      return [t(), t()];
    case 'Scalar':
    case 'Scalar?':
    case 'ScalarOrStr?':
      return 1;
    case 'float':
    case 'float?':
      return 0.5;
    case 'int':
    case 'int?':
      return 0;
    case 'bool':
      return false;
    case 'int[]':
    case 'int[]?':
    case 'dims':
    case 'dims?':
      return [2, 2];
    case 'str':
      return 'sum';
    case 'DType?':
      return 'float32';
    case 'Device?':
      return 'cpu';
    case 'Reduction':
      return 'mean';
  }
}
/** A value of the wrong type for each argument type. */
function wrong(type: ArgType): unknown {
  if (type === 'int' || type === 'int?') return 1.5;
  if (type === 'bool') return 1;
  if (type === 'ScalarOrStr?') return [1];
  if (type === 'DType?' || type === 'Device?' || type === 'Reduction' || type === 'str') return 7;
  return 'x';
}

describe('op table', () => {
  test('native/ops/ops.gen.cc and native/binding/dtypes.gen.h are what the tables give (node scripts/gen-ops.js)', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-ops.js'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('every table op (and in-place form) is a native function', () => {
    const names = ops.flatMap(([n, s]) => [n, ...((s.forms ?? []).includes('inplace') ? [`${n}_`] : [])]);
    const record = native as unknown as Record<string, unknown>;
    expect(names.filter((n) => typeof record[n] !== 'function')).toEqual([]);
  });

  test('the dtype table is the one both sides read', () =>
    torch.scope(() => {
      for (const d of DTYPES) expect(torch.zeros([1], { dtype: d }).dtype).toBe(d);
    }));

  // Every argument of every op, given the wrong type, names the op and the argument.
  const cases = ops.flatMap(([name, spec]) => {
    const natives = [name, ...((spec.forms ?? []).includes('inplace') ? [`${name}_`] : [])];
    return natives.flatMap((n) => spec.args.map((a, i) => [n, a[0], i, spec.args] as [string, string, number, readonly ArgSpec[]]));
  });
  test(`native sweep: a wrong type at each position is a TypeError naming op and argument (${cases.length} cases)`, () =>
    torch.scope(() => {
      const failures: string[] = [];
      for (const [name, arg, i, args] of cases) {
        const values = args.slice(0, i).map((a) => valid(a[1], () => torch.ones([2, 2])));
        values.push(wrong(args[i][1]));
        const fn = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
        const e = thrown(() => fn(...values.map((v) => (v instanceof torch.Tensor ? v.handle : Array.isArray(v) ? v.map((x: unknown) => (x instanceof torch.Tensor ? x.handle : x)) : v))));
        const want = new RegExp(`^${name.replace(/_$/, '_')}: argument '${arg}'`);
        if (!e || e.name !== 'TypeError' || !want.test(e.message)) failures.push(`${name}(${arg}): ${e ? `${e.name}: ${e.message}` : 'no error'}`);
      }
      expect(failures).toEqual([]);
    }));

  test('native sweep: one argument too many (a shifted position) is a TypeError naming the op', () =>
    torch.scope(() => {
      const failures: string[] = [];
      for (const [name, spec] of ops) {
        const fn = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
        const e = thrown(() => fn(...Array.from({ length: spec.args.length + 1 }, () => undefined)));
        if (!e || e.name !== 'TypeError' || !e.message.startsWith(`${name}: expected at most ${spec.args.length} arguments`)) failures.push(`${name}: ${e?.message}`);
      }
      expect(failures).toEqual([]);
    }));

  test('swapped dtype and device are a TypeError naming the argument', () => {
    // @ts-expect-error the swap the compiler also rejects: the C++ side's own check is under test
    const e = thrown(() => native.zeros([2], 'cpu', 'float32'));
    expect(e?.name).toBe('TypeError');
    expect(e?.message).toBe("zeros: argument 'dtype': unknown dtype 'cpu'");
  });

  // The derived forms: methods, in-place methods and free functions, through the JS surface.
  const derived = ops.filter(([, s]) => (s.forms ?? []).length > 0);
  type Fn = (...a: unknown[]) => unknown;
  const fns = torch as unknown as Record<string, Fn>;
  /** An op's user-facing positional arguments; `free` when its free function takes its first by position (linspace, einsum). */
  const surface = (spec: OpSpec): { free: boolean; positional: ArgSpec[] } => {
    const free = spec.args[0][1] !== 'Tensor';
    return { free, positional: spec.args.slice(free ? 0 : 1).filter((a) => !(spec.kwOnly ?? []).includes(a[0])) };
  };
  /** Each derived form of an op called with `args` (after self), named as its errors name it. */
  const formCalls = (name: string, spec: OpSpec, args: unknown[], withInPlace: boolean): [string, () => unknown][] => {
    const forms = spec.forms ?? [];
    const { free } = surface(spec);
    const x = (): Record<string, Fn> => torch.ones([2, 2]) as unknown as Record<string, Fn>;
    const calls: [string, () => unknown][] = [];
    if (forms.includes('method')) calls.push([name, () => x()[name](...args)]);
    if (withInPlace && forms.includes('inplace')) calls.push([`${name}_`, () => x()[`${name}_`](...args)]);
    if (forms.includes('function')) calls.push([name, () => (free ? fns[name](...args) : fns[name](torch.ones([2, 2]), ...args))]);
    return calls;
  };
  test(`derived forms sweep: every argument of every method / in-place / function form (${derived.length} ops)`, () =>
    torch.scope(() => {
      const failures: string[] = [];
      for (const [name, spec] of derived) {
        const forms = spec.forms ?? [];
        const { free, positional } = surface(spec);
        for (let i = 0; i < positional.length; i++) {
          const before = positional.slice(0, i).map((a) => valid(a[1], () => torch.ones([2, 2])));
          const args = [...before, wrong(positional[i][1])];
          for (const [opName, call] of formCalls(name, spec, args, true)) {
            const e = thrown(call);
            if (!e || e.name !== 'TypeError' || !e.message.startsWith(`${opName}: argument '${positional[i][0]}'`)) failures.push(`${opName}(${positional[i][0]}): ${e?.message ?? 'no error'}`);
          }
        }
        // An unknown option names the op and suggests the right key.
        const opt = spec.args.find((a, i) => i > 0 && (a.length === 3 || a[1].endsWith('?')));
        if (opt && forms.includes('method') && !free) {
          const e = thrown(() => (torch.ones([2, 2]) as unknown as Record<string, (...a: unknown[]) => unknown>)[name]({ [`${opt[0]}X`]: 1 }));
          if (!e || e.name !== 'TypeError' || !e.message.includes(`unknown option '${opt[0]}X' (did you mean '${opt[0]}'?)`)) failures.push(`${name} options: ${e?.message}`);
        }
      }
      expect(failures).toEqual([]);
    }));

  // A tensor's handle is a number (native/binding/tensor.h): a Tensor given for a number must still be
  // refused, never read as its handle's value (found by the adversary pass on the number handles).
  const TENSOR_TYPES = new Set<ArgType>(['Tensor', 'Tensor?', 'Tensor[]', 'Operand']);
  test('derived forms sweep: a Tensor where the op takes no tensor is a TypeError, never read as a number', () =>
    torch.scope(() => {
      const failures: string[] = [];
      let tried = 0;
      for (const [name, spec] of derived) {
        const { positional } = surface(spec);
        for (let i = 0; i < positional.length; i++) {
          if (TENSOR_TYPES.has(positional[i][1])) continue;
          const args = [...positional.slice(0, i).map((a) => valid(a[1], () => torch.ones([2, 2]))), torch.tensor(5)];
          for (const [opName, call] of formCalls(name, spec, args, false)) {
            tried++;
            const e = thrown(call);
            if (!e || e.name !== 'TypeError' || !e.message.startsWith(`${opName}: argument '${positional[i][0]}'`) || !/got a tensor/.test(e.message)) failures.push(`${opName}(${positional[i][0]}): ${e ? `${e.name}: ${e.message}` : 'no error'}`);
          }
        }
      }
      expect(tried).toBeGreaterThan(100);
      expect(failures).toEqual([]);
    }));

  test("Tensor cannot be constructed from JS with a forged handle, nor wrap a live tensor's handle again", () => {
    const Ctor = torch.Tensor as unknown as new (...a: unknown[]) => unknown;
    expect(() => new Ctor(2 ** 52 + 1)).toThrow(/^Tensor cannot be constructed directly/);
    // The wrapper of fresh handles is a module function of lib/tensor.ts, not a static of the public class:
    // a second Tensor on one handle would free it under the first.
    expect((torch.Tensor as unknown as Record<string, unknown>).fromHandle).toBeUndefined();
    expect(Object.keys(torch)).not.toContain('fromHandle');
  });

  test('a disposed tensor is named, in every form', () =>
    torch.scope(() => {
      const x = torch.ones([2]);
      x.dispose();
      expect(() => torch.zerosLike(x)).toThrow(/disposed/);
    }));
});
