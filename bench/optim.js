#!/usr/bin/env node
// Optimizer step time against PyTorch eager in the same run (bench/optim_pytorch.py, single-tensor
// loops: foreach=False, torch 1.13's CPU default), over the seed VAE's parameter shapes.
//   node bench/optim.js [threads]     (needs dist/: npx tsc -p tsconfig.json)
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
const py = spawnSync('/usr/bin/python3', [path.join(__dirname, 'optim_pytorch.py'), String(threads)], { encoding: 'utf8', env: referenceEnv() });
if (py.status !== 0) throw new Error(`optim_pytorch.py failed: ${py.stderr}`);
const ref = JSON.parse(py.stdout);
const rows = Object.entries(SETS).map(([name, make]) => {
  torch.manualSeed(0);
  const ps = SHAPES.map((s) => torch.randn(s).requiresGrad_());
  torch.scope(() => ps.forEach((p) => (p.grad = torch.randn(p.shape).mul(1e-3))));
  const opt = make(ps);
  const ms = timeMs(() => opt.step(), () => undefined, { warmup: 20, iters: 50, reps: 5 });
  return [name, ms, ref[name], ms / ref[name]];
});
console.log(`optimizer step, ${threads} thread(s), ${require('node:os').cpus()[0].model}, node ${process.version}`);
console.log(table(['optimizer', 'ours ms/step', 'PyTorch ms/step', 'ratio'], rows));
