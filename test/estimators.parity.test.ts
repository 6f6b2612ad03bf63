// Each estimator's forward sample and gradient against the PyTorch reference implementations in
// scripts/make_estimator_fixtures.py, given the same sample and noise (1e-6 float32, 1e-12 float64).
import * as torch from '../lib';
import { decode, type Enc, fixture, maxAbsDiff } from './helpers';

interface StCase {
  name: 'st' | 'reinmax' | 'gst' | 'gumbel-rao';
  dtype: string;
  dim: number;
  tau: number;
  gap?: number | 'adaptive';
  k?: number;
  masked?: boolean;
  logits: Enc;
  sample: Enc;
  exponentials: Enc;
  w: Enc;
  y: Enc;
  grad: Enc;
}
interface ScoreCase {
  dtype: string;
  logits: Enc;
  weight: Enc;
  target: Enc;
  samples: Enc;
  rloo: { value: Enc; grad: Enc; gradWeight: Enc };
  exact: { value: Enc; grad: Enc; gradWeight: Enc };
}
const fx = fixture<{ straightThrough: StCase[]; score: ScoreCase[] }>('estimators.json');
const tolFor = (dtype: string): number => (dtype === 'float64' ? 1e-12 : 1e-6);
const E = torch.estimators;

function run(c: StCase, logits: torch.Tensor): torch.Tensor {
  const common = { tau: c.tau, dim: c.dim, sample: decode(c.sample) };
  switch (c.name) {
    case 'st':
      return E.st(logits, common);
    case 'reinmax':
      return E.reinmax(logits, common);
    case 'gst':
      return E.gst(logits, { ...common, gap: c.gap });
    case 'gumbel-rao':
      return E.gumbelRao(logits, { ...common, exponentials: decode(c.exponentials) });
  }
}

describe('straight-through estimators equal the PyTorch reference given the same sample and noise', () => {
  test.each(fx.straightThrough.map((c) => [c.name, String(c.gap ?? ''), c.dtype, JSON.stringify(c.logits.shape), c.dim, c.masked ? 'masked' : '', c] as const))(
    '%s %s %s shape %s dim %i %s',
    (_n, _g, dtype, _s, _d, _m, c) =>
      torch.scope(() => {
        const logits = decode(c.logits).requiresGrad_();
        const y = run(c, logits);
        y.mul(decode(c.w)).sum().backward();
        expect(maxAbsDiff(y, c.y)).toBeLessThanOrEqual(tolFor(dtype));
        expect(maxAbsDiff(y, c.sample)).toBe(0); // the forward value is exactly the one-hot sample
        const grad = logits.grad!;
        expect(grad.isfinite().all().item()).toBe(true);
        expect(maxAbsDiff(grad, c.grad)).toBeLessThanOrEqual(tolFor(dtype));
        if (c.masked) {
          const masked = decode(c.logits).isfinite().eq(false);
          expect(grad.mul(masked).abs().sum().item()).toBe(0);
        }
      }),
  );
});

function scoreRun(c: ScoreCase, kind: 'rloo' | 'exact'): { value: torch.Tensor; grad: torch.Tensor; gradWeight: torch.Tensor } {
  const logits = decode(c.logits).requiresGrad_();
  const weight = decode(c.weight).requiresGrad_();
  const target = decode(c.target);
  const f = (z: torch.Tensor): torch.Tensor => z.mul(weight).sum([-1, -2]).sub(target).pow(2);
  const value = kind === 'rloo' ? E.rloo(logits, f, { sample: decode(c.samples) }) : E.exact(logits, f);
  value.sum().backward();
  return { value, grad: logits.grad!, gradWeight: weight.grad! };
}

/** Runs the estimator and compares its value and both gradients with PyTorch's. */
function expectScoreParity(c: ScoreCase, kind: 'rloo' | 'exact'): void {
  torch.scope(() => {
    const r = scoreRun(c, kind);
    for (const key of ['value', 'grad', 'gradWeight'] as const) expect(maxAbsDiff(r[key], c[kind][key])).toBeLessThanOrEqual(tolFor(c.dtype));
  });
}

describe('score-function and enumeration estimators equal the PyTorch reference', () => {
  test.each(fx.score.map((c) => [c.dtype, c] as const))('rloo (S = 4, given samples) %s: value, logits and f-parameter gradients', (_dtype, c) =>
    expectScoreParity(c, 'rloo'),
  );
  test.each(fx.score.map((c) => [c.dtype, c] as const))('exact %s equals brute-force autograd over every configuration', (_dtype, c) =>
    expectScoreParity(c, 'exact'),
  );
});

describe('enumeration', () => {
  test('enumerateConfigurations lists every code once, in itertools.product order', () =>
    torch.scope(() => {
      const z = E.enumerateConfigurations(3, 4);
      expect(z.shape).toEqual([64, 3, 4]);
      const idx = Array.from(z.argmax(-1).data(), Number);
      const codes = new Set<string>();
      for (let n = 0; n < 64; n++) {
        const code = idx.slice(n * 3, n * 3 + 3);
        expect(code).toEqual([Math.floor(n / 16), Math.floor(n / 4) % 4, n % 4]);
        codes.add(code.join());
      }
      expect(codes.size).toBe(64);
      expect(z.sum(-1).eq(1).all().item()).toBe(true);
    }));
});
