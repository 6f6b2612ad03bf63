// The opt-in oneDNN Linear (torch.setFastLinear): its values and gradients against float64, and the
// drift of 50 VAE training steps against the same steps in float64, beside the default float32 path.
import * as torch from '../lib';
import { fixture, maxAbsDiff } from './helpers';

const available = torch.fastLinearAvailable();
const maybe = available ? describe : (name: string, fn: () => void) => describe.skip(`${name} [skipped: oneDNN's sgemm is not reachable in this LibTorch]`, fn);

afterEach(() => {
  if (available) torch.setFastLinear(false);
});

test('setFastLinear checks its argument and is off by default', () => {
  expect(torch.fastLinear()).toBe(false);
  expect(() => torch.setFastLinear(1 as unknown as boolean)).toThrow(TypeError);
});

maybe('fast Linear', () => {
  // Relative to the size of the products (sum |x||w|), as any float32 GEMM is judged.
  function linearErrors(m: number, k: number, n: number): { y: number; gx: number; gw: number; gb: number } {
    return torch.scope(() => {
      torch.manualSeed(m + k + n);
      const x = torch.randn([m, k]).requiresGrad_();
      const w = torch.randn([n, k]).requiresGrad_();
      const b = torch.randn([n]).requiresGrad_();
      const g = torch.randn([m, n]);
      torch.setFastLinear(true);
      const y = torch.linear(x, w, b);
      y.mul(g).sum().backward();
      torch.setFastLinear(false);
      const [x64, w64, b64] = [x, w, b].map((t) => t.detach().double().requiresGrad_());
      const y64 = torch.linear(x64, w64, b64);
      y64.mul(g.double()).sum().backward();
      const scale = Math.sqrt(k) * 4;
      return {
        y: maxAbsDiff(y.double(), y64) / scale,
        gx: maxAbsDiff(x.grad!.double(), x64.grad!) / (Math.sqrt(n) * 4),
        gw: maxAbsDiff(w.grad!.double(), w64.grad!) / (Math.sqrt(m) * 4),
        gb: maxAbsDiff(b.grad!.double(), b64.grad!) / (Math.sqrt(m) * 4),
      };
    });
  }

  test.each([
    [100, 784, 512],
    [100, 300, 256],
    [7, 5, 3],
  ])('[%i x %i] x [%i]^T: values and gradients within float32 rounding of float64', (m, k, n) => {
    const e = linearErrors(m, k, n);
    for (const v of Object.values(e)) expect(v).toBeLessThan(1e-6);
  });

  test('falls back to ATen where oneDNN does not apply (float64, 3-D input, no bias)', () => {
    torch.scope(() => {
      torch.setFastLinear(true);
      const w = torch.randn([4, 3]);
      expect(torch.linear(torch.randn([2, 5, 3]), w).shape).toEqual([2, 5, 4]);
      expect(torch.linear(torch.randn([2, 3]), w).shape).toEqual([2, 4]);
      expect(torch.linear(torch.randn([2, 3], { dtype: 'float64' }), w.double()).dtype).toBe('float64');
      expect(() => torch.linear(torch.randn([2, 5]), w)).toThrow(/shape|size|mat/i);
    });
  });

  interface Traj { batches: number[][]; noiseSeedBase: number; initSeed: number }

  // 50 steps of the seed's VAE on the trajectory fixture's batches and noise; returns the losses.
  function trajectory(dtype: 'float32' | 'float64', fast: boolean): number[] {
    const fx = fixture<Traj>('vae_trajectory.json');
    const images = torch.data.loadImages('train');
    torch.manualSeed(fx.initSeed);
    const init = new torch.CategoricalVAE();
    const params = init.parameters().map((p) => torch.keep(p.detach().to(dtype).requiresGrad_()));
    init.dispose();
    const opt = new torch.optim.Adam(params, { lr: 1e-3 });
    const lin = (x: torch.Tensor, i: number): torch.Tensor => torch.linear(x, params[2 * i], params[2 * i + 1]);
    torch.setFastLinear(fast);
    const losses = fx.batches.map((idx, i) =>
      torch.scope(() => {
        const x = images.indexSelect(0, torch.tensor(idx, { dtype: 'int64' })).to(dtype);
        torch.manualSeed(fx.noiseSeedBase + i);
        const noise = torch.gumbelFromUniform(torch.rand([100, 30, 10]).to(dtype), { formula: 'seed' });
        opt.zeroGrad();
        const qy = lin(lin(lin(x, 0).relu(), 1).relu(), 2).relu().view(-1, 30, 10);
        const z = torch.gumbelSoftmax(qy, { tau: 1, noise }).view(-1, 300);
        const recon = lin(lin(lin(z, 3).relu(), 4).relu(), 5).sigmoid();
        const q = qy.softmax(-1).reshape(-1, 300);
        const loss = torch.binaryCrossEntropy(recon, x, { reduction: 'sum' }).div(100).add(q.mul(q.mul(10).add(1e-20).log()).sum(-1).mean());
        loss.backward();
        opt.step();
        return loss.item() as number;
      }),
    );
    torch.setFastLinear(false);
    params.forEach((p) => p.dispose());
    images.dispose();
    return losses;
  }

  test('50 VAE steps: fast float32 stays within 1e-5 (relative) of float64, as the default float32 path does', () => {
    const ref = trajectory('float64', false);
    const drift = (ls: number[]): number => Math.max(...ls.map((l, i) => Math.abs(l - ref[i]) / Math.abs(ref[i])));
    const plain = drift(trajectory('float32', false));
    const fast = drift(trajectory('float32', true));
    process.stdout.write(`max relative loss drift from float64 over 50 steps: default float32 ${plain.toExponential(2)}, fast ${fast.toExponential(2)}\n`);
    expect(fast).toBeLessThan(1e-5);
    expect(plain).toBeLessThan(1e-5);
  });
});
