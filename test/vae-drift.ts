// The seed's VAE trained for a few steps on the trajectory fixture's batches and noise, in float32 or
// float64, with a fast-kernel switch on or off: the fast modes' drift from float64 is judged on it.
import * as torch from '../lib';
import { fixture } from './helpers';

interface Traj { batches: number[][]; noiseSeedBase: number; initSeed: number }

/**
 * Max relative loss drift from float64 over `steps` steps, of the default float32 path and of the
 * fast one (switched by setFast); asserts that the switch changed the rounding at all.
 */
export function vaeDrift(setFast: (on: boolean) => void, steps: number): { plain: number; fast: number } {
  const ref = vaeTrajectory('float64', setFast, false, steps);
  const drift = (ls: number[]): number => Math.max(...ls.map((l, i) => Math.abs(l - ref[i]) / Math.abs(ref[i])));
  const plainLosses = vaeTrajectory('float32', setFast, false, steps);
  const fastLosses = vaeTrajectory('float32', setFast, true, steps);
  // The switch must change the kernels: their rounding differs, so the losses are not bit-identical.
  expect(fastLosses).not.toEqual(plainLosses);
  return { plain: drift(plainLosses), fast: drift(fastLosses) };
}

/** The losses of `steps` steps; `setFast(fast)` is called before and `setFast(false)` after. */
export function vaeTrajectory(dtype: 'float32' | 'float64', setFast: (on: boolean) => void, fast: boolean, steps: number): number[] {
  const fx = fixture<Traj>('vae_trajectory.json');
  const images = torch.data.loadImages('train');
  torch.manualSeed(fx.initSeed);
  const init = new torch.CategoricalVAE();
  const params = init.parameters().map((p) => torch.keep(p.detach().to(dtype).requiresGrad_()));
  init.dispose();
  const opt = new torch.optim.Adam(params, { lr: 1e-3 });
  const lin = (x: torch.Tensor, i: number): torch.Tensor => torch.linear(x, params[2 * i], params[2 * i + 1]);
  setFast(fast);
  try {
    return fx.batches.slice(0, steps).map((idx, i) =>
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
  } finally {
    setFast(false);
    params.forEach((p) => p.dispose());
    images.dispose();
  }
}
