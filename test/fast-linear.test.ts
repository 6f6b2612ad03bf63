// The opt-in oneDNN Linear (torch.setFastLinear): its values and gradients against float64, and the
// drift of 30 VAE training steps against the same steps in float64, beside the default float32 path.
import * as torch from '../lib';
import { maxAbsDiff } from './helpers';
import { vaeDrift } from './vae-drift';

const STEPS = 30;

const available = torch.fastLinearAvailable();
const maybe = available ? describe : (name: string, fn: () => void) => describe.skip(`${name} [skipped: oneDNN's sgemm is not reachable in this LibTorch]`, fn);

afterEach(() => {
  if (available) torch.setFastLinear(false);
});

// The switch is process-wide, and other test files (the API fuzz) may have flipped it: set, then read.
test('setFastLinear checks its argument and reads back', () => {
  expect(() => torch.setFastLinear(1 as unknown as boolean)).toThrow(TypeError);
  torch.setFastLinear(false);
  expect(torch.fastLinear()).toBe(false);
  if (available) {
    torch.setFastLinear(true);
    expect(torch.fastLinear()).toBe(true);
    torch.setFastLinear(false);
  } else {
    expect(() => torch.setFastLinear(true)).toThrow(/oneDNN/);
  }
});

maybe('fast Linear', () => {
  // Relative to the size of the products (sum |x||w|), as any float32 GEMM is judged.
  function linearErrors(m: number, k: number, n: number): { y: number; gx: number; gw: number; gb: number } {
    return torch.scope(() => {
      torch.manualSeed(m + k + n);
      const x = torch.randn([m, k]).requiresGrad_();
      const w = torch.randn([n, k]).requiresGrad_();
      const b = torch.randn([n]).requiresGrad_();
      const g = torch.randn([m, n]);
      torch.setFastLinear(true);
      const y = torch.linear(x, w, b);
      y.mul(g).sum().backward();
      torch.setFastLinear(false);
      const [x64, w64, b64] = [x, w, b].map((t) => t.detach().double().requiresGrad_());
      const y64 = torch.linear(x64, w64, b64);
      y64.mul(g.double()).sum().backward();
      const scale = Math.sqrt(k) * 4;
      return {
        y: maxAbsDiff(y.double(), y64) / scale,
        gx: maxAbsDiff(x.grad!.double(), x64.grad!) / (Math.sqrt(n) * 4),
        gw: maxAbsDiff(w.grad!.double(), w64.grad!) / (Math.sqrt(m) * 4),
        gb: maxAbsDiff(b.grad!.double(), b64.grad!) / (Math.sqrt(m) * 4),
      };
    });
  }

  test.each([
    [100, 784, 512],
    [100, 300, 256],
    [7, 5, 3],
  ])('[%i x %i] x [%i]^T: values and gradients within float32 rounding of float64', (m, k, n) => {
    const e = linearErrors(m, k, n);
    for (const v of Object.values(e)) expect(v).toBeLessThan(1e-6);
  });

  test('each new shape is measured once on every kernel and the fastest is kept', () => {
    torch.resetFastLinearKernels();
    torch.setFastLinear(true);
    try {
      torch.scope(() => {
        const w = torch.randn([6, 9]).requiresGrad_();
        const b = torch.randn([6]).requiresGrad_();
        for (let i = 0; i < 3; i++) torch.linear(torch.randn([13, 9]), w, b).sum().backward();
      });
    } finally {
      torch.setFastLinear(false);
    }
    const k = torch.fastLinearKernels();
    expect(k.map((e) => e.shape)).toEqual([[13, 9, 6]]);
    const ms = k[0].ms as Record<string, number>;
    expect(Object.keys(ms)).toEqual(expect.arrayContaining(['blas', 'onednn']));
    expect(ms[k[0].kernel]).toBe(Math.min(...Object.values(ms)));
  });

  test('falls back to ATen where oneDNN does not apply (float64, 3-D input, no bias)', () => {
    torch.scope(() => {
      torch.setFastLinear(true);
      const w = torch.randn([4, 3]);
      expect(torch.linear(torch.randn([2, 5, 3]), w).shape).toEqual([2, 5, 4]);
      expect(torch.linear(torch.randn([2, 3]), w).shape).toEqual([2, 4]);
      expect(torch.linear(torch.randn([2, 3], { dtype: 'float64' }), w.double()).dtype).toBe('float64');
      expect(() => torch.linear(torch.randn([2, 5]), w)).toThrow(/shape|size|mat/i);
    });
  });

  test('30 VAE steps: fast float32 stays within 1e-5 (relative) of float64, as the default float32 path does', () => {
    const { plain, fast } = vaeDrift(torch.setFastLinear, STEPS);
    process.stdout.write(`max relative loss drift from float64 over ${STEPS} steps: default float32 ${plain.toExponential(2)}, fast ${fast.toExponential(2)}\n`);
    expect(fast).toBeLessThan(1e-5);
    expect(plain).toBeLessThan(1e-5);
  });
});
