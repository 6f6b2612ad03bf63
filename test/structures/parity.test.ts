// The structure ops against PyTorch implementations of the reference algorithms (Xie & Ermon's relaxed
// top-k, Plackett-Luce, Mena et al.'s log-space Sinkhorn) for the same noise: values and gradients at
// 1e-6 (float32) / 1e-12 (float64). Fixtures: scripts/make_structures_fixtures.py (real PyTorch).
import * as torch from '../../lib';
import { decode, type Enc, fixture, maxAbsDiff } from '../helpers';

interface TopKCase { dtype: string; k: number; tau: number; hard: boolean; dim: number; scores: Enc; noise: Enc; w: Enc; y: Enc; grad: Enc }
interface LogProbCase { dtype: string; dim: number; scores: Enc; indices: Enc; w: Enc; y: Enc; grad: Enc }
interface SinkhornCase { dtype: string; iters: number; tau?: number; logAlpha: Enc; noise?: Enc; w: Enc; y: Enc; grad: Enc }
const fx = fixture<{ relaxedTopK: TopKCase[]; logProb: LogProbCase[]; sinkhorn: SinkhornCase[] }>('structures.json');
const tol = (dtype: string): number => (dtype === 'float64' ? 1e-12 : 1e-6);

describe('relaxedTopK = the reference (Xie & Ermon, tiny-float mask) for given noise', () => {
  test.each(fx.relaxedTopK.map((c, i) => [i, c.dtype, c.k, c.tau, c.hard, c.dim, c] as const))('#%i %s k=%i tau=%f hard=%s dim=%i', (_i, dtype, k, tau, hard, dim, c) =>
    torch.scope(() => {
      const scores = decode(c.scores).requiresGrad_();
      const y = torch.subsets.relaxedTopK(scores, { k, tau, hard, dim, noise: decode(c.noise) });
      y.mul(decode(c.w)).sum().backward();
      expect(maxAbsDiff(y, c.y)).toBeLessThanOrEqual(tol(dtype));
      expect(maxAbsDiff(scores.grad!, c.grad)).toBeLessThanOrEqual(tol(dtype));
      expect(y.isfinite().all().item()).toBe(true);
      // Sums to k along dim; hard: exactly k ones and zeros elsewhere (the reference's is k-hot up to rounding).
      expect(y.sum(dim).sub(k).abs().max().item()).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-5);
      if (hard) {
        expect(y.eq(0).add(y.eq(1)).all().item()).toBe(true);
        expect(y.sum(dim).eq(k).all().item()).toBe(true);
      }
      // Masked items are never chosen and get no gradient.
      const masked = decode(c.scores).eq(-Infinity);
      expect(torch.where(masked, y.detach(), 0).sum().item()).toBe(0);
      expect(torch.where(masked, scores.grad!, 0).abs().sum().item()).toBe(0);
    }),
  );
});

describe('subsets.logProb = the step-by-step Plackett-Luce log-probability', () => {
  test.each(fx.logProb.map((c, i) => [i, c.dtype, c.dim, c] as const))('#%i %s dim=%i', (_i, dtype, dim, c) =>
    torch.scope(() => {
      const scores = decode(c.scores).requiresGrad_();
      const lp = torch.subsets.logProb(scores, decode(c.indices), { dim });
      lp.mul(decode(c.w)).sum().backward();
      expect(maxAbsDiff(lp, c.y)).toBeLessThanOrEqual(tol(dtype));
      expect(maxAbsDiff(scores.grad!, c.grad)).toBeLessThanOrEqual(tol(dtype));
    }),
  );
});

describe('sinkhorn / gumbelSinkhorn = the reference log-space loop (rows, then columns)', () => {
  test.each(fx.sinkhorn.map((c, i) => [i, c.dtype, c.iters, c.tau ?? 'none', c] as const))('#%i %s iters=%i tau=%s', (_i, dtype, iters, tau, c) =>
    torch.scope(() => {
      const logAlpha = decode(c.logAlpha).requiresGrad_();
      const y = c.tau === undefined ? torch.permutations.sinkhorn(logAlpha, { iters }) : torch.permutations.gumbelSinkhorn(logAlpha, { iters, tau: c.tau, noise: decode(c.noise!) });
      y.mul(decode(c.w)).sum().backward();
      expect(maxAbsDiff(y, c.y)).toBeLessThanOrEqual(tol(dtype));
      expect(maxAbsDiff(logAlpha.grad!, c.grad)).toBeLessThanOrEqual(tol(dtype));
      // The last step normalised the columns.
      expect(y.sum(-2).sub(1).abs().max().item()).toBeLessThan(1e-5);
    }),
  );
  test('default iters is 20 and the default noise is drawn from torch.manualSeed', () =>
    torch.scope(() => {
      const c = fx.sinkhorn.find((s) => s.tau === undefined && s.iters === 20 && s.dtype === 'float64')!;
      expect(maxAbsDiff(torch.permutations.sinkhorn(decode(c.logAlpha)), c.y)).toBeLessThanOrEqual(1e-12);
      const l = torch.randn([3, 4, 4]);
      torch.manualSeed(5);
      const a = torch.permutations.gumbelSinkhorn(l, { tau: 0.5 });
      torch.manualSeed(5);
      const g = torch.sampleGumbel([3, 4, 4]);
      expect(maxAbsDiff(a, torch.permutations.sinkhorn(l.add(g).div(0.5)))).toBe(0);
    }));
});
