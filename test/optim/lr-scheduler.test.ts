// Each scheduler's lr sequence (and OneCycleLR's momentum) equals torch 1.13's, from
// scripts/make_optim_fixtures.py: pure double arithmetic, so the committed fixture holds on any CPU.
import * as torch from '../../lib';
import { cos } from '../../lib/optim/lr-scheduler/cos';
import { fixture } from '../helpers';

const { lrScheduler: S } = torch.optim;
interface Run { name: string; lrs: number[]; momentums: number[]; stateDict: Record<string, unknown> }
const runs = new Map(fixture<{ schedulers: Run[] }>('optim.json').schedulers.map((r) => [r.name, r]));

const PLATEAU = [1.0, 0.9, 0.95, 0.93, 0.91, 0.9, 0.92, 0.899, 0.95, 0.97, 0.96, 0.98, 0.97, 0.5, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7];
type Sched = { step(m: number): void; getLastLr(): number[]; stateDict(): object };
const MAKERS: Record<string, [(o: torch.optim.SGD) => Sched, number[] | undefined, number?]> = {
  StepLR: [(o) => new S.StepLR(o, { stepSize: 3 }), undefined],
  'StepLR gamma 0.5': [(o) => new S.StepLR(o, { stepSize: 2, gamma: 0.5 }), undefined],
  MultiStepLR: [(o) => new S.MultiStepLR(o, { milestones: [2, 5, 5, 9] }), undefined],
  ExponentialLR: [(o) => new S.ExponentialLR(o, { gamma: 0.9 }), undefined],
  CosineAnnealingLR: [(o) => new S.CosineAnnealingLR(o, { tMax: 10 }), undefined],
  'CosineAnnealingLR etaMin': [(o) => new S.CosineAnnealingLR(o, { tMax: 7, etaMin: 0.01 }), undefined],
  LambdaLR: [(o) => new S.LambdaLR(o, (e) => 1 / (e + 1)), undefined],
  'LambdaLR floor': [(o) => new S.LambdaLR(o, (e) => Math.floor(e / 3) + 0.5), undefined],
  OneCycleLR: [(o) => new S.OneCycleLR(o, { maxLr: 1.0, totalSteps: 20 }), undefined, 0.9],
  'OneCycleLR linear three phase': [(o) => new S.OneCycleLR(o, { maxLr: 0.5, epochs: 3, stepsPerEpoch: 7, pctStart: 0.25, annealStrategy: 'linear', threePhase: true, divFactor: 10, finalDivFactor: 100 }), undefined, 0.9],
  'OneCycleLR no momentum': [(o) => new S.OneCycleLR(o, { maxLr: 0.3, totalSteps: 15, cycleMomentum: false }), undefined],
  ReduceLROnPlateau: [(o) => new S.ReduceLROnPlateau(o, { patience: 2 }), PLATEAU],
  'ReduceLROnPlateau max abs cooldown': [
    (o) => new S.ReduceLROnPlateau(o, { mode: 'max', factor: 0.5, patience: 1, threshold: 0.01, thresholdMode: 'abs', cooldown: 2, minLr: 0.02 }),
    PLATEAU.map((m) => -m),
  ],
};

function sgd(momentum = 0): { opt: torch.optim.SGD; p: torch.Tensor } {
  const p = torch.zeros([1]).requiresGrad_();
  return { opt: new torch.optim.SGD([p], { lr: 0.1, momentum }), p };
}

/** Python's state_dict with its infinities as JSON strings, ours as numbers. */
const py = (v: unknown): unknown => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

test("schedules take cos from the C library, as Python's math.cos (V8's Math.cos differs by an ulp at times)", () => {
  const pairs = fixture<{ cos: [number, number][] }>('optim.json').cos;
  expect(pairs.length).toBeGreaterThan(5000);
  expect(pairs.filter(([x, c]) => cos(x) !== c)).toEqual([]);
});

test('the fixture covers every scheduler case', () => {
  expect([...runs.keys()].sort()).toEqual(Object.keys(MAKERS).sort());
});

