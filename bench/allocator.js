#!/usr/bin/env node
// CPU allocator effect on the Categorical VAE step (MNIST, synchronous loop in scope()): step time,
// page faults and memory growth for each allocator (see lib/allocator.ts), one child process per run,
// the allocators interleaved round by round so that a shared machine's load hits them alike.
// Usage: node bench/allocator.js [rounds=5] [steps=300] [batch=100] [allocators=libtorch,malloc,cache]
'use strict';
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const { table } = require('./common');

function child(steps, batch) {
  const torch = require('../dist');
  const { native } = require('../dist/native');
  torch.manualSeed(0);
  const train = torch.data.loadImages('train', { limit: 20000 });
  const model = new torch.CategoricalVAE();
  const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
  const batches = Math.floor(train.shape[0] / batch);
  const step = (i) =>
    torch.scope(() => {
      const x = train.narrow(0, (i % batches) * batch, batch);
      opt.zeroGrad();
      const { recon, qy } = model.forward(x, 1.0);
      model.loss(recon, x, qy).backward();
      opt.step();
    });
  for (let i = 0; i < 50; i++) step(i);
  const rss0 = process.memoryUsage().rss;
  const heap0 = native._mallocInfo().heapBytes;
  const ru0 = process.resourceUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) step(i);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const ru = process.resourceUsage();
  const cpu = (ru.userCPUTime + ru.systemCPUTime - ru0.userCPUTime - ru0.systemCPUTime) / 1000;
  process.stdout.write(
    JSON.stringify({
      ms: wall / steps,
      cpuMs: cpu / steps,
      faults: (ru.minorPageFault - ru0.minorPageFault) / steps,
      rssMB: (process.memoryUsage().rss - rss0) / 2 ** 20,
      heapMB: (native._mallocInfo().heapBytes - heap0) / 2 ** 20,
    }),
  );
}

function main() {
  const rounds = Number(process.argv[2] || 5);
  const steps = Number(process.argv[3] || 300);
  const batch = Number(process.argv[4] || 100);
  const kinds = (process.argv[5] || 'libtorch,malloc,cache').split(',');
  const runs = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const k of kinds) {
      const c = spawnSync(process.execPath, [__filename, '--child', String(steps), String(batch)], {
        encoding: 'utf8',
        env: { ...process.env, GT_CPU_ALLOCATOR: k },
      });
      if (c.status !== 0) throw new Error(`${k}: exited with ${c.status}\n${c.stderr}`);
      runs[k].push(JSON.parse(c.stdout));
    }
    process.stderr.write(`round ${r + 1}/${rounds} done\n`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const base = median(runs[kinds[0]].map((x) => x.ms));
  const rows = kinds.map((k) => {
    const m = (f) => median(runs[k].map(f));
    return [k, m((x) => x.ms), m((x) => x.cpuMs), (m((x) => x.ms) / base).toFixed(3), m((x) => x.faults).toFixed(0), m((x) => x.rssMB).toFixed(1), m((x) => x.heapMB).toFixed(1)];
  });
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Categorical VAE batch ${batch}, ${steps} steps after 50, median of ${rounds} interleaved rounds; ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(table(['allocator', 'ms/step', 'CPU ms/step', `vs ${kinds[0]}`, 'page faults/step', 'RSS growth MiB', 'glibc heap growth MiB'], rows));
}

if (process.argv[2] === '--child') child(Number(process.argv[3]), Number(process.argv[4]));
else main();
