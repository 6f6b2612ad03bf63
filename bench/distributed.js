#!/usr/bin/env node
// Data-parallel training speed: Categorical VAE steps per second for 1 process without a process
// group, and 1 and 2 processes under DistributedDataParallel (Gloo over loopback), at the same
// global batch (strong scaling: 100 split over the ranks) and at the same batch per rank (weak
// scaling). Each worker gets floor(cores / processes) threads, as the launcher does.
// Usage: node bench/distributed.js [steps=60] [batch=100]
'use strict';
const os = require('node:os');
const net = require('node:net');
const { spawn } = require('node:child_process');
const { table } = require('./common');

const WARMUP = 10;

// ---- worker: node bench/distributed.js --worker <steps> <batchPerRank>
function worker(steps, batch) {
  const torch = require('../dist');
  const dist = torch.distributed;
  const distributed = process.env.WORLD_SIZE !== undefined;
  if (distributed) dist.initProcessGroup({ backend: 'gloo', timeout: 120000 });
  const rank = distributed ? dist.getRank() : 0;
  const world = distributed ? dist.getWorldSize() : 1;
  torch.manualSeed(rank);
  const model = new torch.CategoricalVAE();
  const ddp = distributed ? new dist.DistributedDataParallel(model) : undefined;
  const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = torch.data.loadImages('train', { limit: 6000 });
  const sampler = new dist.DistributedSampler(x, { numReplicas: world, rank, seed: 0 });
  const loader = new torch.data.DataLoader(x, { batchSize: batch, sampler, dropLast: true });
  let t0 = 0;
  let done = 0;
  let allReduceMs = 0;
  for (let epoch = 0; done < steps + WARMUP; epoch++) {
    sampler.setEpoch(epoch);
    for (const xb of loader.batches()) {
      if (done === WARMUP) {
        if (distributed) dist.barrier();
        t0 = performance.now();
      }
      torch.scope(() => {
        opt.zeroGrad();
        const { recon, qy } = model.forward(xb, 1.0);
        model.loss(recon, xb, qy).backward();
        opt.step();
      });
      xb.dispose();
      if (++done === steps + WARMUP) break;
    }
  }
  if (distributed) dist.barrier();
  const seconds = (performance.now() - t0) / 1000;
  if (distributed) {
    // The all-reduce alone, on a buffer the size of all gradients.
    const g = torch.zeros([model.parameters().reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0)]);
    const a0 = performance.now();
    for (let i = 0; i < 20; i++) dist.allReduce(g);
    allReduceMs = (performance.now() - a0) / 20;
  }
  ddp?.dispose();
  if (distributed) dist.destroyProcessGroup();
  if (rank === 0) process.stdout.write(JSON.stringify({ seconds, steps, allReduceMs }) + '\n');
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function job(nproc, batch, steps, distributed) {
  const port = await freePort();
  const threads = String(Math.max(1, Math.floor(os.availableParallelism() / nproc)));
  const runs = Array.from({ length: nproc }, (_, rank) => {
    const env = { ...process.env, OMP_NUM_THREADS: threads };
    for (const k of ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT']) delete env[k];
    if (distributed) Object.assign(env, { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(nproc), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) });
    const child = spawn(process.execPath, [__filename, '--worker', String(steps), String(batch)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker ${rank} exited with ${code}`)))));
  });
  const outs = await Promise.all(runs);
  return JSON.parse(outs[0].trim().split('\n').pop());
}

async function main() {
  const steps = Number(process.argv[2] || 60);
  const batch = Number(process.argv[3] || 100);
  const rows = [];
  const add = (label, nproc, perRank, r) => {
    const sps = r.steps / r.seconds;
    rows.push([label, String(nproc), String(perRank), String(perRank * nproc), sps, sps * perRank * nproc, r.allReduceMs ? r.allReduceMs : '-']);
  };
  add('alone (no process group)', 1, batch, await job(1, batch, steps, false));
  add('DDP, 1 process', 1, batch, await job(1, batch, steps, true));
  add('DDP, 2 processes, same global batch', 2, batch / 2, await job(2, batch / 2, steps, true));
  add('DDP, 2 processes, same batch per rank', 2, batch, await job(2, batch, steps, true));
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`Categorical VAE (784-512-256-300, Adam), CPU, Gloo over loopback; ${steps} timed steps after ${WARMUP} warmup`);
  console.log(`machine: ${os.cpus()[0].model}, ${os.availableParallelism()} cores, load average ${load} (shared with other work: figures are indicative)`);
  console.log(table(['run', 'processes', 'batch/rank', 'global batch', 'steps/s', 'samples/s', 'all-reduce of all grads (ms)'], rows));
}

if (process.argv[2] === '--worker') worker(Number(process.argv[3]), Number(process.argv[4]));
else main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
