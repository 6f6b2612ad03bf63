// The fused CUDA kernels' host-side decisions (native/gumbel/fused_plan.h), checked on every machine:
// the Philox numbers the in-kernel noise reads (against an independent Philox written from the paper),
// the rows a contiguous tensor is read as (so outputs are plain contiguous tensors), the dtype
// promotion (as the CPU path), 0-dim logits and the K limit. test/cuda/ checks the kernels themselves.
import * as torch from '../lib';
import { callNative } from '../lib/native';
import { fromHandle } from '../lib/tensor';
import { gumbelDouble, gumbelFloat, philox4x32, philoxBlock } from './philox';

const noise = (seed: number, offset: number, n: number, double: boolean): number[] =>
  torch.scope(() => Array.from(fromHandle(callNative('_gumbelKernelNoise', [seed, offset, n, double])).data(), Number));

describe('in-kernel noise: Philox numbers', () => {
  test('the reference Philox4x32-10 gives the Random123 known-answer vectors', () => {
    const hex = (w: number[]) => w.map((x) => x.toString(16).padStart(8, '0')).join(' ');
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  // philox_cuda_state's offset counts 32-bit numbers; element e of a call at offset o must read block
  // o / 4 of subsequence e: the block that call reserved, which no later op (offset >= o + 4) reads.
  test.each([
    [7, 0],
    [7, 4],
    [123456789, 8],
    [2 ** 40 + 5, 4000],
  ])('seed %p, generator offset %p: element e reads block offset/4 of subsequence e', (seed, offset) => {
    const n = 64;
    const f = noise(seed, offset, n, false);
    const d = noise(seed, offset, n, true);
    for (let e = 0; e < n; e++) {
      const words = philoxBlock(seed, e, offset / 4);
      expect(Math.abs(f[e] - gumbelFloat(words))).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(f[e])));
      expect(Math.abs(d[e] - gumbelDouble(words))).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(d[e])));
    }
  });

  test('the repro: a call at offset 4 never reads the numbers a later rand at offset 16 reads', () => {
    // The old kernel took the offset as blocks: at generator offset 4 it read block 4, which
    // curand_init(seed, e, 16) (torch.rand three reservations later) reads again.
    const seed = 2024;
    const f = noise(seed, 4, 1000, false);
    let same = 0;
    for (let e = 0; e < 1000; e++) if (f[e] === gumbelFloat(philoxBlock(seed, e, 4))) same++;
    expect(same).toBe(0);
    // ... and distinct calls (offsets 4 and 8) draw distinct noise.
    const g = noise(seed, 8, 1000, false);
    expect(f.filter((x, i) => x === g[i]).length).toBe(0);
  });

  test('finite, and Gumbel(0, 1): mean near the Euler-Mascheroni constant, variance near pi^2/6', () => {
    for (const double of [false, true]) {
      const x = noise(99, 0, 200_000, double);
      expect(x.every(Number.isFinite)).toBe(true);
      const mean = x.reduce((a, b) => a + b, 0) / x.length;
      const v = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
      // standard errors: sqrt(pi^2/6 / n) = 0.0029 for the mean; the variance's ~0.011
      expect(Math.abs(mean - 0.5772156649)).toBeLessThan(0.015);
      expect(Math.abs(v - Math.PI ** 2 / 6)).toBeLessThan(0.06);
    }
  });

  test('bad arguments are clear errors', () => {
    expect(() => callNative('_gumbelKernelNoise', [-1, 0, 4, false])).toThrow(/seed and offset must be >= 0/);
    expect(() => callNative('_gumbelKernelNoise', [1, 0, -4, false])).toThrow(/n must be >= 0/);
  });
});

