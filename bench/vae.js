#!/usr/bin/env node
// Categorical VAE epoch time: our trainer against the PyTorch reference programs (../shared/reference),
// in the same run on the same device. Usage: node bench/vae.js [epochs=3] [cpu|cuda]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const torch = require('../dist');
const { Trainer } = require('../dist/train/trainer');
const { SEED_DEFAULTS } = require('../dist/train/config');
const { table, referenceDir, mnistWorkdir, python } = require('./common');

const epochs = Number(process.argv[2] || 3);
const device = process.argv[3] || (torch.cuda.isAvailable() ? 'cuda' : 'cpu');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function ours(fusedAdam) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-bench-vae-'));
  const r = await new Trainer({ ...SEED_DEFAULTS, epochs, device, out, logEvery: 100 }).run();
  r.model.dispose();
  const steady = r.metrics.length > 1 ? r.metrics.slice(1) : r.metrics;
  const last = r.metrics[r.metrics.length - 1];
  return { s: median(steady.map((m) => m.trainSeconds)), first: r.metrics[0].trainSeconds, last, fusedAdam };
}

function reference(program, args, env) {
  const py = python();
  const dir = referenceDir();
  if (!py || !dir) return { error: 'no Python torch or no reference programs' };
  const work = mnistWorkdir();
  const log = path.join(work, 'log.json');
  const r = spawnSync(py, [path.join(dir, program), ...args, log], { cwd: work, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) return { error: r.stderr.split('\n').filter(Boolean).slice(-1)[0] };
  const rows = JSON.parse(fs.readFileSync(log, 'utf8'));
  const steady = rows.length > 1 ? rows.slice(1) : rows;
  return { s: median(steady.map((m) => m.train_s)), first: rows[0].train_s, last: rows[rows.length - 1] };
}

// graph_vae.py prints one line per epoch ("graph B=100 epoch 1 relaxed ... train 0.345s") and no log.
function referenceGraph(n) {
  const py = python();
  const dir = referenceDir();
  if (!py || !dir) return { error: 'no Python torch or no reference programs' };
  const r = spawnSync(py, [path.join(dir, 'graph_vae.py'), String(n)], { cwd: mnistWorkdir(), encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.split('\n').filter(Boolean).slice(-1)[0] };
  const rows = [...r.stdout.matchAll(/epoch (\d+) relaxed ([\d.]+) unrelaxed ([\d.]+) train ([\d.]+)s/g)].map((m) => ({ relaxed: +m[2], unrelaxed: +m[3], train_s: +m[4] }));
  const steady = rows.length > 1 ? rows.slice(1) : rows;
  return { s: median(steady.map((m) => m.train_s)), first: rows[0]?.train_s, last: rows[rows.length - 1] };
}

(async () => {
  const rows = [];
  const mine = await ours();
  rows.push(['gumbel-torch (this)', mine.s, mine.first, mine.last.relaxed, mine.last.unrelaxed, mine.last.test]);
  const devEnv = { DEV: device };
  const tuned = reference('tuned_vae.py', ['eager', String(epochs)], devEnv);
  rows.push(['PyTorch tuned_vae.py eager', tuned.s ?? NaN, tuned.first ?? NaN, tuned.last?.relaxed ?? NaN, tuned.last?.unrelaxed ?? NaN, tuned.last?.eval ?? NaN]);
  if (device === 'cuda') {
    const graph = referenceGraph(epochs);
    rows.push(['PyTorch graph_vae.py (CUDA graph)', graph.s ?? NaN, graph.first ?? NaN, graph.last?.relaxed ?? NaN, graph.last?.unrelaxed ?? NaN, NaN]);
    if (graph.error) console.error('graph_vae.py:', graph.error);
  }
  if (tuned.error) console.error('tuned_vae.py:', tuned.error);
  const d = torch.diagnostics();
  console.log(`Categorical VAE, batch 100, ${epochs} epochs on ${device} (LibTorch ${d.torchVersion}); seconds per training epoch (median after the first)`);
  console.log(table(['program', 's/epoch', 'first epoch s', 'relaxed', 'unrelaxed', 'test'], rows));
  if (!Number.isNaN(rows[1][1])) console.log(`ratio PyTorch tuned eager / gumbel-torch: ${(rows[1][1] / rows[0][1]).toFixed(2)}x`);
})();
