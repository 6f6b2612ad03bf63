// Statistics of the samplers (fixed seeds) and robustness at extreme settings.
import * as torch from '../lib';
import { type Tensor } from '../lib';
import { chiSquareP, softmax } from './stats';

const DRAWS = 1_000_000;

function counts(sample: (logits: Tensor) => Tensor, logits: number[], rows = 100_000): number[] {
  const k = logits.length;
  const acc = new Float64Array(k);
  for (let done = 0; done < DRAWS; done += rows) {
    torch.scope(() => {
      const l = torch.tensor(logits).unsqueeze(0).expand(rows, k).contiguous();
      const c = sample(l).sum(0, false, { dtype: 'float64' }).data();
      for (let i = 0; i < k; i++) acc[i] += Number(c[i]);
    });
  }
  return Array.from(acc);
}

const LOGITS: Record<string, number[]> = {
  ordinary: [0.3, -1.2, 2.0, 0.0, 0.7, -0.5, 1.1, -2.0, 0.25, 0.9],
  extreme: [50, -50, 49, 0, -50, 48.5, 50, 10, -10, 45],
  masked: [0.5, -Infinity, 1.5, -Infinity, 0.0, -0.7],
};

describe('argmax frequencies match softmax(logits) (chi-square, 10^6 draws, p > 1e-3)', () => {
  const samplers: Record<string, (l: Tensor) => Tensor> = {
    'gumbelSoftmax hard': (l) => torch.gumbelSoftmax(l, { tau: 0.5, hard: true }),
    'gumbel noise argmax': (l) => torch.oneHot(l.add(torch.sampleGumbel(l.shape)).argmax(-1), l.shape[1]),
    'oneHotCategorical gumbel-max': (l) => torch.oneHotCategorical(l),
    'oneHotCategorical multinomial': (l) => torch.oneHotCategorical(l, { method: 'multinomial' }),
  };
  for (const [sname, sample] of Object.entries(samplers)) {
    for (const [lname, logits] of Object.entries(LOGITS)) {
      test(`${sname}, ${lname} logits`, () => {
        torch.manualSeed(2024);
        const obs = counts(sample, logits);
        const probs = softmax(logits);
        probs.forEach((p, i) => {
          if (p === 0) expect(obs[i]).toBe(0); // masked categories are never drawn
        });
        const { p } = chiSquareP(obs, probs);
        expect(p).toBeGreaterThan(1e-3);
      });
    }
  }
});

describe('relaxed Bernoulli behaves as the Concrete distribution predicts', () => {
  test('P(y > 1/2) = sigmoid(logits) for every tau; mean 1/2 at logits 0', () =>
    torch.scope(() => {
      torch.manualSeed(7);
      const n = 1_000_000;
      for (const tau of [0.1, 1, 5]) {
        for (const logit of [-1.5, 0, 2]) {
          const y = torch.relaxedBernoulli(torch.full([n], logit), { tau });
          const frac = y.gt(0.5).float().mean().item() as number;
          const p = 1 / (1 + Math.exp(-logit));
          expect(Math.abs(frac - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
          if (logit === 0) expect(Math.abs((y.mean().item() as number) - 0.5)).toBeLessThan(0.002);
        }
      }
    }));
});

describe('robustness: no NaN or Infinity at tau 0.01 and logits of +-1e4 (10^7 samples)', () => {
  for (const hard of [false, true]) {
    test(`gumbelSoftmax hard=${hard}`, () =>
      torch.scope(() => {
        torch.manualSeed(99);
        const logits = torch.rand([1_000_000, 10]).mul(2e4).sub(1e4).requiresGrad_();
        const y = torch.gumbelSoftmax(logits, { tau: 0.01, hard });
        expect(y.isfinite().all().item()).toBe(true);
        y.mul(torch.randn([1_000_000, 10])).sum().backward();
        expect(logits.grad!.isfinite().all().item()).toBe(true);
      }));
  }
  test('sampleGumbel in every float dtype, and relaxedBernoulli at tau 0.01', () =>
    torch.scope(() => {
      torch.manualSeed(5);
      for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'] as const) {
        expect(torch.sampleGumbel([10_000_000], { dtype }).isfinite().all().item()).toBe(true);
      }
      const l = torch.rand([10_000_000]).mul(2e4).sub(1e4).requiresGrad_();
      const y = torch.relaxedBernoulli(l, { tau: 0.01 });
      y.sum().backward();
      expect(y.isfinite().all().item()).toBe(true);
      expect(l.grad!.isfinite().all().item()).toBe(true);
    }));
});

describe('temperature schedule', () => {
  test('tau = max(tauMin, tau0 * exp(-rate * step)), updated every N steps', () => {
    const s = new torch.TemperatureSchedule({ tau0: 1, rate: 1e-4, every: 500, tauMin: 0.5 });
    expect(s.at(0)).toBe(1);
    expect(s.at(499)).toBe(1);
    expect(s.at(500)).toBeCloseTo(Math.exp(-0.05), 12);
    expect(s.at(1999)).toBeCloseTo(Math.exp(-0.15), 12);
    expect(s.at(1_000_000)).toBe(0.5);
    expect(() => s.at(-1)).toThrow(RangeError);
    expect(() => new torch.TemperatureSchedule({ tau0: 0 })).toThrow(RangeError);
  });
});
