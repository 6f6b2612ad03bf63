// optim.AdamW, RMSprop, Adagrad (LibTorch's own) and RAdam (ours, native/optim/radam.cc): 20 steps per option set,
// and with two parameter groups of their own options, equal torch 1.13's. As for SGD, live on this CPU bit
// for bit when /usr/bin/python3 has torch, else the committed fixture to 1e-6.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../../lib';
import { livePyTorch, runLiveReference, skipVisibly } from '../helpers';

type Name = 'AdamW' | 'RMSprop' | 'Adagrad' | 'RAdam';
interface Run { name: Name; opts: Record<string, unknown>; trajectory: number[][][]; state: Record<string, Record<string, number | number[]>>; paramGroup: Record<string, unknown> }
interface GroupRun { name: Name; groups: Record<string, unknown>[]; defaults: Record<string, unknown>; trajectory: number[][][]; state: Run['state']; paramGroups: Record<string, unknown>[] }
interface Fixture { sgd: { shapes: number[][]; init: number[][]; grads: number[][][] }; others: Run[]; otherGroups: GroupRun[] }

const live = livePyTorch.version !== undefined;
const refDir = live ? runLiveReference('make_optim_fixtures.py', ['$OUT']) : path.join(__dirname, '..', 'fixtures');
const fx = JSON.parse(fs.readFileSync(path.join(refDir, 'optim.json'), 'utf8')) as Fixture;
const { shapes, init, grads } = fx.sgd;

const f32 = (v: number[], shape: number[]): torch.Tensor => torch.fromTypedArray(Float32Array.from(v), shape);
const values = (t: torch.Tensor): number[] => Array.from(t.data() as Float32Array);
const closeTo = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])));
type Opt = torch.optim.AdamW | torch.optim.RMSprop | torch.optim.Adagrad | torch.optim.RAdam;
const make = (name: Name, ps: torch.Tensor[], opts: Record<string, unknown>): Opt => new torch.optim[name](ps, opts);
/** Two groups, one parameter each, with the run's per-group options over its defaults. */
const makeGrouped = (r: GroupRun, ps: torch.Tensor[], defaults = r.defaults): Opt =>
  new (torch.optim[r.name] as unknown as new (g: object[], d: object) => Opt)(r.groups.map((g, i) => ({ ...g, params: [ps[i]] })), defaults);

const fresh = (): torch.Tensor[] => init.map((v, i) => f32(v, shapes[i]).requiresGrad_());
function run(name: Name, opts: Record<string, unknown>, from = 0, to = 20, ps = fresh(), opt = make(name, ps, opts)) {
  const traj: number[][][] = [];
  for (let k = from; k < to; k++) {
    opt.zeroGrad();
    torch.scope(() => ps.forEach((p, i) => (p.grad = f32(grads[k][i], shapes[i]))));
    opt.step();
    traj.push(ps.map(values));
  }
  return { ps, opt, traj };
}

