#!/usr/bin/env node
// NRI training step (the tutorial's model and settings: batch 128, 49 frames, hidden 256, Adam 5e-4),
// ours against the faithful PyTorch port (scripts/nri_pytorch.py bench) in one run, on 1 and all cores.
// Usage: node bench/nri.js [STEPS=5] [BATCH=128]. Each side times STEPS steps after 2 warm-up steps;
// the table gives median milliseconds per step and the ratio (ours / PyTorch eager; < 1 is faster).
'use strict';
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { table, python, root, referenceEnv } = require('./common');

const steps = Number(process.argv[2] || 5);
const batch = Number(process.argv[3] || 128);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(batch) || batch < 2) {
  console.error('usage: node bench/nri.js [STEPS] [BATCH]');
  process.exit(2);
}

/** Our step, in a child so that thread counts are set before LibTorch starts. */
const OURS = `
const torch = require(${JSON.stringify(path.join(root, 'dist'))});
const { Nri } = require(${JSON.stringify(path.join(root, 'dist', 'tasks', 'nri', 'model'))});
torch.manualSeed(0);
const model = new Nri();
const opt = new torch.optim.Adam(model.parameters(), { lr: 5e-4 });
torch.manualSeed(7);
const data = torch.rand([${batch}, 5, 49, 4]).mul(2).sub(1);
const times = [];
for (let s = 0; s < ${steps} + 2; s++) {
  const t0 = process.hrtime.bigint();
  torch.scope(() => {
    opt.zeroGrad();
    const out = model.forward(data);
    out.loss.backward();
    opt.step();
    out.loss.item();
  });
  if (s >= 2) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
console.log(JSON.stringify({ ms: times, threads: torch.getNumThreads() }));
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function run(cmd, args, threads) {
  const env = referenceEnv({ OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) });
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const py = python();
const rows = [];
for (const threads of [...new Set([1, os.availableParallelism()])]) {
  const ours = median(run(process.execPath, ['-e', OURS], threads).ms);
  const theirs = py ? median(run(py, [path.join(root, 'scripts', 'nri_pytorch.py'), 'bench', String(batch), String(steps), String(threads)], threads).ms) : NaN;
  rows.push([String(threads), ours, theirs, ours / theirs]);
}
console.log(`NRI training step, batch ${batch}, ${steps} timed steps each (${os.cpus()[0].model}, load ${os.loadavg()[0].toFixed(1)})`);
console.log(table(['threads', 'gumbel-torch ms', 'PyTorch eager ms', 'ratio'], rows));
if (!py) console.log('PyTorch not found (/usr/bin/python3 or python3 with torch): its column is NaN');
