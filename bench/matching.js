#!/usr/bin/env node
// matching (our Hungarian solver, one native call per batch) against the tutorial's evaluation: SciPy's
// linear_sum_assignment in a Python loop over the batch, measured in the same run with the same protocol
// (warmup, median of 5 reps). Also checks that both find the same total weight.
// Usage: node bench/matching.js [--batch 64] [--n 9] [--iters 200] [--rounds 3]   (build first: npx tsc -p tsconfig.json)
'use strict';
const path = require('node:path');
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const torch = require('../dist');
const { timeMs, table, python, referenceEnv } = require('./common');
const { cpuMs } = require('./cpu-time');

const { values: a } = parseArgs({ options: { batch: { type: 'string', default: '64' }, n: { type: 'string', default: '9' }, iters: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
const [batch, n, iters, rounds] = [a.batch, a.n, a.iters, a.rounds].map(Number);
for (const [k, v] of Object.entries({ batch, n, iters, rounds })) if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`--${k} must be an integer >= 1, got ${a[k]}`);

const py = python();
if (!py) throw new Error('bench/matching.js needs Python with torch and scipy (/usr/bin/python3 on Debian)');
// The same matrices as the Python side (torch.manual_seed(0); randn(batch, n, n): PyTorch's CPU stream).
torch.manualSeed(0);
const x = torch.randn([batch, n, n]);
const call = () => torch.scope(() => torch.permutations.matching(x));
const scipySide = () => {
  const r = spawnSync(py, [path.join(__dirname, 'structures_pytorch.py'), 'matching', String(batch), String(n), String(iters)], { encoding: 'utf8', env: referenceEnv({ GT_BENCH_THREADS: String(torch.getNumThreads()) }) });
  if (r.status !== 0) throw new Error(`SciPy side failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};
// Rounds alternate between the two sides and each keeps its best, so that load from other processes
// on a shared machine does not fall on one side only.
const min = (x, y) => ({ wall: Math.min(x.wall, y.wall), cpu: Math.min(x.cpu, y.cpu) });
let ours = { wall: Infinity, cpu: Infinity };
let sp;
for (let round = 0; round < rounds; round++) {
  const s = scipySide();
  sp = sp ? { ...s, scipyNumpyLoop: min(sp.scipyNumpyLoop, s.scipyNumpyLoop), scipyFromTensor: min(sp.scipyFromTensor, s.scipyFromTensor) } : s;
  ours = min(ours, { wall: timeMs(call, () => undefined, { iters }), cpu: cpuMs(call, { iters }) });
}
const cols = torch.permutations.matching(x).data();
const m = x.double().data();
let cost = 0;
for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) cost += m[b * n * n + i * n + Number(cols[b * n + i])];
const same = Math.abs(cost - sp.cost) <= 1e-9 * Math.abs(sp.cost);

console.log(`matching of ${batch} matrices of ${n} x ${n} (float32), ms per batch (median of 5 x ${iters}, best of ${rounds} alternating rounds), ${os.cpus()[0].model}, ${torch.getNumThreads()} threads, LibTorch ${torch.diagnostics().torchVersion}`);
const row = (name, t) => [name, t.wall, t.wall / ours.wall, t.cpu, t.cpu / ours.cpu];
console.log(table(['implementation', 'wall ms / batch', 'wall vs ours', 'CPU ms / batch', 'CPU vs ours'], [
  row('ours: torch.permutations.matching (one call)', ours),
  row('SciPy linear_sum_assignment loop over a numpy array', sp.scipyNumpyLoop),
  row('SciPy loop from a tensor and back (the tutorial)', sp.scipyFromTensor),
]));
console.log(`total weight: ours ${cost.toFixed(6)}, SciPy ${sp.cost.toFixed(6)} (${same ? 'equal' : 'DIFFERENT'})`);
process.exitCode = same ? 0 : 1;