describe.each(fx.others.map((r) => [`${r.name} ${JSON.stringify(r.opts)}`, r] as const))('%s', (_, r) => {
  const { ps, opt, traj } = run(r.name, r.opts);
  afterAll(() => ps.forEach((p) => p.dispose()));

  if (live) {
    test(`20-step trajectory equals PyTorch ${livePyTorch.version} run live on this CPU, bit for bit`, () => expect(traj).toEqual(r.trajectory));
  } else {
    test('20-step trajectory within 1e-6 of the committed PyTorch fixture', () => {
      traj.forEach((step, k) => step.forEach((p, i) => expect([k, i, closeTo(p, r.trajectory[k][i])]).toEqual([k, i, true])));
    });
    skipVisibly('trajectory bit for bit', `no live PyTorch (${livePyTorch.reason})`);
  }

  test("stateDict has PyTorch's keys and values; it resumes to the same trajectory", () => {
    const sd = opt.stateDict();
    expect(sd.param_groups[0]).toEqual(r.paramGroup);
    const state = sd.state as Record<number, torch.optim.LibtorchParamState>;
    for (const [i, s] of Object.entries(r.state)) {
      const ours = state[Number(i)];
      expect(Object.keys(ours).sort()).toEqual(Object.keys(s).sort());
      for (const [k, v] of Object.entries(s)) {
        const o = ours[k];
        const got = o instanceof torch.Tensor ? (o.numel() === 1 && typeof v === 'number' ? (o.item() as number) : values(o)) : o;
        expect([k, typeof v === 'number' ? got === v : closeTo(got as number[], v)]).toEqual([k, true]);
      }
    }
    // Save after 10 steps, load into a fresh optimizer (made with another lr, which the load replaces), go on.
    const a = run(r.name, r.opts, 0, 10);
    const saved = a.opt.stateDict();
    const fresh = make(r.name, a.ps, { ...r.opts, lr: 0.5 });
    fresh.loadStateDict(saved);
    expect(fresh.lr).toBe(r.paramGroup.lr);
    const b = run(r.name, r.opts, 10, 20, a.ps, fresh);
    expect(b.traj[9]).toEqual(traj[19]);
    a.ps.forEach((p) => p.dispose());
  });
});

function stateMatches(ours: Record<number, torch.optim.LibtorchParamState>, want: Run['state']): void {
  for (const [i, s] of Object.entries(want)) {
    const o = ours[Number(i)];
    expect(Object.keys(o).sort()).toEqual(Object.keys(s).sort());
    for (const [k, v] of Object.entries(s)) {
      const t = o[k];
      const got = t instanceof torch.Tensor ? (t.numel() === 1 && typeof v === 'number' ? (t.item() as number) : values(t)) : t;
      expect([i, k, typeof v === 'number' ? got === v : closeTo(got as number[], v)]).toEqual([i, k, true]);
    }
  }
}

describe.each(fx.otherGroups.map((r) => [`${r.name} with parameter groups ${JSON.stringify(r.groups)} over ${JSON.stringify(r.defaults)}`, r] as const))('%s', (_, r) => {
  const ps = fresh();
  const opt = makeGrouped(r, ps);
  const traj = run(r.name, {}, 0, 20, ps, opt).traj;
  afterAll(() => ps.forEach((p) => p.dispose()));

  test(live ? `20-step trajectory equals PyTorch ${livePyTorch.version} run live, bit for bit` : '20-step trajectory within 1e-6 of the committed fixture', () => {
    if (live) expect(traj).toEqual(r.trajectory);
    else traj.forEach((step, k) => step.forEach((p, i) => expect([k, i, closeTo(p, r.trajectory[k][i])]).toEqual([k, i, true])));
  });

  test("stateDict has PyTorch's groups and state; a fresh optimizer resumes from it (each group's lr adopted)", () => {
    const sd = opt.stateDict();
    expect(sd.param_groups).toEqual(r.paramGroups);
    stateMatches(sd.state as Record<number, torch.optim.LibtorchParamState>, r.state);
    const a = fresh();
    const first = run(r.name, {}, 0, 10, a, makeGrouped(r, a));
    const resumed = makeGrouped(r, a, { ...r.defaults, lr: 0.5 });
    expect(resumed.paramGroups.map((g) => g.lr)).not.toEqual(first.opt.paramGroups.map((g) => g.lr));
    resumed.loadStateDict(first.opt.stateDict());
    expect(resumed.paramGroups.map((g) => g.lr)).toEqual(r.paramGroups.map((g) => g.lr));
    expect(run(r.name, {}, 10, 20, a, resumed).traj[9]).toEqual(traj[19]);
    a.forEach((p) => p.dispose());
  });
});

