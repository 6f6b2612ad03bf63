#!/usr/bin/env node
// Memory soak: RSS of the Categorical VAE trained in plain loops (batch 100, MNIST), printed every
// 1000 steps, one child process per loop style so each starts from a fresh heap.
// Usage: node bench/soak.js [steps=10000] [batch=100] [variants=scope,dispose,await]
// GT_CPU_ALLOCATOR=libtorch node bench/soak.js ... shows the loops on LibTorch's own allocator (before).
//   scope    synchronous loop, each step inside torch.scope()
//   dispose  synchronous loop, every tensor the step returns disposed by hand
//   await    no dispose at all; the loop awaits once per step (the GC and finalizers reclaim)
//   nodispose  no dispose and no await (only the GC's finalizers, which need the event loop: grows)
'use strict';
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const { table } = require('./common');

const VARIANTS = ['scope', 'dispose', 'await', 'nodispose'];

async function child(variant, steps, batch, every) {
  const torch = require('../dist');
  torch.manualSeed(0);
  const train = torch.data.loadImages('train');
  const model = new torch.CategoricalVAE();
  const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
  const batches = Math.floor(train.shape[0] / batch);
  const step = (i) => {
    const x = train.narrow(0, (i % batches) * batch, batch);
    opt.zeroGrad();
    const { recon, qy } = model.forward(x, 1.0);
    const loss = model.loss(recon, x, qy);
    loss.backward();
    opt.step();
    return [x, recon, qy, loss];
  };
  const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const rows = [[0, rss(), torch.memory().liveTensors]];
  for (let i = 1; i <= steps; i++) {
    if (variant === 'scope') torch.scope(() => void step(i));
    else if (variant === 'dispose') for (const t of step(i)) t.dispose();
    else step(i);
    if (variant === 'await') await new Promise((r) => setImmediate(r));
    if (i % every === 0) rows.push([i, rss(), torch.memory().liveTensors]);
  }
  process.stdout.write(JSON.stringify(rows));
}

function main() {
  const steps = Number(process.argv[2] || 10000);
  const batch = Number(process.argv[3] || 100);
  const variants = (process.argv[4] || 'scope,dispose,await').split(',');
  for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant '${v}' (${VARIANTS.join(', ')})`);
  const every = Math.max(1, Math.min(1000, Math.floor(steps / 10)));
  const results = {};
  for (const v of variants) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [__filename, '--child', v, String(steps), String(batch), String(every)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${v}: exited with ${r.status}\n${r.stderr}`);
    results[v] = JSON.parse(r.stdout);
    console.error(`${v}: ${((Date.now() - t0) / 1000).toFixed(0)} s (${((Date.now() - t0) / steps).toFixed(1)} ms/step)`);
  }
  const rows = results[variants[0]].map((row, k) => [String(row[0]), ...variants.map((v) => `${results[v][k][1]}`)]);
  rows.push(['growth after step ' + every, ...variants.map((v) => `${results[v][results[v].length - 1][1] - results[v][1][1]}`)]);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const allocator = process.env.GT_CPU_ALLOCATOR || 'cache';
  console.log(`RSS in MiB, Categorical VAE batch ${batch}, ${steps} steps, CPU allocator '${allocator}'; ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString().slice(0, 16)}`);
  console.log(table(['step', ...variants], rows));
}

if (process.argv[2] === '--child') {
  child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main();
}
