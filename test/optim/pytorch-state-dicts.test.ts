// Optimizer state_dicts saved by PyTorch (torch.save after 10 of 20 steps, scripts/make_optim_fixtures.py)
// load into ours through torch.load, and the last 10 steps reach PyTorch's step 20. Ours load in
// Python's optimizer.load_state_dict where /usr/bin/python3 has torch.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as torch from '../../lib';
import { livePyTorch, runLiveReference, skipVisibly } from '../helpers';

const live = livePyTorch.version !== undefined;
const refDir = live ? runLiveReference('make_optim_fixtures.py', ['$OUT']) : path.join(__dirname, '..', 'fixtures');
interface Fx {
  sgd: { shapes: number[][]; grads: number[][][]; runs: { opts: object; trajectory: number[][][] }[] };
  others: { name: string; opts: object; trajectory: number[][][] }[];
  otherGroups: { name: string; groups: Record<string, unknown>[]; defaults: Record<string, unknown>; trajectory: number[][][] }[];
}
const fx = JSON.parse(fs.readFileSync(path.join(refDir, 'optim.json'), 'utf8')) as Fx;
const { shapes, grads } = fx.sgd;
const values = (t: torch.Tensor): number[] => Array.from(t.data() as Float32Array);
const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const close = (a: number[], b: number[]): boolean => a.every((x, i) => (live ? x === b[i] : Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i]))));

type AnyOpt = { step(): void; zeroGrad(): void; loadStateDict(sd: never): void; stateDict(): unknown };
type Case = [string, (ps: torch.Tensor[]) => AnyOpt, number[][]];
const CASES: Case[] = [
  ['sgd', (ps) => new torch.optim.SGD(ps, { lr: 1, momentum: 0.9, dampening: 0.1 }), fx.sgd.runs[2].trajectory[19]],
  ['adamw', (ps) => new torch.optim.AdamW(ps, { lr: 1, betas: [0.8, 0.99], weightDecay: 0.1, amsgrad: true }), fx.others[1].trajectory[19]],
  ['rmsprop', (ps) => new torch.optim.RMSprop(ps, { lr: 1, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.01 }), fx.others[3].trajectory[19]],
  ['adagrad', (ps) => new torch.optim.Adagrad(ps, { lr: 1, lrDecay: 0.01, weightDecay: 0.02, initialAccumulatorValue: 0.1, eps: 1e-8 }), fx.others[5].trajectory[19]],
  ['radam', (ps) => new torch.optim.RAdam(ps, { lr: 1, betas: [0.8, 0.95], weightDecay: 0.05, eps: 1e-6 }), fx.others[7].trajectory[19]],
  // Two parameter groups with their own options (scripts/make_optim_fixtures.py GROUP_SETS), made here with lr 1.
  ...fx.otherGroups.map((r): Case => [
    `${r.name.toLowerCase()}_groups`,
    (ps) => new (torch.optim[r.name as 'AdamW'] as unknown as new (g: object[], d: object) => AnyOpt)(r.groups.map((g, i) => ({ ...g, lr: 1, params: [ps[i]] })), { ...r.defaults, lr: 1 }),
    r.trajectory[19],
  ]),
];

test.each(CASES)("%s: PyTorch's torch.save'd state_dict after 10 steps loads; 10 more steps give PyTorch's step 20", (name, make, step20) => {
  const saved = torch.load(path.join(refDir, `optim_${name}_step10.pt`)) as { params: torch.Tensor[]; optimizer: never };
  const ps = saved.params.map((p) => p.clone().requiresGrad_());
  const opt = make(ps);
  opt.loadStateDict(saved.optimizer);
  for (let k = 10; k < 20; k++) {
    opt.zeroGrad();
    torch.scope(() => ps.forEach((p, i) => (p.grad = torch.fromTypedArray(Float32Array.from(grads[k][i]), shapes[i]))));
    opt.step();
  }
  ps.forEach((p, i) => expect([i, close(values(p), step20[i])]).toEqual([i, true]));

  if (!live) return;
  // Ours, saved with torch.save, loads in Python's optimizer of the same kind (strict about groups and ids).
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gt-optim-')), 'ours.pt');
  torch.save(opt.stateDict() as never, file);
  const py = `
import json, sys, torch
sd = torch.load(sys.argv[1])
ps = [torch.zeros(s, requires_grad=True) for s in ${JSON.stringify(shapes)}]
make = {'sgd': lambda: torch.optim.SGD(ps, lr=1, momentum=0.9, dampening=0.1), 'adamw': lambda: torch.optim.AdamW(ps, lr=1, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
        'rmsprop': lambda: torch.optim.RMSprop(ps, lr=1, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01), 'adagrad': lambda: torch.optim.Adagrad(ps, lr=1, lr_decay=0.01, weight_decay=0.02, initial_accumulator_value=0.1, eps=1e-8),
        'radam': lambda: torch.optim.RAdam(ps, lr=1, betas=(0.8, 0.95), weight_decay=0.05, eps=1e-6)}
groups = json.loads(${JSON.stringify(JSON.stringify(Object.fromEntries(fx.otherGroups.map((r) => [`${r.name.toLowerCase()}_groups`, [r.name, r.groups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [snake(k), v])))]]))))})
if '${name}' in groups:
    kind, gs = groups['${name}']
    opt = getattr(torch.optim, kind)([dict(g, lr=1, params=[p]) for g, p in zip(gs, ps)], lr=1)
else:
    opt = make['${name}']()
opt.load_state_dict(sd)
for p in ps: p.grad = torch.ones_like(p)
opt.step()
print(opt.param_groups[0]['lr'], float(opt.state_dict()['state'][0]['step']) if 'step' in opt.state_dict()['state'][0] else -1)
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.status).toBe(0);
  const [lr, step] = r.stdout.trim().split(' ').map(Number);
  expect(lr).toBeLessThan(1); // the saved lr replaced the 1 Python's optimizer was made with
  if (name !== 'sgd') expect(step).toBe(21);
});

if (!live) skipVisibly('ours load in Python', `no live PyTorch (${livePyTorch.reason})`);
