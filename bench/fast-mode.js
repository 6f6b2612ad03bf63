#!/usr/bin/env node
// --fast against the default on 1 and 2 cores (issue 18): the seed's step (bench/vae-steps.js) with no
// fast kernel and with setFastCpu, pinned with taskset to 1 core (OpenBLAS 1 thread) or 2 cores (as
// found), on this CPU as it is and with oneDNN held to AVX2 (DNNL_MAX_CPU_ISA=AVX2: a Zen without
// AVX-512, where oneDNN's edge over OpenBLAS is small). Rounds alternate; each row keeps its best.
// Usage: node bench/fast-mode.js [--steps 150] [--rounds 2]   (build first: npx tsc -p tsconfig.json)
'use strict';
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const { table } = require('./common');

const { values: a } = parseArgs({ options: { steps: { type: 'string', default: '150' }, rounds: { type: 'string', default: '2' } } });
const [steps, rounds] = [Number(a.steps), Number(a.rounds)];
const cores = Math.min(2, os.cpus().length);
const layouts = [
  { cores: 1, cpus: '0', env: { OPENBLAS_NUM_THREADS: '1' } },
  ...(cores > 1 ? [{ cores: 2, cpus: '0,1', env: {} }] : []),
];
const isas = [
  { name: 'as found', env: {} },
  { name: 'oneDNN AVX2 only', env: { DNNL_MAX_CPU_ISA: 'AVX2', ONEDNN_MAX_CPU_ISA: 'AVX2' } },
];
const best = new Map();
for (let r = 0; r < rounds; r++) {
  for (const l of layouts) {
    for (const isa of isas) {
      for (const fast of ['none', 'cpu']) {
        const key = `${l.cores}|${isa.name}|${fast}`;
        const res = spawnSync('taskset', ['-c', l.cpus, process.execPath, path.join(__dirname, 'vae-steps.js'), String(steps), 'single-pass', fast], {
          encoding: 'utf8',
          env: { ...process.env, ...l.env, ...isa.env, GT_PRINT_FAST_KERNELS: '1' },
        });
        if (res.status !== 0) throw new Error(res.stderr);
        const o = JSON.parse(res.stdout.trim().split('\n').pop());
        const b = best.get(key) ?? { ms: Infinity, cpuMs: Infinity };
        best.set(key, { ms: Math.min(b.ms, o.ms), cpuMs: Math.min(b.cpuMs, o.cpuMs), kernels: o.kernels ?? b.kernels });
      }
    }
  }
}
const rows = [];
for (const l of layouts)
  for (const isa of isas) {
    const d = best.get(`${l.cores}|${isa.name}|none`);
    const f = best.get(`${l.cores}|${isa.name}|cpu`);
    rows.push([String(l.cores), isa.name, d.ms, f.ms, f.ms / d.ms, d.cpuMs, f.cpuMs, f.kernels ?? '']);
  }
console.log(`Seed step, ms (best of ${rounds} alternating rounds of ${steps} steps), CPU ${os.cpus()[0].model}, load average ${os.loadavg()[0].toFixed(1)} at the end`);
console.log(table(['cores', 'oneDNN ISA', 'default wall', '--fast wall', 'fast / default', 'default CPU', '--fast CPU', 'fast Linear kernels (per shape)'], rows));