describe.each(Object.keys(MAKERS))('%s', (name) => {
  const [make, metrics, momentum] = MAKERS[name];
  const ref = runs.get(name) as Run;

  test("lr (and momentum) after construction and every step equal torch 1.13's exactly; state_dict keys too", () => {
    const { opt, p } = sgd(momentum);
    const s = make(opt);
    const lrs = [opt.lr];
    const moms = [opt.momentum];
    for (let k = 0; k < ref.lrs.length - 1; k++) {
      opt.step();
      if (metrics) s.step(metrics[k]);
      else (s.step as () => void)();
      lrs.push(opt.lr);
      moms.push(opt.momentum);
      expect(s.getLastLr()).toEqual([opt.lr]);
    }
    expect(lrs).toEqual(ref.lrs);
    expect(moms).toEqual(ref.momentums);
    const sd = s.stateDict() as Record<string, unknown>;
    for (const [k, v] of Object.entries(ref.stateDict)) expect([k, sd[k]]).toEqual([k, py(v)]);
    expect(Object.keys(sd).sort()).toEqual(Object.keys(ref.stateDict).sort());
    p.dispose();
  });

  test('a state_dict saved halfway resumes the same sequence in a fresh scheduler', () => {
    const half = Math.floor((ref.lrs.length - 1) / 2);
    const a = sgd(momentum);
    const s = make(a.opt);
    for (let k = 0; k < half; k++) {
      a.opt.step();
      if (metrics) s.step(metrics[k]);
      else (s.step as () => void)();
    }
    const saved = JSON.parse(JSON.stringify(s.stateDict(), (_, v) => (v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v)), (_, v) => py(v));
    const b = sgd(momentum);
    const r = make(b.opt) as Sched & { loadStateDict(sd: unknown): void };
    r.loadStateDict(saved);
    b.opt.lr = a.opt.lr; // the lr lives in the optimizer's state_dict, as in PyTorch
    b.opt.momentum = a.opt.momentum;
    const lrs = [b.opt.lr];
    for (let k = half; k < ref.lrs.length - 1; k++) {
      b.opt.step();
      if (metrics) r.step(metrics[k]);
      else (r.step as () => void)();
      lrs.push(b.opt.lr);
    }
    expect(lrs).toEqual(ref.lrs.slice(half));
    a.p.dispose();
    b.p.dispose();
  });
});

test('schedulers drive optim.Adam through its lr', () => {
  const p = torch.zeros([2]).requiresGrad_();
  const adam = new torch.optim.Adam([p], { lr: 0.1 });
  const s = new S.ExponentialLR(adam, { gamma: 0.5 });
  adam.step();
  s.step();
  expect(adam.lr).toBe(0.05);
  expect(() => new S.OneCycleLR(adam, { maxLr: 1, totalSteps: 10 })).toThrow(/no settable momentum.*cycleMomentum: false/);
  expect(new S.OneCycleLR(adam, { maxLr: 1, totalSteps: 10, cycleMomentum: false }).getLastLr()).toEqual([runs.get('OneCycleLR')?.lrs[0]]);
  p.dispose();
});

test('stepping a scheduler before the optimizer warns, as PyTorch does', () => {
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  const { opt, p } = sgd();
  new S.StepLR(opt, { stepSize: 2 }).step();
  new S.ReduceLROnPlateau(opt).step(1);
  expect(warn).toHaveBeenCalledTimes(2);
  expect(String(warn.mock.calls[0][0])).toMatch(/before optimizer.step\(\)/);
  warn.mockClear();
  opt.step();
  new S.StepLR(opt, { stepSize: 2 }).step();
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
  p.dispose();
});

test('bad options throw TypeError/RangeError naming the argument; unknown options suggest a name', () => {
  const { opt, p } = sgd(0.9);
  expect(() => new S.StepLR(opt, { stepSize: 0 })).toThrow(RangeError);
  expect(() => new S.StepLR(opt, {} as never)).toThrow(/stepSize must be an integer/);
  expect(() => new S.StepLR(opt, { stepSize: 2, gama: 0.5 } as never)).toThrow(/unknown option 'gama' \(did you mean 'gamma'\?\)/);
  expect(() => new S.StepLR({} as never, { stepSize: 2 })).toThrow(/optimizer must be an optimizer with a numeric lr/);
  expect(() => new S.MultiStepLR(opt, { milestones: [1, -2] })).toThrow(/milestones\[1\]/);
  expect(() => new S.CosineAnnealingLR(opt, { tMax: 1.5 })).toThrow(/tMax must be an integer/);
  expect(() => new S.LambdaLR(opt, 3 as never)).toThrow(TypeError);
  expect(() => new S.LambdaLR(opt, () => NaN)).toThrow(/lrLambda\(0\) must be a number/);
  expect(() => new S.OneCycleLR(opt, { maxLr: 1 })).toThrow(/totalSteps or epochs and stepsPerEpoch/);
  expect(() => new S.OneCycleLR(opt, { maxLr: 1, totalSteps: 5, pctStart: 1.5 })).toThrow(RangeError);
  expect(() => new S.OneCycleLR(opt, { maxLr: 1, totalSteps: 5, annealStrategy: 'cosine' as never })).toThrow(/annealStrategy/);
  expect(() => new S.ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor must be < 1/);
  expect(() => new S.ReduceLROnPlateau(opt, { mode: 'mean' as never })).toThrow(/mode must be 'min' or 'max'/);
  expect(() => new S.ReduceLROnPlateau(opt).step(NaN)).toThrow(/metrics must be a number/);
  expect(() => new S.ReduceLROnPlateau(opt).step(torch.zeros([2]))).toThrow(/one-element tensor/);
  expect(() => new S.StepLR(opt, { stepSize: 2 }).loadStateDict({ base_lrs: [0.1, 0.2] } as never)).toThrow(/base_lrs must be an array of 1 number\(s\) \(one per parameter group\)/);
  const one = new S.OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
  one.step();
  one.step();
  one.step(); // PyTorch allows step totalSteps (one past the schedule's end), then refuses
  expect(() => one.step()).toThrow(/tried to step 5 times; totalSteps is 3/);
  expect(() => new S.OneCycleLR(opt, { maxLr: 1, totalSteps: 4 }).loadStateDict(one.stateDict())).toThrow(/total_steps 3 differs/);
  p.dispose();
});

