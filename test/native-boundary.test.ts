// The native boundary: LibTorch's exception kinds become the matching JS error classes, every native
// error names its op, and LibTorch's warnings arrive through process.emitWarning (once per C++ site)
// instead of raw stderr.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../lib';
import { callNative } from '../lib/native';

// Native errors are made in Node's realm, not jest's sandbox: compare by name, not instanceof.
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('LibTorch exceptions map to JS error classes and name the op', () => {
  test('c10::IndexError (index or dim out of range) is a RangeError', () => {
    torch.scope(() => {
      const t = torch.ones([2, 3]);
      const e = thrown(() => callNative('select', [t.handle, 0, 5]));
      expect(e.name).toBe('RangeError');
      expect(e.message).toMatch(/^select(: |\(\): )index 5 out of range/);
      const d = thrown(() => callNative('sum', [t.handle, [4], false]));
      expect(d.name).toBe('RangeError');
      expect(d.message).toMatch(/^sum: Dimension out of range/);
    });
  });

  test.each([
    ['index', 'RangeError'],
    ['value', 'RangeError'],
    ['type', 'TypeError'],
    ['error', 'Error'],
    ['std', 'Error'],
  ])('c10 %s exception -> %s (through the one error path)', (kind, name) => {
    const e = thrown(() => callNative('_throwForTest', [kind]));
    expect(e.name).toBe(name);
    expect(e.message).toMatch(/^_throwForTest: test /);
    expect(e.message).not.toMatch(/Exception raised from|frame #/);
  });

  test('other LibTorch errors keep their message, named after the op, without backtrace', () => {
    torch.scope(() => {
      const e = thrown(() => callNative('matmul', [torch.ones([2, 3]).handle, torch.ones([2, 3]).handle]));
      expect(e.name).toBe('Error');
      expect(e.message).toMatch(/^matmul: mat1 and mat2 shapes cannot be multiplied/);
      expect(e.message).not.toMatch(/Exception raised from|frame #/);
    });
  });

  test('argument errors found natively are TypeErrors naming the op and argument', () => {
    // @ts-expect-error a string where the contract says tensor: the C++ side's own check is under test
    const e = thrown(() => callNative('neg', ['x']));
    expect(e.name).toBe('TypeError');
    expect(e.message).toBe("neg: argument 'self' must be a tensor, got string 'x'");
  });
});

// Warnings go to Node's real process object, which jest's sandbox does not share: run in a child.
describe('LibTorch warnings reach process.emitWarning', () => {
  const dist = path.resolve(__dirname, '..', 'dist');
  const script = `
    const torch = require(${JSON.stringify(dist)});
    const seen = [];
    process.on('warning', (w) => seen.push({ name: w.name, code: w.code, message: w.message }));
    const leaf = torch.ones([3]).requiresGrad_();
    const nonLeaf = leaf.mul(2);
    for (let i = 0; i < 3; i++) nonLeaf.grad; // the same C++ site three times
    setImmediate(() => console.log(JSON.stringify(seen)));
  `;
  test("reading .grad of a non-leaf: one UserWarning, nothing on stderr", () => {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const seen = JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; code: string; message: string }[];
    expect(seen).toHaveLength(1);
    expect(seen[0].name).toBe('UserWarning');
    expect(seen[0].code).toBe('LIBTORCH');
    expect(seen[0].message).toMatch(/\.grad attribute of a Tensor that is not a leaf Tensor is being accessed/);
    // Node prints the warning itself ("(node:PID) UserWarning: ..."); LibTorch/glog must not.
    expect(r.stderr).not.toMatch(/Logging before InitGoogleLogging|^\[W |^W\d{4}/m);
    expect(r.stderr.match(/UserWarning/g) ?? []).toHaveLength(1);
  });
});

// A handle is recognised by its wrap and the addon's set of live tensor wrappers, not by its prototype:
// another native object dressed as a tensor is refused, never read as one (nor unwrapped by dispose).
describe('tensor handles cannot be forged', () => {
  test('a released, forged or foreign value is refused, never read as memory', () => {
    // A child process: a build that trusted a forged handle would read freed or random memory.
    const script = `
      const native = require(${JSON.stringify(path.resolve(__dirname, '..', 'build', 'Release', 'gumbel_torch.node'))});
      const h = native.ones([3]);
      const out = { handle: typeof h, live: native.isLiveTensor(h) };
      const opt = new native.NativeAdam([h], 0.1, 0.9, 0.999, 1e-8, 0, false, false, false);
      const err = (f) => { try { f(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
      out.optimizer = err(() => native.sin(opt));
      out.object = err(() => native.sin({ valueOf: () => h }));
      out.nearby = err(() => native.sin(h + 1));
      out.released = native.releaseTensor(h);
      out.again = native.releaseTensor(h);
      out.stale = err(() => native.sin(h));
      // The slot is reused by the next tensor; the old number stays refused (its generation is old).
      const h2 = native.zeros([2]);
      out.reused = err(() => native.sin(h));
      out.fresh = native.isLiveTensor(h2);
      out.afterOptimizer = err(() => opt.getState());
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out.handle).toBe('number');
    expect(out.live).toBe(true);
    expect(out.optimizer).toMatch(/^TypeError: sin: argument 'self' must be a tensor, got an object/);
    expect(out.object).toMatch(/^TypeError: sin: argument 'self' must be a tensor, got an object/);
    expect(out.nearby).toMatch(/^TypeError: sin: argument 'self'(: tensor has been disposed| must be a tensor)/);
    expect(out.released).toBe(true);
    expect(out.again).toBe(false);
    expect(out.stale).toBe("TypeError: sin: argument 'self': tensor has been disposed");
    expect(out.reused).toBe("TypeError: sin: argument 'self': tensor has been disposed");
    expect(out.fresh).toBe(true);
    expect(out.afterOptimizer).toBe('no error');
  });

  test('a number in the handle range given as a number stays a number', () =>
    torch.scope(() => {
      const x = torch.tensor([1, 2], { dtype: 'float64' });
      const big = 2 ** 52 + 7;
      expect(Array.from(x.add(big).data())).toEqual([big + 1, big + 2]);
      expect(Array.from(torch.add(x, big).data())).toEqual([big + 1, big + 2]);
      expect(Array.from(x.mul(big).data())).toEqual([big, 2 * big]);
    }));
});
