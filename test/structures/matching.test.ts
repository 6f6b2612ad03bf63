// matching (Hungarian, O(n^3) in C++) against brute force over every permutation for n <= 8 (random
// and tied matrices) and against scipy.optimize.linear_sum_assignment; kendallTau against
// scipy.stats.kendalltau; permutationMatrix. SciPy's answers: scripts/make_structures_fixtures.py.
import * as torch from '../../lib';
import { decode, type Enc, fixture } from '../helpers';

interface MatchCase { kind: string; logAlpha: Enc; cols: number[]; cost: number }
interface TauCase { kind: string; a: Enc; b: Enc; tau: (number | string)[] }
const fx = fixture<{ matching: MatchCase[]; kendallTau: TauCase[] }>('structures.json');

// Every permutation of 0..n-1, flattened: each takes n entries.
function permutations(n: number): Int8Array {
  let list: number[][] = [[]];
  for (let m = 1; m <= n; m++) list = list.flatMap((p) => Array.from({ length: m }, (_, pos) => [...p.slice(0, pos), m - 1, ...p.slice(pos)]));
  return Int8Array.from(list.flat());
}

const costOf = (m: Float64Array, off: number, n: number, cols: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += m[off + i * n + Number(cols[i])];
  return s;
};
const isPermutation = (cols: number[], n: number): boolean => cols.length === n && new Set(cols).size === n && cols.every((c) => c >= 0 && c < n);

describe('matching is optimal: brute force over all n! assignments for every n <= 8', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('n = %i, random and tied matrices', (n) =>
    torch.scope(() => {
      const count = n <= 6 ? 1500 : n === 7 ? 600 : 200;
      torch.manualSeed(100 + n);
      // Continuous (a unique optimum), and small integers (many tied optima), in float64.
      const random = torch.randn([count, n, n], { dtype: 'float64' }).mul(4);
      const tied = torch.randint(-2, 3, [count, n, n]).double();
      const perms = permutations(n);
      for (const [kind, mats] of [['random', random], ['tied', tied]] as const) {
        const m = mats.data() as Float64Array;
        const got = torch.permutations.matching(mats);
        expect(got.dtype).toBe('int64');
        expect(got.shape).toEqual([count, n]);
        const cols = Array.from(got.data(), Number);
        for (let b = 0; b < count; b++) {
          const off = b * n * n;
          let best = -Infinity;
          let arg = 0;
          for (let p = 0; p < perms.length; p += n) {
            let c = 0;
            for (let i = 0; i < n; i++) c += m[off + i * n + perms[p + i]];
            if (c > best) [best, arg] = [c, p];
          }
          const ours = cols.slice(b * n, (b + 1) * n);
          if (!isPermutation(ours, n)) throw new Error(`${kind} #${b}: not a permutation: ${ours}`);
          const diff = Math.abs(costOf(m, off, n, ours) - best);
          if (!(diff <= 1e-9 * Math.max(1, Math.abs(best)))) throw new Error(`${kind} #${b}: cost ${costOf(m, off, n, ours)} < optimum ${best}`);
          if (kind === 'random' && ours.some((c, i) => c !== perms[arg + i])) throw new Error(`random #${b}: assignment ${ours} != unique optimum ${Array.from(perms.slice(arg, arg + n))}`);
        }
      }
    }),
  );
});

describe('matching = scipy.optimize.linear_sum_assignment(-logAlpha)', () => {
  test('same optimal cost and the same assignment (tied optima included) on every fixture matrix (n 1..12, 20, 33, 64)', () =>
    torch.scope(() => {
      for (const [i, c] of fx.matching.entries()) {
        const m = decode(c.logAlpha);
        const n = m.shape[0];
        const cols = Array.from(torch.permutations.matching(m).data(), Number);
        expect(isPermutation(cols, n)).toBe(true);
        const cost = costOf(m.data() as Float64Array, 0, n, cols);
        if (!(Math.abs(cost - c.cost) <= 1e-9 * Math.max(1, Math.abs(c.cost)))) throw new Error(`#${i} (${c.kind}, n ${n}): cost ${cost} != scipy ${c.cost}`);
        expect([i, cols]).toEqual([i, c.cols]);
      }
    }));
  test('batched: one call over [2, 3, n, n] equals matrix by matrix, float32 and int64 inputs too', () =>
    torch.scope(() => {
      torch.manualSeed(3);
      const x = torch.randn([2, 3, 6, 6]);
      const all = torch.permutations.matching(x);
      expect(all.shape).toEqual([2, 3, 6]);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++) expect(all.select(0, i).select(0, j).toArray()).toEqual(torch.permutations.matching(x.select(0, i).select(0, j)).toArray());
      expect(torch.permutations.matching(x.double()).toArray()).toEqual(all.toArray());
      const ints = torch.tensor([[1, 5, 0], [4, 0, 0], [0, 0, 3]], { dtype: 'int64' });
      expect(torch.permutations.matching(ints).toArray()).toEqual([1, 0, 2]);
    }));
  test('edge sizes and extreme finite values', () =>
    torch.scope(() => {
      expect(torch.permutations.matching(torch.zeros([4, 0, 0])).shape).toEqual([4, 0]);
      expect(torch.permutations.matching(torch.zeros([0, 5, 5])).shape).toEqual([0, 5]);
      expect(torch.permutations.matching(torch.ones([1, 1])).toArray()).toEqual([0]);
      // Reduced costs of float64 values near the largest finite number would overflow without scaling.
      const big = torch.tensor([[1.7e308, -1.7e308, 0], [-1.7e308, 0, 1.7e308], [0, 1.7e308, -1.7e308]], { dtype: 'float64' });
      expect(torch.permutations.matching(big).toArray()).toEqual([0, 2, 1]);
      const tiny = torch.tensor([[5e-324, 0], [0, 5e-324]], { dtype: 'float64' });
      expect(torch.permutations.matching(tiny).toArray()).toEqual([0, 1]);
    }));
  test('NaN or infinite entries and non-square inputs are RangeErrors naming logAlpha', () =>
    torch.scope(() => {
      for (const v of [NaN, Infinity, -Infinity]) expect(() => torch.permutations.matching(torch.tensor([[0, 1], [v, 2]]))).toThrow(/logAlpha has NaN or infinite entries/);
      expect(() => torch.permutations.matching(torch.zeros([2, 3]))).toThrow(RangeError);
      expect(() => torch.permutations.matching(torch.zeros([3]))).toThrow(/logAlpha must be square/);
      expect(() => torch.permutations.matching(torch.zeros([2, 2], { dtype: 'bool' }))).toThrow(TypeError);
    }));
});

