#!/usr/bin/env node
// Misuse harness: tries many ways a PyTorch user (or a careless one) can misuse the API and counts what
// happens: a clean error (TypeError/RangeError/Error naming the problem, no C++ backtrace), a correct
// result (what PyTorch gives), a crash (the process died), a hang (no answer in 30 s), a silently wrong
// result, or data lost (a signal that should leave a checkpoint did not). Cases run in child
// processes, so a crash or a hang is counted and the run goes on.
//   node bench/misuse.js            (needs dist/: npx tsc -p tsconfig.json)
//   node bench/misuse.js --verbose  (lists every case that was not a clean error or a correct result)
'use strict';
const { fork, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { optimCases } = require('./misuse-optim');
const { nnCases } = require('./misuse-nn');
const { rnnCases } = require('./misuse-rnn');
const { layerCases } = require('./misuse-layers');
const { jigsawCases } = require('./misuse-jigsaw');

const ROOT = path.join(__dirname, '..');
// GT_UNDER_TEST=<checkout> runs the same cases against another build (e.g. an older main, for a before/after).
const UNDER_TEST = process.env.GT_UNDER_TEST ? path.resolve(process.env.GT_UNDER_TEST) : ROOT;
const HANG_MS = 30000;
const { issue22Cases, signalCases } = require('./misuse-issue22');

// ---- the cases: { name, run(torch) -> value, expect: 'error' | (value, torch) => boolean }
// `expect: 'error'` means only an error is right; a predicate judges a returned value (false = silently wrong).
function buildCases() {
  const cases = [];
  const add = (name, run, expect) => cases.push({ name, run, expect });
  const error = 'error';
  const same = (a, b) => a.shape.join() === b.shape.join() && a.sub(b).abs().max().item() === 0;
  const nanRows = (y, rows) => rows.every(([r, want]) => y.select(0, r).isnan().all().item() === want);
  issue22Cases(add, UNDER_TEST); // bench/misuse-issue22.js: an adversary's findings
  jigsawCases(add); // bench/misuse-jigsaw.js: the MNIST jigsaw task

  // 1. Options objects: wrong keys (snake_case, PyTorch's names, typos) and non-objects everywhere.
  const calls = {
    gumbelSoftmax: [['tau', 'hard', 'dim', 'noise'], (t, o) => t.gumbelSoftmax(t.randn([2, 3]), o)],
    relaxedBernoulli: [['tau', 'hard', 'noise'], (t, o) => t.relaxedBernoulli(t.randn([2, 3]), o)],
    oneHotCategorical: [['dim', 'method'], (t, o) => t.oneHotCategorical(t.randn([2, 3]), o)],
    gumbelFromUniform: [['formula', 'eps'], (t, o) => t.gumbelFromUniform(t.rand([3]), o)],
    sampleGumbel: [['dtype', 'device'], (t, o) => t.sampleGumbel([3], o)],
    zeros: [['dtype', 'device', 'requiresGrad'], (t, o) => t.zeros([2], o)],
    rand: [['dtype', 'device', 'requiresGrad'], (t, o) => t.rand([2], o)],
    tensor: [['dtype', 'device', 'requiresGrad'], (t, o) => t.tensor([1, 2], o)],
    full: [['dtype', 'device', 'requiresGrad'], (t, o) => t.full([2], 3, o)],
    Adam: [['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'fused'], (t, o) => new t.optim.Adam([t.zeros([1]).requiresGrad_()], o)],
    SGD: [['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'], (t, o) => new t.optim.SGD([t.zeros([1]).requiresGrad_()], o)],
    AdamW: [['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'], (t, o) => new t.optim.AdamW([t.zeros([1]).requiresGrad_()], o)],
    RMSprop: [['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'], (t, o) => new t.optim.RMSprop([t.zeros([1]).requiresGrad_()], o)],
    Adagrad: [['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'], (t, o) => new t.optim.Adagrad([t.zeros([1]).requiresGrad_()], o)],
    clipGradNorm_: [['normType', 'errorIfNonfinite'], (t, o) => t.nn.utils.clipGradNorm_([t.zeros([1]).requiresGrad_()], 1, o)],
    StepLR: [['stepSize', 'gamma'], (t, o) => new t.optim.lrScheduler.StepLR(new t.optim.SGD([t.zeros([1]).requiresGrad_()], { lr: 0.1 }), o)],
    MultiStepLR: [['milestones', 'gamma'], (t, o) => new t.optim.lrScheduler.MultiStepLR(new t.optim.SGD([t.zeros([1]).requiresGrad_()], { lr: 0.1 }), o)],
    ExponentialLR: [['gamma'], (t, o) => new t.optim.lrScheduler.ExponentialLR(new t.optim.SGD([t.zeros([1]).requiresGrad_()], { lr: 0.1 }), o)],
    CosineAnnealingLR: [['tMax', 'etaMin'], (t, o) => new t.optim.lrScheduler.CosineAnnealingLR(new t.optim.SGD([t.zeros([1]).requiresGrad_()], { lr: 0.1 }), o)],
    OneCycleLR: [['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'], (t, o) => new t.optim.lrScheduler.OneCycleLR(new t.optim.SGD([t.zeros([1]).requiresGrad_()], { lr: 0.1, momentum: 0.9 }), o)],
    ReduceLROnPlateau: [['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'], (t, o) => new t.optim.lrScheduler.ReduceLROnPlateau(new t.optim.SGD([t.zeros([1]).requiresGrad_()], { lr: 0.1 }), o)],
    Linear: [['bias', 'dtype', 'device'], (t, o) => new t.nn.Linear(2, 2, o)],
    DataLoader: [['batchSize', 'shuffle', 'dropLast'], (t, o) => new t.data.DataLoader(t.zeros([4, 2]), o)],
    CategoricalVAE: [['latents', 'categories', 'reluLogits'], (t, o) => new t.CategoricalVAE(o)],
    TemperatureSchedule: [['tau0', 'rate', 'every', 'tauMin'], (t, o) => new t.TemperatureSchedule(o)],
    loadImages: [['dir', 'device', 'limit', 'size'], (t, o) => t.data.loadImages('t10k', o)],
    to: [['dtype', 'device', 'nonBlocking'], (t, o) => t.zeros([2]).to(o)],
    sum: [['dtype'], (t, o) => t.zeros([2]).sum(undefined, false, o)],
    backward: [['retainGraph'], (t, o) => t.zeros([2]).requiresGrad_().sum().backward(undefined, o)],
    binaryCrossEntropy: [['weight', 'reduction'], (t, o) => t.binaryCrossEntropy(t.rand([2]), t.rand([2]), o)],
    addmm: [['beta', 'alpha'], (t, o) => t.addmm(t.zeros([2, 2]), t.zeros([2, 2]), t.zeros([2, 2]), o)],
  };
  const snake = (k) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  const wrongKeys = (keys) => [...new Set([
    ...keys.map(snake).filter((k) => !keys.includes(k)),
    ...keys.map((k) => k.slice(0, -1)), ...keys.map((k) => k + 's'), ...keys.map((k) => k.toUpperCase()),
    'temperature', 'requires_grad', 'keepdim', 'device_id', 'foo',
  ])].filter((k) => !keys.includes(k));
  for (const [fn, [keys, call]] of Object.entries(calls)) {
    for (const k of wrongKeys(keys)) add(`${fn}({ ${k} })`, (t) => call(t, { [k]: 1 }), error);
    for (const bad of [0.5, 'x', [1], true, null]) add(`${fn}(${JSON.stringify(bad)} as options)`, (t) => call(t, bad), fn === 'gumbelSoftmax' || fn === 'relaxedBernoulli' ? (bad === 0.5 ? () => true : error) : error);
  }

  optimCases(add); // bench/misuse-optim.js: optimizers, schedulers, nn.utils
  // bench/misuse-nn.js: losses, activation modules, nn.init, Module methods (a build before them has none)
  if (fs.existsSync(path.join(UNDER_TEST, 'dist', 'nn', 'loss.js'))) nnCases(add);
  rnnCases(add); // bench/misuse-rnn.js: RNN/GRU/LSTM and cells, RAdam, parameter groups
  layerCases(add); // bench/misuse-layers.js: the nn layers of issue 18

  // 2. PyTorch's positional temperature gives the same sample as { tau }.
  for (const tau of [0.1, 0.5, 2, 10]) {
    for (const hard of [undefined, true, false]) {
      add(`gumbelSoftmax(l, ${tau}${hard === undefined ? '' : ', ' + hard})`, (t) => {
        const l = t.randn([3, 5]);
        t.manualSeed(9);
        const a = hard === undefined ? t.gumbelSoftmax(l, tau) : t.gumbelSoftmax(l, tau, hard);
        t.manualSeed(9);
        return same(a, t.gumbelSoftmax(l, { tau, hard: hard ?? false }));
      }, (ok) => ok === true);
    }
  }
  for (const bad of [0, -1, NaN, Infinity]) add(`gumbelSoftmax(l, ${bad})`, (t) => t.gumbelSoftmax(t.randn([2, 3]), bad), error);

  // 3. Invalid rows in samplers: NaN out (PyTorch's hard gumbel_softmax) or an error, never a one-hot.
  const bads = { nan: [NaN, 1, 2], allNegInf: [-Infinity, -Infinity, -Infinity], posInf: [Infinity, 0, 1] };
  for (const [what, row] of Object.entries(bads)) {
    const mk = (t, dtype) => t.tensor([[0, 1, 2], row], { dtype });
    for (const dtype of ['float32', 'float64', 'float16', 'bfloat16']) {
      add(`gumbelSoftmax hard, ${what} row, ${dtype}`, (t) => mk(t, dtype) && t.gumbelSoftmax(mk(t, dtype), { hard: true }), (y) => nanRows(y, [[0, false], [1, true]]));
      add(`gumbelSoftmax soft, ${what} row, ${dtype}`, (t) => t.gumbelSoftmax(mk(t, dtype), { tau: 0.5 }), (y) => nanRows(y, [[0, false], [1, true]]));
      add(`oneHotCategorical, ${what} row, ${dtype}`, (t) => t.oneHotCategorical(mk(t, dtype)), (y) => nanRows(y, [[0, false], [1, true]]));
      add(`oneHotCategorical multinomial, ${what} row, ${dtype}`, (t) => t.oneHotCategorical(mk(t, dtype), { method: 'multinomial' }), (y) => nanRows(y, [[0, false], [1, true]]));
      add(`oneHotCategorical dim 0, ${what} row, ${dtype}`, (t) => t.oneHotCategorical(mk(t, dtype).t(), { dim: 0 }).t(), (y) => nanRows(y, [[0, false], [1, true]]));
    }
    add(`relaxedBernoulli hard, ${what}`, (t) => t.relaxedBernoulli(t.tensor(row), { hard: true }), (y) => Number.isNaN(y.toArray()[0]) || what !== 'nan');
  }

  // 4. Empty batches and empty category dims in every Gumbel op.
  for (const shape of [[0, 10], [0], [2, 0, 3], [0, 1]]) {
    const s = JSON.stringify(shape);
    const sameShape = (y) => y.shape.join() === shape.join();
    add(`gumbelSoftmax ${s}`, (t) => t.gumbelSoftmax(t.zeros(shape)), sameShape);
    add(`gumbelSoftmax hard ${s}`, (t) => t.gumbelSoftmax(t.zeros(shape), { hard: true }), sameShape);
    add(`oneHotCategorical ${s}`, (t) => t.oneHotCategorical(t.zeros(shape)), sameShape);
    add(`relaxedBernoulli ${s}`, (t) => t.relaxedBernoulli(t.zeros(shape)), sameShape);
    add(`sampleGumbel ${s}`, (t) => t.sampleGumbel(shape), sameShape);
    add(`gumbelFromUniform ${s}`, (t) => t.gumbelFromUniform(t.zeros(shape)), sameShape);
  }
  add('gumbelSoftmax hard [3, 0]', (t) => t.gumbelSoftmax(t.zeros([3, 0]), { hard: true }), error);
  add('oneHotCategorical [3, 0]', (t) => t.oneHotCategorical(t.zeros([3, 0])), error);

  // 5. Dtypes: half/bfloat16 work on CPU, integers are TypeErrors.
  for (const dtype of ['float16', 'bfloat16', 'float64']) {
    add(`gumbelSoftmax ${dtype}`, (t) => t.gumbelSoftmax(t.randn([3, 4], { dtype })), (y) => y.dtype === dtype && y.isfinite().all().item());
    add(`gumbelSoftmax backward ${dtype}`, (t) => { const l = t.randn([3, 4], { dtype }).requiresGrad_(); t.gumbelSoftmax(l).sum().backward(); return l.grad; }, (g) => g.dtype === dtype);
    add(`oneHotCategorical ${dtype}`, (t) => t.oneHotCategorical(t.randn([3, 4], { dtype })), (y) => y.dtype === dtype && y.sum(-1).eq(1).all().item());
    add(`relaxedBernoulli ${dtype}`, (t) => t.relaxedBernoulli(t.randn([3, 4], { dtype })), (y) => y.dtype === dtype);
    add(`logProb.relaxedBernoulli ${dtype}`, (t) => t.logProb.relaxedBernoulli(t.randn([3], { dtype }), 0.5, t.full([3], 0.5, { dtype })), (y) => y.isfinite().all().item());
  }
  for (const dtype of ['int64', 'int32', 'uint8', 'bool']) {
    add(`gumbelSoftmax ${dtype}`, (t) => t.gumbelSoftmax(t.zeros([3, 4], { dtype })), error);
    add(`oneHotCategorical ${dtype}`, (t) => t.oneHotCategorical(t.zeros([3, 4], { dtype })), error);
    add(`sampleGumbel ${dtype}`, (t) => t.sampleGumbel([3], { dtype }), error);
  }

  // 6. Modules: fields register as PyTorch's __setattr__ does.
  const modules = {
    field: [(t) => class extends t.nn.Module { constructor() { super(); this.fc = new t.nn.Linear(2, 3); } }, 2],
    classField: [(t) => class extends t.nn.Module { fc = new t.nn.Linear(2, 3); fc2 = new t.nn.Linear(3, 1, { bias: false }); }, 3],
    array: [(t) => class extends t.nn.Module { layers = [new t.nn.Linear(2, 2), new t.nn.Linear(2, 2)]; }, 4],
    moduleList: [(t) => class extends t.nn.Module { layers = new t.nn.ModuleList([new t.nn.Linear(2, 2)]); }, 2],
    parameter: [(t) => class extends t.nn.Module { w = t.nn.Parameter(t.randn([3])); }, 1],
    nested: [(t) => class extends t.nn.Module { inner = new (class extends t.nn.Module { fc = new t.nn.Linear(2, 2); })(); }, 2],
    shared: [(t) => class extends t.nn.Module { a = new t.nn.Linear(2, 2); b = this.a; }, 2],
    plainTensor: [(t) => class extends t.nn.Module { buf = t.ones([2]); }, 0],
  };
  for (const [name, [mk, n]] of Object.entries(modules)) add(`Module with ${name}`, (t) => new (mk(t))().parameters().length, (k) => k === n);
  add('optimizer before model.to(): same parameter objects', (t) => { const m = new t.nn.Linear(2, 2); const ps = m.parameters(); m.to('cpu'); return m.parameters().every((p, i) => p === ps[i]); }, (ok) => ok === true);

  // 7. Missing checks.
  for (const [what, g] of Object.entries({ shape: (t) => t.zeros([3, 2]), flat: (t) => t.zeros([6]), dtype: (t) => t.zeros([2, 3], { dtype: 'float64' }), int: (t) => t.zeros([2, 3], { dtype: 'int64' }), scalar: (t) => t.zeros([]) }))
    add(`grad setter, wrong ${what}`, (t) => { const p = t.zeros([2, 3]).requiresGrad_(); p.grad = g(t); return p.grad; }, error);
  for (const u of [1, 0, 1.5, -1, 1e-45])
    for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'])
      add(`gumbelFromUniform(${u}) safe ${dtype}`, (t) => t.gumbelFromUniform(t.full([2], u, { dtype })), u < 0 || u > 1 ? error : (g) => g.isfinite().all().item());
  for (const v of [2n ** 70n, -(2n ** 64n), 2n ** 63n]) {
    add(`scalarTensor(${v}n)`, (t) => t.scalarTensor(v), error);
    add(`full([1], ${v}n)`, (t) => t.full([1], v), error);
    add(`add(${v}n)`, (t) => t.zeros([1]).add(v), error);
  }
  add('scalarTensor(2n ** 62n) int64', (t) => t.scalarTensor(2n ** 62n, { dtype: 'int64' }).data()[0], (v) => v === 2n ** 62n);
  for (const v of [1.5, -0.1, NaN, 2])
    add(`logProb.relaxedBernoulli value ${v}`, (t) => t.logProb.relaxedBernoulli(t.zeros([2]), 0.5, t.tensor([0.5, v])), error);
  for (const v of [[0.5, 0.6, 0], [1.5, -0.5, 0], [NaN, 0.5, 0.5]])
    add(`logProb.relaxedOneHotCategorical value ${JSON.stringify(v)}`, (t) => t.logProb.relaxedOneHotCategorical(t.zeros([3]), 0.5, t.tensor(v)), error);

  // 8. Type promotion with number operands: every case PyTorch computed (fixture).
  const promo = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'promotion.json'), 'utf8')).cases;
  const binary = { add: (x, s) => x.add(s), sub: (x, s) => x.sub(s), mul: (x, s) => x.mul(s), div: (x, s) => x.div(s), rsub: (x, s) => x.rsub(s), pow: (x, s) => x.pow(s), eq: (x, s) => x.eq(s), lt: (x, s) => x.lt(s), ge: (x, s) => x.ge(s), add_: (x, s) => x.add_(s), mul_: (x, s) => x.mul_(s) };
  promo.forEach((c, i) => {
    const cond = (t) => t.tensor([true, false, true]);
    const run = (t) => {
      if (c.op === 'whereNumbers') return t.where(cond(t), c.scalar[0], c.scalar[1]);
      const x = t.tensor(c.input, { dtype: c.dtype });
      if (c.op === 'whereOther') return t.where(cond(t), x, c.scalar);
      if (c.op === 'whereInput') return t.where(cond(t), c.scalar, x);
      return binary[c.op](x, c.scalar);
    };
    const want = c.out;
    add(`promotion #${i} ${c.dtype} ${c.op} ${c.scalar}`, run, c.error ? error : (y) => {
      if (y.dtype !== want.dtype) return false;
      const got = Array.from(y.data(), (v) => (y.dtype === 'bool' ? v !== 0 : Number(v)));
      return want.values.every((w, k) => {
        const e = typeof w === 'string' ? Number(w.replace('inf', 'Infinity')) : w;
        return got[k] === e || Math.abs(got[k] - e) <= 1e-6 * Math.abs(e);
      });
    });
  });

  // 9. Printing.
  for (const shape of [[2 ** 31, 0], [0, 2 ** 40], [0], [3, 0, 2 ** 33]]) {
    add(`print zeros(${JSON.stringify(shape)})`, (t) => String(t.zeros(shape)), (s) => s === (shape.length === 1 ? 'tensor([])' : `tensor([], size=(${shape.join(', ')}))`));
  }

  // 10. Data inputs and resume: files that are not what training needs give errors naming the file.
  const idx = (dir, split, n, rows, cols) => {
    const head = Buffer.alloc(16);
    head.writeUInt32BE(0x803, 0); head.writeUInt32BE(n, 4); head.writeUInt32BE(rows, 8); head.writeUInt32BE(cols, 12);
    fs.writeFileSync(path.join(dir, `${split}-images-idx3-ubyte`), Buffer.concat([head, Buffer.alloc(n * rows * cols, 7)]));
  };
  const dataDir = (n, rows, cols) => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-misuse-')); idx(d, 'train', n, rows, cols); idx(d, 't10k', Math.max(n, 1), rows, cols); return d; };
  for (const [what, n, r, c] of [['0 images', 0, 28, 28], ['32x32', 4, 32, 32], ['1x784', 4, 1, 784], ['28x27', 4, 28, 27]])
    add(`loadImages: ${what}`, (t) => t.data.loadImages('train', { dir: dataDir(n, r, c) }), 'fileError');

  // 11. Structure ops (torch.subsets, torch.permutations): options, bad values, masks, dtypes, shapes.
  const withK = (o) => (o !== null && typeof o === 'object' && !Array.isArray(o) ? { k: 2, ...o } : o);
  const structureCalls = {
    relaxedTopK: [['k', 'tau', 'hard', 'dim', 'noise'], (t, o) => t.subsets.relaxedTopK(t.randn([2, 5]), withK(o))],
    gumbelTopK: [['k', 'dim', 'noise'], (t, o) => t.subsets.gumbelTopK(t.randn([2, 5]), withK(o))],
    subsetsLogProb: [['dim'], (t, o) => t.subsets.logProb(t.randn([2, 5]), t.tensor([[0, 1], [2, 3]], { dtype: 'int64' }), o)],
    sinkhorn: [['iters'], (t, o) => t.permutations.sinkhorn(t.randn([3, 3]), o)],
    gumbelSinkhorn: [['tau', 'iters', 'noise'], (t, o) => t.permutations.gumbelSinkhorn(t.randn([3, 3]), o)],
    permutationMatrix: [['dtype'], (t, o) => t.permutations.permutationMatrix(t.tensor([1, 0], { dtype: 'int64' }), o)],
  };
  for (const [fn, [keys, call]] of Object.entries(structureCalls)) {
    for (const k of wrongKeys(keys)) add(`${fn}({ ${k} })`, (t) => call(t, { [k]: 1 }), error);
    for (const bad of [0.5, 'x', [1], true, null]) add(`${fn}(${JSON.stringify(bad)} as options)`, (t) => call(t, bad), error);
  }
  const kHot = (y, k, dim = -1) => y.eq(0).add(y.eq(1)).all().item() && y.sum(dim).eq(k).all().item();
  const sumsTo = (y, k, tol = 1e-3) => y.isfinite().all().item() && y.sum(-1).sub(k).abs().max().item() < tol;
  const rowsOf = { nan: [0, NaN, 1, 2], posInf: [0, Infinity, 1, 2], allNegInf: [-Infinity, -Infinity, -Infinity, -Infinity], twoValid: [-Infinity, 1, -Infinity, 2] };
  for (const [what, row] of Object.entries(rowsOf)) {
    const mk = (t) => t.tensor([[0, 1, 2, 3], row]);
    const ok = what === 'twoValid';
    add(`relaxedTopK k 2, ${what} row`, (t) => t.subsets.relaxedTopK(mk(t), { k: 2 }), ok ? (y) => sumsTo(y, 2) && y.select(0, 1).select(0, 0).item() === 0 && y.select(0, 1).select(0, 2).item() === 0 : error);
    add(`relaxedTopK hard k 2, ${what} row`, (t) => t.subsets.relaxedTopK(mk(t), { k: 2, hard: true }), ok ? (y) => kHot(y, 2) && y.select(0, 1).toArray().join() === '0,1,0,1' : error);
    add(`relaxedTopK k 3, ${what} row`, (t) => t.subsets.relaxedTopK(mk(t), { k: 3 }), error);
    add(`gumbelTopK k 2, ${what} row`, (t) => t.subsets.gumbelTopK(mk(t), { k: 2 }).mask, ok ? (y) => kHot(y, 2) && y.select(0, 1).toArray().join() === '0,1,0,1' : error);
    add(`subsets.logProb, ${what} row`, (t) => t.subsets.logProb(mk(t), t.tensor([[0, 1], [1, 3]], { dtype: 'int64' })), ok ? (y) => y.isfinite().all().item() : error);
    // Permutation ops take no masks: every non-finite entry is an error.
    for (const op of ['sinkhorn', 'gumbelSinkhorn', 'matching']) add(`${op}, ${what} entries`, (t) => t.permutations[op](t.tensor([[0, 1, 2, 3], row, [3, 2, 1, 0], [1, 0, 3, 2]])), error);
  }
  for (const k of [0, -1, 1.5, NaN, 6, '2', undefined]) {
    add(`relaxedTopK k ${String(k)}`, (t) => t.subsets.relaxedTopK(t.randn([2, 5]), { k }), error);
    add(`gumbelTopK k ${String(k)}`, (t) => t.subsets.gumbelTopK(t.randn([2, 5]), { k }), error);
  }
  for (const tau of [0, -1, NaN, Infinity, -Infinity, '1', null]) {
    add(`relaxedTopK tau ${String(tau)}`, (t) => t.subsets.relaxedTopK(t.randn([2, 5]), { k: 2, tau }), error);
    add(`gumbelSinkhorn tau ${String(tau)}`, (t) => t.permutations.gumbelSinkhorn(t.randn([3, 3]), { tau }), error);
  }
  for (const tau of [1e-30, 1e-6, 1e6, 1e30]) {
    add(`relaxedTopK tau ${tau}: finite, sums to k`, (t) => t.subsets.relaxedTopK(t.randn([4, 6]).mul(50), { k: 3, tau }), (y) => sumsTo(y, 3));
    add(`gumbelSinkhorn tau ${tau}: finite`, (t) => t.permutations.gumbelSinkhorn(t.randn([2, 4, 4]), { tau }), (y) => y.isfinite().all().item());
  }
  for (const iters of [0, -1, 1.5, NaN, Infinity, '3']) {
    add(`sinkhorn iters ${String(iters)}`, (t) => t.permutations.sinkhorn(t.randn([3, 3]), { iters }), error);
    add(`gumbelSinkhorn iters ${String(iters)}`, (t) => t.permutations.gumbelSinkhorn(t.randn([3, 3]), { iters }), error);
  }
  for (const shape of [[3], [], [2, 3], [4, 3, 2]]) {
    for (const op of ['sinkhorn', 'gumbelSinkhorn', 'matching']) add(`${op} shape ${JSON.stringify(shape)}`, (t) => t.permutations[op](t.zeros(shape)), error);
  }
  for (const shape of [[0, 3, 3], [2, 0, 0], [0, 0]]) {
    const sameLead = (y) => y.shape.join() === shape.slice(0, -1).join();
    add(`sinkhorn ${JSON.stringify(shape)}`, (t) => t.permutations.sinkhorn(t.zeros(shape)), (y) => y.shape.join() === shape.join());
    add(`matching ${JSON.stringify(shape)}`, (t) => t.permutations.matching(t.zeros(shape)), sameLead);
  }
  for (const shape of [[0, 5], [3, 0]]) {
    add(`relaxedTopK k 1 ${JSON.stringify(shape)}`, (t) => t.subsets.relaxedTopK(t.zeros(shape), { k: 1 }), shape[1] === 0 ? error : (y) => y.shape.join() === shape.join());
    add(`gumbelTopK k 1 ${JSON.stringify(shape)}`, (t) => t.subsets.gumbelTopK(t.zeros(shape), { k: 1 }).indices, shape[1] === 0 ? error : (y) => y.shape.join() === '0,1');
  }
  for (const dtype of ['float16', 'bfloat16', 'float64', 'int64', 'int32', 'bool']) {
    const float = !dtype.startsWith('int') && dtype !== 'bool';
    add(`relaxedTopK ${dtype}`, (t) => t.subsets.relaxedTopK(t.randn([3, 5]).to({ dtype }), { k: 2 }), float ? (y) => y.dtype === dtype && sumsTo(y.float(), 2, { bfloat16: 0.05, float16: 0.01 }[dtype] ?? 1e-6) : error);
    add(`gumbelTopK ${dtype}`, (t) => t.subsets.gumbelTopK(t.randn([3, 5]).to({ dtype }), { k: 2 }).mask, float ? (y) => y.dtype === dtype && kHot(y.float(), 2) : error);
    add(`sinkhorn ${dtype}`, (t) => t.permutations.sinkhorn(t.randn([3, 3]).to({ dtype })), float ? (y) => y.dtype === dtype && y.isfinite().all().item() : error);
    add(`matching ${dtype}`, (t) => t.permutations.matching(t.randn([2, 4, 4]).mul(3).to({ dtype })), dtype === 'bool' ? error : (y) => y.shape.join() === '2,4' && y.dtype === 'int64' && new Set(y.select(0, 0).toArray()).size === 4);
    add(`kendallTau ${dtype}`, (t) => t.permutations.kendallTau(t.tensor([1, 2, 3]).to({ dtype }), t.tensor([1, 2, 3]).to({ dtype })), dtype === 'bool' ? error : (y) => y.item() === 1);
  }
  add('matching float64 near the largest double', (t) => t.permutations.matching(t.tensor([[1.7e308, -1.7e308], [-1.7e308, 1.7e308]], { dtype: 'float64' })), (y) => y.toArray().join() === '0,1');
  add('matching of a permutation matrix returns it', (t) => t.permutations.matching(t.permutations.permutationMatrix(t.tensor([2, 0, 3, 1], { dtype: 'int64' }))), (y) => y.toArray().join() === '2,0,3,1');
  for (const bad of [[0, 0, 1], [0, 1, 3], [-1, 0, 1]]) add(`permutationMatrix ${JSON.stringify(bad)}`, (t) => t.permutations.permutationMatrix(t.tensor(bad, { dtype: 'int64' })), error);
  add('permutationMatrix float indices', (t) => t.permutations.permutationMatrix(t.tensor([1, 0])), error);
  for (const [what, idx] of Object.entries({ repeated: [[0, 0], [1, 2]], outOfRange: [[0, 5], [1, 2]], negative: [[-1, 0], [1, 2]], wrongRows: [[0, 1]] }))
    add(`subsets.logProb indices ${what}`, (t) => t.subsets.logProb(t.randn([2, 5]), t.tensor(idx, { dtype: 'int64' })), error);
  add('subsets.logProb float indices', (t) => t.subsets.logProb(t.randn([2, 5]), t.tensor([[0, 1], [1, 2]])), error);
  add('subsets.logProb of a full draw sums to 1 over its orders', (t) => t.subsets.logProb(t.tensor([[0, 1]]).expand([2, 2]), t.tensor([[0, 1], [1, 0]], { dtype: 'int64' })).exp().sum().item(), (v) => Math.abs(v - 1) < 1e-6);
  for (const noise of [[2, 4], [2, 5, 1]]) add(`relaxedTopK noise shape ${JSON.stringify(noise)}`, (t) => t.subsets.relaxedTopK(t.randn([2, 5]), { k: 2, noise: t.zeros(noise) }), error);
  add('relaxedTopK NaN noise', (t) => t.subsets.relaxedTopK(t.randn([1, 3]), { k: 1, noise: t.tensor([[0, NaN, 0]]) }), error);
  add('gumbelSinkhorn inf noise', (t) => t.permutations.gumbelSinkhorn(t.randn([2, 2]), { noise: t.tensor([[0, Infinity], [0, 0]]) }), error);
  add('relaxedTopK int noise', (t) => t.subsets.relaxedTopK(t.randn([1, 3]), { k: 1, noise: t.zeros([1, 3], { dtype: 'int64' }) }), error);
  add('kendallTau shapes differ', (t) => t.permutations.kendallTau(t.randn([2, 3]), t.randn([3, 2])), error);
  add('kendallTau NaN', (t) => t.permutations.kendallTau(t.tensor([1, NaN, 3]), t.tensor([1, 2, 3])), error);
  add('kendallTau reversed is -1', (t) => t.permutations.kendallTau(t.tensor([1, 2, 3, 4]), t.tensor([4, 3, 2, 1])), (y) => y.item() === -1);
  add('kendallTau scalar', (t) => t.permutations.kendallTau(t.tensor(1), t.tensor(1)), error);
  add('relaxedTopK disposed scores', (t) => { const s = t.randn([2, 3]); s.dispose(); return t.subsets.relaxedTopK(s, { k: 1 }); }, error);
  add('matching disposed logAlpha', (t) => { const s = t.randn([3, 3]); s.dispose(); return t.permutations.matching(s); }, error);

  // 12. Every op with a derived form in the op table (lib/op-table.ts): a disposed tensor in each tensor
  //    argument, a wrong type in each position, an extra argument, an unknown option, an out-of-range
  //    dim; then ranges, shapes and dtypes that PyTorch rejects, op by op.
  // (A build before the op table has none of these: they are left out there.)
  const tableFile = path.join(UNDER_TEST, 'dist', 'op-table.js');
  const { OPS } = fs.existsSync(tableFile) ? require(tableFile) : { OPS: {} };
  const sample = (t, type) => ({ Tensor: t.rand([3, 4]), 'Tensor?': t.rand([3, 4]), 'Tensor[]': [t.rand([3, 4])], Operand: t.rand([3, 4]), Scalar: 1, 'Scalar?': 1, 'ScalarOrStr?': 1,
    float: 0.5, 'float?': 0.5, int: 1, 'int?': 1, bool: false, 'int[]': [3, 4], 'int[]?': [3, 4], dims: 0, 'dims?': 0, str: 'sum', 'DType?': 'float32', 'Device?': 'cpu', Reduction: 'mean' })[type];
  const wrongOf = (type) => (type === 'ScalarOrStr?' ? [1] : type === 'str' || type.startsWith('DType') || type.startsWith('Device') ? 7 : type.startsWith('int') || type.startsWith('dims') ? 'x' : type === 'bool' ? 1 : 'x');
  for (const [name, spec] of Object.entries(OPS)) {
    const forms = spec.forms || [];
    if (!forms.length) continue;
    const free = spec.args[0][1] !== 'Tensor';
    const kw = new Set(spec.kwOnly || []);
    const pos = spec.args.map((a, i) => [a, i]).filter(([a, i]) => (free || i > 0) && !kw.has(a[0]));
    const callWith = (t, args) => (free ? t[name](...args) : forms.includes('method') ? t.rand([3, 4])[name](...args) : t[name](t.rand([3, 4]), ...args));
    pos.forEach(([a], k) => {
      add(`${name}: ${a[0]} of the wrong type`, (t) => callWith(t, [...pos.slice(0, k).map(([b]) => sample(t, b[1])), wrongOf(a[1])]), error);
      if (a[1] === 'Tensor' || a[1] === 'Operand') add(`${name}: ${a[0]} disposed`, (t) => callWith(t, [...pos.slice(0, k).map(([b]) => sample(t, b[1])), (() => { const x = t.rand([3, 4]); x.dispose(); return x; })()]), error);
    });
    add(`${name}: one argument too many`, (t) => callWith(t, [...pos.map(([b]) => sample(t, b[1])), 1, 2]), error);
    if (!free) add(`${name}: self disposed`, (t) => { const x = t.rand([3, 4]); x.dispose(); return forms.includes('method') ? x[name](...pos.map(([b]) => sample(t, b[1]))) : t[name](x, ...pos.map(([b]) => sample(t, b[1]))); }, error);
    const opt = spec.args.find((a, i) => i > 0 && (a.length === 3 || a[1].endsWith('?')));
    if (opt && !free) add(`${name}({ ${opt[0]}s })`, (t) => (forms.includes('method') ? t.rand([3, 4])[name]({ [opt[0] + 's']: 1 }) : t[name](t.rand([3, 4]), { [opt[0] + 's']: 1 })), error);
    const dimArg = pos.findIndex(([a]) => a[0] === 'dim' || a[0] === 'dims' || a[0] === 'dim1');
    if (dimArg >= 0 && !free) add(`${name}: dim 5 of a 2-d tensor`, (t) => callWith(t, [...pos.slice(0, dimArg).map(([b]) => (b[1] === 'int' && b[0] === 'k' ? 1 : sample(t, b[1]))), 5]), error);
  }
  const ops = [
    ['topk k > size', (t) => t.rand([3]).topk(4)], ['kthvalue k = 0', (t) => t.rand([3]).kthvalue(0)], ['topk on a bool tensor', (t) => t.ones([3], { dtype: 'bool' }).topk(1)],
    ['multinomial more samples than categories without replacement', (t) => t.tensor([0.5, 0.5]).multinomial(3)], ['multinomial negative probabilities', (t) => t.tensor([-0.5, 1.5]).multinomial(1)],
    ['multinomial int64 probabilities', (t) => t.tensor([1, 2], { dtype: 'int64' }).multinomial(1)], ['multinomial 3-d', (t) => t.rand([2, 2, 2]).multinomial(1)],
    ['chunk 0', (t) => t.rand([4]).chunk(0)], ['split size 0', (t) => t.rand([4]).split(0)], ['split sizes not summing to the size', (t) => t.rand([4]).split([1, 2])],
    ['linspace negative steps', (t) => t.linspace(0, 1, -1)], ['trilIndices negative row', (t) => t.trilIndices(-1, 3)],
    ['indexAdd index out of range', (t) => t.zeros([3]).indexAdd(0, t.tensor([5]), t.ones([1]))], ['indexAdd float index', (t) => t.zeros([3]).indexAdd(0, t.tensor([0.0]), t.ones([1]))],
    ['indexAdd source shape mismatch', (t) => t.zeros([3, 2]).indexAdd(0, t.tensor([0]), t.ones([1, 3]))], ['indexCopy index out of range', (t) => t.zeros([3]).indexCopy(0, t.tensor([3]), t.ones([1]))],
    ['indexFill index out of range', (t) => t.zeros([3]).indexFill(0, t.tensor([-4]), 1)], ['scatterAdd index out of range', (t) => t.zeros([3]).scatterAdd(0, t.tensor([7]), t.ones([1]))],
    ["scatterReduce reduce 'max2'", (t) => t.zeros([3]).scatterReduce(0, t.tensor([0]), t.ones([1]), 'max2')], ['scatterReduce dtype mismatch', (t) => t.zeros([3]).scatterReduce(0, t.tensor([0]), t.ones([1], { dtype: 'float64' }), 'sum')],
    ['takeAlongDim index out of range', (t) => t.zeros([3]).takeAlongDim(t.tensor([3]), 0)], ['maskedFill non-broadcastable mask', (t) => t.zeros([3]).maskedFill(t.ones([4], { dtype: 'bool' }), 1)], ['maskedSelect non-broadcastable mask', (t) => t.zeros([3]).maskedSelect(t.ones([2], { dtype: 'bool' }))],
    ['mm shape mismatch', (t) => t.rand([2, 3]).mm(t.rand([2, 3]))], ['mm 1-d', (t) => t.rand([3]).mm(t.rand([3, 2]))], ['bmm batch mismatch', (t) => t.rand([2, 2, 3]).bmm(t.rand([3, 3, 2]))],
    ['mm dtype mismatch', (t) => t.rand([2, 3]).mm(t.rand([3, 2], { dtype: 'float64' }))], ['dot length mismatch', (t) => t.rand([3]).dot(t.rand([4]))], ['mv shape mismatch', (t) => t.rand([2, 3]).mv(t.rand([2]))],
    ['einsum bad equation', (t) => t.einsum('ij,jk->', [t.rand([2, 3])])], ['einsum operand count', (t) => t.einsum('ij,jk->ik', [t.rand([2, 3])])], ['tensordot dims 3 of 2-d', (t) => t.tensordot(t.rand([2, 3]), t.rand([3, 2]), 3)],
    ['tensordot dims -1', (t) => t.tensordot(t.rand([2, 3]), t.rand([3, 2]), -1)], ['cdist feature mismatch', (t) => t.cdist(t.rand([2, 3]), t.rand([2, 4]))], ['cdist negative p', (t) => t.cdist(t.rand([2, 3]), t.rand([2, 3]), -1)],
    ['atan2 shape mismatch', (t) => t.rand([3]).atan2(t.rand([4]))], ['maximum number operand', (t) => t.rand([3]).maximum(1)], ['lerp end shape mismatch', (t) => t.rand([3]).lerp(t.rand([4]), 0.5)],
    ['sin_ on int64 (float result)', (t) => t.tensor([1, 2], { dtype: 'int64' }).sin_()], ['fmod by a string', (t) => t.rand([3]).fmod('2')], ['movedim duplicate', (t) => t.rand([2, 3]).movedim([0, 0], [0, 1])],
    ['broadcastTo smaller', (t) => t.rand([2, 3]).broadcastTo([3])], ['repeat fewer dims', (t) => t.rand([2, 3]).repeat([2])], ['viewAs other numel', (t) => t.rand([2, 3]).viewAs(t.rand([5]))],
    ['expandAs incompatible', (t) => t.rand([2, 3]).expandAs(t.rand([4, 4]))], ['diagonal same dims', (t) => t.rand([2, 3]).diagonal(0, 1, 1)], ['tril of 1-d', (t) => t.rand([3]).tril()],
    ['cumsum on a disposed-then-reused name', (t) => { const x = t.rand([3]); x.dispose(); return x.cumsum(0); }], ['std correction string', (t) => t.rand([3]).std(undefined, { correction: 'x' })],
    ['sort { keepdim }', (t) => t.rand([3]).sort({ keepdim: true })], ['unique dim 3', (t) => t.rand([3]).unique(true, false, false, 3)], ['searchsorted values shape', (t) => t.searchsorted(t.rand([2, 3]), t.rand([3, 3]))],
    ['normal negative std', (t) => t.normal(t.zeros([2]), t.ones([2]).neg())], ['poisson negative rate', (t) => t.poisson(t.ones([2]).neg())], ['randintLike low >= high', (t) => t.randintLike(t.zeros([2]), 3, 3)],
    ['bitwiseAnd on float32', (t) => t.rand([3]).bitwiseAnd(t.rand([3]))], ['pad reflect wider than the input', (t) => t.pad(t.rand([1, 1, 3]), [3, 3], { mode: 'reflect' })],
    ["pad mode 'reflection'", (t) => t.pad(t.rand([1, 1, 3]), [1, 1], { mode: 'reflection' })], ['pad odd length', (t) => t.pad(t.rand([2, 3]), [1])],
    ['clamp with a number and a tensor', (t) => t.rand([3]).clamp(0, t.ones([3]))], ['clamp tensor bound not broadcastable', (t) => t.rand([3]).clamp(t.zeros([4]))],
    ['exponential_ negative lambda', (t) => t.zeros([2]).exponential_(-1)], ['logspace dtype bool', (t) => t.logspace(0, 1, 3, { dtype: 'bool' })], ['fullLike dtype typo', (t) => t.fullLike(t.zeros([2]), 1, { dtype: 'float' })],
  ];
  if (Object.keys(OPS).length) for (const [what, run] of ops) add(what, run, error);
  // Values that must be right: the table ops against what PyTorch gives.
  if (Object.keys(OPS).length) add('topk(2) values', (t) => t.tensor([1, 5, 3]).topk(2), (r) => r.values.toArray().join() === '5,3' && r.indices.toArray().join() === '1,2');
  if (Object.keys(OPS).length) add('sort stable keeps the order of ties', (t) => t.tensor([1, 0, 1, 0]).sort({ stable: true }), (r) => r.indices.toArray().join() === '1,3,0,2');
  if (Object.keys(OPS).length) add('multinomial with replacement draws only nonzero categories', (t) => t.tensor([0, 1, 0]).multinomial(20, true), (r) => r.toArray().every((v) => v === 1));
  if (Object.keys(OPS).length) add('split sizes', (t) => t.arange(5).split([2, 3]), (r) => r.length === 2 && r[1].toArray().join() === '2,3,4');

  return cases;
}

