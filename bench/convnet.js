#!/usr/bin/env node
// The subsets experiment's ConvNet training step (batch 200, SGD with momentum and weight decay)
// against PyTorch eager (bench/convnet_pytorch.py) in the same run, same protocol: warmup, median of
// 5 reps; rounds alternate between the two sides and each keeps its best, wall and CPU time.
// Usage: node bench/convnet.js [--iters 20] [--rounds 3] [--threads N]   (build first: npx tsc -p tsconfig.json)
'use strict';
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const torch = require('../dist');
const { timeMs, table, python, referenceEnv } = require('./common');
const { cpuMs } = require('./cpu-time');

const { values: a } = parseArgs({ options: { iters: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' }, threads: { type: 'string' } } });
const [iters, rounds] = [Number(a.iters), Number(a.rounds)];
for (const [k, v] of Object.entries({ iters, rounds })) if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`--${k} must be an integer >= 1, got ${a[k]}`);
if (a.threads !== undefined) torch.setNumThreads(Number(a.threads));
const py = python();
if (!py) throw new Error('bench/convnet.js needs Python with torch (/usr/bin/python3 on Debian)');

const { nn } = torch;
torch.manualSeed(0);
const net = new nn.Sequential(new nn.Conv2d(1, 20, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(20, 50, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(800, 500), new nn.ReLU());
const opt = new torch.optim.SGD(net.parameters(), { lr: 1e-3, momentum: 0.9, weightDecay: 5e-4 });
const x = torch.data.loadImages('train', { limit: 200 }).view(-1, 1, 28, 28);

const cases = {
  // The ConvNet alone: forward, a cheap loss, backward, SGD.
  embed: () => torch.scope(() => {
    opt.zeroGrad();
    net.forward(x).pow(2).mean().backward();
    opt.step();
  }),
  // The subsets experiment's step: 100 queries score 100 candidates, relaxed top-9, loss.
  subsets: () => torch.scope(() => {
    opt.zeroGrad();
    const e = net.forward(x);
    const q = e.narrow(0, 0, 100);
    const c = e.narrow(0, 100, 100);
    const scores = q.unsqueeze(1).sub(c.unsqueeze(0)).pow(2).sum(-1).neg();
    const khot = torch.subsets.relaxedTopK(scores, { k: 9, tau: 1 });
    khot.narrow(1, 0, 50).sum(-1).mean().neg().backward();
    opt.step();
  }),
};
const names = { embed: 'ConvNet step (fwd + bwd + SGD), batch 200', subsets: 'subsets step (ConvNet + relaxed top-9), batch 200' };

const best = {};
const keep = (key, name, ms) => ((best[name] ??= {})[key] = Math.min(best[name][key] ?? Infinity, ms));
for (let round = 0; round < rounds; round++) {
  const r = spawnSync(py, [path.join(__dirname, 'convnet_pytorch.py'), String(iters)], { encoding: 'utf8', env: referenceEnv({ GT_BENCH_THREADS: String(torch.getNumThreads()) }) });
  if (r.status !== 0) throw new Error(`PyTorch side failed: ${r.stderr.slice(-2000)}`);
  const pt = JSON.parse(r.stdout.trim().split('\n').pop());
  for (const k of Object.keys(cases)) {
    keep('ptWall', k, pt[k].wall);
    keep('ptCpu', k, pt[k].cpu);
    keep('wall', k, timeMs(cases[k], () => undefined, { iters }));
    keep('cpu', k, cpuMs(cases[k], { iters }));
  }
}
const rows = Object.entries(best).map(([k, b]) => [names[k], b.wall, b.ptWall, b.wall / b.ptWall, b.cpu, b.ptCpu, b.cpu / b.ptCpu]);
console.log(`ConvNet training step, ms per step (median of 5 x ${iters}, best of ${rounds} alternating rounds), CPU ${os.cpus()[0].model}, ${torch.getNumThreads()} threads, LibTorch ${torch.diagnostics().torchVersion}`);
console.log(table(['step', 'ours wall', 'PyTorch wall', 'ratio wall', 'ours CPU', 'PyTorch CPU', 'ratio CPU'], rows));
