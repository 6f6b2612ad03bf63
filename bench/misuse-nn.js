// Misuse cases for nn's losses (functions and modules), activation modules, nn.init and the Module tree
// methods: wrong shapes and dtypes of targets, class indices out of range, bad reductions, unknown or
// misspelt options, bad hyperparameters; and the values PyTorch gives at the edges. Called from
// bench/misuse.js's buildCases. (The op table's generic cases, wrong types, disposed tensors, extra
// arguments, are there too, for every loss function.)
'use strict';

function nnCases(add) {
  const error = 'error';
  const long = (t, v) => t.tensor(v, { dtype: 'int64' });
  const close = (a, b, tol = 1e-6) => Math.abs(a - b) <= tol;
  const F = (t) => t.nn.functional;
  const x = (t) => t.randn([3, 4]);

  // ---- loss functions: targets of the wrong kind, shape or range
  const lossErrors = {
    'crossEntropy class index 4 of 4 classes': (t) => F(t).crossEntropy(x(t), long(t, [0, 4, 1])),
    'crossEntropy class index -1': (t) => F(t).crossEntropy(x(t), long(t, [0, -1, 1])),
    'crossEntropy float class indices': (t) => F(t).crossEntropy(x(t), t.tensor([0, 1, 1])),
    'crossEntropy int32 class indices': (t) => F(t).crossEntropy(x(t), t.tensor([0, 1, 1], { dtype: 'int32' })),
    'crossEntropy bool target': (t) => F(t).crossEntropy(x(t), t.tensor([true, false, true])),
    'crossEntropy target batch 2 for input batch 3': (t) => F(t).crossEntropy(x(t), long(t, [0, 1])),
    'crossEntropy target of input rank (indices)': (t) => F(t).crossEntropy(x(t), long(t, [[0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0]])),
    'crossEntropy probabilities of another shape': (t) => F(t).crossEntropy(x(t), t.rand([3, 5])),
    'crossEntropy ignoreIndex with probabilities': (t) => F(t).crossEntropy(x(t), t.rand([3, 4]), null, { ignoreIndex: 0 }),
    'crossEntropy weight of 3 for 4 classes': (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), t.rand([3])),
    'crossEntropy weight float64 for float32 input': (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), t.rand([4], { dtype: 'float64' })),
    'crossEntropy labelSmoothing 1.5': (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), null, { labelSmoothing: 1.5 }),
    'crossEntropy labelSmoothing -0.1': (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), null, { labelSmoothing: -0.1 }),
    'crossEntropy labelSmoothing NaN': (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), null, { labelSmoothing: NaN }),
    'crossEntropy ignoreIndex 1.5': (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), null, { ignoreIndex: 1.5 }),
    'crossEntropy int64 input': (t) => F(t).crossEntropy(long(t, [[1, 2], [3, 4]]), long(t, [0, 1])),
    'crossEntropy 0-dim input': (t) => F(t).crossEntropy(t.tensor(1.5), long(t, 0)),
    'nllLoss class index 9': (t) => F(t).nllLoss(x(t), long(t, [0, 9, 1])),
    'nllLoss float class indices': (t) => F(t).nllLoss(x(t), t.tensor([0, 1, 1])),
    'nllLoss spatial target of the wrong size': (t) => F(t).nllLoss(t.randn([2, 3, 4, 4]), long(t, [[[0]]])),
    'nllLoss weight of the wrong size': (t) => F(t).nllLoss(x(t), long(t, [0, 1, 2]), t.rand([5])),
    'mseLoss target not broadcastable': (t) => F(t).mseLoss(x(t), t.randn([5])),
    'l1Loss target not broadcastable': (t) => F(t).l1Loss(x(t), t.randn([3, 5])),
    'smoothL1Loss beta -1': (t) => F(t).smoothL1Loss(x(t), x(t), { beta: -1 }),
    'smoothL1Loss beta NaN': (t) => F(t).smoothL1Loss(x(t), x(t), { beta: NaN }),
    'huberLoss delta 0': (t) => F(t).huberLoss(x(t), x(t), 'mean', 0),
    'huberLoss delta -1': (t) => F(t).huberLoss(x(t), x(t), { delta: -1 }),
    'binaryCrossEntropyWithLogits target [3, 1] for [3, 4]': (t) => F(t).binaryCrossEntropyWithLogits(x(t), t.rand([3, 1])),
    'binaryCrossEntropyWithLogits int64 target': (t) => F(t).binaryCrossEntropyWithLogits(x(t), long(t, [[0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0]])),
    'binaryCrossEntropyWithLogits posWeight not broadcastable': (t) => F(t).binaryCrossEntropyWithLogits(x(t), t.rand([3, 4]), null, { posWeight: t.rand([3]) }),
    'binaryCrossEntropyWithLogits weight not broadcastable': (t) => F(t).binaryCrossEntropyWithLogits(x(t), t.rand([3, 4]), t.rand([2])),
    'klDiv target not broadcastable': (t) => F(t).klDiv(x(t), t.rand([5])),
    'klDiv int64 input': (t) => F(t).klDiv(long(t, [1, 2]), long(t, [1, 2])),
    'gaussianNllLoss var [4] for input [3, 4]': (t) => F(t).gaussianNllLoss(x(t), x(t), t.rand([4])),
    'gaussianNllLoss var [3, 2]': (t) => F(t).gaussianNllLoss(x(t), x(t), t.rand([3, 2])),
    'gaussianNllLoss negative var': (t) => F(t).gaussianNllLoss(x(t), x(t), t.rand([3, 4]).sub(2)),
    'gaussianNllLoss target not broadcastable': (t) => F(t).gaussianNllLoss(x(t), t.randn([5]), t.rand([3, 4])),
    'gaussianNllLoss var not a tensor': (t) => F(t).gaussianNllLoss(x(t), x(t), 1),
  };
  for (const [name, run] of Object.entries(lossErrors)) add(name, run, error);
  for (const fn of ['mseLoss', 'l1Loss', 'smoothL1Loss', 'crossEntropy', 'nllLoss', 'binaryCrossEntropyWithLogits', 'gaussianNllLoss']) {
    const call = (t, reduction) => (fn === 'crossEntropy' || fn === 'nllLoss' ? F(t)[fn](x(t), long(t, [0, 1, 2]), null, { reduction }) : fn === 'gaussianNllLoss' ? F(t)[fn](x(t), x(t), t.rand([3, 4]), { reduction }) : F(t)[fn](x(t), t.rand([3, 4]), { reduction }));
    for (const r of ['avg', 'MEAN', 'batchmean', '', 'elementwise_mean']) add(`${fn} reduction '${r}'`, (t) => call(t, r), error);
    add(`${fn} reduction 1`, (t) => call(t, 1), error);
  }
  for (const r of ['avg', 'batch_mean', '']) add(`klDiv reduction '${r}'`, (t) => F(t).klDiv(x(t), x(t), { reduction: r }), error);
  // PyTorch's legacy arguments and positions: refused, never taken for something else.
  add('mseLoss({ size_average: false })', (t) => F(t).mseLoss(x(t), x(t), { size_average: false }), error);
  add('mseLoss({ reduce: false })', (t) => F(t).mseLoss(x(t), x(t), { reduce: false }), error);
  add("mseLoss(x, y, 'sum') by position", (t) => F(t).mseLoss(x(t), x(t), 'sum'), error);
  add('crossEntropy(x, y, w, -100) ignoreIndex by position', (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), t.rand([4]), -100), error);
  add('crossEntropy({ ignore_index })', (t) => F(t).crossEntropy(x(t), long(t, [0, 1, 2]), null, { ignore_index: 1 }), error);
  add('binaryCrossEntropyWithLogits({ pos_weight })', (t) => F(t).binaryCrossEntropyWithLogits(x(t), t.rand([3, 4]), null, { pos_weight: t.rand([4]) }), error);
  add('klDiv({ log_target })', (t) => F(t).klDiv(x(t), x(t), { log_target: true }), error);

  // ---- loss values at the edges, as PyTorch's
  add('crossEntropy of equal logits is log(C)', (t) => F(t).crossEntropy(t.zeros([2, 4]), long(t, [3, 0])).item(), (v) => close(v, Math.log(4)));
  add('crossEntropy with every target ignored is NaN (mean over nothing)', (t) => F(t).crossEntropy(x(t), long(t, [1, 1, 1]), null, { ignoreIndex: 1 }).item(), (v) => Number.isNaN(v));
  add('crossEntropy ignoreIndex out of the class range skips those rows', (t) => F(t).crossEntropy(t.zeros([2, 4]), long(t, [-100, 2])).item(), (v) => close(v, Math.log(4)));
  add('crossEntropy of an empty batch (mean) is NaN', (t) => F(t).crossEntropy(t.zeros([0, 4]), long(t, [])).item(), (v) => Number.isNaN(v));
  add('crossEntropy of an empty batch (sum) is 0', (t) => F(t).crossEntropy(t.zeros([0, 4]), long(t, []), null, { reduction: 'sum' }).item(), (v) => v === 0);
  add('crossEntropy probabilities equal indices for one-hot targets', (t) => { const l = t.randn([3, 4]); const i = long(t, [2, 0, 3]); return F(t).crossEntropy(l, i).sub(F(t).crossEntropy(l, t.oneHot(i, 4).float())).abs().item(); }, (d) => d < 1e-6);
  add('crossEntropy labelSmoothing 1 of equal logits is log(C)', (t) => F(t).crossEntropy(t.zeros([2, 4]), long(t, [3, 0]), null, { labelSmoothing: 1 }).item(), (v) => close(v, Math.log(4)));
  add('nllLoss picks -input[target]', (t) => F(t).nllLoss(t.tensor([[-1, -2], [-3, -4]]), long(t, [1, 0]), null, { reduction: 'sum' }).item(), (v) => v === 5);
  add('nllLoss weighted mean divides by the weights of the targets', (t) => F(t).nllLoss(t.tensor([[-1, -2], [-3, -4]]), long(t, [1, 0]), t.tensor([1, 3])).item(), (v) => close(v, (3 * 2 + 1 * 3) / 4));
  add('mseLoss int64 target promotes (as PyTorch)', (t) => F(t).mseLoss(t.tensor([1, 2, 3]), long(t, [1, 2, 4])).item(), (v) => close(v, 1 / 3));
  add('mseLoss of an empty tensor (sum) is 0', (t) => F(t).mseLoss(t.zeros([0]), t.zeros([0]), { reduction: 'sum' }).item(), (v) => v === 0);
  add('mseLoss broadcast target gives the broadcast answer (with a warning)', (t) => F(t).mseLoss(t.zeros([4, 3]), t.ones([1, 3])).item(), (v) => v === 1);
  add('smoothL1Loss beta 0 is l1Loss', (t) => { const a = t.randn([5]); const b = t.randn([5]); return F(t).smoothL1Loss(a, b, { beta: 0 }).sub(F(t).l1Loss(a, b)).abs().item(); }, (d) => d === 0);
  add('huberLoss delta 1 is smoothL1Loss beta 1', (t) => { const a = t.randn([5]).mul(3); const b = t.randn([5]); return F(t).huberLoss(a, b).sub(F(t).smoothL1Loss(a, b)).abs().item(); }, (d) => d < 1e-7);
  add('binaryCrossEntropyWithLogits of 0 logits is log 2', (t) => F(t).binaryCrossEntropyWithLogits(t.zeros([3]), t.tensor([0, 1, 0.5])).item(), (v) => close(v, Math.log(2)));
  add('binaryCrossEntropyWithLogits of logit 200 and target 0 is finite', (t) => F(t).binaryCrossEntropyWithLogits(t.tensor([200]), t.tensor([0])).item(), (v) => close(v, 200, 1e-4));
  add('binaryCrossEntropyWithLogits posWeight 1 changes nothing', (t) => { const a = t.randn([4]); const y = t.rand([4]); return F(t).binaryCrossEntropyWithLogits(a, y, null, { posWeight: t.ones([4]) }).sub(F(t).binaryCrossEntropyWithLogits(a, y)).abs().item(); }, (d) => d < 1e-7);
  add('klDiv of a distribution with itself is 0', (t) => { const lp = t.logSoftmax(t.randn([3, 5]), 1); return F(t).klDiv(lp, lp.exp(), { reduction: 'batchmean' }).abs().item(); }, (v) => v < 1e-6);
  add("klDiv 'batchmean' is 'sum' over the batch size", (t) => { const lp = t.logSoftmax(t.randn([4, 5]), 1); const p = t.softmax(t.randn([4, 5]), 1); return F(t).klDiv(lp, p, { reduction: 'batchmean' }).mul(4).sub(F(t).klDiv(lp, p, { reduction: 'sum' })).abs().item(); }, (d) => d < 1e-6);
  add('klDiv logTarget equals the probability form', (t) => { const lp = t.logSoftmax(t.randn([4, 5]), 1); const lq = t.logSoftmax(t.randn([4, 5]), 1); return F(t).klDiv(lp, lq, { logTarget: true, reduction: 'sum' }).sub(F(t).klDiv(lp, lq.exp(), { reduction: 'sum' })).abs().item(); }, (d) => d < 1e-5);
  add('gaussianNllLoss of var 1 and no error is 0 (0.5 log 2π with full)', (t) => [F(t).gaussianNllLoss(t.zeros([3]), t.zeros([3]), t.ones([3])).item(), F(t).gaussianNllLoss(t.zeros([3]), t.zeros([3]), t.ones([3]), true).item()], ([a, b]) => a === 0 && close(b, 0.5 * Math.log(2 * Math.PI)));
  add('gaussianNllLoss var 0 is clamped to eps (finite)', (t) => F(t).gaussianNllLoss(t.zeros([3]), t.ones([3]), t.zeros([3])).item(), (v) => Number.isFinite(v) && v > 1e5);
  add('gaussianNllLoss one var per row equals the broadcast var', (t) => { const a = t.randn([3, 4]); const b = t.randn([3, 4]); const v = t.rand([3]).add(0.1); return F(t).gaussianNllLoss(a, b, v).sub(F(t).gaussianNllLoss(a, b, v.unsqueeze(1).expand([3, 4]))).abs().item(); }, (d) => d < 1e-6);

  // ---- loss modules: options checked at construction
  const lossModules = {
    MSELoss: ['reduction'], L1Loss: ['reduction'], SmoothL1Loss: ['reduction', 'beta'], HuberLoss: ['reduction', 'delta'],
    CrossEntropyLoss: ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing'], NLLLoss: ['weight', 'ignoreIndex', 'reduction'], BCELoss: ['weight', 'reduction'],
    BCEWithLogitsLoss: ['weight', 'reduction', 'posWeight'], KLDivLoss: ['reduction', 'logTarget'], GaussianNLLLoss: ['full', 'eps', 'reduction'],
  };
  const snake = (k) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  for (const [name, keys] of Object.entries(lossModules)) {
    for (const k of [...new Set([...keys.map(snake).filter((k) => !keys.includes(k)), 'reduce', 'size_average', 'foo'])]) add(`new nn.${name}({ ${k} })`, (t) => new t.nn[name]({ [k]: 1 }), error);
    for (const bad of [0.5, 'mean', [1], true]) add(`new nn.${name}(${JSON.stringify(bad)})`, (t) => new t.nn[name](bad), error);
    add(`new nn.${name}({ reduction: 'avg' })`, (t) => new t.nn[name]({ reduction: 'avg' }), error);
    add(`nn.${name} forward without a target`, (t) => new t.nn[name]().forward(x(t)), error);
  }
  for (const [name, o] of [['SmoothL1Loss', { beta: -1 }], ['HuberLoss', { delta: 0 }], ['CrossEntropyLoss', { labelSmoothing: 2 }], ['CrossEntropyLoss', { ignoreIndex: 0.5 }], ['CrossEntropyLoss', { weight: [1, 2] }], ['NLLLoss', { weight: 'w' }], ['BCEWithLogitsLoss', { posWeight: 2 }], ['GaussianNLLLoss', { eps: -1 }], ['GaussianNLLLoss', { full: 1 }], ['KLDivLoss', { logTarget: 'yes' }]])
    add(`new nn.${name}(${JSON.stringify(o)})`, (t) => new t.nn[name](o), error);
  add('CrossEntropyLoss weight moves with to(float64) and still fits float64 logits', (t) => { const m = new t.nn.CrossEntropyLoss({ weight: t.ones([4]) }).to('float64'); return m.forward(t.zeros([2, 4], { dtype: 'float64' }), long(t, [0, 1])).item(); }, (v) => close(v, Math.log(4), 1e-12));
  add('CrossEntropyLoss state dict holds its weight as PyTorch', (t) => Object.keys(new t.nn.CrossEntropyLoss({ weight: t.ones([4]) }).stateDict()).join(), (k) => k === 'weight');

  // ---- activation modules
  const acts = { ELU: ['alpha'], CELU: ['alpha'], LeakyReLU: ['negativeSlope'], GELU: ['approximate'], Softplus: ['beta', 'threshold'], Hardtanh: ['minVal', 'maxVal'] };
  for (const [name, keys] of Object.entries(acts)) {
    for (const k of [...new Set([...keys.map(snake).filter((k) => !keys.includes(k)), 'inplace', 'foo'])]) add(`new nn.${name}({ ${k} })`, (t) => new t.nn[name]({ [k]: 1 }), error);
    for (const bad of [0.5, 'x', [1], true]) add(`new nn.${name}(${JSON.stringify(bad)})`, (t) => new t.nn[name](bad), error);
  }
  for (const [name, o] of [['ELU', { alpha: NaN }], ['CELU', { alpha: 0 }], ['LeakyReLU', { negativeSlope: '0.1' }], ['GELU', { approximate: 'erf' }], ['GELU', { approximate: true }], ['Softplus', { beta: 0 }], ['Hardtanh', { minVal: 2, maxVal: 1 }], ['Hardtanh', { minVal: 1, maxVal: 1 }]])
    add(`new nn.${name}(${JSON.stringify(o)})`, (t) => new t.nn[name](o), error);
  for (const name of ['ReLU', 'Sigmoid', 'Tanh', 'ELU', 'CELU', 'SELU', 'LeakyReLU', 'GELU', 'SiLU', 'Mish', 'Softplus', 'LogSigmoid', 'Hardtanh', 'Hardsigmoid', 'Hardswish', 'ReLU6']) {
    add(`nn.${name} forward of a string`, (t) => new t.nn[name]().forward('x'), error);
    add(`nn.${name} forward of a disposed tensor`, (t) => { const a = t.randn([2]); a.dispose(); return new t.nn[name]().forward(a); }, error);
    add(`nn.${name} keeps the shape of an empty batch`, (t) => new t.nn[name]().forward(t.zeros([0, 3])).shape.join(), (s) => s === '0,3');
  }
  for (const name of ['Softmax', 'LogSoftmax']) {
    add(`nn.${name}(2) of a 2-d tensor`, (t) => new t.nn[name](2).forward(x(t)), error);
    add(`nn.${name}(1.5)`, (t) => new t.nn[name](1.5), error);
    add(`nn.${name}({ axis: 1 })`, (t) => new t.nn[name]({ axis: 1 }), error);
    add(`nn.${name}() of a 2-d tensor takes dim 1 (PyTorch's implicit choice)`, (t) => { const a = x(t); return new t.nn[name]().forward(a).sub(new t.nn[name](1).forward(a)).abs().max().item(); }, (d) => d === 0);
  }
  add('nn.Softmax(1) rows sum to 1', (t) => new t.nn.Softmax(1).forward(x(t)).sum(1).sub(1).abs().max().item(), (d) => d < 1e-6);
  add('nn.ReLU6 clamps at 6', (t) => new t.nn.ReLU6().forward(t.tensor([-1, 3, 9])).toArray().join(), (s) => s === '0,3,6');

  // ---- nn.init
  const initErrors = {
    'kaimingUniform_ of a 1-d tensor': (t) => t.nn.init.kaimingUniform_(t.empty([4])),
    "kaimingUniform_ mode 'fanAll'": (t) => t.nn.init.kaimingUniform_(t.empty([3, 4]), { mode: 'fanAll' }),
    "kaimingNormal_ nonlinearity 'swish'": (t) => t.nn.init.kaimingNormal_(t.empty([3, 4]), { nonlinearity: 'swish' }),
    'kaimingNormal_ a NaN': (t) => t.nn.init.kaimingNormal_(t.empty([3, 4]), { a: NaN }),
    'kaimingNormal_({ gain })': (t) => t.nn.init.kaimingNormal_(t.empty([3, 4]), { gain: 2 }),
    'kaimingUniform_(0.5 as options)': (t) => t.nn.init.kaimingUniform_(t.empty([3, 4]), 0.5),
    'orthogonal_ of a 1-d tensor': (t) => t.nn.init.orthogonal_(t.empty([4])),
    'orthogonal_ gain NaN': (t) => t.nn.init.orthogonal_(t.empty([3, 4]), NaN),
    'orthogonal_ of an int64 tensor': (t) => t.nn.init.orthogonal_(t.empty([3, 4], { dtype: 'int64' })),
    'truncNormal_ a > b': (t) => t.nn.init.truncNormal_(t.empty([4]), { a: 2, b: 1 }),
    'truncNormal_ std 0': (t) => t.nn.init.truncNormal_(t.empty([4]), { std: 0 }),
    'truncNormal_({ low })': (t) => t.nn.init.truncNormal_(t.empty([4]), { low: 0 }),
    "calculateGain('swish')": (t) => t.nn.init.calculateGain('swish'),
    'calculateGain(leakyRelu, NaN)': (t) => t.nn.init.calculateGain('leakyRelu', NaN),
    'kaimingUniform_ of a disposed tensor': (t) => { const w = t.empty([3, 4]); w.dispose(); return t.nn.init.kaimingUniform_(w); },
  };
  for (const [name, run] of Object.entries(initErrors)) add(name, run, error);
  add('orthogonal_ rows are orthonormal', (t) => { const w = t.nn.init.orthogonal_(t.empty([3, 5], { dtype: 'float64' })); return w.matmul(w.t()).sub(t.eye(3, { dtype: 'float64' })).abs().max().item(); }, (d) => d < 1e-12);
  add('orthogonal_ of an empty tensor is a no-op', (t) => t.nn.init.orthogonal_(t.empty([0, 3])).shape.join(), (s) => s === '0,3');
  add('truncNormal_ stays in [a, b]', (t) => { const w = t.nn.init.truncNormal_(t.empty([1000]), { a: -0.5, b: 0.5 }); return [w.min().item(), w.max().item()]; }, ([lo, hi]) => lo >= -0.5 && hi <= 0.5);
  add("kaimingUniform_ 'fan_in' (PyTorch's spelling) is accepted", (t) => t.nn.init.kaimingUniform_(t.empty([3, 4]), { mode: 'fan_in', nonlinearity: 'leaky_relu' }).abs().max().item(), (v) => v <= Math.sqrt(6 / 4) && v > 0);
  add('kaimingNormal_ on a parameter keeps requiresGrad and records nothing', (t) => { const l = new t.nn.Linear(4, 3); t.nn.init.kaimingNormal_(l.weight); return [l.weight.requiresGrad, l.weight.isLeaf]; }, ([r, leaf]) => r === true && leaf === true);

  // ---- Module tree methods
  const net = (t) => { const m = new (class extends t.nn.Module { a = new t.nn.Linear(2, 3); b = new t.nn.Linear(3, 1); })(); return m; };
  add('Module.train("yes")', (t) => net(t).train('yes'), error);
  add('Module.requiresGrad_(1)', (t) => net(t).requiresGrad_(1), error);
  add('Module.apply(not a function)', (t) => net(t).apply({}), error);
  add('Module.zeroGrad({ set_to_none })', (t) => net(t).zeroGrad({ set_to_none: false }), error);
  add('Module.zeroGrad({ setToNone: 0 })', (t) => net(t).zeroGrad({ setToNone: 0 }), error);
  add('Module.zeroGrad(true)', (t) => net(t).zeroGrad(true), error);
  add('Module.zeroGrad({ setToNone: false }) leaves zeros', (t) => { const m = net(t); m.b.forward(m.a.forward(t.randn([4, 2]))).sum().backward(); m.zeroGrad({ setToNone: false }); return m.parameters().map((p) => p.grad && p.grad.abs().sum().item()); }, (v) => v.length === 4 && v.every((s) => s === 0));
  add('Module.zeroGrad() removes the gradients', (t) => { const m = net(t); m.b.forward(m.a.forward(t.randn([4, 2]))).sum().backward(); m.zeroGrad(); return m.parameters().map((p) => p.grad); }, (v) => v.every((g) => g === undefined));
  add('Module.requiresGrad_(false) then backward: no gradient reaches the frozen layer', (t) => { const m = net(t); m.a.requiresGrad_(false); m.b.forward(m.a.forward(t.randn([4, 2]))).sum().backward(); return [m.a.weight.grad, m.b.weight.grad]; }, ([ga, gb]) => ga === undefined && gb !== undefined);
  add('Module.eval() reaches nested modules', (t) => { const m = net(t).eval(); return m.modules().map((x) => x.training); }, (v) => v.length === 3 && v.every((b) => b === false));
  add('Module.apply order: children first, then self', (t) => { const m = net(t); const seen = []; m.apply((x) => seen.push(x === m ? 'self' : x === m.a ? 'a' : 'b')); return seen.join(); }, (s) => s === 'a,b,self');
}

module.exports = { nnCases };
