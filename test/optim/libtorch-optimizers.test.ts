// optim.AdamW, RMSprop, Adagrad (LibTorch's own): 20 steps per option set equal torch 1.13's. As for SGD,
// live on this CPU bit for bit when /usr/bin/python3 has torch, else the committed fixture to 1e-6.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../../lib';
import { livePyTorch, runLiveReference, skipVisibly } from '../helpers';

type Name = 'AdamW' | 'RMSprop' | 'Adagrad';
interface Run { name: Name; opts: Record<string, unknown>; trajectory: number[][][]; state: Record<string, Record<string, number | number[]>>; paramGroup: Record<string, unknown> }
interface Fixture { sgd: { shapes: number[][]; init: number[][]; grads: number[][][] }; others: Run[] }

const live = livePyTorch.version !== undefined;
const refDir = live ? runLiveReference('make_optim_fixtures.py', ['$OUT']) : path.join(__dirname, '..', 'fixtures');
const fx = JSON.parse(fs.readFileSync(path.join(refDir, 'optim.json'), 'utf8')) as Fixture;
const { shapes, init, grads } = fx.sgd;

const f32 = (v: number[], shape: number[]): torch.Tensor => torch.fromTypedArray(Float32Array.from(v), shape);
const values = (t: torch.Tensor): number[] => Array.from(t.data() as Float32Array);
const closeTo = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])));
type Opt = torch.optim.AdamW | torch.optim.RMSprop | torch.optim.Adagrad;
const make = (name: Name, ps: torch.Tensor[], opts: Record<string, unknown>): Opt => new torch.optim[name](ps, opts);

function run(name: Name, opts: Record<string, unknown>, from = 0, to = 20, ps = init.map((v, i) => f32(v, shapes[i]).requiresGrad_()), opt = make(name, ps, opts)) {
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
