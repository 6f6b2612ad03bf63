// Misuse cases for optim (SGD, AdamW, RMSprop, Adagrad), optim.lrScheduler and nn.utils: bad
// hyperparameters, wrong order, state_dicts that do not fit. Called from bench/misuse.js's buildCases;
// the options-object cases (wrong keys, non-objects) are in its `calls` table.
'use strict';

function optimCases(add) {
  const error = 'error';
  const sgd = (t, o = {}) => new t.optim.SGD([t.zeros([2]).requiresGrad_()], { lr: 0.1, ...o });
  const S = (t) => t.optim.lrScheduler;
  for (const lr of [-0.1, NaN, Infinity, '0.1', null]) add(`SGD lr ${String(lr)}`, (t) => sgd(t, { lr }), error);
  for (const [k, v] of [['momentum', -1], ['weightDecay', -0.1], ['dampening', NaN], ['nesterov', 1], ['maximize', 'yes']]) add(`SGD ${k} ${String(v)}`, (t) => sgd(t, { [k]: v }), error);
  add('SGD nesterov without momentum', (t) => sgd(t, { nesterov: true }), error);
  add('SGD nesterov with dampening', (t) => sgd(t, { nesterov: true, momentum: 0.9, dampening: 0.5 }), error);
  add('SGD without options (torch 1.13 has no default lr)', (t) => new t.optim.SGD([t.zeros([1]).requiresGrad_()]), error);
  add('SGD over a disposed parameter', (t) => { const p = t.zeros([2]).requiresGrad_(); const o = new t.optim.SGD([p], { lr: 0.1 }); p.dispose(); o.step(); }, error);
  add('SGD lr set to -1', (t) => { sgd(t).lr = -1; }, error);
  add('SGD.loadStateDict of an Adam state_dict', (t) => { const p = t.zeros([2]).requiresGrad_(); const a = new t.optim.Adam([p]); p.grad = t.ones([2]); a.step(); new t.optim.SGD([p], { lr: 0.1, momentum: 0.9 }).loadStateDict(a.stateDict()); }, error);
  add('SGD.loadStateDict with a wrong-shaped momentum_buffer', (t) => sgd(t, { momentum: 0.9 }).loadStateDict({ state: { 0: { momentum_buffer: t.zeros([3]) } }, param_groups: [{ lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0] }] }), error);
  add('SGD step with momentum: PyTorch\'s first step', (t) => { const o = sgd(t, { momentum: 0.9 }); o.params[0].grad = t.ones([2]); o.step(); return o.params[0].data(); }, (v) => v[0] === Math.fround(-0.1) && v[1] === Math.fround(-0.1));
  for (const name of ['AdamW', 'RMSprop', 'Adagrad']) {
    const mk = (t, o) => new t.optim[name]([t.zeros([2]).requiresGrad_()], o);
    for (const lr of [-1, NaN, Infinity, '0.01']) add(`${name} lr ${String(lr)}`, (t) => mk(t, { lr }), error);
    add(`${name} weightDecay -1`, (t) => mk(t, { weightDecay: -1 }), error);
    add(`${name} eps -1`, (t) => mk(t, { eps: -1 }), error);
    add(`${name} over no parameters`, (t) => new t.optim[name]([]), error);
    add(`${name} over a disposed parameter`, (t) => { const p = t.zeros([2]).requiresGrad_(); const o = new t.optim[name]([p]); p.dispose(); o.step(); }, error);
    add(`${name}.loadStateDict of an SGD state_dict`, (t) => { const p = t.zeros([2]).requiresGrad_(); const s = new t.optim.SGD([p], { lr: 0.1, momentum: 0.9 }); p.grad = t.ones([2]); s.step(); new t.optim[name]([p]).loadStateDict(s.stateDict()); }, error);
    add(`${name}.loadStateDict with a wrong-shaped state tensor`, (t) => { const p = t.zeros([2]).requiresGrad_(); const o = new t.optim[name]([p]); p.grad = t.ones([2]); o.step(); const sd = o.stateDict(); for (const k of Object.keys(sd.state[0])) if (k !== 'step') sd.state[0][k] = t.zeros([5]); new t.optim[name]([p]).loadStateDict(sd); }, error);
    add(`${name}.loadStateDict with a negative step`, (t) => { const p = t.zeros([2]).requiresGrad_(); const o = new t.optim[name]([p]); p.grad = t.ones([2]); o.step(); const sd = o.stateDict(); sd.state[0].step = -3; new t.optim[name]([p]).loadStateDict(sd); }, error);
    add(`${name} step on a gradient of another shape`, (t) => { const p = t.zeros([2]).requiresGrad_(); const o = new t.optim[name]([p]); p.grad = t.ones([3]); o.step(); }, error);
  }
  add('AdamW betas [1, 0.999]', (t) => new t.optim.AdamW([t.zeros([1]).requiresGrad_()], { betas: [1, 0.999] }), error);
  add('AdamW betas 0.9', (t) => new t.optim.AdamW([t.zeros([1]).requiresGrad_()], { betas: 0.9 }), error);
  add('RMSprop centered "yes"', (t) => new t.optim.RMSprop([t.zeros([1]).requiresGrad_()], { centered: 'yes' }), error);
  add('clipGradNorm_ on a number', (t) => t.nn.utils.clipGradNorm_(3, 1), error);
  add('clipGradNorm_ maxNorm NaN', (t) => t.nn.utils.clipGradNorm_([t.zeros([1]).requiresGrad_()], NaN), error);
  add('clipGradNorm_ of an infinite gradient with errorIfNonfinite', (t) => { const p = t.zeros([2]).requiresGrad_(); p.grad = t.tensor([Infinity, 1]); t.nn.utils.clipGradNorm_([p], 1, { errorIfNonfinite: true }); }, error);
  add('clipGradNorm_ clips to maxNorm', (t) => { const p = t.zeros([2]).requiresGrad_(); p.grad = t.tensor([3, 4]); const n = t.nn.utils.clipGradNorm_([p], 1).item(); return [n, ...p.grad.data()]; }, (v) => v[0] === 5 && Math.abs(v[1] - 0.6) < 1e-6 && Math.abs(v[2] - 0.8) < 1e-6);
  add('clipGradValue_ with a string', (t) => t.nn.utils.clipGradValue_([t.zeros([1]).requiresGrad_()], '1'), error);
  add('vectorToParameters with too short a vector', (t) => t.nn.utils.vectorToParameters(t.zeros([2]), [t.zeros([3]).requiresGrad_()]), error);
  add('vectorToParameters with a 2-D vector', (t) => t.nn.utils.vectorToParameters(t.zeros([3, 1]), [t.zeros([3]).requiresGrad_()]), error);
  add('vectorToParameters with an int64 vector', (t) => t.nn.utils.vectorToParameters(t.zeros([3], { dtype: 'int64' }), [t.zeros([3]).requiresGrad_()]), error);
  add('parametersToVector of a disposed tensor', (t) => { const p = t.zeros([2]); p.dispose(); t.nn.utils.parametersToVector([p]); }, error);
  add('StepLR with a plain object for an optimizer', (t) => new (S(t).StepLR)({}, { stepSize: 1 }), error);
  add('StepLR stepSize 0', (t) => new (S(t).StepLR)(sgd(t), { stepSize: 0 }), error);
  add('MultiStepLR milestones not an array', (t) => new (S(t).MultiStepLR)(sgd(t), { milestones: 3 }), error);
  add('CosineAnnealingLR tMax 0', (t) => new (S(t).CosineAnnealingLR)(sgd(t), { tMax: 0 }), error);
  add('LambdaLR with a number', (t) => new (S(t).LambdaLR)(sgd(t), 0.5), error);
  add('LambdaLR whose function returns a string', (t) => new (S(t).LambdaLR)(sgd(t), () => 'x'), error);
  add('OneCycleLR without totalSteps', (t) => new (S(t).OneCycleLR)(sgd(t, { momentum: 0.9 }), { maxLr: 1 }), error);
  add('OneCycleLR on Adam with cycleMomentum', (t) => new (S(t).OneCycleLR)(new t.optim.Adam([t.zeros([1]).requiresGrad_()]), { maxLr: 1, totalSteps: 5 }), error);
  add('OneCycleLR stepped past totalSteps', (t) => { const s = new (S(t).OneCycleLR)(sgd(t, { momentum: 0.9 }), { maxLr: 1, totalSteps: 2 }); for (let i = 0; i < 3; i++) s.step(); }, error);
  add('OneCycleLR with a negative maxLr (SGD refuses the lr)', (t) => new (S(t).OneCycleLR)(sgd(t, { momentum: 0.9 }), { maxLr: -1, totalSteps: 4 }), error);
  add('ReduceLROnPlateau factor 1', (t) => new (S(t).ReduceLROnPlateau)(sgd(t), { factor: 1 }), error);
  add('ReduceLROnPlateau step without a metric', (t) => new (S(t).ReduceLROnPlateau)(sgd(t)).step(), error);
  add('ReduceLROnPlateau step with a two-element tensor', (t) => new (S(t).ReduceLROnPlateau)(sgd(t)).step(t.zeros([2])), error);
  add('StepLR.loadStateDict of a ReduceLROnPlateau state_dict', (t) => { const o = sgd(t); new (S(t).StepLR)(o, { stepSize: 2 }).loadStateDict(new (S(t).ReduceLROnPlateau)(o).stateDict()); }, error);
  add('scheduler stepped before the optimizer: PyTorch warns, the schedule is PyTorch\'s', (t) => {
    const warned = [];
    const orig = process.emitWarning;
    process.emitWarning = (m) => warned.push(String(m));
    try {
      const o = sgd(t);
      const s = new (S(t).StepLR)(o, { stepSize: 1, gamma: 0.5 });
      s.step();
      return { warned, lr: o.lr };
    } finally {
      process.emitWarning = orig;
    }
  }, (r) => r.warned.length === 1 && /before optimizer.step/.test(r.warned[0]) && r.lr === 0.05);

}

module.exports = { optimCases };
