// subsets: gumbelTopK and logProb against brute force over every ordered draw; the distributions of
// gumbelTopK and of relaxedTopK's top k at small tau against the exact Plackett-Luce k-subset
// probabilities (chi-square, fixed seeds); relaxedTopK's guarantees at every tau; argument errors.
import * as torch from '../../lib';
import { chiSquareP } from '../stats';

// Every ordered draw of k distinct items out of n.
function orderedDraws(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  return orderedDraws(n, k - 1).flatMap((d) => Array.from({ length: n }, (_, i) => i).filter((i) => !d.includes(i)).map((i) => [...d, i]));
}
// Plackett-Luce probability of an ordered draw, by its definition.
function plProb(w: number[], draw: number[]): number {
  let p = 1;
  let left = w.reduce((a, b) => a + b, 0);
  for (const i of draw) {
    p *= w[i] / left;
    left -= w[i];
  }
  return p;
}
const key = (d: number[]): string => [...d].sort((a, b) => a - b).join(',');

const WEIGHTS = [1, 2, 3, 4];
const DRAWS = 100000;

describe('logProb against brute force over all ordered draws', () => {
  test.each([[4, 1], [4, 2], [4, 4], [5, 3], [6, 2]])('n = %i, k = %i: exp(logProb) is the Plackett-Luce product and sums to 1', (n, k) =>
    torch.scope(() => {
      const w = Array.from({ length: n }, (_, i) => 0.5 + ((i * 7) % 5));
      const draws = orderedDraws(n, k);
      const scores = torch.tensor(w.map(Math.log), { dtype: 'float64' }).view([1, n]).expand([draws.length, n]);
      const lp = Array.from(torch.subsets.logProb(scores, torch.tensor(draws, { dtype: 'int64' })).data(), Number);
      let total = 0;
      draws.forEach((d, i) => {
        expect(Math.abs(Math.exp(lp[i]) - plProb(w, d))).toBeLessThan(1e-14);
        total += Math.exp(lp[i]);
      });
      expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    }),
  );
  test('a masked item: never drawn by the samplers, log-probability -Infinity when a draw names it', () =>
    torch.scope(() => {
      const s = torch.tensor([[0, -Infinity, 1, 2]]);
      expect(torch.subsets.logProb(s, torch.tensor([[1, 0]], { dtype: 'int64' })).item()).toBe(-Infinity);
      const finite = torch.subsets.logProb(s.requiresGrad_(), torch.tensor([[3, 0]], { dtype: 'int64' }));
      finite.sum().backward();
      expect(s.grad!.isfinite().all().item()).toBe(true);
      expect(s.grad!.toArray()).toEqual([[expect.any(Number), 0, expect.any(Number), expect.any(Number)]]);
    }));
});

