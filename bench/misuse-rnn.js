// Misuse cases for the recurrent modules (RNN, GRU, LSTM and their cells), optim.RAdam and the parameter
// groups of AdamW, RMSprop, Adagrad and RAdam: bad options, wrong shapes, dtypes and devices of input and
// hidden state, state_dicts with missing, extra or wrong-shaped keys, and the results PyTorch gives where
// the input is fine. Called from bench/misuse.js's buildCases.
'use strict';

const snake = (k) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const wrongKeys = (keys) =>
  [...new Set([...keys.map(snake), ...keys.map((k) => k.slice(0, -1)), ...keys.map((k) => k + 's'), 'hidden_size', 'input_size', 'nonlinearity', 'foo'])].filter((k) => !keys.includes(k));

function rnnCases(add) {
  const error = 'error';
  const shapeIs = (want) => (y) => y.shape.join() === want.join();
  const BASE = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype', 'device'];
  const modules = {
    GRU: [BASE, (t, o) => new t.nn.GRU(5, 7, o)],
    LSTM: [[...BASE, 'projSize'], (t, o) => new t.nn.LSTM(5, 7, o)],
    RNN: [[...BASE, 'nonlinearity'], (t, o) => new t.nn.RNN(5, 7, o)],
    GRUCell: [['bias', 'dtype', 'device'], (t, o) => new t.nn.GRUCell(5, 7, o)],
    LSTMCell: [['bias', 'dtype', 'device'], (t, o) => new t.nn.LSTMCell(5, 7, o)],
    RNNCell: [['bias', 'nonlinearity', 'dtype', 'device'], (t, o) => new t.nn.RNNCell(5, 7, o)],
    RAdam: [['lr', 'betas', 'eps', 'weightDecay'], (t, o) => new t.optim.RAdam([t.zeros([1]).requiresGrad_()], o)],
  };
  // 1. Options: snake_case, typos, PyTorch-only keys, non-objects.
  for (const [name, [keys, make]] of Object.entries(modules)) {
    for (const k of wrongKeys(keys)) add(`${name}({ ${k} })`, (t) => make(t, { [k]: 1 }), error);
    for (const bad of [0.5, 'x', [1], true]) add(`${name}(${JSON.stringify(bad)} as options)`, (t) => make(t, bad), error);
  }
  add('RAdam({ decoupledWeightDecay }) (torch 2.0, not 1.13)', (t) => new t.optim.RAdam([t.zeros([1]).requiresGrad_()], { decoupledWeightDecay: true }), error);
  add('GRU({ projSize }) (LSTM only)', (t) => new t.nn.GRU(5, 7, { projSize: 3 }), error);

  // 2. Constructor arguments.
  for (const Kind of ['GRU', 'LSTM', 'RNN', 'GRUCell', 'LSTMCell', 'RNNCell']) {
    for (const [what, args] of Object.entries({ 'inputSize -1': [-1, 7], 'inputSize 1.5': [1.5, 7], "inputSize '5'": ['5', 7], 'hiddenSize 0': [5, 0], 'hiddenSize NaN': [5, NaN], 'no hiddenSize': [5] }))
      add(`${Kind}(${what})`, (t) => new t.nn[Kind](...args), error);
    add(`${Kind} bias 1`, (t) => new t.nn[Kind](5, 7, { bias: 1 }), error);
    add(`${Kind} dtype int64`, (t) => new t.nn[Kind](5, 7, { dtype: 'int64' }), error);
  }
  for (const Kind of ['GRU', 'LSTM', 'RNN']) {
    for (const v of [-0.1, 1.5, NaN, '0.1', Infinity]) add(`${Kind} dropout ${String(v)}`, (t) => new t.nn[Kind](5, 7, { numLayers: 2, dropout: v }), error);
    for (const v of [0, -1, 1.5, '2']) add(`${Kind} numLayers ${String(v)}`, (t) => new t.nn[Kind](5, 7, { numLayers: v }), error);
    add(`${Kind} bidirectional 'yes'`, (t) => new t.nn[Kind](5, 7, { bidirectional: 'yes' }), error);
    add(`${Kind} batchFirst 1`, (t) => new t.nn[Kind](5, 7, { batchFirst: 1 }), error);
  }
  for (const v of [7, 8, -1, 1.5]) add(`LSTM projSize ${v}`, (t) => new t.nn.LSTM(5, 7, { projSize: v }), error);
  add("RNN nonlinearity 'sigmoid'", (t) => new t.nn.RNN(5, 7, { nonlinearity: 'sigmoid' }), error);
  add("RNNCell nonlinearity 'gelu'", (t) => new t.nn.RNNCell(5, 7, { nonlinearity: 'gelu' }), error);

  // 3. Forward: input rank, size, dtype, device-less values, disposed tensors; hidden state shape and dtype.
  const seqModels = {
    GRU: (t, o) => new t.nn.GRU(5, 7, o),
    LSTM: (t, o) => new t.nn.LSTM(5, 7, o),
    RNN: (t, o) => new t.nn.RNN(5, 7, o),
  };
  const hxOf = (Kind, t, shape, c = shape, dtype) => (Kind === 'LSTM' ? [t.zeros(shape, { dtype }), t.zeros(c, { dtype })] : t.zeros(shape, { dtype }));
  for (const [Kind, make] of Object.entries(seqModels)) {
    for (const shape of [[5], [2, 3, 4, 5], []]) add(`${Kind} input shape ${JSON.stringify(shape)}`, (t) => make(t).forward(t.zeros(shape)), error);
    add(`${Kind} input size 4 (inputSize 5)`, (t) => make(t).forward(t.zeros([6, 3, 4])), error);
    add(`${Kind} unbatched input size 6`, (t) => make(t).forward(t.zeros([6, 6])), error);
    for (const dtype of ['float64', 'int64', 'bool', 'float16']) add(`${Kind} ${dtype} input to a float32 module`, (t) => make(t).forward(t.zeros([6, 3, 5], { dtype })), error);
    add(`${Kind} input a nested array`, (t) => make(t).forward([[[0, 0, 0, 0, 0]]]), error);
    add(`${Kind} input disposed`, (t) => { const x = t.zeros([6, 3, 5]); x.dispose(); return make(t).forward(x); }, error);
    add(`${Kind} sequence length 0`, (t) => make(t).forward(t.zeros([0, 3, 5])), error);
    add(`${Kind} batch 0`, (t) => make(t).forward(t.zeros([6, 0, 5]))[0], shapeIs([6, 0, 7]));
    for (const [what, h] of Object.entries({ 'layers 2 (1 layer)': [2, 3, 7], 'batch 4 (3)': [1, 4, 7], 'hidden 6 (7)': [1, 3, 6], '2-D for batched input': [3, 7], '4-D': [1, 1, 3, 7] }))
      add(`${Kind} hx ${what}`, (t) => make(t).forward(t.zeros([6, 3, 5]), hxOf(Kind, t, h)), error);
    add(`${Kind} hx 3-D for unbatched input`, (t) => make(t).forward(t.zeros([6, 5]), hxOf(Kind, t, [1, 1, 7])), error);
    add(`${Kind} hx float64 for a float32 module`, (t) => make(t).forward(t.zeros([6, 3, 5]), hxOf(Kind, t, [1, 3, 7], [1, 3, 7], 'float64')), error);
    add(`${Kind} hx for batchFirst: [layers, batch, hidden], not [batch, layers, hidden]`, (t) => make(t, { batchFirst: true }).forward(t.zeros([3, 6, 5]), hxOf(Kind, t, [3, 1, 7])), error);
    add(`${Kind} hx disposed`, (t) => { const h = hxOf(Kind, t, [1, 3, 7]); (Array.isArray(h) ? h[0] : h).dispose(); return make(t).forward(t.zeros([6, 3, 5]), h); }, error);
    // Results as PyTorch's.
    add(`${Kind} output shape [seq, batch, hidden]`, (t) => make(t).forward(t.zeros([6, 3, 5]))[0], shapeIs([6, 3, 7]));
    add(`${Kind} batchFirst bidirectional 2 layers: output [batch, seq, 2 hidden]`, (t) => make(t, { batchFirst: true, bidirectional: true, numLayers: 2 }).forward(t.zeros([3, 6, 5]))[0], shapeIs([3, 6, 14]));
    add(`${Kind} unbatched: output [seq, hidden]`, (t) => make(t).forward(t.zeros([6, 5]))[0], shapeIs([6, 7]));
    add(`${Kind} hidden state [layers * dirs, batch, hidden]`, (t) => { const h = make(t, { bidirectional: true, numLayers: 3 }).forward(t.zeros([6, 3, 5]))[1]; return Array.isArray(h) ? h[0] : h; }, shapeIs([6, 3, 7]));
    add(`${Kind} last output equals the last layer's final hidden state`, (t) => { const [o, hh] = make(t, { numLayers: 2 }).forward(t.randn([6, 3, 5])); const h = Array.isArray(hh) ? hh[0] : hh; return o.select(0, 5).sub(h.select(0, 1)).abs().max().item(); }, (d) => d === 0);
    add(`${Kind} eval with dropout: deterministic`, (t) => { const m = make(t, { numLayers: 2, dropout: 0.5 }).eval(); const x = t.randn([6, 3, 5]); return m.forward(x)[0].sub(m.forward(x)[0]).abs().max().item(); }, (d) => d === 0);
    add(`${Kind} train with dropout: two forwards differ`, (t) => { const m = make(t, { numLayers: 2, dropout: 0.5 }); const x = t.randn([6, 3, 5]); return m.forward(x)[0].sub(m.forward(x)[0]).abs().max().item(); }, (d) => d > 0);
    add(`${Kind} backward reaches every parameter`, (t) => { const m = make(t, { numLayers: 2, bidirectional: true }); m.forward(t.randn([6, 3, 5]))[0].sum().backward(); return m.parameters().every((p) => p.grad !== undefined && p.grad.abs().sum().item() > 0); }, (ok) => ok === true);
    add(`${Kind} to('float64') takes float64 input`, (t) => make(t).to('float64').forward(t.zeros([6, 3, 5], { dtype: 'float64' }))[0].dtype, (d) => d === 'float64');
    // State dicts: missing, extra, wrong-shaped keys, another kind's state_dict.
    add(`${Kind}.loadStateDict missing weight_hh_l0`, (t) => { const m = make(t); const sd = m.stateDict(); delete sd.weight_hh_l0; m.loadStateDict(sd); }, error);
    add(`${Kind}.loadStateDict extra weight_ih_l1`, (t) => { const m = make(t); const sd = m.stateDict(); sd.weight_ih_l1 = sd.weight_ih_l0; m.loadStateDict(sd); }, error);
    add(`${Kind}.loadStateDict wrong-shaped bias_ih_l0`, (t) => { const m = make(t); const sd = m.stateDict(); sd.bias_ih_l0 = t.zeros([3]); m.loadStateDict(sd); }, error);
    add(`${Kind}.loadStateDict a number for a tensor`, (t) => { const m = make(t); const sd = m.stateDict(); sd.bias_hh_l0 = 1; m.loadStateDict(sd); }, error);
    add(`${Kind}.loadStateDict a one-layer state_dict into two layers`, (t) => make(t, { numLayers: 2 }).loadStateDict(make(t).stateDict()), error);
    add(`${Kind}.loadStateDict non-strict returns the missing keys`, (t) => make(t, { numLayers: 2 }).loadStateDict(make(t).stateDict(), { strict: false }).missingKeys.length, (n) => n === 4);
    add(`${Kind}.loadStateDict round trip: equal outputs`, (t) => { const a = make(t); const b = make(t); b.loadStateDict(a.stateDict()); const x = t.randn([6, 3, 5]); return a.forward(x)[0].sub(b.forward(x)[0]).abs().max().item(); }, (d) => d === 0);
  }
  add('GRU.loadStateDict of an LSTM state_dict (4H rows, not 3H)', (t) => new t.nn.GRU(5, 7).loadStateDict(new t.nn.LSTM(5, 7).stateDict()), error);
  add('LSTM hx a tensor, not [h0, c0]', (t) => new t.nn.LSTM(5, 7).forward(t.zeros([6, 3, 5]), t.zeros([1, 3, 7])), error);
  add('LSTM hx [h0] only', (t) => new t.nn.LSTM(5, 7).forward(t.zeros([6, 3, 5]), [t.zeros([1, 3, 7])]), error);
  add('LSTM projSize 3: h0 of hidden size 7', (t) => new t.nn.LSTM(5, 7, { projSize: 3 }).forward(t.zeros([6, 3, 5]), [t.zeros([1, 3, 7]), t.zeros([1, 3, 7])]), error);
  add('LSTM projSize 3: c0 of size 3', (t) => new t.nn.LSTM(5, 7, { projSize: 3 }).forward(t.zeros([6, 3, 5]), [t.zeros([1, 3, 3]), t.zeros([1, 3, 3])]), error);
  add('LSTM projSize 3: output [seq, batch, 3], c [1, batch, 7]', (t) => { const [o, [h, c]] = new t.nn.LSTM(5, 7, { projSize: 3 }).forward(t.zeros([6, 2, 5])); return [o.shape, h.shape, c.shape].join(';'); }, (s) => s === '6,2,3;1,2,3;1,2,7');
  add('GRU hx an array', (t) => new t.nn.GRU(5, 7).forward(t.zeros([6, 3, 5]), [t.zeros([1, 3, 7])]), error);

  const cells = { GRUCell: (t) => new t.nn.GRUCell(5, 7), LSTMCell: (t) => new t.nn.LSTMCell(5, 7), RNNCell: (t) => new t.nn.RNNCell(5, 7) };
  const cellHx = (Kind, t, shape, dtype) => (Kind === 'LSTMCell' ? [t.zeros(shape, { dtype }), t.zeros(shape, { dtype })] : t.zeros(shape, { dtype }));
  const first = (y) => (Array.isArray(y) ? y[0] : y);
  for (const [Kind, make] of Object.entries(cells)) {
    for (const shape of [[], [2, 3, 5]]) add(`${Kind} input shape ${JSON.stringify(shape)}`, (t) => make(t).forward(t.zeros(shape)), error);
    add(`${Kind} input size 4`, (t) => make(t).forward(t.zeros([3, 4])), error);
    add(`${Kind} float64 input`, (t) => make(t).forward(t.zeros([3, 5], { dtype: 'float64' })), error);
    add(`${Kind} input a number`, (t) => make(t).forward(3), error);
    for (const [what, h] of Object.entries({ 'batch 4 (3)': [4, 7], 'hidden 6': [3, 6], '3-D': [1, 3, 7], '1-D for batched input': [7] })) add(`${Kind} hx ${what}`, (t) => make(t).forward(t.zeros([3, 5]), cellHx(Kind, t, h)), error);
    add(`${Kind} hx [1, hidden] for unbatched input`, (t) => make(t).forward(t.zeros([5]), cellHx(Kind, t, [1, 7])), error);
    add(`${Kind} hx float64`, (t) => make(t).forward(t.zeros([3, 5]), cellHx(Kind, t, [3, 7], 'float64')), error);
    add(`${Kind} output [batch, hidden]`, (t) => first(make(t).forward(t.zeros([3, 5]))), shapeIs([3, 7]));
    add(`${Kind} unbatched output [hidden]`, (t) => first(make(t).forward(t.zeros([5]))), shapeIs([7]));
    add(`${Kind} batch 0`, (t) => first(make(t).forward(t.zeros([0, 5]))), shapeIs([0, 7]));
    add(`${Kind}.loadStateDict missing bias_hh`, (t) => { const m = make(t); const sd = m.stateDict(); delete sd.bias_hh; m.loadStateDict(sd); }, error);
    add(`${Kind}.loadStateDict wrong-shaped weight_ih`, (t) => { const m = make(t); const sd = m.stateDict(); sd.weight_ih = t.zeros([7, 4]); m.loadStateDict(sd); }, error);
  }
  add('GRUCell without bias, zero input and state: h stays 0', (t) => { const c = new t.nn.GRUCell(5, 7, { bias: false }); return c.forward(t.zeros([2, 5])).abs().max().item(); }, (v) => v === 0);
  add('LSTMCell hx a tensor', (t) => new t.nn.LSTMCell(5, 7).forward(t.zeros([3, 5]), t.zeros([3, 7])), error);

  // 4. RAdam and parameter groups.
  const p2 = (t) => t.zeros([2]).requiresGrad_();
  for (const lr of [-1, NaN, Infinity, '0.01']) add(`RAdam lr ${String(lr)}`, (t) => new t.optim.RAdam([p2(t)], { lr }), error);
  for (const betas of [[1, 0.999], [0.9, 1], [-0.1, 0.9], 0.9, [0.9], [0.9, '0.9']]) add(`RAdam betas ${JSON.stringify(betas)}`, (t) => new t.optim.RAdam([p2(t)], { betas }), error);
  add('RAdam eps -1', (t) => new t.optim.RAdam([p2(t)], { eps: -1 }), error);
  add('RAdam weightDecay -1', (t) => new t.optim.RAdam([p2(t)], { weightDecay: -1 }), error);
  add('RAdam over no parameters', (t) => new t.optim.RAdam([]), error);
  add('RAdam over a disposed parameter', (t) => { const p = p2(t); const o = new t.optim.RAdam([p]); p.dispose(); o.step(); }, error);
  add('RAdam step on a gradient of another shape', (t) => { const p = p2(t); const o = new t.optim.RAdam([p]); p.grad = t.ones([3]); o.step(); }, error);
  add("RAdam first step: unrectified, p -= lr * m / (1 - beta1)", (t) => { const p = p2(t); const o = new t.optim.RAdam([p], { lr: 0.5 }); p.grad = t.ones([2]); o.step(); return Array.from(p.data()); }, (v) => v.every((x) => x === -0.5));
  add('RAdam skips a parameter without a gradient', (t) => { const [p, q] = [p2(t), p2(t)]; const o = new t.optim.RAdam([p, q]); p.grad = t.ones([2]); o.step(); return [q.data()[0], Object.keys(o.stateDict().state).join()]; }, (v) => v[0] === 0 && v[1] === '0');
  add('RAdam.loadStateDict of an Adam state_dict', (t) => { const p = p2(t); const a = new t.optim.Adam([p]); p.grad = t.ones([2]); a.step(); new t.optim.RAdam([p]).loadStateDict(a.stateDict()); }, error);
  add('RAdam.loadStateDict of an AdamW state_dict', (t) => { const p = p2(t); const a = new t.optim.AdamW([p]); p.grad = t.ones([2]); a.step(); new t.optim.RAdam([p]).loadStateDict(a.stateDict()); }, error);
  add('RAdam.loadStateDict with a wrong-shaped exp_avg', (t) => { const p = p2(t); const o = new t.optim.RAdam([p]); p.grad = t.ones([2]); o.step(); const sd = o.stateDict(); sd.state[0].exp_avg = t.zeros([5]); new t.optim.RAdam([p]).loadStateDict(sd); }, error);
  add('RAdam.loadStateDict with exp_avg_sq missing', (t) => { const p = p2(t); const o = new t.optim.RAdam([p]); p.grad = t.ones([2]); o.step(); const sd = o.stateDict(); delete sd.state[0].exp_avg_sq; new t.optim.RAdam([p]).loadStateDict(sd); }, error);
  add('RAdam.loadStateDict with a step of 2.5', (t) => { const p = p2(t); const o = new t.optim.RAdam([p]); p.grad = t.ones([2]); o.step(); const sd = o.stateDict(); sd.state[0].step = 2.5; new t.optim.RAdam([p]).loadStateDict(sd); }, error);
  add('RAdam.loadStateDict with other betas', (t) => { const p = p2(t); new t.optim.RAdam([p], { betas: [0.8, 0.9] }).loadStateDict(new t.optim.RAdam([p]).stateDict()); }, error);
  for (const name of ['AdamW', 'RMSprop', 'Adagrad', 'RAdam']) {
    const O = (t) => t.optim[name];
    add(`${name} group without params`, (t) => new (O(t))([{ lr: 0.1 }]), error);
    add(`${name} group with empty params`, (t) => new (O(t))([{ params: [] }]), error);
    add(`${name} group params a tensor, not an array`, (t) => new (O(t))([{ params: p2(t) }]), error);
    add(`${name} group with an unknown key`, (t) => new (O(t))([{ params: [p2(t)], weight_decay: 0.1 }]), error);
    add(`${name} group lr -1`, (t) => new (O(t))([{ params: [p2(t)] }, { params: [p2(t)], lr: -1 }]), error);
    add(`${name} one tensor in two groups`, (t) => { const p = p2(t); return new (O(t))([{ params: [p] }, { params: [p] }]); }, error);
    add(`${name} groups mixed with tensors`, (t) => new (O(t))([{ params: [p2(t)] }, p2(t)]), error);
    add(`${name} paramGroups[1].lr = NaN`, (t) => { new (O(t))([{ params: [p2(t)] }, { params: [p2(t)] }]).paramGroups[1].lr = NaN; }, error);
    add(`${name} paramGroups[1].lr set: only group 1 changes`, (t) => { const o = new (O(t))([{ params: [p2(t)] }, { params: [p2(t)] }], { lr: 0.1 }); o.paramGroups[1].lr = 0.5; return o.stateDict().param_groups.map((g) => g.lr); }, (v) => v[0] === 0.1 && v[1] === 0.5);
    add(`${name}.loadStateDict one group into two`, (t) => new (O(t))([{ params: [p2(t)] }, { params: [p2(t)] }]).loadStateDict(new (O(t))([p2(t), p2(t)]).stateDict()), error);
    add(`${name}.loadStateDict groups of other sizes`, (t) => new (O(t))([{ params: [p2(t)] }, { params: [p2(t), p2(t)] }]).loadStateDict(new (O(t))([{ params: [p2(t), p2(t)] }, { params: [p2(t)] }]).stateDict()), error);
    add(`${name}.loadStateDict group options differ`, (t) => new (O(t))([{ params: [p2(t)] }, { params: [p2(t)], eps: 0.1 }]).loadStateDict(new (O(t))([{ params: [p2(t)] }, { params: [p2(t)] }]).stateDict()), error);
    add(`${name}.loadStateDict state for an id no group lists`, (t) => { const ps = [p2(t), p2(t)]; const o = new (O(t))([{ params: [ps[0]] }, { params: [ps[1]] }]); ps.forEach((p) => (p.grad = t.ones([2]))); o.step(); const sd = o.stateDict(); sd.state[7] = sd.state[0]; new (O(t))([{ params: [p2(t)] }, { params: [p2(t)] }]).loadStateDict(sd); }, error);
  }
}

module.exports = { rnnCases };