// ---- resume cases through the CLI (each its own process anyway)
function resumeCases() {
  const cli = path.join(UNDER_TEST, 'dist', 'cli', 'main.js');
  const base = ['train', '--epochs', '1', '--limit', '200', '--batch-size', '100', '--device', 'cpu', '--log-every', '1'];
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-misuse-resume-'));
  const first = spawnSync(process.execPath, [cli, ...base, '--out', out], { encoding: 'utf8' });
  if (first.status !== 0) throw new Error(`first training run failed: ${first.stderr}`);
  const again = (extra) => spawnSync(process.execPath, [cli, ...base.filter((a, i) => !extra.includes(a) && !extra.includes(base[i - 1])), ...extra, '--epochs', '2', '--out', out, '--resume'], { encoding: 'utf8' });
  const results = [];
  for (const extra of [['--batch-size', '50'], ['--limit', '300'], ['--latents', '20'], ['--categories', '5'], ['--no-relu-logits'], ['--seed', '4']]) {
    const r = again(extra);
    results.push({ name: `--resume with ${extra.join(' ')}`, outcome: r.status === 1 && /cannot resume .*settings change the model or the data order/.test(r.stderr) ? 'clean error' : r.status === null ? 'crash' : 'silently wrong', detail: r.stderr.slice(0, 200) });
  }
  const lr = again(['--lr', '0.0005']);
  results.push({ name: '--resume with --lr 0.0005', outcome: lr.status === 0 && /changed on resume.*lr 0\.001 -> 0\.0005/.test(lr.stdout) ? 'correct result' : 'silently wrong', detail: lr.stdout.slice(-300) + lr.stderr });
  const none = spawnSync(process.execPath, [cli, ...base, '--out', fs.mkdtempSync(path.join(os.tmpdir(), 'gt-misuse-none-')), '--resume'], { encoding: 'utf8' });
  results.push({ name: '--resume without a checkpoint', outcome: none.status === 1 && /nothing to resume/.test(none.stderr) ? 'clean error' : 'silently wrong', detail: none.stderr });
  return results;
}