describe('gumbelTopK is the exact sampler of k items without replacement', () => {
  test('given noise: indices are the top k of scores + noise in decreasing order; mask is their k-hot', () =>
    torch.scope(() => {
      torch.manualSeed(1);
      const scores = torch.randn([5, 7]);
      const noise = torch.sampleGumbel([5, 7]);
      const { indices, mask } = torch.subsets.gumbelTopK(scores, { k: 3, noise });
      const s = scores.add(noise).toArray() as number[][];
      const want = s.map((row) => row.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, 3).map((p) => p[1]));
      expect(indices.toArray()).toEqual(want);
      expect(mask.toArray()).toEqual(want.map((w) => Array.from({ length: 7 }, (_, i) => (w.includes(i) ? 1 : 0))));
      // dim 0: the same draw, transposed.
      const t = torch.subsets.gumbelTopK(scores.t(), { k: 3, dim: 0, noise: noise.t() });
      expect(t.indices.t().toArray()).toEqual(want);
    }));
  test(`ordered draws of weights [${WEIGHTS}], k = 2, ${DRAWS} draws: chi-square against Plackett-Luce`, () =>
    torch.scope(() => {
      torch.manualSeed(2026);
      const scores = torch.tensor(WEIGHTS.map(Math.log)).view([1, 4]).expand([DRAWS, 4]);
      const idx = torch.subsets.gumbelTopK(scores, { k: 2 }).indices.toArray() as number[][];
      const draws = orderedDraws(4, 2);
      const at = new Map(draws.map((d, i) => [d.join(','), i]));
      const counts = new Array<number>(draws.length).fill(0);
      for (const d of idx) counts[at.get(d.join(','))!]++;
      const { p } = chiSquareP(counts, draws.map((d) => plProb(WEIGHTS, d)));
      expect(p).toBeGreaterThan(1e-3);
      // The unordered k-subsets: P({i, j}) = P(i, j) + P(j, i).
      const subsets = draws.filter((d) => d[0] < d[1]);
      const subsetCounts = subsets.map((d) => counts[at.get(d.join(','))!] + counts[at.get([d[1], d[0]].join(','))!]);
      expect(chiSquareP(subsetCounts, subsets.map((d) => plProb(WEIGHTS, d) + plProb(WEIGHTS, [d[1], d[0]]))).p).toBeGreaterThan(1e-3);
      // A sampler that ignores the order of its draws fails the same test.
      const swapped = counts.map((_, i) => counts[at.get([...draws[i]].reverse().join(','))!]);
      expect(chiSquareP(swapped, draws.map((d) => plProb(WEIGHTS, d))).p).toBeLessThan(1e-6);
    }));
  test('ordered draws of 3 out of weights [1, 2, 3, 4, 5] along dim 0 (60 outcomes), 100000 draws', () =>
    torch.scope(() => {
      const w = [1, 2, 3, 4, 5];
      torch.manualSeed(2027);
      const scores = torch.tensor(w.map(Math.log), { dtype: 'float64' }).view([5, 1]).expand([5, DRAWS]);
      const idx = torch.subsets.gumbelTopK(scores, { k: 3, dim: 0 }).indices.t().toArray() as number[][];
      const draws = orderedDraws(5, 3);
      const at = new Map(draws.map((d, i) => [d.join(','), i]));
      const counts = new Array<number>(draws.length).fill(0);
      for (const d of idx) counts[at.get(d.join(','))!]++;
      expect(chiSquareP(counts, draws.map((d) => plProb(w, d))).p).toBeGreaterThan(1e-3);
    }));
  test('masked items are never drawn, even with k = the number of valid items', () =>
    torch.scope(() => {
      torch.manualSeed(3);
      const s = torch.tensor([[0, -Infinity, 5, -Infinity, -3]]).expand([20000, 5]);
      const { mask } = torch.subsets.gumbelTopK(s, { k: 3 });
      expect(mask.sum(0).toArray()).toEqual([20000, 0, 20000, 0, 20000]);
    }));
});

