// permutations: Sinkhorn's guarantees, Gumbel-Sinkhorn's limit at small tau (the noisy matching),
// dtypes and empty batches, argument errors, and no leaked tensors across every structure op.
import * as torch from '../../lib';

const P = torch.permutations;

describe('sinkhorn and gumbelSinkhorn', () => {
  test('many iterations give a doubly stochastic matrix', () =>
    torch.scope(() => {
      torch.manualSeed(11);
      const l = torch.randn([5, 6, 6]);
      const y = P.sinkhorn(l, { iters: 200 });
      expect(y.sum(-1).sub(1).abs().max().item()).toBeLessThan(1e-4);
      expect(y.sum(-2).sub(1).abs().max().item()).toBeLessThan(1e-5);
      expect(y.ge(0).all().item()).toBe(true);
    }));
  test("one autograd node with the composition's bits: values and gradients equal x - logsumexp(x) looped in ATen", () =>
    torch.scope(() => {
      torch.manualSeed(13);
      for (const dtype of ['float32', 'float64'] as const) {
        const l = torch.randn([16, 7, 7], { dtype }).mul(5).requiresGrad_();
        const w = torch.randn([16, 7, 7], { dtype });
        const y = P.sinkhorn(l, { iters: 20 });
        y.mul(w).sum().backward();
        const g = l.grad!.clone();
        l.grad = undefined;
        let x: torch.Tensor = l;
        for (let i = 0; i < 20; i++) {
          x = x.sub(x.logsumexp(-1, true));
          x = x.sub(x.logsumexp(-2, true));
        }
        const y2 = x.exp();
        y2.mul(w).sum().backward();
        expect([dtype, y.sub(y2).abs().max().item(), g.sub(l.grad!).abs().max().item()]).toEqual([dtype, 0, 0]);
      }
    }));
  test('gumbelSinkhorn at small tau approaches the permutation matrix of matching(logAlpha + noise)', () =>
    torch.scope(() => {
      torch.manualSeed(12);
      const l = torch.randn([8, 5, 5], { dtype: 'float64' }).mul(3);
      const noise = torch.sampleGumbel([8, 5, 5], { dtype: 'float64' });
      const y = P.gumbelSinkhorn(l, { tau: 0.01, iters: 200, noise });
      const best = P.matching(l.add(noise));
      // Mena et al.'s limit: the rows' maxima are the noisy matching, and the mass is nearly all there.
      expect(y.argmax(-1).toArray()).toEqual(best.toArray());
      expect(y.sub(P.permutationMatrix(best, { dtype: 'float64' })).abs().mean().item()).toBeLessThan(0.02);
    }));
  test('gradients flow to logAlpha and to given noise; float16/bfloat16 on CPU; empty batches', () =>
    torch.scope(() => {
      const l = torch.randn([2, 3, 3]).requiresGrad_();
      const g = torch.sampleGumbel([2, 3, 3]).requiresGrad_();
      P.gumbelSinkhorn(l, { tau: 0.5, noise: g }).mul(torch.randn([2, 3, 3])).sum().backward();
      expect(l.grad!.isfinite().all().item()).toBe(true);
      expect(g.grad!.toArray()).toEqual(l.grad!.toArray());
      for (const dtype of ['float16', 'bfloat16'] as const) {
        const y = P.sinkhorn(torch.randn([2, 4, 4], { dtype }));
        expect([y.dtype, y.isfinite().all().item()]).toEqual([dtype, true]);
        expect(P.gumbelSinkhorn(torch.randn([4, 4], { dtype })).dtype).toBe(dtype);
      }
      expect(P.sinkhorn(torch.zeros([0, 3, 3])).shape).toEqual([0, 3, 3]);
      expect(P.gumbelSinkhorn(torch.zeros([2, 0, 0])).shape).toEqual([2, 0, 0]);
    }));
  test('bad arguments: RangeErrors and TypeErrors naming them', () =>
    torch.scope(() => {
      const l = torch.zeros([3, 3]);
      for (const v of [NaN, Infinity, -Infinity]) {
        const bad = torch.tensor([[0, 1], [v, 0]]);
        expect(() => P.sinkhorn(bad)).toThrow(/logAlpha has NaN or infinite entries/);
        expect(() => P.gumbelSinkhorn(bad)).toThrow(/logAlpha has NaN or infinite entries/);
      }
      expect(() => P.sinkhorn(torch.zeros([3, 4]))).toThrow(/logAlpha must be square matrices \[\.\.\., n, n\], got shape \[3,4\]/);
      expect(() => P.sinkhorn(torch.zeros([3]))).toThrow(/logAlpha must have at least 2 dims/);
      for (const iters of [0, -3]) expect(() => P.sinkhorn(l, { iters })).toThrow(/iters must be in \[1, Infinity\]/);
      expect(() => P.sinkhorn(l, { iters: 2.5 })).toThrow(/iters must be an integer/);
      for (const tau of [0, -1, NaN, Infinity]) expect(() => P.gumbelSinkhorn(l, { tau })).toThrow(/tau must be a finite number > 0/);
      expect(() => P.gumbelSinkhorn(l, { noise: torch.zeros([3, 4]) })).toThrow(/noise shape \[3,4\] does not match logAlpha shape \[3,3\]/);
      expect(() => P.gumbelSinkhorn(l, { noise: torch.tensor([[0, 0, 0], [0, NaN, 0], [0, 0, 0]]) })).toThrow(/noise has NaN or infinite entries/);
      expect(() => P.sinkhorn(l, { n_iter: 5 } as never)).toThrow(/unknown option 'n_iter'/);
      expect(() => P.gumbelSinkhorn(l, { temperature: 1 } as never)).toThrow(/did you mean 'tau'/);
      expect(() => P.sinkhorn(torch.zeros([3, 3], { dtype: 'int64' }))).toThrow(/logAlpha must be a floating-point tensor/);
    }));
});

test('no structure op leaks a tensor (live-tensor count)', () => {
  const run = (): void =>
    torch.scope(() => {
      const s = torch.randn([4, 6]).requiresGrad_();
      torch.subsets.relaxedTopK(s, { k: 2, hard: true }).sum().backward();
      torch.subsets.gumbelTopK(s.detach(), { k: 3 });
      torch.subsets.logProb(s, torch.tensor([[0, 1], [2, 3], [4, 5], [1, 0]], { dtype: 'int64' })).sum().backward();
      const l = torch.randn([2, 4, 4]).requiresGrad_();
      P.gumbelSinkhorn(l, { tau: 0.3 }).sum().backward();
      P.permutationMatrix(P.matching(l.detach()));
      P.kendallTau(torch.randn([3, 5]), torch.randn([3, 5]));
      try {
        P.matching(torch.tensor([[NaN]]));
      } catch {
        // an error leaves nothing behind either
      }
    });
  run();
  const before = torch.memory().liveTensors;
  for (let i = 0; i < 5; i++) run();
  expect(torch.memory().liveTensors).toBe(before);
});
