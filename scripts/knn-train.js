#!/usr/bin/env node
// The k-NN experiment's full run from the library entry point (torch.tasks.knn.train), printing the
// tutorial's per-epoch line, progress every 50 steps, and writing metrics.json and neighbors.png.
// Usage: node scripts/knn-train.js [outDir] [epochs]   (build first: npx tsc -p tsconfig.json)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const torch = require('../dist');

const out = process.argv[2] ?? 'runs/knn';
const epochs = Number(process.argv[3] ?? 19);
fs.mkdirSync(out, { recursive: true });
const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(0);
console.log(`threads ${torch.getNumThreads()}, ${epochs} epochs, started ${new Date().toISOString()}`);
const epochsSeen = [];
const result = torch.tasks.knn.train({
  seed: 0,
  epochs,
  picture: path.join(out, 'neighbors.png'),
  onStep: (e, s, n, m) => {
    if (s % 50 === 0) console.log(`epoch ${e} step ${s}/${n} loss ${m.loss.toFixed(4)} correctness ${m.correctness.toFixed(4)} (${since()} s)`);
  },
  onEpoch: (m) => {
    epochsSeen.push(m);
    console.log(`Beginning epoch ${m.epoch}: Avg. train correctness of top k: ${m.correctness} (${m.seconds.toFixed(1)} s, total ${since()} s)`);
    fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify({ epochs: epochsSeen }, null, 1));
  },
});
console.log(`Avg. test acc: ${result.testAccuracy} (test ${result.testSeconds.toFixed(1)} s, total ${since()} s)`);
fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify({ ...result, wallSeconds: (Date.now() - t0) / 1000 }, null, 1));