describe('relaxedTopK', () => {
  test(`its top k at small tau matches the exact k-subset probabilities (weights [${WEIGHTS}], k = 2, ${DRAWS} draws)`, () =>
    torch.scope(() => {
      const subsets = orderedDraws(4, 2).filter((d) => d[0] < d[1]);
      // P(subset) = sum over its two orders of the Plackett-Luce probability.
      const probs = subsets.map((s) => plProb(WEIGHTS, s) + plProb(WEIGHTS, [s[1], s[0]]));
      const scores = torch.tensor(WEIGHTS.map(Math.log)).view([1, 4]).expand([DRAWS, 4]);
      for (const [seed, tau] of [[7, 0.01], [8, 0.001]]) {
        torch.manualSeed(seed);
        const hard = torch.subsets.relaxedTopK(scores, { k: 2, tau, hard: true }).toArray() as number[][];
        const counts = new Array<number>(subsets.length).fill(0);
        const at = new Map(subsets.map((s, i) => [key(s), i]));
        for (const row of hard) counts[at.get(key(row.flatMap((v, i) => (v === 1 ? [i] : []))))!]++;
        const { p } = chiSquareP(counts, probs);
        expect([tau, p > 1e-3]).toEqual([tau, true]);
      }
      // The test has power: the same counts against a wrong law (P proportional to w_i w_j) fail it.
      const wrong = subsets.map((d) => WEIGHTS[d[0]] * WEIGHTS[d[1]]);
      const total = wrong.reduce((a, b) => a + b, 0);
      torch.manualSeed(9);
      const rows = torch.subsets.relaxedTopK(scores, { k: 2, tau: 0.01, hard: true }).toArray() as number[][];
      const counts = new Array<number>(subsets.length).fill(0);
      const at = new Map(subsets.map((d, i) => [key(d), i]));
      for (const row of rows) counts[at.get(key(row.flatMap((v, i) => (v === 1 ? [i] : []))))!]++;
      expect(chiSquareP(counts, wrong.map((x) => x / total)).p).toBeLessThan(1e-6);
    }));
  test('sums to k with no -inf or NaN in values or gradients at every tau, masked items included', () =>
    torch.scope(() => {
      torch.manualSeed(4);
      for (const dtype of ['float32', 'float64'] as const)
        for (const tau of [1e-30, 1e-8, 1e-3, 0.1, 1, 10, 1e8, 1e30]) {
          const base = torch.randn([6, 8], { dtype }).mul(30);
          // Up to 4 of the 8 items masked: 3 always remain.
          const masked = torch.where(torch.rand([6, 8]).lt(0.5).mul(torch.tensor([0, 0, 0, 0, 1, 1, 1, 1], { dtype: 'bool' })), -Infinity, base);
          const scores = masked.requiresGrad_();
          const y = torch.subsets.relaxedTopK(scores, { k: 3, tau });
          y.mul(torch.randn([6, 8], { dtype })).sum().backward();
          expect([dtype, tau, y.isfinite().all().item(), scores.grad!.isfinite().all().item()]).toEqual([dtype, tau, true, true]);
          expect(y.sum(-1).sub(3).abs().max().item()).toBeLessThan(1e-4);
          expect(torch.where(masked.eq(-Infinity), y.detach(), 0).abs().sum().item()).toBe(0);
          const h = torch.subsets.relaxedTopK(scores.detach(), { k: 3, tau, hard: true });
          expect(h.sum(-1).toArray()).toEqual([3, 3, 3, 3, 3, 3]);
        }
    }));
  test('hard: exactly k-hot forward, the relaxed gradient backward', () =>
    torch.scope(() => {
      torch.manualSeed(5);
      const scores = torch.randn([4, 6]).requiresGrad_();
      const noise = torch.sampleGumbel([4, 6]);
      const w = torch.randn([4, 6]);
      const soft = torch.subsets.relaxedTopK(scores, { k: 2, tau: 0.5, noise });
      soft.mul(w).sum().backward();
      const g = scores.grad!.clone();
      scores.grad = undefined;
      const hard = torch.subsets.relaxedTopK(scores, { k: 2, tau: 0.5, noise, hard: true });
      hard.mul(w).sum().backward();
      expect(scores.grad!.toArray()).toEqual(g.toArray());
      expect(hard.eq(0).add(hard.eq(1)).all().item()).toBe(true);
      // The ones are the top 2 of the soft sample.
      const top = (soft.toArray() as number[][]).map((r) => key(r.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, 2).map((p) => p[1])));
      expect((hard.toArray() as number[][]).map((r) => key(r.flatMap((v, i) => (v === 1 ? [i] : []))))).toEqual(top);
    }));
  test('half precision on CPU, empty batches, given noise reproduces the drawn noise', () =>
    torch.scope(() => {
      for (const dtype of ['float16', 'bfloat16'] as const) {
        const y = torch.subsets.relaxedTopK(torch.randn([3, 5], { dtype }), { k: 2 });
        expect([y.dtype, y.isfinite().all().item()]).toEqual([dtype, true]);
        expect(torch.subsets.gumbelTopK(torch.randn([3, 5], { dtype }), { k: 2 }).mask.dtype).toBe(dtype);
      }
      expect(torch.subsets.relaxedTopK(torch.zeros([0, 5]), { k: 2 }).shape).toEqual([0, 5]);
      expect(torch.subsets.gumbelTopK(torch.zeros([0, 5]), { k: 2 }).indices.shape).toEqual([0, 2]);
      const s = torch.randn([2, 5]);
      torch.manualSeed(6);
      const a = torch.subsets.relaxedTopK(s, { k: 2 });
      torch.manualSeed(6);
      const b = torch.subsets.relaxedTopK(s, { k: 2, noise: torch.sampleGumbel([2, 5]) });
      expect(a.toArray()).toEqual(b.toArray());
    }));
  test('bad arguments: RangeErrors and TypeErrors naming them', () =>
    torch.scope(() => {
      const s = torch.tensor([[0, 1, -Infinity, 2]]);
      const rt = (o: object, x: torch.Tensor = s): torch.Tensor => torch.subsets.relaxedTopK(x, o as torch.subsets.RelaxedTopKOptions);
      expect(() => rt({ k: 4 })).toThrow(/k = 4 is larger than the number of valid \(not -Infinity\) items in a row of scores \(3\)/);
      expect(() => torch.subsets.gumbelTopK(s, { k: 4 })).toThrow(/gumbelTopK: k = 4 is larger than/);
      expect(() => rt({ k: 5 })).toThrow(/k must be in \[1, 4\], got 5/);
      for (const k of [0, -1]) expect(() => rt({ k })).toThrow(RangeError);
      expect(() => rt({ k: 1.5 })).toThrow(/k must be an integer/);
      expect(() => rt({})).toThrow(/k is required/);
      for (const tau of [0, -1, NaN, Infinity]) expect(() => rt({ k: 1, tau })).toThrow(/tau must be a finite number > 0/);
      for (const bad of [NaN, Infinity]) expect(() => rt({ k: 1 }, torch.tensor([0, bad, 1]))).toThrow(/scores has NaN or \+Infinity entries/);
      expect(() => rt({ k: 1, noise: torch.zeros([4]) })).toThrow(/noise shape \[4\] does not match scores shape \[1,4\]/);
      expect(() => rt({ k: 1, noise: torch.tensor([[0, NaN, 0, 0]]) })).toThrow(/noise has NaN or infinite entries/);
      expect(() => rt({ k: 1, temperature: 1 })).toThrow(/unknown option 'temperature' \(did you mean 'tau'\?\)/);
      expect(() => rt({ k: 1, dim: 2 })).toThrow(RangeError);
      expect(() => rt({ k: 1 }, torch.tensor([1, 2], { dtype: 'int64' }))).toThrow(/scores must be a floating-point tensor/);
      expect(() => rt({ k: 1 }, torch.tensor(1))).toThrow(/scores must have at least 1 dim/);
      const lp = (i: torch.Tensor): torch.Tensor => torch.subsets.logProb(torch.zeros([2, 4]), i);
      expect(() => lp(torch.tensor([[0, 0], [1, 2]], { dtype: 'int64' }))).toThrow(/must not repeat an item/);
      expect(() => lp(torch.tensor([[0, 4], [1, 2]], { dtype: 'int64' }))).toThrow(/indices must be in \[0, 4\)/);
      expect(() => lp(torch.tensor([[0, 1]], { dtype: 'int64' }))).toThrow(/indices shape \[1, 2\] must equal scores shape \[2, 4\] except along dim 1/);
      expect(() => lp(torch.tensor([[0, 1], [1, 2]]))).toThrow(/indices must be an int64 tensor/);
      expect(() => torch.subsets.logProb(torch.tensor([[0, -Infinity, -Infinity]]), torch.tensor([[0, 1]], { dtype: 'int64' }))).toThrow(/larger than the number of valid/);
    }));
});
