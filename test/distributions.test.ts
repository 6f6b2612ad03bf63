// Distributions against torch.distributions (fixtures from scripts/make_estimator_fixtures.py).
import * as torch from '../lib';
import { decode, type Enc, fixture, maxAbsDiff } from './helpers';

type Rec = Record<string, Enc> & { seed?: number; tau?: number };
interface DFix {
  [dtype: string]: { categorical: Rec; relaxed: Rec; bernoulli: Rec };
}
const fx = fixture<DFix>('distributions.json');
const D = torch.distributions;
const tolFor = (dtype: string): number => (dtype === 'float64' ? 1e-12 : 1e-6);
const near = (t: torch.Tensor, e: Enc, dtype: string): void => expect(maxAbsDiff(t, e)).toBeLessThanOrEqual(tolFor(dtype));

describe.each(['float32', 'float64'])('%s', (dtype) => {
  const c = fx[dtype].categorical;
  const r = fx[dtype].relaxed;
  const b = fx[dtype].bernoulli;

  test('OneHotCategorical: logits, probs, logProb, entropy, mean, variance, seeded sample', () =>
    torch.scope(() => {
      const p = new D.OneHotCategorical({ logits: decode(c.logits) });
      near(p.logits, c.normLogits, dtype);
      near(p.probs, c.probs, dtype);
      near(p.logProb(decode(c.value)), c.logProb, dtype);
      near(p.entropy(), c.entropy, dtype);
      near(p.mean, c.mean, dtype);
      near(p.variance, c.variance, dtype);
      expect(p.batchShape).toEqual([3]);
      expect(p.eventShape).toEqual([5]);
      torch.manualSeed(c.seed as unknown as number);
      expect(maxAbsDiff(p.sample(), c.seededSample)).toBe(0);
      const fromProbs = new D.OneHotCategorical({ probs: decode(c.probsIn) });
      near(fromProbs.logits, c.fromProbsLogits, dtype);
      near(fromProbs.probs, c.fromProbsProbs, dtype);
      expect(() => p.rsample()).toThrow(/not reparameterizable/);
    }));

  test('klDivergence for OneHotCategorical pairs, including zero probabilities', () =>
    torch.scope(() => {
      const p = new D.OneHotCategorical({ logits: decode(c.logits) });
      const q = new D.OneHotCategorical({ logits: decode(c.logitsQ) });
      near(D.klDivergence(p, q), c.kl, dtype);
      near(D.klDivergence(new D.OneHotCategorical({ probs: decode(c.probsIn) }), p), c.klFromProbs, dtype);
      const kz = D.klDivergence(new D.OneHotCategorical({ probs: decode(c.zeroP) }), new D.OneHotCategorical({ probs: decode(c.zeroQ) }));
      near(kz, c.klZero, dtype);
      expect(kz.data()[0]).toBe(Infinity);
    }));

  test('ExpRelaxedCategorical and RelaxedOneHotCategorical: seeded rsample and logProb', () =>
    torch.scope(() => {
      const tau = r.tau as unknown as number;
      const seed = r.seed as unknown as number;
      const ex = new D.ExpRelaxedCategorical(tau, { logits: decode(c.logits) });
      torch.manualSeed(seed);
      const xs = ex.rsample();
      near(xs, r.expSample, dtype);
      expect(maxAbsDiff(ex.logProb(decode(r.expSample)), r.expLogProb)).toBeLessThanOrEqual(dtype === 'float64' ? 1e-10 : 1e-5);
      const rx = new D.RelaxedOneHotCategorical(tau, { logits: decode(c.logits) });
      torch.manualSeed(seed);
      near(rx.rsample(), r.sample, dtype);
      expect(maxAbsDiff(rx.logProb(decode(r.sample)), r.logProb)).toBeLessThanOrEqual(dtype === 'float64' ? 1e-10 : 1e-4);
      expect(() => rx.entropy()).toThrow(/not defined in closed form/);
      expect(() => D.klDivergence(rx, rx)).toThrow(TypeError);
    }));

  test('rsample carries the gradient to the logits; sample does not', () =>
    torch.scope(() => {
      const logits = decode(c.logits).requiresGrad_();
      const rx = new D.RelaxedOneHotCategorical(0.5, { logits });
      const y = rx.rsample([4]);
      expect(y.shape).toEqual([4, 3, 5]);
      y.select(-1, 0).sum().backward();
      expect(logits.grad!.abs().sum().item()).toBeGreaterThan(0);
      expect(rx.sample().requiresGrad).toBe(false);
    }));

  test('Bernoulli and RelaxedBernoulli: probs, logProb, entropy, mean, variance, KL, seeded samples', () =>
    torch.scope(() => {
      const p = new D.Bernoulli({ logits: decode(b.logits) });
      near(p.probs, b.probs, dtype);
      near(p.logProb(decode(b.value)), b.logProb, dtype);
      near(p.entropy(), b.entropy, dtype);
      near(p.mean, b.mean, dtype);
      near(p.variance, b.variance, dtype);
      const flipped = new D.Bernoulli({ logits: torch.tensor(Array.from(decode(b.logits).data() as Float64Array).reverse(), { dtype: dtype as torch.DType }) });
      near(D.klDivergence(p, flipped), b.kl, dtype);
      const fromProbs = new D.Bernoulli({ probs: decode(b.probsIn) });
      near(fromProbs.logits, b.fromProbsLogits, dtype);
      near(D.klDivergence(fromProbs, p), b.klFromProbs, dtype);
      torch.manualSeed(b.seed as unknown as number);
      expect(maxAbsDiff(fromProbs.sample([2]), b.seededSample)).toBe(0);
      const rb = new D.RelaxedBernoulli(r.tau as unknown as number, { logits: decode(b.logits) });
      torch.manualSeed(b.seed as unknown as number);
      // We use the logits directly where PyTorch rebuilds them from probs: ~1e-6 / tau apart (README).
      expect(maxAbsDiff(rb.rsample(), b.relaxedSample)).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 1e-5);
      expect(maxAbsDiff(rb.logProb(decode(b.relaxedSample)), b.relaxedLogProb)).toBeLessThanOrEqual(dtype === 'float64' ? 1e-10 : 1e-4);
    }));
});

