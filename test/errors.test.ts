// Every exported function fed wrong argument counts, types, shapes, dtypes, NaN/Infinity, empty and
// disposed tensors: each fails with a clear JS error (TypeError/RangeError, or LibTorch's message
// without a C++ backtrace) and the process survives.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';

// The fuzz calls save() with path-like strings; keep whatever it writes out of the working tree.
const cwd = process.cwd();
beforeAll(() => process.chdir(fs.mkdtempSync(path.join(os.tmpdir(), 'gt-fuzz-'))));
// The fuzz also calls the global switches with `true` and numbers: put them back for the test files
// that run after this one in the same process (the addon's state is process-wide).
const threads = torch.getNumThreads();
afterAll(() => {
  process.chdir(cwd);
  const api = torch as unknown as Record<string, ((on: boolean) => void) | undefined>;
  api.setFastCpu?.(false); // also switches fast Linear off
  torch.setFusedKernels(true);
  torch.setNumThreads(threads);
});

type Fn = (...args: unknown[]) => unknown;
const api = torch as unknown as Record<string, unknown>;

const BAD_VALUES: unknown[] = [undefined, null, NaN, Infinity, -Infinity, -1, 1.5, 'x', {}, [], [NaN], [-1, 2], () => 0, Symbol('s'), 10n, true,
  2n ** 70n, { temperature: 0.5 }, { dtype: 'float64', foo: 1 }, [2 ** 31, 0], new Map(), new Float32Array(2)];

function badTensors(): unknown[] {
  const disposed = torch.ones([2]);
  disposed.dispose();
  return [disposed, torch.zeros([0]), torch.ones([2, 3], { dtype: 'int64' }), torch.ones([3, 1, 2]), torch.tensor([NaN, Infinity]),
    torch.zeros([0, 10]), torch.ones([2, 3], { dtype: 'float16' }), torch.tensor([[NaN, 0], [-Infinity, -Infinity]])];
}

