#!/usr/bin/env node
// Gumbel-Softmax micro-benchmark: our fused kernel, the same op composed from ATen ops, and PyTorch's
// F.gumbel_softmax, forward + backward, measured in the same run. Usage: node bench/gumbel.js [cpu|cuda]
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const torch = require('../dist');
const { timeMs, table, python, referenceEnv } = require('./common');

const device = process.argv[2] || (torch.cuda.isAvailable() ? 'cuda' : 'cpu');
const SHAPES = [[100, 30, 10], [1000, 30, 10], [65536, 32], [8192, 256]];
const sync = () => torch.cuda.synchronize();
const iters = device === 'cpu' ? 10 : 100;

function ours(shape, hard) {
  const logits = torch.randn(shape, { device }).requiresGrad_();
  const gout = torch.randn(shape, { device });
  const fn = () =>
    torch.scope(() => {
      const y = torch.gumbelSoftmax(logits, { tau: 0.5, hard });
      y.backward(gout);
      logits.grad = undefined;
    });
  const ms = timeMs(fn, sync, { iters });
  logits.dispose();
  gout.dispose();
  return ms;
}

const rows = [];
const py = python();
const pyTimes = {};
if (py) {
  const r = spawnSync(py, [path.join(__dirname, 'gumbel_pytorch.py'), device, JSON.stringify(SHAPES), String(iters)], { encoding: 'utf8', env: referenceEnv() });
  if (r.status === 0) Object.assign(pyTimes, JSON.parse(r.stdout.trim().split('\n').pop()));
  else console.error('PyTorch side failed:', r.stderr.slice(-2000));
}
for (const shape of SHAPES) {
  for (const hard of [false, true]) {
    torch.setFusedKernels(true);
    const fused = ours(shape, hard);
    torch.setFusedKernels(false);
    const aten = ours(shape, hard);
    torch.setFusedKernels(true);
    const pt = pyTimes[`${JSON.stringify(shape)}/${hard}`];
    rows.push([JSON.stringify(shape), hard, fused, aten, pt ?? NaN, aten / fused, pt ? pt / fused : NaN]);
  }
}
const d = torch.diagnostics();
console.log(`Gumbel-Softmax forward+backward, tau 0.5, ms per call (median of 5), device ${device}, LibTorch ${d.torchVersion}${py ? '' : ' (no Python torch: PyTorch column empty)'}`);
console.log(table(['shape', 'hard', 'ours fused', 'ours ATen-composed', 'PyTorch F.gumbel_softmax', 'ATen/fused', 'PyTorch/fused'], rows));
