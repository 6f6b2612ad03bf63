import * as torch from '../lib';
import { decode, type Enc, fixture, maxAbsDiff } from './helpers';
import { describeDevices, deviceTol } from './devices';

interface DCase { dtype: string; tau: number; logits: Enc; y: Enc; logProbRelaxed: Enc; logY: Enc; logProbExp: Enc; bLogits: Enc; by: Enc; logProbBernoulli: Enc }
const fx = fixture<{ cases: DCase[]; lowTemperature: { logits: Enc; y: Enc; tau: number; pytorch: Enc } }>('densities.json');

describeDevices('logProb equals torch.distributions (1e-5)', (device) => {
  // Log-densities reach |100| and more at low tau: the GPU's few-ulp differences scale with them.
  const close = (ours: torch.Tensor, e: Enc): void => {
    const ref = decode(e);
    const mag = ref.isfinite().all().item() ? (ref.abs().max().item() as number) : 1;
    expect(maxAbsDiff(ours.cpu(), ref)).toBeLessThanOrEqual(deviceTol(device, 1e-5, mag * 1e-1));
  };
  test.each(fx.cases.map((c) => [c.dtype, c.tau, c] as const))('%s tau %f', (_d, _t, c) =>
    torch.scope(() => {
      const logits = decode(c.logits, device);
      close(torch.logProb.relaxedOneHotCategorical(logits, c.tau, decode(c.y, device)), c.logProbRelaxed);
      close(torch.logProb.expRelaxedCategorical(logits, c.tau, decode(c.logY, device)), c.logProbExp);
      close(torch.logProb.relaxedBernoulli(decode(c.bLogits, device), c.tau, decode(c.by, device)), c.logProbBernoulli);
    }));

  test('low temperature: finite where PyTorch gives NaN', () =>
    torch.scope(() => {
      const l = fx.lowTemperature;
      const pt = decode(l.pytorch);
      expect(pt.isnan().any().item()).toBe(true); // PyTorch's own result
      const ours = torch.logProb.relaxedOneHotCategorical(decode(l.logits, device), l.tau, decode(l.y, device));
      expect(ours.isfinite().all().item()).toBe(true);
    }));
});
