// optim.SGD: 20 steps per option set equal torch 1.13's SGD. Elementwise ops only (no BLAS): against
// scripts/make_optim_fixtures.py run live on this CPU the trajectory is equal bit for bit; without a
// live PyTorch the committed fixture is compared to 1e-6 (ATen's add with alpha is a fused
// multiply-add in its vector loops, so a CPU without FMA may round the last bit differently).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../../lib';
import { livePyTorch, runLiveReference, skipVisibly } from '../helpers';

interface SgdRun { opts: torch.optim.SGDOptions; trajectory: number[][][]; momentumBuffers: (number[] | null)[]; paramGroup: Record<string, unknown> }
interface SgdFixture { shapes: number[][]; init: number[][]; grads: number[][][]; runs: SgdRun[]; groups: { trajectory: number[][][]; paramGroups: Record<string, unknown>[] } }

const live = livePyTorch.version !== undefined;
const refDir = live ? runLiveReference('make_optim_fixtures.py', ['$OUT']) : path.join(__dirname, '..', 'fixtures');
const ref = (JSON.parse(fs.readFileSync(path.join(refDir, 'optim.json'), 'utf8')) as { sgd: SgdFixture }).sgd;

const f32 = (v: number[], shape: number[]): torch.Tensor => torch.fromTypedArray(Float32Array.from(v), shape);
const values = (t: torch.Tensor): number[] => Array.from(t.data() as Float32Array);

function run(opts: torch.optim.SGDOptions): { ps: torch.Tensor[]; opt: torch.optim.SGD; traj: number[][][] } {
  const ps = ref.init.map((v, i) => f32(v, ref.shapes[i]).requiresGrad_());
  const opt = new torch.optim.SGD(ps, opts);
  const traj = ref.grads.map((gs) => {
    opt.zeroGrad();
    ps.forEach((p, i) => (p.grad = f32(gs[i], ref.shapes[i])));
    opt.step();
    return ps.map(values);
  });
  return { ps, opt, traj };
}

function closeTo(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])));
}

describe.each(ref.runs.map((r) => [JSON.stringify(r.opts), r] as const))('SGD %s', (_, r) => {
  const { ps, opt, traj } = run(r.opts);
  afterAll(() => {
    opt.dispose();
    ps.forEach((p) => p.dispose());
  });

  if (live) {
    test(`20-step trajectory equals PyTorch ${livePyTorch.version} run live on this CPU, bit for bit`, () => {
      expect(traj).toEqual(r.trajectory);
    });
  } else {
    test('20-step trajectory within 1e-6 of the committed PyTorch fixture', () => {
      traj.forEach((step, k) => step.forEach((p, i) => expect([k, i, closeTo(p, r.trajectory[k][i])]).toEqual([k, i, true])));
    });
    skipVisibly('trajectory bit for bit', `no live PyTorch (${livePyTorch.reason})`);
  }

  test("stateDict has PyTorch's layout: momentum_buffer per parameter, PyTorch's param_group keys", () => {
    const sd = opt.stateDict();
    const state = sd.state as Record<number, { momentum_buffer: torch.Tensor | null }>;
    expect(Object.keys(state)).toEqual(['0', '1']);
    r.momentumBuffers.forEach((b, i) => {
      const mb = state[i].momentum_buffer;
      if (b === null) expect(mb).toBeNull();
      else expect(closeTo(values(mb as torch.Tensor), b)).toBe(true);
      mb?.dispose();
    });
    expect(sd.param_groups[0]).toEqual(r.paramGroup);
  });
});

