// Loss modules (nn.MSELoss, ...) and the loss functions' misuse. The functions' values and gradients
// against PyTorch are op-table parity cases (scripts/make_op_table_fixtures.py); here: each module gives
// its function's result with its options, keeps class weights as PyTorch's buffers, and every bad input is
// a clean error (class index out of range, float class indices, wrong shapes, bad reductions, options).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../lib';

const { nn } = torch;
const F = nn.functional;
const long = (v: number[]): torch.Tensor => torch.tensor(v, { dtype: 'int64' });

/** The error a call throws (native errors come from Node's realm: compare by name, not instanceof). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error thrown');
}
const same = (a: torch.Tensor, b: torch.Tensor): void => {
  expect(a.shape).toEqual(b.shape);
  expect(a.sub(b).abs().max().item()).toBe(0);
};

describe('loss modules equal their functions, with PyTorch\'s defaults', () => {
  test('every module, default and non-default options, forward and backward', () =>
    torch.scope(() => {
      torch.manualSeed(0);
      const x = torch.randn([4, 5]).requiresGrad_();
      const y = torch.randn([4, 5]);
      const cls = long([1, 0, 4, 2]);
      const w = torch.rand([5]).add(0.5);
      const p = torch.softmax(torch.randn([4, 5]), 1);
      const lp = (): torch.Tensor => torch.logSoftmax(x, 1); // a fresh graph for each backward
      const t = torch.rand([4, 5]);
      const v = torch.rand([4, 5]).add(0.1);
      const pairs: (() => [torch.Tensor, torch.Tensor])[] = [
        () => [new nn.MSELoss().forward(x, y), F.mseLoss(x, y)],
        () => [new nn.MSELoss({ reduction: 'none' }).forward(x, y), F.mseLoss(x, y, { reduction: 'none' })],
        () => [new nn.L1Loss({ reduction: 'sum' }).forward(x, y), F.l1Loss(x, y, { reduction: 'sum' })],
        () => [new nn.SmoothL1Loss({ beta: 0.3 }).forward(x, y), F.smoothL1Loss(x, y, { beta: 0.3 })],
        () => [new nn.HuberLoss({ delta: 0.4, reduction: 'sum' }).forward(x, y), F.huberLoss(x, y, 'sum', 0.4)],
        () => [new nn.CrossEntropyLoss().forward(x, cls), F.crossEntropy(x, cls)],
        () => [new nn.CrossEntropyLoss({ weight: w, ignoreIndex: 0, labelSmoothing: 0.1 }).forward(x, cls), F.crossEntropy(x, cls, w, { ignoreIndex: 0, labelSmoothing: 0.1 })],
        () => [new nn.CrossEntropyLoss({ reduction: 'none' }).forward(x, p), F.crossEntropy(x, p, null, { reduction: 'none' })],
        () => [new nn.NLLLoss({ weight: w, reduction: 'sum' }).forward(lp(), cls), F.nllLoss(lp(), cls, w, { reduction: 'sum' })],
        () => [new nn.BCELoss({ weight: w }).forward(x.sigmoid(), t), F.binaryCrossEntropy(x.sigmoid(), t, { weight: w })],
        () => [new nn.BCEWithLogitsLoss({ posWeight: w }).forward(x, t), F.binaryCrossEntropyWithLogits(x, t, null, { posWeight: w })],
        () => [new nn.KLDivLoss({ reduction: 'batchmean' }).forward(lp(), p), F.klDiv(lp(), p, { reduction: 'batchmean' })],
        () => [new nn.KLDivLoss({ reduction: 'sum', logTarget: true }).forward(lp(), p.log()), F.klDiv(lp(), p.log(), { reduction: 'sum', logTarget: true })],
        () => [new nn.GaussianNLLLoss().forward(x, y, v), F.gaussianNllLoss(x, y, v)],
        () => [new nn.GaussianNLLLoss({ full: true, eps: 0.2, reduction: 'none' }).forward(x, y, v), F.gaussianNllLoss(x, y, v, true, 0.2, 'none')],
      ];
      for (const pair of pairs) {
        const [a, b] = pair();
        same(a, b);
        a.sum().backward();
        const ga = (x.grad as torch.Tensor).clone();
        x.grad = undefined;
        b.sum().backward();
        same(x.grad as unknown as torch.Tensor, ga);
        x.grad = undefined;
      }
    }));

  test('defaults are PyTorch\'s: reduction mean, ignoreIndex -100, labelSmoothing 0, beta/delta 1, eps 1e-6, logTarget false', () => {
    expect(new nn.MSELoss().reduction).toBe('mean');
    const ce = new nn.CrossEntropyLoss();
    expect([ce.ignoreIndex, ce.labelSmoothing, ce.weight]).toEqual([-100, 0, undefined]);
    expect(new nn.SmoothL1Loss().beta).toBe(1);
    expect(new nn.HuberLoss().delta).toBe(1);
    const g = new nn.GaussianNLLLoss();
    expect([g.full, g.eps]).toEqual([false, 1e-6]);
    const kl = new nn.KLDivLoss();
    expect([kl.reduction, kl.logTarget]).toEqual(['mean', false]);
    expect(new nn.NLLLoss().ignoreIndex).toBe(-100);
  });

  test('class weights are buffers under PyTorch\'s keys: in the state dict, moved by to()', () =>
    torch.scope(() => {
      const w = torch.rand([3]);
      const ce = new nn.CrossEntropyLoss({ weight: w });
      expect(Object.keys(ce.stateDict())).toEqual(['weight']);
      expect(ce.parameters()).toEqual([]);
      const bce = new nn.BCEWithLogitsLoss({ weight: torch.rand([3]), posWeight: torch.rand([3]) });
      expect(Object.keys(bce.stateDict())).toEqual(['weight', 'pos_weight']);
      bce.to('float64');
      expect(bce.posWeight?.dtype).toBe('float64');
      expect(Object.keys(new nn.MSELoss().stateDict())).toEqual([]);
      expect(Object.keys(new nn.BCEWithLogitsLoss().stateDict())).toEqual([]);
    }));
});

describe('loss misuse: clean errors, never a crash or a silent wrong answer', () => {
  const x = (): torch.Tensor => torch.randn([3, 4]);
  const cases: [string, () => unknown, string, RegExp][] = [
    ['class index out of range', () => F.crossEntropy(x(), long([0, 5, 1])), 'RangeError', /Target 5 is out of bounds/],
    ['negative class index', () => F.nllLoss(x(), long([0, -3, 1])), 'RangeError', /Target -3 is out of bounds/],
    ['float class indices (JS tensors default to float32)', () => F.crossEntropy(x(), torch.tensor([0, 1, 1])), 'TypeError', /class indices must be int64/],
    ['float class indices to nllLoss', () => F.nllLoss(x(), torch.tensor([0, 1, 1])), 'TypeError', /target is float32 of shape \[3\] for input of shape \[3, 4\]: class indices must be int64/],
    ['int32 class indices', () => F.crossEntropy(x(), torch.tensor([0, 1, 1], { dtype: 'int32' })), 'Error', /expected scalar type Long but found Int/],
    ['target batch size', () => F.crossEntropy(x(), long([0, 1])), 'RangeError', /Expected input batch_size \(3\) to match target batch_size \(2\)/],
    ['probabilities of the wrong shape', () => F.crossEntropy(x(), torch.rand([3, 5])), 'TypeError', /class probabilities must have the input's shape/],
    ['ignoreIndex with probabilities', () => F.crossEntropy(x(), torch.rand([3, 4]), null, { ignoreIndex: 1 }), 'Error', /ignore_index is not supported for floating point target/],
    ['class weight of the wrong size', () => F.crossEntropy(x(), long([0, 1, 1]), torch.rand([3])), 'Error', /weight tensor should be defined either for all 4 classes/],
    ['labelSmoothing above 1', () => F.crossEntropy(x(), long([0, 1, 1]), null, { labelSmoothing: 1.5 }), 'RangeError', /labelSmoothing must be in \[0, 1\], got 1.5/],
    // PyTorch 1.13 skips smoothing for these without a word (PyTorch 2 refuses them)
    ['labelSmoothing negative', () => F.crossEntropy(x(), long([0, 1, 1]), null, { labelSmoothing: -0.1 }), 'RangeError', /labelSmoothing must be in \[0, 1\]/],
    ['labelSmoothing NaN', () => F.crossEntropy(x(), long([0, 1, 1]), null, { labelSmoothing: Number.NaN }), 'RangeError', /labelSmoothing must be in \[0, 1\], got nan/],
    ['bad reduction', () => F.mseLoss(x(), x(), { reduction: 'avg' as never }), 'TypeError', /mseLoss: reduction must be 'none', 'mean' or 'sum', got 'avg'/],
    ['bad klDiv reduction', () => F.klDiv(x(), x(), { reduction: 'batchsum' }), 'TypeError', /reduction must be 'none', 'mean', 'sum' or 'batchmean'/],
    ['legacy reduce option', () => F.l1Loss(x(), x(), { reduce: 'sum' } as never), 'TypeError', /unknown option 'reduce' \(did you mean 'reduction'\?\)/],
    ['reduction by position (PyTorch puts size_average there)', () => (F.mseLoss as (...a: unknown[]) => unknown)(x(), x(), 'sum'), 'TypeError', /expected at most 1 positional arguments \(target\)/],
    ['target not broadcastable', () => F.mseLoss(x(), torch.randn([5])), 'Error', /must match the size of tensor/],
    ['bceWithLogits target size', () => F.binaryCrossEntropyWithLogits(x(), torch.rand([3, 1])), 'RangeError', /target size \[3, 1\] must be the same as input size \[3, 4\]/],
    ['gaussianNll var size', () => F.gaussianNllLoss(x(), x(), torch.rand([4])), 'RangeError', /var is of incorrect size \[4\]/],
    ['gaussianNll negative var', () => F.gaussianNllLoss(x(), x(), torch.rand([3, 4]).sub(1)), 'RangeError', /var has negative entry/],
    ['huber delta 0', () => F.huberLoss(x(), x(), 'mean', 0), 'Error', /non-positive values for delta/],
    ['smoothL1 beta < 0', () => F.smoothL1Loss(x(), x(), { beta: -1 }), 'Error', /negative values for beta/],
    ['klDiv integer target', () => F.klDiv(x(), long([1, 0, 1])), 'Error', /Integral inputs not supported|size of tensor/],
    ['target not a tensor', () => F.crossEntropy(x(), [0, 1, 2] as never), 'TypeError', /crossEntropy: argument 'target' must be a tensor/],
    ['module: bad reduction', () => new nn.CrossEntropyLoss({ reduction: 'avg' as never }), 'TypeError', /CrossEntropyLoss: reduction must be 'none', 'mean', 'sum', got string 'avg'/],
    ['module: unknown option', () => new nn.CrossEntropyLoss({ ignore_index: 1 } as never), 'TypeError', /unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\)/],
    ['module: labelSmoothing', () => new nn.CrossEntropyLoss({ labelSmoothing: -0.1 }), 'RangeError', /labelSmoothing must be in \[0, 1\]/],
    ['module: weight not a tensor', () => new nn.NLLLoss({ weight: [1, 2] as never }), 'TypeError', /weight must be a Tensor|weight.*tensor/i],
    ['module: KLDiv batchmean is allowed, batchsum not', () => new nn.KLDivLoss({ reduction: 'batchsum' as never }), 'TypeError', /'batchmean', got string 'batchsum'/],
    ['module: HuberLoss delta', () => new nn.HuberLoss({ delta: 0 }), 'RangeError', /delta must be > 0/],
    ['module: SmoothL1Loss beta', () => new nn.SmoothL1Loss({ beta: -1 }), 'RangeError', /beta must be >= 0/],
    ['module: GaussianNLLLoss eps', () => new nn.GaussianNLLLoss({ eps: 0 }), 'RangeError', /eps must be > 0/],
    ['module: BCEWithLogitsLoss pos_weight', () => new nn.BCEWithLogitsLoss({ pos_weight: torch.rand([2]) } as never), 'TypeError', /did you mean 'posWeight'/],
  ];
  test.each(cases)('%s', (_n, fn, name, msg) =>
    torch.scope(() => {
      const e = thrown(fn);
      expect(e.name).toBe(name);
      expect(e.message).toMatch(msg);
      expect(e.message).not.toMatch(/Exception raised from|frame #/);
    }));

  // LibTorch's warnings go to Node's real process object, which jest's sandbox does not share: a child.
  test("a target size that differs from the input's broadcasts with PyTorch's warning, once per loss", () => {
    const script = `
      const torch = require(${JSON.stringify(path.resolve(__dirname, '..', 'dist'))});
      const seen = [];
      process.on('warning', (w) => seen.push(w.message));
      const l = torch.nn.functional.mseLoss(torch.zeros([4, 3]), torch.ones([1, 3]));
      torch.nn.functional.mseLoss(torch.zeros([4, 3]), torch.ones([1, 3])); // the same site again: no second warning
      torch.nn.functional.l1Loss(torch.zeros([2, 3]), torch.ones([3])); // another loss: its own warning
      setImmediate(() => console.log(JSON.stringify({ l: l.item(), seen })));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const { l, seen } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { l: number; seen: string[] };
    expect(l).toBe(1);
    expect(seen).toHaveLength(2); // once per loss, as Python's default warning filter (once per line)
    expect(seen[0]).toMatch(/Using a target size \(\[1, 3\]\) that is different to the input size \(\[4, 3\]\)/);
    expect(seen[1]).toMatch(/Using a target size \(\[3\]\) that is different to the input size \(\[2, 3\]\)/);
  });

  test('no leak: failed calls leave no live tensors', () =>
    torch.scope(() => {
      const a = torch.randn([3, 4]);
      const bad = long([0, 9, 1]);
      const before = torch.memory().liveTensors;
      for (let i = 0; i < 20; i++) {
        thrown(() => F.crossEntropy(a, bad));
        thrown(() => F.gaussianNllLoss(a, a, torch.rand([4])));
      }
      expect(torch.memory().liveTensors).toBeLessThanOrEqual(before + 20); // the 20 rand([4]) of this scope
    }));
});
