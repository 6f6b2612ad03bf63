// Statistical checks of the estimators against the exact gradient by enumeration.
//
// R independent draws of each estimator's gradient are taken at once by repeating the logits R times
// along the batch (f treats batch rows independently, so each block of rows is one draw). For each
// logit coordinate, z = (mean - exact) / (std / sqrt R); with D coordinates and Bonferroni, the test
// flags bias when max |z| > z* with z* the two-sided normal quantile at 1e-4 / D: a false-alarm rate
// of at most 1e-4 per test for an unbiased estimator (CLT, R = 4000). The seeds are fixed, so the
// outcome is deterministic.
import * as torch from '../lib';

const E = torch.estimators;
const B = 2;
const L = 2;
const C = 3;
const R = 4000;

// Two-sided normal quantile by bisection on erfc (no table needed).
function erfc(x: number): number {
  // Numerical Recipes' erfcc (fractional error < 1.2e-7).
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
function zQuantile(twoSidedP: number): number {
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (erfc(mid / Math.SQRT2) > twoSidedP) lo = mid;
    else hi = mid;
  }
  return lo;
}

interface Problem {
  logits: number[];
  weight: torch.Tensor;
  target: torch.Tensor;
}
function problem(): Problem {
  torch.manualSeed(3);
  const logits = Array.from(torch.randn([B, L, C], { dtype: 'float64' }).data() as Float64Array);
  return { logits, weight: torch.keep(torch.randn([L, C], { dtype: 'float64' })), target: torch.keep(torch.randn([B], { dtype: 'float64' })) };
}
const lossFor = (p: Problem, target: torch.Tensor) => (z: torch.Tensor): torch.Tensor => z.mul(p.weight).sum([-1, -2]).sub(target).pow(2);

function exactGrad(p: Problem): Float64Array {
  return torch.scope(() => {
    const l = torch.tensor(p.logits, { dtype: 'float64' }).reshape(B, L, C).requiresGrad_();
    E.exact(l, lossFor(p, p.target)).sum().backward();
    return l.grad!.data() as Float64Array;
  });
}

/** Per-coordinate z-scores of R draws of an estimator's gradient against the exact one. */
function zScores(p: Problem, estimate: (l: torch.Tensor, f: (z: torch.Tensor) => torch.Tensor) => torch.Tensor, exact: Float64Array): number[] {
  return torch.scope(() => {
    const base = torch.tensor(p.logits, { dtype: 'float64' }).reshape(1, B, L, C);
    const l = base.expand(R, B, L, C).reshape(R * B, L, C).contiguous().requiresGrad_();
    const target = p.target.unsqueeze(0).expand(R, B).reshape(R * B);
    estimate(l, lossFor(p, target)).sum().backward();
    const g = l.grad!.reshape(R, B * L * C);
    const mean = Array.from(g.mean(0).data() as Float64Array);
    const sq = Array.from(g.pow(2).mean(0).data() as Float64Array);
    return mean.map((m, i) => (m - exact[i]) / Math.sqrt(Math.max(sq[i] - m * m, 1e-300) / R));
  });
}

describe('rloo is unbiased; st is not', () => {
  const zStar = zQuantile(1e-4 / (B * L * C));
  let p: Problem;
  let exact: Float64Array;
  beforeAll(() => {
    p = problem();
    exact = exactGrad(p);
  });

  test(`rloo (S = 4): the mean of ${R} draws matches exact within z* (false-alarm rate 1e-4)`, () => {
    torch.manualSeed(10);
    const z = zScores(p, (l, f) => E.rloo(l, f, { samples: 4 }), exact);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(zStar);
  });

  test('rloo with S = 2 is unbiased too', () => {
    torch.manualSeed(11);
    const z = zScores(p, (l, f) => E.rloo(l, f, { samples: 2 }), exact);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(zStar);
  });

  test('st (tau 1) is detectably biased: the same test rejects it', () => {
    torch.manualSeed(12);
    const z = zScores(p, (l, f) => E.expectation(l, f, 'st'), exact);
    expect(Math.max(...z.map(Math.abs))).toBeGreaterThan(zStar);
  });
});

describe('gumbel-rao conditional perturbations', () => {
  test('have the sample as their argmax, and, mixed over samples D ~ Cat(softmax(logits)), are logits + Gumbel(0, 1)', () =>
    torch.scope(() => {
      torch.manualSeed(5);
      const n = 40000;
      const logits = torch.tensor([1.5, -0.5, 0.2, -2.0, 0.7], { dtype: 'float64' }).unsqueeze(0).expand(n, 5).contiguous();
      const sample = new torch.distributions.OneHotCategorical({ logits }).sample();
      const adj = E.conditionalGumbel(logits, sample, 2);
      expect(adj.argmax(-1).eq(sample.argmax(-1).unsqueeze(0)).all().item()).toBe(true);
      // G = adj - logits must be standard Gumbel per coordinate: mean = Euler's gamma, variance pi^2 / 6.
      const g = adj.sub(logits.unsqueeze(0)).reshape(2 * n, 5);
      const mean = Array.from(g.mean(0).data() as Float64Array);
      const variance = Array.from(g.sub(g.mean(0, true)).pow(2).mean(0).data() as Float64Array);
      // Standard errors: sqrt(pi^2/6 / 2n) ~ 0.0045 for the mean; the variance's ~ 0.019 (Gumbel kurtosis 5.4).
      for (const m of mean) expect(Math.abs(m - 0.5772156649)).toBeLessThan(0.025);
      for (const v of variance) expect(Math.abs(v - Math.PI ** 2 / 6)).toBeLessThan(0.1);
    }));
});