test('a state_dict saved at step 10 resumes to the same step-20 parameters in a fresh SGD', () => {
  const opts = { lr: 0.05, momentum: 0.9, dampening: 0.1 };
  const full = run(opts);
  const ps = ref.init.map((v, i) => f32(v, ref.shapes[i]).requiresGrad_());
  const a = new torch.optim.SGD(ps, opts);
  const stepWith = (o: torch.optim.SGD, k: number): void => {
    o.zeroGrad();
    ps.forEach((p, i) => (p.grad = f32(ref.grads[k][i], ref.shapes[i])));
    o.step();
  };
  for (let k = 0; k < 10; k++) stepWith(a, k);
  const sd = a.stateDict();
  a.dispose();
  const b = new torch.optim.SGD(ps, { ...opts, lr: 1 });
  b.loadStateDict(sd);
  expect(b.lr).toBe(0.05);
  for (let k = 10; k < 20; k++) stepWith(b, k);
  expect(ps.map(values)).toEqual(full.traj[19]);
  for (const s of Object.values(sd.state as Record<number, { momentum_buffer: torch.Tensor | null }>)) s.momentum_buffer?.dispose();
  [b, full.opt].forEach((o) => o.dispose());
  [...ps, ...full.ps].forEach((p) => p.dispose());
});

test('parameters without a gradient are skipped, as in PyTorch', () => {
  const p = torch.ones([3]).requiresGrad_();
  const q = torch.ones([2]).requiresGrad_();
  const opt = new torch.optim.SGD([p, q], { lr: 0.5, momentum: 0.9 });
  p.grad = torch.ones([3]);
  opt.step();
  expect(values(p)).toEqual([0.5, 0.5, 0.5]);
  expect(values(q)).toEqual([1, 1]);
  expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
  opt.dispose();
});

test('maximize ascends', () => {
  const p = torch.zeros([2]).requiresGrad_();
  const opt = new torch.optim.SGD([p], { lr: 0.5, maximize: true });
  p.grad = torch.tensor([1, -2]);
  opt.step();
  expect(values(p)).toEqual([0.5, -1]);
});

test('no tensors leak across steps', () => {
  const { ps, opt } = run({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 });
  const before = torch.memory().liveTensors;
  for (let k = 0; k < 5; k++) {
    opt.zeroGrad();
    torch.scope(() => ps.forEach((p, i) => (p.grad = f32(ref.grads[k][i], ref.shapes[i])))); // our handles go, the gradients stay
    opt.step();
  }
  opt.zeroGrad();
  expect(torch.memory().liveTensors).toBe(before);
  opt.dispose();
  ps.forEach((p) => p.dispose());
});

test('bad options and state_dicts throw TypeError/RangeError naming the argument', () => {
  const p = torch.zeros([2]).requiresGrad_();
  expect(() => new torch.optim.SGD([p], undefined as never)).toThrow(/lr is required/);
  expect(() => new torch.optim.SGD([p], {} as never)).toThrow(/lr is required/);
  expect(() => new torch.optim.SGD([p], { lr: -1 })).toThrow(RangeError);
  expect(() => new torch.optim.SGD([p], { lr: NaN })).toThrow(/lr must be a number/);
  expect(() => new torch.optim.SGD([p], { lr: 0.1, momentum: -0.1 })).toThrow(/momentum must be >= 0/);
  expect(() => new torch.optim.SGD([p], { lr: 0.1, weightDecay: -1 })).toThrow(/weightDecay must be >= 0/);
  expect(() => new torch.optim.SGD([p], { lr: 0.1, nesterov: true })).toThrow(/nesterov momentum requires/);
  expect(() => new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/zero dampening/);
  expect(() => new torch.optim.SGD([p], { lr: 0.1, momentun: 0.9 } as never)).toThrow(/unknown option 'momentun' \(did you mean 'momentum'\?\)/);
  expect(() => new torch.optim.SGD([], { lr: 0.1 })).toThrow(TypeError);
  expect(() => new torch.optim.SGD([p, p], { lr: 0.1 })).toThrow(/same tensor twice/);
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  expect(() => (opt.lr = -0.5)).toThrow(RangeError);
  const group = { lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0] };
  expect(() => opt.loadStateDict({ state: {}, param_groups: [{ ...group, weight_decay: 0.1 }] })).toThrow(/weight_decay 0.1 vs 0/);
  expect(() => opt.loadStateDict({ state: { 0: { momentum_buffer: torch.zeros([3]) } }, param_groups: [group] })).toThrow(/momentum_buffer has shape \[3\], its parameter \[2\]/);
  expect(() => opt.loadStateDict({ state: { 5: { momentum_buffer: null } }, param_groups: [group] })).toThrow(/parameter id 5/);
  expect(() => opt.loadStateDict({ state: {}, param_groups: [group, group] })).toThrow(/array of 1 group/);
  expect(() => opt.loadStateDict(null as never)).toThrow(TypeError);
  expect(opt.lr).toBe(0.1);
});

