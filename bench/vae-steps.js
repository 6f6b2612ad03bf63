#!/usr/bin/env node
// One configuration of the seed step, for bench/vae.js's CPU ablation: the trainer's step body
// (training step + unrelaxed monitor on the same batch, losses summed on the device) over shuffled
// MNIST, after 20 warmup steps. Usage: node bench/vae-steps.js STEPS [adam=single-pass|libtorch]
// [fast=none|linear|cpu] (none; setFastLinear; setFastCpu); prints one JSON line {ms, cpuMs, relaxed, unrelaxed, singlePass}.
// Thread settings come from the environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS).
'use strict';
const torch = require('../dist');

const steps = Number(process.argv[2] || 300);
const adam = process.argv[3] || 'single-pass';
const fast = process.argv[4] || 'none';
if (!Number.isInteger(steps) || steps < 1 || !['single-pass', 'libtorch'].includes(adam) || !['none', 'linear', 'cpu'].includes(fast)) {
  console.error('usage: node bench/vae-steps.js STEPS [single-pass|libtorch] [none|linear|cpu]');
  process.exit(2);
}
if (fast === 'linear') torch.setFastLinear(true);
if (fast === 'cpu') torch.setFastCpu(true);
torch.manualSeed(0);
const model = new torch.CategoricalVAE();
const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3, fused: adam === 'libtorch' ? false : 'auto' });
const train = torch.data.loadImages('train');
const loader = new torch.data.DataLoader(train, { batchSize: 100, shuffle: true });
const relaxedSum = torch.zeros([], { dtype: 'float64' });
const unrelaxedSum = torch.zeros([], { dtype: 'float64' });

function step(x) {
  torch.scope(() => {
    opt.zeroGrad();
    const { recon, qy } = model.forward(x, 1.0);
    const loss = model.loss(recon, x, qy);
    loss.backward();
    opt.step();
    relaxedSum.add_(loss.detach().to('float64').mul(100));
    torch.noGrad(() => {
      const ev = model.forward(x, 1.0, { evaluate: true });
      unrelaxedSum.add_(model.loss(ev.recon, x, ev.qy).to('float64').mul(100));
    });
  });
}

function run(n) {
  for (let done = 0; done < n; ) {
    for (const x of loader.batches()) {
      if (done === n) {
        x.dispose();
        break;
      }
      step(x);
      x.dispose();
      done++;
    }
  }
}

run(20);
relaxedSum.zero_();
unrelaxedSum.zero_();
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
run(steps);
const relaxed = relaxedSum.item() / (steps * 100);
const t1 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
console.log(JSON.stringify({
  ms: Number(t1 - t0) / 1e6 / steps,
  cpuMs: (cpu.user + cpu.system) / 1000 / steps,
  relaxed,
  unrelaxed: unrelaxedSum.item() / (steps * 100),
  singlePass: opt.singlePass,
  // GT_PRINT_FAST_KERNELS: which kernel the fast Linear chose per shape (bench/fast-mode.js)
  ...(process.env.GT_PRINT_FAST_KERNELS ? { kernels: torch.fastLinearKernels().map((k) => k.kernel).join(' ') } : {}),
}));
