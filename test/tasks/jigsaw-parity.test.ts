// The jigsaw against a faithful PyTorch port of the tutorial's code (scripts/jigsaw_pytorch.py), run live
// on this CPU: the same initial weights, images, scrambling and Gumbel noise give the same scores,
// gradients, losses and weights over a few Adam steps, and the same exact matchings and mean Kendall
// tau at evaluation. Skipped visibly where /usr/bin/python3 has no torch.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as torch from '../../lib';
import { loadJigsawData } from '../../lib/tasks/jigsaw/data';
import { SinkhornConvNet } from '../../lib/tasks/jigsaw/model';
import { cutPieces, randomPermutations, scramble } from '../../lib/tasks/jigsaw/pieces';
import { livePyTorch, skipVisibly } from '../helpers';

const PYTHON = process.env.GT_PYTHON ?? '/usr/bin/python3';
const STEPS = 3;
const BATCH = 16;
const TEST = 300;

const maxRel = (a: torch.Tensor, b: torch.Tensor): number =>
  torch.scope(() => (a.double().sub(b.double()).abs().max().item() as number) / Math.max(1e-30, b.double().abs().max().item() as number));

function runPort(pieces: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-jigsaw-'));
  torch.manualSeed(pieces);
  const model = new SinkhornConvNet({ numPieces: pieces });
  const data = loadJigsawData({ limit: STEPS * BATCH, testLimit: TEST });
  try {
    torch.scope(() => {
      const n = model.n;
      const images = data.train.reshape([STEPS, BATCH, 28, 28]);
      const perms = torch.stack(Array.from({ length: STEPS }, () => randomPermutations(BATCH, n)));
      const noise = torch.rand([STEPS, BATCH, n, n]).log().neg().log().neg(); // Gumbel(0, 1)
      const testPerms = randomPermutations(TEST, n);
      const inp = path.join(dir, 'in.pt');
      const out = path.join(dir, 'out.pt');
      torch.save({ pieces, tau: 0.1, iters: 20, lr: 1e-4, state: model.stateDict(), images, perms, noise, test_images: data.test, test_perms: testPerms }, inp);
      const r = spawnSync(PYTHON, [path.join(__dirname, '..', '..', 'scripts', 'jigsaw_pytorch.py'), 'parity', inp, out], { encoding: 'utf8', timeout: 300_000 });
      if (r.status !== 0) throw new Error(`jigsaw_pytorch.py parity failed: ${r.stderr}`);
      const ref = torch.load(out) as { losses: torch.Tensor; log_alpha0: torch.Tensor; grad0: torch.Tensor; state: Record<string, torch.Tensor>; eval_log_alpha: torch.Tensor; eval_positions: torch.Tensor; kendall: number };

      // The same steps as JigsawSession.trainStep, with the given scrambling and noise.
      const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-4, eps: 1e-8 });
      model.train();
      const losses: number[] = [];
      for (let k = 0; k < STEPS; k++) {
        torch.scope(() => {
          const truePieces = cutPieces(images.select(0, k), pieces);
          const out = model.forward(scramble(truePieces, perms.select(0, k)), { noise: noise.select(0, k) });
          const loss = out.ordered.sub(truePieces).pow(2).sum();
          opt.zeroGrad();
          loss.backward();
          if (k === 0) {
            expect(maxRel(out.logAlpha, ref.log_alpha0)).toBeLessThan(1e-5);
            expect(maxRel(model.g_2.weight.grad as torch.Tensor, ref.grad0)).toBeLessThan(1e-4);
          }
          opt.step();
          losses.push(loss.item() as number);
        });
      }
      losses.forEach((l, k) => expect(Math.abs(l - (ref.losses.data()[k] as number))).toBeLessThan(1e-5 * Math.abs(l)));
      const after = model.stateDict();
      expect(Object.keys(after).sort()).toEqual(Object.keys(ref.state).sort());
      for (const [k, v] of Object.entries(after)) {
        if (v.dtype === 'int64') expect([k, v.item()]).toEqual([k, ref.state[k].item()]);
        // Adam's first steps move each weight by about lr = 1e-4: 1e-7 is a thousandth of a step.
        else expect([k, v.double().sub(ref.state[k].double()).abs().max().item() < 1e-6]).toEqual([k, true]);
      }

      // Evaluation: the exact matching of the same scores, and the tutorial's Kendall tau.
      model.eval();
      torch.noGrad(() => {
        const truePieces = cutPieces(data.test, pieces);
        const ev = model.forward(scramble(truePieces, testPerms));
        expect(maxRel(ev.logAlpha, ref.eval_log_alpha)).toBeLessThan(1e-5);
        expect(ev.positions?.eq(ref.eval_positions).all().item()).toBe(true);
        const tau = torch.permutations.kendallTau(testPerms.double(), (ev.positions as torch.Tensor).double()).mean().item() as number;
        expect(Math.abs(tau - ref.kendall)).toBeLessThan(1e-12);
        process.stderr.write(`jigsaw parity ${pieces} x ${pieces}: losses ${losses.map((l) => l.toFixed(3)).join(' ')}; eval Kendall tau ${tau.toFixed(4)} (PyTorch ${ref.kendall.toFixed(4)})\n`);
      });
    });
  } finally {
    model.dispose();
    data.train.dispose();
    data.test.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (!livePyTorch.version) skipVisibly('jigsaw equals the PyTorch port', livePyTorch.reason ?? 'no PyTorch');
else
  describe('jigsaw equals the PyTorch port of the tutorial (live)', () => {
    test.each([2, 3])('%i pieces per side: scores, gradient, 3 Adam steps, eval matchings and Kendall tau', (pieces) => runPort(pieces), 120_000);
  });
