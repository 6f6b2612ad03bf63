// Misuse cases for the nn layers of issue 18 (LayerNorm, GroupNorm, Dropout, Dropout2d, Embedding,
// Sequential, ModuleDict, Identity, Flatten, Unflatten, Conv padding modes, and the earlier Conv,
// BatchNorm, pooling): wrong shapes, channels, dtypes and options, eval-mode use, state dicts that do
// not fit. Called from bench/misuse.js's buildCases. `expect: 'error'` means only an error is right;
// a predicate judges a returned value as PyTorch would (false = silently wrong).
'use strict';

function layerCases(add) {
  const error = 'error';
  const shapeIs = (s) => (y) => y.shape.join() === s.join();
  const snake = (k) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

  // 1. Options objects: PyTorch's snake_case names, typos and non-objects are refused.
  const ctors = {
    LayerNorm: [['eps', 'elementwiseAffine'], (t, o) => new t.nn.LayerNorm(4, o)],
    GroupNorm: [['eps', 'affine'], (t, o) => new t.nn.GroupNorm(2, 4, o)],
    Embedding: [['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq'], (t, o) => new t.nn.Embedding(5, 2, o)],
    'Embedding.fromPretrained': [['freeze', 'paddingIdx', 'maxNorm'], (t, o) => t.nn.Embedding.fromPretrained(t.randn([5, 2]), o)],
    Conv2d: [['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'], (t, o) => new t.nn.Conv2d(2, 2, 3, o)],
    ConvTranspose2d: [['stride', 'padding', 'outputPadding', 'groups', 'bias'], (t, o) => new t.nn.ConvTranspose2d(2, 2, 3, o)],
    BatchNorm2d: [['eps', 'momentum', 'affine', 'trackRunningStats'], (t, o) => new t.nn.BatchNorm2d(2, o)],
    MaxPool2d: [['stride', 'padding', 'dilation', 'ceilMode'], (t, o) => new t.nn.MaxPool2d(2, o)],
    Dropout: [['p'], (t, o) => new t.nn.Dropout(o)],
  };
  for (const [name, [keys, make]] of Object.entries(ctors)) {
    const wrong = [...new Set([...keys.map(snake).filter((k) => !keys.includes(k)), ...keys.map((k) => k + 's'), 'inplace', 'foo'])];
    for (const k of wrong) add(`${name}({ ${k} })`, (t) => make(t, { [k]: 1 }), error);
    for (const bad of ['x', [1], true, 0.5].filter((b) => !(name === 'Dropout' && b === 0.5))) add(`${name}(${JSON.stringify(bad)} as options)`, (t) => make(t, bad), error);
  }

  // 2. Constructor arguments out of range.
  add('LayerNorm([])', (t) => new t.nn.LayerNorm([]), error);
  add('LayerNorm(0)', (t) => new t.nn.LayerNorm(0), error);
  add('LayerNorm(4, eps 0)', (t) => new t.nn.LayerNorm(4, { eps: 0 }), error);
  add('GroupNorm(3, 4): channels not divisible', (t) => new t.nn.GroupNorm(3, 4), error);
  add('GroupNorm(0, 4)', (t) => new t.nn.GroupNorm(0, 4), error);
  for (const p of [-0.1, 1.1, NaN, '0.5', null]) add(`Dropout(${String(p)})`, (t) => new t.nn.Dropout(p), error);
  for (const p of [-1, 2]) add(`Dropout2d(${p})`, (t) => new t.nn.Dropout2d(p), error);
  add('Embedding(0, 3)', (t) => new t.nn.Embedding(0, 3), error);
  add('Embedding paddingIdx 5 of 5', (t) => new t.nn.Embedding(5, 3, { paddingIdx: 5 }), error);
  add('Embedding paddingIdx -6 of 5', (t) => new t.nn.Embedding(5, 3, { paddingIdx: -6 }), error);
  add('Embedding maxNorm -1', (t) => new t.nn.Embedding(5, 3, { maxNorm: -1 }), error);
  add('Embedding.fromPretrained 1-D', (t) => t.nn.Embedding.fromPretrained(t.randn([5])), error);
  add('Embedding.fromPretrained int64', (t) => t.nn.Embedding.fromPretrained(t.zeros([5, 2], { dtype: 'int64' })), error);
  add("Conv2d paddingMode 'mirror'", (t) => new t.nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' }), error);
  add("Conv2d padding 'full'", (t) => new t.nn.Conv2d(1, 1, 3, { padding: 'full' }), error);
  add("Conv2d padding 'same' with stride 2", (t) => new t.nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 }), error);
  add("ConvTranspose2d paddingMode 'reflect'", (t) => new t.nn.ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' }), error);
  add("ConvTranspose2d padding 'same'", (t) => new t.nn.ConvTranspose2d(1, 1, 3, { padding: 'same' }), error);
  add('Unflatten(1, [])', (t) => new t.nn.Unflatten(1, []), error);
  add('Unflatten(1, [-1, -1])', (t) => new t.nn.Unflatten(1, [-1, -1]), error);
  add('Unflatten(1, [2.5])', (t) => new t.nn.Unflatten(1, [2.5]), error);
  add('Flatten(0.5)', (t) => new t.nn.Flatten(0.5), error);
  add('Sequential of a number', (t) => new t.nn.Sequential(new t.nn.ReLU(), 3), error);
  add('Sequential of a function', (t) => new t.nn.Sequential((x) => x), error);
  add("Sequential named 'a.b'", (t) => new t.nn.Sequential({ 'a.b': new t.nn.ReLU() }), error);
  add('ModuleDict of a tensor', (t) => new t.nn.ModuleDict({ a: t.zeros([1]) }), error);
  add("ModuleDict key ''", (t) => new t.nn.ModuleDict({ '': new t.nn.ReLU() }), error);
  add('ModuleDict of a string', (t) => new t.nn.ModuleDict('abc'), error);

  // 3. Forward: wrong shapes, channels and dtypes name the module.
  add('LayerNorm([3, 4]) on [2, 4, 3]', (t) => new t.nn.LayerNorm([3, 4]).forward(t.randn([2, 4, 3])), error);
  add('LayerNorm(4) on [4, 3]', (t) => new t.nn.LayerNorm(4).forward(t.randn([4, 3])), error);
  add('LayerNorm(4) on int64', (t) => new t.nn.LayerNorm(4).forward(t.zeros([2, 4], { dtype: 'int64' })), error);
  add('LayerNorm(4) float32 on float64 input', (t) => new t.nn.LayerNorm(4).forward(t.randn([2, 4], { dtype: 'float64' })), error);
  add('LayerNorm(4) on a number', (t) => new t.nn.LayerNorm(4).forward(3), error);
  add('GroupNorm(2, 4) on 3 channels', (t) => new t.nn.GroupNorm(2, 4).forward(t.randn([2, 3, 5])), error);
  add('GroupNorm(2, 4) on 1-D', (t) => new t.nn.GroupNorm(2, 4).forward(t.randn([4])), error);
  add('GroupNorm(2, 4) on int64', (t) => new t.nn.GroupNorm(2, 4).forward(t.zeros([2, 4, 3], { dtype: 'int64' })), error);
  add('Dropout2d on 2-D', (t) => new t.nn.Dropout2d().forward(t.randn([3, 4])), error);
  add('Dropout on a disposed tensor', (t) => { const x = t.randn([3]); x.dispose(); return new t.nn.Dropout().forward(x); }, error);
  add('Dropout on an array', (t) => new t.nn.Dropout().forward([1, 2]), error);
  add('Embedding on float indices', (t) => new t.nn.Embedding(5, 2).forward(t.tensor([1, 2])), error);
  add('Embedding on bool indices', (t) => new t.nn.Embedding(5, 2).forward(t.tensor([true], { dtype: 'bool' })), error);
  add('Embedding index 5 of 5', (t) => new t.nn.Embedding(5, 2).forward(t.tensor([5], { dtype: 'int64' })), error);
  add('Embedding index -1', (t) => new t.nn.Embedding(5, 2).forward(t.tensor([-1], { dtype: 'int64' })), error);
  add('Embedding maxNorm, index 9 of 5', (t) => new t.nn.Embedding(5, 2, { maxNorm: 1 }).forward(t.tensor([9], { dtype: 'int64' })), error);
  add('Conv2d(3, 4) on 2 channels', (t) => new t.nn.Conv2d(3, 4, 3).forward(t.randn([1, 2, 5, 5])), error);
  add('Conv2d on 2-D input', (t) => new t.nn.Conv2d(3, 4, 3).forward(t.randn([5, 5])), error);
  add('Conv2d on int64 input', (t) => new t.nn.Conv2d(1, 1, 3).forward(t.zeros([1, 1, 5, 5], { dtype: 'int64' })), error);
  add('Conv2d float32 on float64 input', (t) => new t.nn.Conv2d(1, 1, 3).forward(t.randn([1, 1, 5, 5], { dtype: 'float64' })), error);
  add("Conv2d reflect padding 3 on 3x3", (t) => new t.nn.Conv2d(1, 1, 3, { padding: 3, paddingMode: 'reflect' }).forward(t.randn([1, 1, 3, 3])), error);
  add('Conv2d kernel larger than input', (t) => new t.nn.Conv2d(1, 1, 5).forward(t.randn([1, 1, 3, 3])), error);
  add('ConvTranspose2d on 2 channels', (t) => new t.nn.ConvTranspose2d(3, 1, 2).forward(t.randn([1, 2, 3, 3])), error);
  add('BatchNorm2d on 3-D', (t) => new t.nn.BatchNorm2d(3).forward(t.randn([3, 4, 4])), error);
  add('BatchNorm1d batch 1 in training', (t) => new t.nn.BatchNorm1d(3).forward(t.randn([1, 3])), error);
  add('MaxPool2d kernel larger than padded input', (t) => new t.nn.MaxPool2d(5).forward(t.randn([1, 1, 3, 3])), error);
  add('Flatten(3) on 2-D', (t) => new t.nn.Flatten(3).forward(t.randn([2, 3])), error);
  add('Flatten(2, 1)', (t) => new t.nn.Flatten(2, 1).forward(t.randn([2, 3, 4])), error);
  add('Unflatten(1, [5, -1]) on 12', (t) => new t.nn.Unflatten(1, [5, -1]).forward(t.randn([2, 12])), error);
  add('Unflatten(4, [2, 2]) on 2-D', (t) => new t.nn.Unflatten(4, [2, 2]).forward(t.randn([2, 4])), error);
  add('Sequential of mismatched Linears', (t) => new t.nn.Sequential(new t.nn.Linear(2, 3), new t.nn.Linear(2, 3)).forward(t.randn([1, 2])), error);
  add('Sequential.at(5) of 2', (t) => new t.nn.Sequential(new t.nn.ReLU(), new t.nn.ReLU()).at(5), error);
  add('Sequential.at(0.5)', (t) => new t.nn.Sequential(new t.nn.ReLU()).at(0.5), error);
  add("ModuleDict.get('missing')", (t) => new t.nn.ModuleDict({ a: new t.nn.ReLU() }).get('missing'), error);

  // 4. What PyTorch does (a value, judged): eval mode, edge sizes, NaN passing through.
  add('Dropout in eval is the identity', (t) => { const x = t.randn([50]); return [x, new t.nn.Dropout(0.9).eval().forward(x)]; }, ([x, y]) => x.sub(y).abs().max().item() === 0);
  add('Dropout2d in eval is the identity', (t) => { const x = t.randn([2, 3, 4, 4]); return [x, new t.nn.Dropout2d(0.9).eval().forward(x)]; }, ([x, y]) => x.sub(y).abs().max().item() === 0);
  add('Dropout(1) in training zeroes everything', (t) => new t.nn.Dropout(1).forward(t.randn([50])), (y) => y.abs().max().item() === 0);
  add('Dropout(0) in training is the identity', (t) => { const x = t.randn([50]); return [x, new t.nn.Dropout(0).forward(x)]; }, ([x, y]) => x.sub(y).abs().max().item() === 0);
  add('Dropout(0.5) keeps x / (1 - p) or 0', (t) => { const x = t.ones([1000]); return new t.nn.Dropout(0.5).forward(x); }, (y) => y.eq(0).logicalOr(y.eq(2)).all().item() === true && y.eq(2).sum().item() > 400);
  add('Dropout2d zeroes whole channels', (t) => new t.nn.Dropout2d(0.5).forward(t.ones([4, 16, 3, 3])), (y) => { const s = y.sum([2, 3]); return s.eq(0).logicalOr(s.eq(18)).all().item() === true; });
  add('BatchNorm1d batch 1 in eval', (t) => new t.nn.BatchNorm1d(3).eval().forward(t.ones([1, 3])), (y) => Math.abs(y.sum().item() - 3 / Math.sqrt(1 + 1e-5)) < 1e-5);
  add('Embedding paddingIdx row is zero and gets no gradient', (t) => { const e = new t.nn.Embedding(5, 3, { paddingIdx: 2 }); e.forward(t.tensor([2, 2, 1], { dtype: 'int64' })).sum().backward(); return e; }, (e) => e.weight.select(0, 2).abs().max().item() === 0 && e.weight.grad.select(0, 2).abs().max().item() === 0 && e.weight.grad.select(0, 1).sum().item() === 3);
  add('Embedding of a 0-d index', (t) => new t.nn.Embedding(5, 3).forward(t.tensor(4, { dtype: 'int64' })), shapeIs([3]));
  add('Embedding of an empty index', (t) => new t.nn.Embedding(5, 3).forward(t.zeros([0, 2], { dtype: 'int64' })), shapeIs([0, 2, 3]));
  add('Embedding maxNorm leaves rows within the norm', (t) => { const e = new t.nn.Embedding(5, 3, { maxNorm: 0.5 }); e.forward(t.tensor([0, 1, 1], { dtype: 'int64' })); return e.weight.narrow(0, 0, 2).norm(2, [1]); }, (n) => n.le(0.5 + 1e-6).all().item() === true);
  add('Embedding int32 indices', (t) => new t.nn.Embedding(5, 3).forward(t.tensor([1, 4], { dtype: 'int32' })), shapeIs([2, 3]));
  add('LayerNorm normalises the last dims', (t) => new t.nn.LayerNorm([3, 4]).forward(t.randn([2, 3, 4]).mul(5).add(3)), (y) => y.mean([1, 2]).abs().max().item() < 1e-5);
  add('LayerNorm NaN row stays NaN, others finite', (t) => new t.nn.LayerNorm(3).forward(t.tensor([[NaN, 1, 2], [0, 1, 2]])), (y) => y.select(0, 0).isnan().all().item() === true && y.select(0, 1).isfinite().all().item() === true);
  add('GroupNorm on [N, C] (no spatial dims)', (t) => new t.nn.GroupNorm(2, 4).forward(t.randn([3, 4])), shapeIs([3, 4]));
  add('GroupNorm float64 module on float64', (t) => new t.nn.GroupNorm(2, 4, { dtype: 'float64' }).forward(t.randn([3, 4, 2], { dtype: 'float64' })), (y) => y.dtype === 'float64');
  add('Empty Sequential returns its input', (t) => { const x = t.randn([2]); return [x, new t.nn.Sequential().forward(x)]; }, ([x, y]) => x === y);
  add("Conv2d padding 'same', even kernel keeps the size", (t) => new t.nn.Conv2d(1, 2, 4, { padding: 'same' }).forward(t.randn([1, 1, 7, 6])), shapeIs([1, 2, 7, 6]));
  add("Conv1d circular 'same' keeps the size", (t) => new t.nn.Conv1d(1, 2, 5, { padding: 'same', paddingMode: 'circular' }).forward(t.randn([1, 1, 9])), shapeIs([1, 2, 9]));
  add("Conv2d padding 'valid' pads nothing", (t) => new t.nn.Conv2d(1, 1, 3, { padding: 'valid' }).forward(t.randn([1, 1, 5, 5])), shapeIs([1, 1, 3, 3]));
  add('Conv2d replicate padding of a constant image is constant', (t) => { const c = new t.nn.Conv2d(1, 1, 3, { padding: 1, paddingMode: 'replicate', bias: false }); return [c, c.forward(t.ones([1, 1, 4, 4]))]; }, ([c, y]) => y.sub(c.weight.sum()).abs().max().item() < 1e-5);
  add('Flatten of [2, 3, 4]', (t) => new t.nn.Flatten().forward(t.randn([2, 3, 4])), shapeIs([2, 12]));
  add('Unflatten(1, [2, -1]) of [3, 6]', (t) => new t.nn.Unflatten(1, [2, -1]).forward(t.randn([3, 6])), shapeIs([3, 2, 3]));

  // 5. State dicts that do not fit: missing, extra, wrong shape, not a tensor, disposed, int for float.
  const model = (t) => new t.nn.Sequential(new t.nn.Conv2d(1, 2, 3), new t.nn.BatchNorm2d(2), new t.nn.Sequential({ emb: new t.nn.Embedding(4, 3), ln: new t.nn.LayerNorm(3) }));
  add('loadStateDict missing a key', (t) => { const m = model(t); const sd = m.stateDict(); delete sd['1.running_var']; m.loadStateDict(sd); }, error);
  add('loadStateDict with an extra key', (t) => { const m = model(t); m.loadStateDict({ ...m.stateDict(), '2.extra': t.zeros([1]) }); }, error);
  add('loadStateDict with a wrong shape', (t) => { const m = model(t); m.loadStateDict({ ...m.stateDict(), '2.emb.weight': t.zeros([5, 3]) }); }, error);
  add('loadStateDict wrong shape, strict false', (t) => { const m = model(t); m.loadStateDict({ '0.weight': t.zeros([2, 1, 5, 5]) }, { strict: false }); }, error);
  add('loadStateDict with a number for a tensor', (t) => { const m = model(t); m.loadStateDict({ ...m.stateDict(), '2.ln.bias': 0 }); }, error);
  add('loadStateDict with a disposed tensor', (t) => { const m = model(t); const sd = m.stateDict(); const z = t.zeros([3]); z.dispose(); sd['2.ln.bias'] = z; m.loadStateDict(sd); }, error);
  add('loadStateDict int64 into a float weight', (t) => { const m = model(t); m.loadStateDict({ ...m.stateDict(), '0.weight': t.zeros([2, 1, 3, 3], { dtype: 'int64' }) }); }, error);
  add('loadStateDict of null', (t) => model(t).loadStateDict(null), error);
  add('loadStateDict of a tensor', (t) => model(t).loadStateDict(t.zeros([1])), error);
  add("loadStateDict strict 'yes'", (t) => { const m = model(t); m.loadStateDict(m.stateDict(), { strict: 'yes' }); }, error);
  add('loadStateDict non-strict names missing and unexpected keys', (t) => model(t).loadStateDict({ '2.ln.weight': t.ones([3]), x: t.ones([1]) }, { strict: false }), (r) => r.missingKeys.length === 9 && r.unexpectedKeys.join() === 'x');
  add('loadStateDict round trip keeps buffers', (t) => { const a = model(t); a.forward; const b = model(t); b.loadStateDict(a.stateDict()); return [a, b]; }, ([a, b]) => Object.entries(a.stateDict()).every(([k, v]) => v.sub(b.stateDict()[k]).abs().max().item() === 0));
  add('a failed load copies nothing', (t) => { const m = model(t); const before = m.stateDict()['0.weight'].clone(); try { m.loadStateDict({ ...m.stateDict(), '0.weight': t.ones([2, 1, 3, 3]), '2.ln.bias': t.zeros([4]) }); } catch { /* expected */ } return [before, m.stateDict()['0.weight']]; }, ([a, b]) => a.sub(b).abs().max().item() === 0);
}

module.exports = { layerCases };