test('ReduceLROnPlateau takes a one-element tensor as its metric', () => {
  const { opt, p } = sgd();
  const s = new S.ReduceLROnPlateau(opt, { patience: 0 });
  opt.step();
  s.step(torch.tensor([2.0]));
  s.step(torch.tensor(3.0));
  expect(opt.lr).toBeCloseTo(0.01, 15);
  expect(s.best).toBe(2);
  p.dispose();
});

describe('parameter groups: each group follows its own schedule, as in PyTorch', () => {
  const groupRuns = fixture<{ schedulerGroups: { name: string; lrs: number[][]; momentums: number[][]; stateDict: Record<string, unknown> }[] }>('optim.json').schedulerGroups;
  const PL = [1.0, 0.9, 0.95, 0.93, 0.91, 0.9, 0.92, 0.899, 0.95, 0.97, 0.96, 0.98, 0.97, 0.5, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7];
  const MAKE: Record<string, (o: torch.optim.SGD) => Sched> = {
    StepLR: (o) => new S.StepLR(o, { stepSize: 3, gamma: 0.5 }),
    CosineAnnealingLR: (o) => new S.CosineAnnealingLR(o, { tMax: 6, etaMin: 0.01 }),
    LambdaLR: (o) => new S.LambdaLR(o, [(e) => 1 / (e + 1), (e) => Math.floor(e / 2) + 1]),
    OneCycleLR: (o) => new S.OneCycleLR(o, { maxLr: [1.0, 0.4], totalSteps: 15, maxMomentum: [0.95, 0.9], baseMomentum: 0.8 }),
    ReduceLROnPlateau: (o) => new S.ReduceLROnPlateau(o, { patience: 1, minLr: [0, 0.01] }),
  };
  test.each(groupRuns.map((r) => [r.name, r] as const))('%s', (name, r) => {
    const p = torch.zeros([1]).requiresGrad_();
    const q = torch.zeros([1]).requiresGrad_();
    const opt = new torch.optim.SGD([{ params: [p] }, { params: [q], lr: 0.3, momentum: 0.8 }], { lr: 0.1, momentum: 0.9 });
    const s = MAKE[name](opt);
    const lrs = [opt.paramGroups.map((g) => g.lr)];
    const moms = [opt.paramGroups.map((g) => g.momentum)];
    for (let k = 0; k < r.lrs.length - 1; k++) {
      opt.step();
      if (name === 'ReduceLROnPlateau') s.step(PL[k]);
      else (s.step as () => void)();
      lrs.push(opt.paramGroups.map((g) => g.lr));
      moms.push(opt.paramGroups.map((g) => g.momentum));
      expect(s.getLastLr()).toEqual(lrs[lrs.length - 1]);
    }
    expect(lrs).toEqual(r.lrs);
    expect(moms).toEqual(r.momentums);
    const sd = s.stateDict() as Record<string, unknown>;
    for (const [k, v] of Object.entries(r.stateDict)) expect([k, sd[k]]).toEqual([k, py(v)]);
    expect(() => new S.LambdaLR(opt, [() => 1])).toThrow(/expected 2 lrLambdas/);
    expect(() => new S.OneCycleLR(opt, { maxLr: [1, 2, 3], totalSteps: 4 })).toThrow(/maxLr: expected 2 values/);
    p.dispose();
    q.dispose();
  });
});
