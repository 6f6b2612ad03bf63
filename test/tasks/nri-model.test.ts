// The NRI model against a faithful PyTorch port of the tutorial's (scripts/nri_pytorch.py) run live on this
// CPU: the same seed gives the same initial weights; the same data and Gumbel noise give the same
// logits, edges, rollout, losses, gradients, and parameters after Adam steps. Since BatchNorm1d and ELU run
// ATen's kernels (as torch.nn's do), gradients, losses and the parameters after 3 Adam steps are bitwise
// equal on the development machine; the bounds (1e-6) leave room for nothing but a changed op order.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../../lib';
import { edgeAccuracy, Nri } from '../../lib/tasks/nri/model';
import { livePyTorch, skipVisibly } from '../helpers';

const BATCH = 4;
const STEPS = 3;

function maxRel(a: torch.Tensor, b: number[]): number {
  const x = Array.from(a.data(), Number);
  expect(x.length).toBe(b.length);
  const scale = b.reduce((acc, v) => Math.max(acc, Math.abs(v)), 1e-6);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - b[i]));
  return m / scale;
}

if (!livePyTorch.version) skipVisibly('NRI equals the PyTorch port', livePyTorch.reason ?? 'no PyTorch');
else
  test('NRI: initial weights, forward, gradients and 3 Adam steps equal the PyTorch port (live)', () => {
    const r = spawnSync('/usr/bin/python3', [path.join(__dirname, '..', '..', 'scripts', 'nri_pytorch.py'), 'parity', String(BATCH), String(STEPS)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(r.stderr);
    const ref = JSON.parse(r.stdout) as Record<string, never>;
    torch.scope(() => {
      torch.manualSeed(0);
      const model = new Nri();
      const sd = model.stateDict();
      const init = ref.init as Record<string, number[]>;
      expect(maxRel(sd['encoder.mlp1.fc1.weight'], init['mlp1.fc1.weight'])).toBe(0);
      expect(maxRel(sd['encoder.fc_out.weight'], init['fc_out.weight'])).toBe(0);
      expect(maxRel(sd['decoder.msg_fc1.weight'], init['msg_fc1.weight'])).toBe(0);
      expect(maxRel(sd['decoder.out_fc3.bias'], init['out_fc3.bias'])).toBe(0);

      torch.manualSeed(7);
      const data = torch.rand([BATCH, 5, 49, 4]).mul(2).sub(1);
      const u = torch.rand([BATCH, 20, 2]);
      const noise = torch.gumbelFromUniform(u, { formula: 'seed', eps: 1e-10 });
      // The tutorial's -log(eps - log(U + eps)) with eps = 1e-10 (ours adds eps after negating: same value).
      expect(maxRel(noise, ref.noise)).toBeLessThan(1e-6);
      const opt = new torch.optim.Adam(model.parameters(), { lr: 5e-4 });
      const losses: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        torch.scope(() => {
          opt.zeroGrad();
          const out = model.forward(data, { noise: torch.tensor(ref.noise as number[]).reshape([BATCH, 20, 2]) });
          if (s === 0) {
            expect(maxRel(out.logits, ref.logits)).toBeLessThan(1e-5);
            expect(maxRel(out.edges, ref.edges)).toBeLessThan(1e-5);
            expect(maxRel(out.output, ref.output)).toBeLessThan(1e-5);
            expect(Math.abs((out.nll.item() as number) - ref.nll) / ref.nll).toBeLessThan(1e-5);
            expect(Math.abs((out.kl.item() as number) - ref.kl)).toBeLessThan(1e-5);
          }
          out.loss.backward();
          if (s === 0) {
            const grad = ref.grad as Record<string, number[]>;
            expect(maxRel(model.encoder.mlp(1).fc1.weight.grad as torch.Tensor, grad['mlp1.fc1.weight'])).toBeLessThan(1e-6);
            expect(maxRel(model.parameters()[model.parameters().length - 2].grad as torch.Tensor, grad['out_fc3.weight'])).toBeLessThan(1e-6);
          }
          opt.step();
          losses.push(out.loss.item() as number);
        });
      }
      const refLosses = ref.losses as number[];
      for (let s = 0; s < STEPS; s++) expect(Math.abs(losses[s] - refLosses[s]) / refLosses[s]).toBeLessThan(1e-6);
      const after = model.stateDict();
      const refAfter = ref.after as Record<string, number[]>;
      // Every parameter and buffer (running statistics, num_batches_tracked) after the steps.
      expect(Object.keys(after).sort()).toEqual(Object.keys(refAfter).sort());
      const off = Object.keys(after).filter((k) => !(maxRel(after[k], refAfter[k]) < 1e-6));
      expect(off).toEqual([]);
      model.eval();
      expect(maxRel(model.encoder.forward(data), ref.eval_logits)).toBeLessThan(1e-6);
      expect(edgeAccuracy(model.encoder.forward(data), torch.zeros([BATCH, 20], { dtype: 'int64' }))).toBeGreaterThanOrEqual(0);
    });
  });

test('NRI state-dict keys are the tutorial modules\' (encoder.mlp1.fc1.weight, ..., decoder.out_fc3.bias)', () => {
  torch.scope(() => {
    const keys = Object.keys(new Nri({ hidden: 8 }).stateDict());
    expect(keys.slice(0, 9)).toEqual([
      'encoder.mlp1.fc1.weight', 'encoder.mlp1.fc1.bias', 'encoder.mlp1.fc2.weight', 'encoder.mlp1.fc2.bias',
      'encoder.mlp1.bn.weight', 'encoder.mlp1.bn.bias', 'encoder.mlp1.bn.running_mean', 'encoder.mlp1.bn.running_var', 'encoder.mlp1.bn.num_batches_tracked',
    ]);
    expect(keys.slice(-4)).toEqual(['decoder.out_fc2.weight', 'decoder.out_fc2.bias', 'decoder.out_fc3.weight', 'decoder.out_fc3.bias']);
    expect(keys).toHaveLength(4 * 9 + 2 + 10);
  });
});

test('NRI rejects data of the wrong shape and unknown options', () => {
  torch.scope(() => {
    const m = new Nri({ hidden: 8 });
    expect(() => m.forward(torch.zeros([2, 5, 48, 4]))).toThrow(/expected data of shape \[B, 5, 49, 4\]/);
    expect(() => m.forward(torch.zeros([2, 5, 49, 4]), { temp: 1 } as never)).toThrow(/did you mean 'tau'/);
    expect(() => new Nri({ hiden: 3 } as never)).toThrow(/did you mean 'hidden'/);
  });
});
