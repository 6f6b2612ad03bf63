// The one-pass CPU Adam step (native/kernels/adam_kernel.cc): bit for bit LibTorch's own Adam step, which
// stays in use wherever the kernel does not fit.
import * as torch from '../lib';
import { skipVisibly } from './helpers';

// Odd sizes leave tails after ATen's vector loops; the large one is split across threads.
const SHAPES: number[][] = [[37], [7, 13], [300], [70_001]];

function params(seed: number, dtype: 'float32' | 'float64' = 'float32'): torch.Tensor[] {
  torch.manualSeed(seed);
  return SHAPES.map((s) => torch.randn(s, { dtype }).requiresGrad_());
}

/** Steps of Adam over `ps` with seeded gradients of mixed magnitudes; returns the optimizer. */
function train(ps: torch.Tensor[], opts: torch.optim.AdamOptions, steps: number, seed = 1): torch.optim.Adam {
  const opt = new torch.optim.Adam(ps, opts);
  for (let k = 0; k < steps; k++) {
    torch.scope(() => {
      torch.manualSeed(seed + k);
      opt.zeroGrad();
      sumOf(ps.map((p) => p.mul(torch.randn(p.shape, { dtype: p.dtype }).mul(10 ** ((k % 5) - 2))).sum())).backward();
      opt.step();
    });
  }
  return opt;
}

function sumOf(ts: torch.Tensor[]): torch.Tensor {
  let s = ts[0];
  for (const t of ts.slice(1)) s = s.add(t);
  return s;
}

function bitsEqual(a: torch.Tensor[], b: torch.Tensor[]): boolean {
  return a.every((t, i) => torch.scope(() => t.eq(b[i]).all().item() === true));
}

const probe = new torch.optim.Adam([torch.zeros([1]).requiresGrad_()]);

test('fused: false keeps LibTorch\'s step; weight decay and amsgrad are not taken over', () => {
  expect(new torch.optim.Adam([torch.zeros([3]).requiresGrad_()], { fused: false }).singlePass).toBe(false);
  expect(new torch.optim.Adam([torch.zeros([3]).requiresGrad_()], { weightDecay: 0.1 }).singlePass).toBe(false);
  expect(new torch.optim.Adam([torch.zeros([3]).requiresGrad_()], { amsgrad: true }).singlePass).toBe(false);
});

if (probe.singlePass) {
  test.each([
    [{ lr: 1e-3 }],
    [{ lr: 0.05, betas: [0.5, 0.9] as [number, number], eps: 1e-6 }],
  ])('%j: 12 steps equal LibTorch\'s Adam bit for bit (parameters, exp_avg, exp_avg_sq, step)', (opts) => {
    const a = params(3);
    const b = params(3);
    const ref = train(a, { ...opts, fused: false }, 12);
    const one = train(b, opts, 12);
    expect(one.singlePass).toBe(true);
    expect(bitsEqual(b, a)).toBe(true);
    const [sa, sb] = [ref.stateDict(), one.stateDict()];
    for (const i of a.keys()) {
      const [x, y] = [(sa.state as Record<number, torch.optim.AdamParamState>)[i], (sb.state as Record<number, torch.optim.AdamParamState>)[i]];
      expect(bitsEqual([y.exp_avg, y.exp_avg_sq, y.step as torch.Tensor], [x.exp_avg, x.exp_avg_sq, x.step as torch.Tensor])).toBe(true);
    }
  });

  test('a state saved by either step continues in the other, bit for bit', () => {
    const a = params(5);
    const b = params(5);
    const ref = train(a, { fused: false }, 4);
    const one = train(b, {}, 4);
    // Swap the states, then 4 more steps each: still equal.
    const [sa, sb] = [ref.stateDict(), one.stateDict()];
    ref.loadStateDict(sb);
    one.loadStateDict(sa);
    for (const [opt, ps] of [[ref, a], [one, b]] as const) {
      for (let k = 0; k < 4; k++)
        torch.scope(() => {
          torch.manualSeed(100 + k);
          opt.zeroGrad();
          sumOf(ps.map((p) => p.mul(torch.randn(p.shape)).sum())).backward();
          opt.step();
        });
    }
    expect(bitsEqual(b, a)).toBe(true);
  });

  test('float64, non-contiguous and missing gradients fall back to LibTorch\'s step, with the same results', () => {
    const a = params(7, 'float64');
    const b = params(7, 'float64');
    train(a, { fused: false }, 3);
    train(b, {}, 3);
    expect(bitsEqual(b, a)).toBe(true);
    // A transposed parameter view is not contiguous; a parameter without a gradient is skipped.
    const base = torch.randn([5, 9]);
    const [p1, p2] = [base.t().clone().t().requiresGrad_(), base.t().clone().t().requiresGrad_()];
    const [q1, q2] = [torch.ones([4]).requiresGrad_(), torch.ones([4]).requiresGrad_()];
    for (const [ps, opts] of [[[p1, q1], { fused: false }], [[p2, q2], {}]] as const) {
      const opt = new torch.optim.Adam([...ps], opts);
      for (let k = 0; k < 3; k++) torch.scope(() => { opt.zeroGrad(); ps[0].pow(2).sum().backward(); opt.step(); });
    }
    expect(bitsEqual([p2, q2], [p1, q1])).toBe(true);
    expect(torch.scope(() => q2.eq(1).all().item())).toBe(true);
  });
} else {
  skipVisibly('one-pass Adam equals LibTorch\'s Adam bit for bit', 'the probe found no rounding of the kernel that matches LibTorch\'s Adam on this CPU, so LibTorch\'s step is used');
}
