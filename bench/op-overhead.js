#!/usr/bin/env node
// Per-call overhead of a tiny op, in one run: x.add(y) on float32 [4] (and the table-derived x.sin()
// where the build has it) through this checkout's dist/ and addon, through a baseline checkout (the
// build before the op table: GT_BASELINE=DIR or --baseline DIR, a folder with dist/ and
// build/Release/gumbel_torch.node), and through PyTorch eager (/usr/bin/python3). Each runs in its own
// child process, alternating, 5 rounds; the table shows the fastest batch over all rounds. Each batch
// is timed in CPU time of its own process (process.cpuUsage, time.process_time_ns): on a shared
// machine wall time counts the waits for a core too, and the other load only ever adds time, so the
// minimum CPU time is the overhead itself.
// Goal: ours <= PyTorch eager's, and the table's path no slower than the hand-written one before it.
//
//   node bench/op-overhead.js [--baseline DIR] [--rounds N]
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { table, python, root } = require('./common');

function args() {
  const a = { baseline: process.env.GT_BASELINE, rounds: 5 };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) {
    if (v[i] === '--baseline') a.baseline = v[i + 1];
    else if (v[i] === '--rounds') a.rounds = Number(v[i + 1]);
    else throw new Error(`unknown argument ${v[i]} (see the header of bench/op-overhead.js)`);
  }
  if (!Number.isInteger(a.rounds) || a.rounds < 1) throw new Error(`--rounds must be a positive integer, got ${a.rounds}`);
  return a;
}

// The fastest of 7 batches (ns per call) of 200k calls, after 50k warm-up calls; tensors freed as made.
const JS = (dir) => `
  const torch = require(${JSON.stringify(path.join(dir, 'dist'))});
  torch.setNumThreads(1);
  const x = torch.tensor([1, 2, 3, 4]), y = torch.tensor([0.5, 0.25, 2, 1]);
  function time(f) {
    for (let i = 0; i < 50000; i++) f().dispose();
    const t = [];
    for (let r = 0; r < 7; r++) {
      const t0 = process.cpuUsage();
      for (let i = 0; i < 200000; i++) f().dispose();
      const d = process.cpuUsage(t0);
      t.push(((d.user + d.system) * 1000) / 200000);
    }
    return Math.min(...t);
  }
  const out = { add: time(() => x.add(y)) };
  if (typeof x.sin === 'function') out.sin = time(() => x.sin());
  console.log(JSON.stringify(out));`;

const PY = `
import json, time, torch
torch.set_num_threads(1)
x = torch.tensor([1., 2., 3., 4.]); y = torch.tensor([0.5, 0.25, 2., 1.])
def tm(f):
    for _ in range(50000): f()
    t = []
    for _ in range(7):
        t0 = time.process_time_ns()
        for _ in range(200000): f()
        t.append((time.process_time_ns() - t0) / 200000)
    return min(t)
print(json.dumps({'add': tm(lambda: x.add(y)), 'sin': tm(lambda: x.sin())}))`;

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function main() {
  const a = args();
  const runners = [['this checkout (op table)', () => run(process.execPath, ['-e', JS(root)])]];
  if (a.baseline) runners.push([`baseline (${a.baseline})`, () => run(process.execPath, ['-e', JS(path.resolve(a.baseline))])]);
  const py = python();
  if (py) runners.push([`PyTorch eager (${py})`, () => run(py, ['-c', PY])]);
  const results = runners.map(() => []);
  for (let r = 0; r < a.rounds; r++) runners.forEach(([, f], i) => results[i].push(f()));
  const med = (xs) => Math.min(...xs);
  const rows = runners.map(([name], i) => [name, med(results[i].map((o) => o.add)), results[i][0].sin === undefined ? '-' : med(results[i].map((o) => o.sin))]);
  console.log(table(['build', 'x.add(y) ns/call', 'x.sin() ns/call'], rows));
}

main();
