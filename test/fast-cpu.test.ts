// The opt-in fast float32 CPU mode (torch.setFastCpu: oneDNN Linear + SIMD binary cross-entropy):
// the BCE's values and gradients against float64, its fallbacks and input checks, and the drift of 30
// VAE training steps against the same steps in float64, beside the default float32 path.
import * as torch from '../lib';
import { maxAbsDiff } from './helpers';
import { vaeDrift } from './vae-drift';

afterEach(() => torch.setFastCpu(false));

test('the switches check their argument and read back', () => {
  expect(() => torch.setFastCpu('yes' as unknown as boolean)).toThrow(TypeError);
  expect(() => torch.setFastBinaryCrossEntropy(1 as unknown as boolean)).toThrow(TypeError);
  torch.setFastCpu(true);
  expect(torch.fastCpu()).toBe(true);
  expect(torch.fastBinaryCrossEntropy()).toBe(true);
  expect(torch.fastLinear()).toBe(torch.fastLinearAvailable());
  torch.setFastCpu(false);
  expect([torch.fastCpu(), torch.fastBinaryCrossEntropy(), torch.fastLinear()]).toEqual([false, false, false]);
});

describe('SIMD binary cross-entropy', () => {
  function errors(shape: number[], reduction: 'sum' | 'mean', seed: number): { loss: number; grad: number } {
    return torch.scope(() => {
      torch.manualSeed(seed);
      // Probabilities across the range, a few exactly 0 and 1 (the -100 clamps).
      const r = torch.rand(shape).mul(1.2).sub(0.1).clamp(0, 1).requiresGrad_();
      const y = torch.rand(shape);
      torch.setFastBinaryCrossEntropy(true);
      const l = torch.binaryCrossEntropy(r, y, { reduction });
      l.backward();
      torch.setFastBinaryCrossEntropy(false);
      const r64 = r.detach().double().requiresGrad_();
      const l64 = torch.binaryCrossEntropy(r64, y.double(), { reduction });
      l64.backward();
      const n = reduction === 'mean' ? r.numel() : 1;
      // Relative to the sum of |terms| (each up to 100) and to the largest gradient.
      return {
        loss: Math.abs((l.item() as number) - (l64.item() as number)) / ((l64.item() as number) * n + 1),
        grad: maxAbsDiff(r.grad!.double(), r64.grad!) / Math.max(1e-30, r64.grad!.abs().max().item() as number),
      };
    });
  }

  test.each([
    [[100, 784], 'sum'],
    [[100, 784], 'mean'],
    [[7, 13], 'sum'],
    [[1], 'mean'],
  ] as const)('%j reduction %s: loss and gradient within float32 rounding of float64', (shape, reduction) => {
    const e = errors([...shape], reduction, shape[0]);
    expect(e.loss).toBeLessThan(1e-6);
    expect(e.grad).toBeLessThan(1e-6);
  });

  test('falls back to ATen (bit for bit) for weights, reduction none, float64 and a target that needs grad', () => {
    torch.scope(() => {
      torch.manualSeed(9);
      const r = torch.rand([5, 6]);
      const y = torch.rand([5, 6]);
      const w = torch.rand([5, 6]);
      const cases: [torch.Tensor, torch.Tensor, Parameters<typeof torch.binaryCrossEntropy>[2]][] = [
        [r, y, { weight: w, reduction: 'sum' }],
        [r, y, { reduction: 'none' }],
        [r.double(), y.double(), { reduction: 'sum' }],
      ];
      for (const [a, b, o] of cases) {
        const plain = torch.binaryCrossEntropy(a, b, o);
        torch.setFastBinaryCrossEntropy(true);
        const fast = torch.binaryCrossEntropy(a, b, o);
        torch.setFastBinaryCrossEntropy(false);
        expect(fast.eq(plain).all().item()).toBe(true);
      }
    });
  });

  test('a perfect prediction costs 0 (not -0), a certain miss 100 per element, as in ATen', () => {
    torch.scope(() => {
      torch.setFastBinaryCrossEntropy(true);
      expect(Object.is(torch.binaryCrossEntropy(torch.tensor([0, 1]), torch.tensor([0, 1]), { reduction: 'sum' }).item(), 0)).toBe(true);
      expect(torch.binaryCrossEntropy(torch.tensor([1, 0]), torch.tensor([0, 1]), { reduction: 'sum' }).item()).toBe(200);
    });
  });

  test.each([
    ['input above 1', [0.5, 1.5], [0, 1], /input should be between 0 and 1/],
    ['input NaN', [0.5, NaN], [0, 1], /input should be between 0 and 1/],
    ['target below 0', [0.5, 0.5], [-1, 1], /target should be between 0 and 1/],
  ])('refuses %s with ATen\'s message', (_name, x, y, msg) => {
    torch.scope(() => {
      torch.setFastBinaryCrossEntropy(true);
      // NaN enters as 0 / 0: tensor() takes plain numbers only.
      const xs = torch.tensor(x.map((v) => (Number.isNaN(v) ? 0 : v))).div(torch.tensor(x.map((v) => (Number.isNaN(v) ? 0 : 1))));
      expect(() => torch.binaryCrossEntropy(xs, torch.tensor(y), { reduction: 'sum' })).toThrow(msg);
    });
  });
});

test('30 VAE steps: fast float32 (setFastCpu) stays within 1e-5 (relative) of float64, as the default float32 path does', () => {
  const STEPS = 30;
  const { plain, fast } = vaeDrift(torch.setFastCpu, STEPS);
  process.stdout.write(`max relative loss drift from float64 over ${STEPS} steps: default float32 ${plain.toExponential(2)}, setFastCpu ${fast.toExponential(2)}\n`);
  expect(fast).toBeLessThan(1e-5);
  expect(plain).toBeLessThan(1e-5);
});