// ---- child: runs cases by index, reports each before the next
function child() {
  const torch = require(path.join(UNDER_TEST, 'dist'));
  const cases = buildCases();
  process.on('message', (i) => {
    const c = cases[i];
    let outcome;
    let detail = '';
    try {
      const v = torch.scope(() => {
        const r = c.run(torch);
        return c.expect === 'error' || c.expect === 'fileError' ? { returned: true } : { ok: c.expect(r, torch) };
      });
      outcome = v.returned ? 'silently wrong' : v.ok ? 'correct result' : 'silently wrong';
      if (v.returned) detail = 'returned a value where PyTorch errors';
    } catch (e) {
      const clean = ['Error', 'TypeError', 'RangeError'].includes(e && e.name) && e.message && !/Exception raised from|frame #\d/.test(e.message);
      const fileNamed = c.expect !== 'fileError' || /gt-misuse-.*idx3-ubyte/.test(e.message);
      outcome = clean && fileNamed ? 'clean error' : 'unclear error';
      detail = `${e && e.name}: ${String(e && e.message).slice(0, 160)}`;
      if (clean && c.expect !== 'error' && c.expect !== 'fileError') outcome = 'clean error'; // an error is never silent
    }
    process.send({ i, outcome, detail });
  });
  process.send({ ready: cases.length });
}