describe('permutationMatrix', () => {
  test('P[i, indices[i]] = 1 and P @ x reorders the rows as x[indices]', () =>
    torch.scope(() => {
      const idx = torch.tensor([[2, 0, 1], [0, 1, 2]], { dtype: 'int64' });
      const p = torch.permutations.permutationMatrix(idx);
      expect(p.dtype).toBe('float32');
      expect(p.toArray()).toEqual([[[0, 0, 1], [1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]]);
      const x = torch.tensor([10, 20, 30]).view([3, 1]);
      expect(p.select(0, 0).matmul(x).flatten().toArray()).toEqual([30, 10, 20]);
      expect(torch.permutations.permutationMatrix(idx, { dtype: 'float64' }).dtype).toBe('float64');
      expect(torch.permutations.matching(torch.permutations.permutationMatrix(idx)).toArray()).toEqual(idx.toArray());
    }));
  test('indices that are not a permutation are RangeErrors', () =>
    torch.scope(() => {
      for (const bad of [[0, 0, 1], [0, 1, 3], [-1, 0, 1]]) expect(() => torch.permutations.permutationMatrix(torch.tensor(bad, { dtype: 'int64' }))).toThrow(/indices must hold a permutation/);
      expect(() => torch.permutations.permutationMatrix(torch.tensor([0, 1]))).toThrow(TypeError);
      expect(() => torch.permutations.permutationMatrix(torch.tensor([0, 1], { dtype: 'int64' }), { dtype: 'float32', size: 2 } as never)).toThrow(/unknown option 'size'/);
    }));
});

describe('kendallTau = scipy.stats.kendalltau per row (tau-b)', () => {
  test.each(fx.kendallTau.map((c) => [c.kind, c.a.shape[1], c] as const))('%s, n = %i', (kind, _n, c) =>
    torch.scope(() => {
      const got = torch.permutations.kendallTau(decode(c.a), decode(c.b));
      const want = c.tau.map((t) => (typeof t === 'string' ? NaN : t));
      const vals = Array.from(got.data(), Number);
      expect(got.dtype).toBe(c.a.dtype === 'float64' ? 'float64' : 'float32');
      const tol = got.dtype === 'float64' ? 1e-12 : 1e-6;
      vals.forEach((v, i) => {
        if (Number.isNaN(want[i])) expect(v).toBeNaN();
        else expect(Math.abs(v - want[i])).toBeLessThanOrEqual(tol);
      });
      if (kind === 'perm') expect(vals.slice(0, 2)).toEqual([1, -1]);
    }),
  );
  test('exact at the ends of int64 (signs from comparisons, no overflow); rows of 0 or 1 items are NaN, as scipy', () =>
    torch.scope(() => {
      const big = torch.tensor([[2 ** 62, -(2 ** 62), 0, 2 ** 62 - 1024]], { dtype: 'int64' });
      expect(torch.permutations.kendallTau(big, torch.tensor([[3, 0, 1, 2]], { dtype: 'int64' })).toArray()).toEqual([1]);
      expect(torch.permutations.kendallTau(torch.tensor([[3e38, -3e38]]), torch.tensor([[1, 0]])).toArray()).toEqual([1]);
      const empty = torch.permutations.kendallTau(torch.zeros([2, 0]), torch.zeros([2, 0]));
      expect(Array.from(empty.data(), Number).every(Number.isNaN)).toBe(true);
      expect(torch.permutations.kendallTau(torch.zeros([0, 3]), torch.zeros([0, 3])).shape).toEqual([0]);
    }));
  test('bad inputs', () =>
    torch.scope(() => {
      expect(() => torch.permutations.kendallTau(torch.zeros([2, 3]), torch.zeros([2, 4]))).toThrow(RangeError);
      expect(() => torch.permutations.kendallTau(torch.tensor([1, NaN]), torch.tensor([1, 2]))).toThrow(/a has NaN or infinite entries/);
      expect(() => torch.permutations.kendallTau(torch.tensor([1, 2]), torch.tensor([1, Infinity]))).toThrow(/b has NaN or infinite entries/);
    }));
});
