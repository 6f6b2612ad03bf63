#!/usr/bin/env node
// The k-NN experiment's full run from the library entry point (torch.tasks.knn.train), printing the
// tutorial's per-epoch line and progress every 50 steps, writing metrics.json, model.pt (the ConvNet's
// state dict after each epoch) and neighbors.png. SIGTERM/SIGINT, or the time KNN_STOP_AT (ISO), stops
// training after the current step and still runs the exact k-NN test, so a run cut short reports one.
// Usage: [KNN_THREADS=2] [KNN_STOP_AT=...] node scripts/knn-train.js [outDir] [epochs]   (after npx tsc)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const torch = require('../dist');

const out = process.argv[2] ?? 'runs/knn';
const epochs = Number(process.argv[3] ?? 19);
if (process.env.KNN_THREADS) torch.setNumThreads(Number(process.env.KNN_THREADS));
const stopAt = process.env.KNN_STOP_AT ? Date.parse(process.env.KNN_STOP_AT) : Infinity;
let stopped = '';
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => (stopped = sig));
fs.mkdirSync(out, { recursive: true });
const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(0);
console.log(`threads ${torch.getNumThreads()}, ${epochs} epochs, started ${new Date().toISOString()}`);
const epochsSeen = [];
let model;
const origCreate = torch.tasks.knn.knnTask.create;
// Keep a handle on the session's model to save it per epoch (the entry point disposes it at the end).
torch.tasks.knn.knnTask.create = (...a) => {
  const s = origCreate(...a);
  model = s.model;
  return s;
};
const result = torch.tasks.knn.train({
  seed: 0,
  epochs,
  picture: path.join(out, 'neighbors.png'),
  onStep: (e, s, n, m) => {
    if (s % 50 === 0) console.log(`epoch ${e} step ${s}/${n} loss ${m.loss.toFixed(4)} correctness ${m.correctness.toFixed(4)} (${since()} s)`);
    if (!stopped && Date.now() >= stopAt) stopped = 'KNN_STOP_AT';
    if (stopped) console.log(`stopping at epoch ${e} step ${s}/${n} (${stopped}); the test follows`);
    return stopped ? false : undefined;
  },
  onEpoch: (m) => {
    epochsSeen.push(m);
    console.log(`Beginning epoch ${m.epoch}: Avg. train correctness of top k: ${m.correctness} (${m.steps} steps, ${m.seconds.toFixed(1)} s, total ${since()} s)`);
    fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify({ epochs: epochsSeen }, null, 1));
    torch.save(model.stateDict(), path.join(out, 'model.pt'));
  },
});
console.log(`Avg. test acc: ${result.testAccuracy} (test ${result.testSeconds.toFixed(1)} s, total ${since()} s${stopped ? `, stopped early by ${stopped}` : ''})`);
fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify({ ...result, stoppedBy: stopped || null, wallSeconds: (Date.now() - t0) / 1000 }, null, 1));