describe('bad input', () => {
  test('exactly one of probs and logits, known keys, tensors, tau > 0', () =>
    torch.scope(() => {
      const l = torch.zeros([2, 3]);
      expect(() => new D.OneHotCategorical({})).toThrow(TypeError);
      expect(() => new D.OneHotCategorical({ logits: l, probs: l })).toThrow(/exactly one/);
      expect(() => new D.OneHotCategorical({ logit: l } as never)).toThrow(/unknown option 'logit'/);
      expect(() => new D.OneHotCategorical({ logits: [1, 2] as never })).toThrow(TypeError);
      expect(() => new D.RelaxedOneHotCategorical(0, { logits: l })).toThrow(RangeError);
      expect(() => new D.RelaxedBernoulli(-1, { logits: l })).toThrow(RangeError);
      expect(() => new D.OneHotCategorical({ logits: l }).sample([-1])).toThrow(RangeError);
      expect(() => new D.OneHotCategorical({ probs: torch.tensor([[-1, 2]]) })).toThrow(RangeError);
      expect(() => new D.OneHotCategorical({ probs: torch.tensor([[0, 0]]) })).toThrow(RangeError);
      expect(() => new D.Bernoulli({ probs: torch.tensor([1.5]) })).toThrow(RangeError);
      expect(() => new D.OneHotCategorical({ logits: l }).logProb(torch.zeros([2, 4]))).toThrow(RangeError);
      expect(() => D.klDivergence(new D.OneHotCategorical({ logits: l }), new D.Bernoulli({ logits: l }))).toThrow(/no closed form/);
    }));
  test('dispose frees what the distribution made, not the caller\'s tensor', () => {
    const l = torch.zeros([2, 3]);
    const before = torch.memory().liveTensors;
    const p = new D.OneHotCategorical({ logits: l });
    p.dispose();
    expect(torch.memory().liveTensors).toBe(before);
    expect(l.isDisposed).toBe(false);
    l.dispose();
  });
});