function checkError(e: unknown): void {
  // Native errors come from Node's own realm, not jest's sandbox, so check by shape, not instanceof.
  expect(Object.prototype.toString.call(e)).toBe('[object Error]');
  expect(['Error', 'TypeError', 'RangeError']).toContain((e as Error).name);
  const msg = (e as Error).message;
  expect(msg.length).toBeGreaterThan(0);
  expect(msg).not.toMatch(/Exception raised from|frame #\d/); // no C++ backtrace
}

function tryCall(fn: () => unknown): void {
  try {
    const r = fn();
    if (r instanceof torch.Tensor) r.dispose();
  } catch (e) {
    checkError(e);
  }
}

// trainInWorker({}) is a valid call that trains MNIST for real on a thread: its bad arguments are tested
// in train-worker.test.ts.
const functions = Object.entries(api).filter(([k, v]) => typeof v === 'function' && !/^[A-Z]/.test(k) && !['scope', 'noGrad', 'enableGrad', 'trainInWorker'].includes(k)) as [string, Fn][];

describe('bad arguments to every exported function give clear errors', () => {
  // Process-wide switches the fuzz may flip must not leak into later test files of this worker.
  afterAll(() => torch.setFastCpu(false));
  test('the API under test is not empty', () => expect(functions.length).toBeGreaterThan(30));
  test.each(functions.map(([k, f]) => [k, f] as const))('%s', (_name, fn) => {
    const tensors = badTensors();
    const candidates = [...BAD_VALUES, ...tensors];
    tryCall(() => fn());
    for (const a of candidates) {
      tryCall(() => fn(a));
      for (const b of [...BAD_VALUES.slice(0, 8), ...tensors]) tryCall(() => fn(a, b));
      tryCall(() => fn(torch.ones([2, 3]), a, a));
    }
    tensors.forEach((t) => (t as torch.Tensor).dispose());
  });
});

describe('Tensor methods with bad arguments', () => {
  const methods = Object.getOwnPropertyNames(torch.Tensor.prototype).filter((k) => {
    const d = Object.getOwnPropertyDescriptor(torch.Tensor.prototype, k);
    return k !== 'constructor' && typeof d?.value === 'function';
  });
  test.each(methods)('%s', (m) => {
    const tensors = badTensors();
    const subjects = [torch.ones([2, 3]), torch.zeros([0]), torch.ones([2], { dtype: 'bool' }), tensors[0]];
    for (const s of subjects) {
      const f = (s as unknown as Record<string, Fn>)[m].bind(s);
      tryCall(() => f());
      for (const a of [...BAD_VALUES, ...tensors]) {
        tryCall(() => f(a));
        tryCall(() => f(a, a));
        tryCall(() => f(0, a, a));
      }
    }
    subjects.forEach((t) => (t as torch.Tensor).dispose());
    tensors.forEach((t) => (t as torch.Tensor).dispose());
  });
});

describe('specific messages', () => {
  test('types, ranges and LibTorch messages', () =>
    torch.scope(() => {
      const t = torch.ones([2, 3]);
      expect(() => t.softmax(5)).toThrow(RangeError);
      expect(() => t.add('1' as unknown as number)).toThrow(TypeError);
      expect(() => torch.zeros([2, -1])).toThrow(RangeError);
      expect(() => torch.zeros('3' as unknown as number[])).toThrow(TypeError);
      expect(() => torch.ones([2], { dtype: 'float128' as torch.DType })).toThrow(TypeError);
      expect(() => t.to('tpu' as torch.Device)).toThrow(TypeError);
      expect(() => t.matmul(torch.ones([4, 2]))).toThrow(/mat1 and mat2 shapes cannot be multiplied|size mismatch/);
      expect(() => t.view(7)).toThrow(/shape '\[7\]' is invalid/);
      expect(() => torch.gumbelSoftmax(t, { tau: 0 })).toThrow(RangeError);
      expect(() => torch.gumbelSoftmax(t, { tau: NaN })).toThrow(TypeError);
      // A tau that is 0 or subnormal once cast to the tensor's dtype would make NaN (PyTorch's does):
      // refused, naming the dtype; the same tau is fine where the dtype holds it.
      expect(() => torch.gumbelSoftmax(t, { tau: 1e-40 })).toThrow(/tau 1e-40 is below the smallest normal float32/);
      expect(() => torch.gumbelSoftmax(t, { tau: 1e-40, hard: true })).toThrow(RangeError);
      expect(torch.gumbelSoftmax(t.double(), { tau: 1e-40 }).isnan().any().item()).toBe(false);
      expect(() => torch.permutations.gumbelSinkhorn(torch.ones([1, 3, 3]), { tau: 1e-40 })).toThrow(/smallest normal float32/);
      expect(() => torch.subsets.relaxedTopK(t, { k: 1, tau: 1e-46 })).toThrow(/smallest normal float32/);
      expect(torch.subsets.relaxedTopK(t, { k: 1, tau: 2 ** -126 }).isnan().any().item()).toBe(false);
      expect(() => torch.estimators.st(t, { tau: 1e-5 }).dispose()).not.toThrow();
      expect(() => torch.estimators.st(t.to('float16'), { tau: 1e-5 })).toThrow(/smallest normal float16/);
      // ...and one that is infinite in it (-inf logits / inf is NaN).
      expect(() => torch.gumbelSoftmax(t, { tau: 1e39 })).toThrow(/tau 1e\+39 is above the largest finite float32/);
      expect(() => torch.gumbelSoftmax(t.to('float16'), { tau: 7e4 })).toThrow(/largest finite float16/);
      // The distributions divide by their temperature themselves: checked against their logits' dtype.
      expect(() => new torch.distributions.ExpRelaxedCategorical(1e-40, { logits: t })).toThrow(/temperature 1e-40 is below the smallest normal float32/);
      expect(() => new torch.distributions.RelaxedBernoulli(1e-40, { logits: t })).toThrow(RangeError);
      expect(new torch.distributions.ExpRelaxedCategorical(1e-40, { logits: t.double() }).rsample().isnan().any().item()).toBe(false);
      expect(() => torch.gumbelSoftmax(torch.ones([2], { dtype: 'int64' }))).toThrow(/floating-point/);
      expect(() => torch.gumbelSoftmax(t, { dim: 2 })).toThrow(RangeError);
      expect(torch.gumbelSoftmax(torch.zeros([0, 3])).shape).toEqual([0, 3]); // an empty batch, as PyTorch
      expect(() => torch.gumbelSoftmax(t, { noise: torch.ones([3, 2]) })).toThrow(RangeError);
      // Options: never ignored (the full list is in misuse.test.ts).
      expect(() => torch.gumbelSoftmax(t, { temperature: 0.5 } as never)).toThrow(/unknown option 'temperature' \(did you mean 'tau'\?\)/);
      expect(() => torch.zeros([2], { dtype: 'float64', foo: 1 } as never)).toThrow(TypeError);
      expect(() => torch.scalarTensor(2n ** 70n)).toThrow(RangeError);
      expect(() => (t.grad = torch.ones([3, 2]))).toThrow(RangeError);
      expect(() => torch.logProb.relaxedBernoulli(t, 1, t.add(1))).toThrow(RangeError);
    }));
  test('the process is still healthy', () => {
    expect(torch.ones([2]).add(1).sum().item()).toBe(4);
  });
});