test('paramGroups[i].lr sets one group; lr sets all; a scheduler drives each group; a one-group state_dict is refused by two groups', () => {
  const [p, q] = [torch.zeros([2]).requiresGrad_(), torch.zeros([3]).requiresGrad_()];
  const opt = new torch.optim.RAdam([{ params: [p] }, { params: [q], lr: 0.1 }], { lr: 0.01 });
  expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.1]);
  opt.paramGroups[1].lr = 0.2;
  expect(opt.stateDict().param_groups.map((g) => g.lr)).toEqual([0.01, 0.2]);
  const s = new torch.optim.lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5 });
  p.grad = torch.ones([2]);
  q.grad = torch.ones([3]);
  opt.step();
  s.step();
  expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.005, 0.1]);
  // The step ran with each group's own lr: with beta2 0.999 step 1 is unrectified, p -= lr * m / (1 - beta1).
  expect(Array.from(p.data() as Float32Array)).toEqual([Math.fround(-0.01), Math.fround(-0.01)]);
  expect(Array.from(q.data() as Float32Array)).toEqual([Math.fround(-0.2), Math.fround(-0.2), Math.fround(-0.2)]);
  opt.lr = 0.3;
  expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.3, 0.3]);
  expect(() => (opt.paramGroups[0].lr = -1)).toThrow(RangeError);
  const one = new torch.optim.RAdam([p]);
  expect(() => opt.loadStateDict(one.stateDict())).toThrow(/param_groups must be an array of 2 groups \(this RAdam has 2\)/);
  expect(() => new torch.optim.AdamW([{ params: [p], lr: 0.1 }, { params: [p] }])).toThrow(/same tensor twice/);
  expect(() => new torch.optim.RMSprop([{ params: [p], momentun: 0.9 } as never])).toThrow(/unknown option 'momentun' \(did you mean 'momentum'\?\)/);
  expect(() => new torch.optim.Adagrad([{ params: [] }])).toThrow(/param_groups\[0\].params must be a non-empty array/);
  expect(() => new torch.optim.RAdam([{ params: [q], betas: [0.9, 1] }])).toThrow(/RAdam: betas\[1\] must be in \[0, 1\)/);
  expect(() => new torch.optim.RAdam([q], { decoupledWeightDecay: true } as never)).toThrow(/unknown option 'decoupledWeightDecay'/);
  p.dispose();
  q.dispose();
});

test('schedulers drive them; another optimizer\'s state_dict and bad options are refused, naming the key', () => {
  const p = torch.zeros([2]).requiresGrad_();
  const adamw = new torch.optim.AdamW([p], { lr: 0.1 });
  const s = new torch.optim.lrScheduler.StepLR(adamw, { stepSize: 1, gamma: 0.5 });
  p.grad = torch.ones([2]);
  adamw.step();
  s.step();
  expect(adamw.lr).toBe(0.05);
  expect(adamw.stateDict().param_groups[0].lr).toBe(0.05);
  const rms = new torch.optim.RMSprop([p]);
  expect(() => rms.loadStateDict(adamw.stateDict())).toThrow(/has no alpha, momentum, centered: not a RMSprop state_dict/);
  expect(() => new torch.optim.AdamW([p], { lr: 0.1, weightDecay: 0.2 }).loadStateDict(adamw.stateDict())).toThrow(/weight_decay 0.01 vs 0.2/);
  expect(() => new torch.optim.AdamW([p], { betas: [1, 0.9] })).toThrow(/betas\[0\] must be in \[0, 1\)/);
  expect(() => new torch.optim.RMSprop([p], { alpha: -1 })).toThrow(/alpha must be >= 0/);
  expect(() => new torch.optim.Adagrad([p], { lr_decay: 0.1 } as never)).toThrow(/unknown option 'lr_decay' \(did you mean 'lrDecay'\?\)/);
  expect(() => new torch.optim.Adagrad([p], { lr: -1 })).toThrow(RangeError);
  expect(() => (adamw.lr = NaN)).toThrow(TypeError);
  const sd = adamw.stateDict();
  (sd.state as Record<number, torch.optim.LibtorchParamState>)[0].exp_avg = torch.zeros([3]);
  expect(() => new torch.optim.AdamW([p], { lr: 0.1 }).loadStateDict(sd)).toThrow(/exp_avg has shape \[3\], its parameter \[2\]/);
  p.dispose();
});
