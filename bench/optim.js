#!/usr/bin/env node
// Optimizer step time against PyTorch eager in the same run (bench/optim_pytorch.py, single-tensor
// loops: foreach=False, torch 1.13's CPU default), over the seed VAE's parameter shapes.
//   node bench/optim.js [threads] [rounds=3]     (needs dist/: npx tsc -p tsconfig.json)
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { timeMs, table, referenceEnv } = require('./common');
const torch = require('../dist');

const threads = Number(process.argv[2] ?? torch.getNumThreads());
torch.setNumThreads(threads);
const SHAPES = [[512, 784], [512], [256, 512], [256], [300, 256], [300], [256, 300], [256], [512, 256], [512], [784, 512], [784]];
const SETS = {
  'SGD momentum+nesterov+wd': (ps) => new torch.optim.SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }),
  AdamW: (ps) => new torch.optim.AdamW(ps),
  'RMSprop centered+momentum': (ps) => new torch.optim.RMSprop(ps, { momentum: 0.9, centered: true }),
  Adagrad: (ps) => new torch.optim.Adagrad(ps),
};
const rounds = Number(process.argv[3] ?? 3);
if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be an integer >= 1, got ${process.argv[3]}`);
/** ms per step of each optimizer on our side (fresh parameters each, gradients fixed). */
function ours() {
  return Object.fromEntries(
    Object.entries(SETS).map(([name, make]) => {
      torch.manualSeed(0);
      const ps = SHAPES.map((s) => torch.randn(s).requiresGrad_());
      torch.scope(() => ps.forEach((p) => (p.grad = torch.randn(p.shape).mul(1e-3))));
      const opt = make(ps);
      const ms = timeMs(() => opt.step(), () => undefined, { warmup: 20, iters: 50, reps: 5 });
      ps.forEach((p) => p.dispose());
      return [name, ms];
    }),
  );
}
/** The same on PyTorch's side, in a fresh process. */
function reference() {
  const py = spawnSync('/usr/bin/python3', [path.join(__dirname, 'optim_pytorch.py'), String(threads)], { encoding: 'utf8', env: referenceEnv() });
  if (py.status !== 0) throw new Error(`optim_pytorch.py failed: ${py.stderr}`);
  return JSON.parse(py.stdout);
}
// Rounds alternate between the sides and each keeps its best, so that load from other processes on
// a shared machine does not fall on one side only.
const best = { ours: {}, ref: {} };
const keep = (side, r) => Object.entries(r).forEach(([k, v]) => (best[side][k] = Math.min(best[side][k] ?? Infinity, v)));
for (let r = 0; r < rounds; r++) {
  keep('ref', reference());
  keep('ours', ours());
}
const rows = Object.keys(SETS).map((name) => [name, best.ours[name], best.ref[name], best.ours[name] / best.ref[name]]);
console.log(`optimizer step, ${threads} thread(s), best of ${rounds} alternating rounds, ${require('node:os').cpus()[0].model}, node ${process.version}`);
console.log(table(['optimizer', 'ours ms/step', 'PyTorch ms/step', 'ratio'], rows));
