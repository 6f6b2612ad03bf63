#!/usr/bin/env node
// The differentiable structure ops against the PyTorch reference programs (the same functions the
// parity fixtures come from: scripts/make_structures_fixtures.py), forward + backward with fresh Gumbel
// noise each call, measured in the same run with the same protocol (warmup, median of 5 reps).
// Usage: node bench/structures.js [--iters 50] [--rounds 3]   (build first: npx tsc -p tsconfig.json)
'use strict';
const path = require('node:path');
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const torch = require('../dist');
const { timeMs, table, python, referenceEnv } = require('./common');
const { cpuMs } = require('./cpu-time');

const { values: a } = parseArgs({ options: { iters: { type: 'string', default: '50' }, rounds: { type: 'string', default: '3' } } });
const [iters, rounds] = [Number(a.iters), Number(a.rounds)];
for (const [k, v] of Object.entries({ iters, rounds })) if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`--${k} must be an integer >= 1, got ${a[k]}`);

const py = python();
if (!py) throw new Error('bench/structures.js needs Python with torch (/usr/bin/python3 on Debian)');
const pytorchSide = () => {
  const r = spawnSync(py, [path.join(__dirname, 'structures_pytorch.py'), 'ops', String(iters)], { encoding: 'utf8', env: referenceEnv({ GT_BENCH_THREADS: String(torch.getNumThreads()) }) });
  if (r.status !== 0) throw new Error(`PyTorch side failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};

const cases = {
  'relaxedTopK [100,100] k 9': () => {
    const scores = torch.randn([100, 100]).requiresGrad_();
    const w = torch.randn([100, 100]);
    return () => torch.scope(() => {
      torch.subsets.relaxedTopK(scores, { k: 9, tau: 1 }).mul(w).sum().backward();
      scores.grad = undefined;
    });
  },
};
for (const [b, n] of [[64, 4], [64, 9]]) {
  cases[`gumbelSinkhorn [${b},${n},${n}] tau 0.1 iters 20`] = () => {
    const la = torch.randn([b, n, n]).requiresGrad_();
    const w = torch.randn([b, n, n]);
    return () => torch.scope(() => {
      torch.permutations.gumbelSinkhorn(la, { tau: 0.1, iters: 20 }).mul(w).sum().backward();
      la.grad = undefined;
    });
  };
}
// Rounds alternate between the two sides and each keeps its best round, so that load from other
// processes on a shared machine does not fall on one side only; CPU time is reported beside wall time.
torch.manualSeed(0);
const best = {};
const keep = (key, name, ms) => ((best[name] ??= {})[key] = Math.min(best[name][key] ?? Infinity, ms));
for (let round = 0; round < rounds; round++) {
  for (const [name, t] of Object.entries(pytorchSide())) {
    keep('ptWall', name, t.wall);
    keep('ptCpu', name, t.cpu);
  }
  for (const [name, make] of Object.entries(cases)) {
    const fn = make();
    keep('wall', name, timeMs(fn, () => undefined, { iters }));
    keep('cpu', name, cpuMs(fn, { iters }));
  }
}
const rows = Object.entries(best).map(([name, b]) => [name, b.wall, b.ptWall, b.wall / b.ptWall, b.cpu, b.ptCpu, b.cpu / b.ptCpu]);
console.log(`Structure ops, forward + backward, ms per call (median of 5 x ${iters}, best of ${rounds} alternating rounds), CPU ${os.cpus()[0].model}, ${torch.getNumThreads()} threads, LibTorch ${torch.diagnostics().torchVersion}`);
console.log(table(['op', 'ours wall', 'PyTorch wall', 'ratio wall', 'ours CPU', 'PyTorch CPU', 'ratio CPU'], rows));
