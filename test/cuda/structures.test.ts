// The structure ops on CUDA (ATen compositions; matching solves on the CPU and returns to the device):
// the same results as on the CPU for the same inputs and noise. Skips without CUDA.
import * as torch from '../../lib';
import { describeCuda, maxAbsDiff } from '../helpers';

describeCuda('structures on CUDA', () => {
  test('relaxedTopK, gumbelTopK, logProb: CUDA equals CPU for given noise, values and gradients', () =>
    torch.scope(() => {
      torch.manualSeed(1);
      const s = torch.randn([8, 12], { dtype: 'float64' });
      const noise = torch.sampleGumbel([8, 12], { dtype: 'float64' });
      const w = torch.randn([8, 12], { dtype: 'float64' });
      for (const hard of [false, true]) {
        const run = (device: torch.Device): [torch.Tensor, torch.Tensor] => {
          const x = s.to({ device }).requiresGrad_();
          const y = torch.subsets.relaxedTopK(x, { k: 3, tau: 0.5, hard, noise: noise.to({ device }) });
          y.mul(w.to({ device })).sum().backward();
          return [y.cpu(), x.grad!.cpu()];
        };
        const [yc, gc] = run('cpu');
        const [yg, gg] = run('cuda');
        expect(maxAbsDiff(yg, yc)).toBeLessThan(1e-10);
        expect(maxAbsDiff(gg, gc)).toBeLessThan(1e-10);
      }
      const a = torch.subsets.gumbelTopK(s, { k: 4, noise });
      const b = torch.subsets.gumbelTopK(s.cuda(), { k: 4, noise: noise.cuda() });
      expect(b.indices.device).toBe('cuda:0');
      expect(b.indices.cpu().toArray()).toEqual(a.indices.toArray());
      expect(maxAbsDiff(torch.subsets.logProb(s.cuda(), a.indices.cuda()).cpu(), torch.subsets.logProb(s, a.indices))).toBeLessThan(1e-10);
      expect(() => torch.subsets.relaxedTopK(torch.tensor([[0, -Infinity]]).cuda(), { k: 2 })).toThrow(/larger than the number of valid/);
      // float16 runs in float32 (tiny_f32 is 0 in float16): finite values and gradients, sums to k.
      const h = torch.randn([6, 10], { dtype: 'float16', device: 'cuda' }).mul(20).requiresGrad_();
      const y = torch.subsets.relaxedTopK(h, { k: 4, tau: 0.01 });
      y.float().sum().backward();
      expect([y.dtype, y.isfinite().all().item(), h.grad!.isfinite().all().item()]).toEqual(['float16', true, true]);
      expect(y.float().sum(-1).sub(4).abs().max().item()).toBeLessThan(1e-2);
    }));
  test('sinkhorn, gumbelSinkhorn, matching, permutationMatrix, kendallTau: CUDA equals CPU', () =>
    torch.scope(() => {
      torch.manualSeed(2);
      const l = torch.randn([4, 6, 6], { dtype: 'float64' });
      const noise = torch.sampleGumbel([4, 6, 6], { dtype: 'float64' });
      expect(maxAbsDiff(torch.permutations.sinkhorn(l.cuda()).cpu(), torch.permutations.sinkhorn(l))).toBeLessThan(1e-10);
      const gs = (t: torch.Tensor, g: torch.Tensor): torch.Tensor => torch.permutations.gumbelSinkhorn(t, { tau: 0.3, noise: g });
      expect(maxAbsDiff(gs(l.cuda(), noise.cuda()).cpu(), gs(l, noise))).toBeLessThan(1e-10);
      const m = torch.permutations.matching(l.cuda());
      expect(m.device).toBe('cuda:0');
      expect(m.cpu().toArray()).toEqual(torch.permutations.matching(l).toArray());
      expect(torch.permutations.permutationMatrix(m).cpu().toArray()).toEqual(torch.permutations.permutationMatrix(m.cpu()).toArray());
      const k = torch.permutations.kendallTau(m, torch.arange(6).view([1, 6]).expand([4, 6]).cuda());
      expect(maxAbsDiff(k.cpu(), torch.permutations.kendallTau(m.cpu(), torch.arange(6).view([1, 6]).expand([4, 6])))).toBe(0);
      expect(() => torch.permutations.matching(torch.tensor([[NaN]]).cuda())).toThrow(/logAlpha has NaN or infinite entries/);
    }));
});