test("another optimizer's state_dict is refused, naming what is missing", () => {
  const p = torch.zeros([2]).requiresGrad_();
  const adam = new torch.optim.Adam([p]);
  p.grad = torch.ones([2]);
  adam.step();
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  expect(() => opt.loadStateDict(adam.stateDict() as never)).toThrow(/has no momentum, dampening, nesterov: not an SGD state_dict/);
  const group = { lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0] };
  expect(() => opt.loadStateDict({ state: { 0: { momentum_buffer: null, exp_avg: torch.zeros([2]) } as never }, param_groups: [group] })).toThrow(/exp_avg, which SGD does not keep/);
});

test('parameter groups: per-group options over the defaults step as PyTorch\'s; state_dict has both groups and resumes', () => {
  const make = (ps: torch.Tensor[]): torch.optim.SGD =>
    new torch.optim.SGD([{ params: [ps[0]], lr: 0.1, momentum: 0.9 }, { params: [ps[1]], weightDecay: 0.1, nesterov: true, momentum: 0.5 }], { lr: 0.05 });
  const ps = ref.init.map((v, i) => f32(v, ref.shapes[i]).requiresGrad_());
  const opt = make(ps);
  expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.05]);
  const traj: number[][][] = [];
  let saved: torch.optim.SGDStateDict | undefined;
  ref.grads.forEach((gs, k) => {
    opt.zeroGrad();
    torch.scope(() => ps.forEach((p, i) => (p.grad = f32(gs[i], ref.shapes[i]))));
    opt.step();
    traj.push(ps.map(values));
    if (k === 9) saved = opt.stateDict();
  });
  const exact = (a: number[], b: number[]): boolean => (live ? a.every((x, i) => x === b[i]) : closeTo(a, b));
  traj.forEach((step, k) => step.forEach((p, i) => expect([k, i, exact(p, ref.groups.trajectory[k][i])]).toEqual([k, i, true])));
  expect(opt.stateDict().param_groups).toEqual(ref.groups.paramGroups);
  // Resume from step 10 in a fresh optimizer over fresh parameters holding step 10's values.
  const qs = ref.groups.trajectory[9].map((v, i) => f32(v, ref.shapes[i]).requiresGrad_());
  const b = make(qs);
  b.paramGroups[0].lr = 7; // replaced by the load
  b.loadStateDict(saved as torch.optim.SGDStateDict);
  expect(b.paramGroups[0].lr).toBe(0.1);
  for (let k = 10; k < 20; k++) {
    b.zeroGrad();
    torch.scope(() => qs.forEach((p, i) => (p.grad = f32(ref.grads[k][i], ref.shapes[i]))));
    b.step();
  }
  expect(qs.map(values)).toEqual(traj[19]);
  new torch.optim.lrScheduler.ExponentialLR(opt, { gamma: 0.5 }).step(); // schedulers drive every group
  expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.05, 0.025]);
  expect(() => new torch.optim.SGD([{ params: [ps[0]] }])).toThrow(/lr is required .*param_groups\[0\] has none/);
  expect(() => new torch.optim.SGD([{ params: [ps[0]], lr: 0.1, lrr: 1 } as never])).toThrow(/unknown option 'lrr'/);
  expect(() => new torch.optim.SGD([{ params: [ps[0]] }, { params: [ps[0]] }], { lr: 0.1 })).toThrow(/same tensor twice/);
  expect(() => b.loadStateDict({ ...(saved as torch.optim.SGDStateDict), param_groups: [(saved as torch.optim.SGDStateDict).param_groups[0]] })).toThrow(/2 group/);
  expect(() => (opt.paramGroups[1].lr = -1)).toThrow(RangeError);
  [opt, b].forEach((o) => o.dispose());
  [...ps, ...qs].forEach((p) => p.dispose());
});
