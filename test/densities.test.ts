import * as torch from '../lib';
import { decode, Enc, fixture, maxAbsDiff } from './helpers';

interface DCase { dtype: string; tau: number; logits: Enc; y: Enc; logProbRelaxed: Enc; logY: Enc; logProbExp: Enc; bLogits: Enc; by: Enc; logProbBernoulli: Enc }
const fx = fixture<{ cases: DCase[]; lowTemperature: { logits: Enc; y: Enc; tau: number; pytorch: Enc } }>('densities.json');

describe('logProb equals torch.distributions (1e-5)', () => {
  test.each(fx.cases.map((c) => [c.dtype, c.tau, c] as const))('%s tau %f', (_d, _t, c) =>
    torch.scope(() => {
      const logits = decode(c.logits);
      expect(maxAbsDiff(torch.logProb.relaxedOneHotCategorical(logits, c.tau, decode(c.y)), c.logProbRelaxed)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(torch.logProb.expRelaxedCategorical(logits, c.tau, decode(c.logY)), c.logProbExp)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(torch.logProb.relaxedBernoulli(decode(c.bLogits), c.tau, decode(c.by)), c.logProbBernoulli)).toBeLessThanOrEqual(1e-5);
    }));

  test('low temperature: finite where PyTorch gives NaN', () =>
    torch.scope(() => {
      const l = fx.lowTemperature;
      const pt = decode(l.pytorch);
      expect(pt.isnan().any().item()).toBe(true); // PyTorch's own result
      const ours = torch.logProb.relaxedOneHotCategorical(decode(l.logits), l.tau, decode(l.y));
      expect(ours.isfinite().all().item()).toBe(true);
    }));
});