describe('fused plan: layout, dtype, limits', () => {
  const plan = (logits: torch.Tensor, dim: number, noise?: torch.Tensor) => {
    const p = callNative('_gumbelFusedPlan', [logits.handle, noise?.handle, dim]);
    return { ...p, index: fromHandle(p.index) };
  };

  // The index each (row, category) must read: the categories along dim of each position of the other
  // dims, in C order. Equal to arange(numel).reshape(shape).movedim(dim, -1).reshape(rows, k).
  function expectedIndex(shape: number[], dim: number): number[][] {
    const d = dim < 0 ? dim + shape.length : dim;
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const others = shape.map((_, i) => i).filter((i) => i !== d);
    const rows: number[][] = [];
    const count = others.reduce((a, i) => a * shape[i], 1);
    for (let r = 0; r < count; r++) {
      let rest = r;
      let base = 0;
      for (let o = others.length - 1; o >= 0; o--) {
        const i = others[o];
        base += (rest % shape[i]) * strides[i];
        rest = Math.floor(rest / shape[i]);
      }
      rows.push(Array.from({ length: shape[d] }, (_, j) => base + j * strides[d]));
    }
    return rows;
  }

  test.each([
    [[2, 3, 4], 0],
    [[2, 3, 4], 1],
    [[2, 3, 4], 2],
    [[2, 3, 4], -2],
    [[5, 1, 7], 1],
    [[6], 0],
    [[3, 33], 0],
  ])('shape %p, dim %p: rows of the contiguous tensor, every element once', (shape, dim) =>
    torch.scope(() => {
      const p = plan(torch.zeros(shape), dim);
      const want = expectedIndex(shape, dim);
      expect([p.rows, p.k]).toEqual([want.length, want[0].length]);
      const got = p.index.toArray() as number[][];
      expect(got).toEqual(want);
      expect(new Set(got.flat()).size).toBe(shape.reduce((a, b) => a * b, 1));
    }),
  );

  test('0-dim logits are one row of one category, taken by the fused kernels', () =>
    torch.scope(() => {
      for (const dim of [0, -1]) {
        const p = plan(torch.tensor(1.5), dim);
        expect([p.rows, p.k, p.inner, p.reason]).toEqual([1, 1, 1, '']);
      }
    }));

  test('K from 33 to 256 is fused; 257 and empty tensors go to ATen, saying why', () =>
    torch.scope(() => {
      for (const k of [33, 64, 65, 128, 129, 255, 256]) expect(plan(torch.zeros([2, k]), -1).reason).toBe('');
      expect(plan(torch.zeros([2, 257]), -1).reason).toMatch(/K = 257 categories is above the fused kernels' 256/);
      expect(plan(torch.zeros([257, 2]), 0).reason).toMatch(/K = 257/);
      expect(plan(torch.zeros([0, 5]), -1).reason).toBe('empty tensor');
    }));

  test('noise of another dtype promotes as on the CPU (logits + noise)', () =>
    torch.scope(() => {
      const types = ['float16', 'bfloat16', 'float32', 'float64'] as const;
      for (const a of types)
        for (const b of types) {
          const l = torch.zeros([2, 3], { dtype: a });
          const n = torch.zeros([2, 3], { dtype: b });
          const cpu = torch.gumbelSoftmax(l, { noise: n }).dtype;
          expect(`${a}+${b}: ${plan(l, -1, n).dtype}`).toBe(`${a}+${b}: ${cpu}`);
        }
      expect(plan(torch.zeros([2, 3], { dtype: 'bfloat16' }), -1).dtype).toBe('bfloat16');
    }));

  test('CPU: float16 logits with float32 noise give float32 (as F.gumbel_softmax), gradients in each dtype', () =>
    torch.scope(() => {
      const l = torch.randn([4, 6]).to('float16').requiresGrad_();
      const n = torch.sampleGumbel([4, 6]).requiresGrad_();
      const y = torch.gumbelSoftmax(l, { noise: n, tau: 0.5 });
      expect(y.dtype).toBe('float32');
      const want = l.detach().float().add(n.detach()).div(0.5).softmax(-1);
      expect(y.detach().sub(want).abs().max().item()).toBeLessThan(1e-6);
      y.mul(torch.arange(0, 24, 1, { dtype: 'float32' }).reshape([4, 6])).sum().backward();
      expect([l.grad!.dtype, n.grad!.dtype]).toEqual(['float16', 'float32']);
    }));

  test('a bad dim is a RangeError naming it', () =>
    torch.scope(() => {
      expect(() => plan(torch.zeros([2, 3]), 2)).toThrow(/Dimension out of range/);
    }));
});