async function parent() {
  const verbose = process.argv.includes('--verbose');
  const names = buildCases().map((c) => c.name);
  const results = new Array(names.length);
  let next = 0;
  while (next < names.length) {
    await new Promise((resolve) => {
      const p = fork(__filename, ['--child'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let inFlight = -1;
      p.stderr.on('data', () => undefined);
      // A case that does not end within HANG_MS is a hang: its child is killed and the run goes on.
      let timer;
      let hung = false;
      const sendNext = () => {
        if (next >= names.length) return p.kill();
        inFlight = next++;
        p.send(inFlight);
        clearTimeout(timer);
        timer = setTimeout(() => ((hung = true), p.kill('SIGKILL')), HANG_MS);
      };
      p.on('message', (m) => {
        if (m.ready !== undefined) return sendNext();
        results[m.i] = m;
        inFlight = -1;
        sendNext();
      });
      p.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (inFlight >= 0) results[inFlight] = { i: inFlight, outcome: hung ? 'hang' : 'crash', detail: hung ? `no answer in ${HANG_MS / 1000} s` : `exit ${code} ${signal ?? ''}` };
        resolve();
      });
    });
  }
  const all = results.map((r, i) => ({ name: names[i], ...r }));
  if (!process.argv.includes('--no-cli')) all.push(...resumeCases(), ...(await signalCases(UNDER_TEST)));
  const count = (o) => all.filter((r) => r.outcome === o).length;
  const table = { tried: all.length, 'clean error': count('clean error'), 'correct result (as PyTorch)': count('correct result'), crash: count('crash'), hang: count('hang'), 'silently wrong': count('silently wrong'), 'data lost': count('data lost'), 'unclear error': count('unclear error') };
  for (const r of all) if (verbose || ['crash', 'hang', 'silently wrong', 'data lost', 'unclear error'].includes(r.outcome)) console.log(`${r.outcome.padEnd(16)} ${r.name}  ${r.detail ?? ''}`);
  console.log(`\nmisuse harness: ${UNDER_TEST} on ${os.cpus()[0].model}, node ${process.version}`);
  console.table(table);
  process.exitCode = table.crash + table.hang + table['silently wrong'] + table['data lost'] + table['unclear error'] === 0 ? 0 : 1;
}

if (process.argv.includes('--child')) child();
else parent();
