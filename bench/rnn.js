#!/usr/bin/env node
// A recurrent training step against PyTorch eager in the same run (bench/rnn_pytorch.py): GRU and LSTM
// with input 28, hidden 256, 49 time steps, batch 64, a Linear(256, 10) head on the last hidden state,
// loss mean(head^2), Adam. Reps of 10 steps alternate between ours and PyTorch's (a shared machine's
// load drifts); printed: the median wall and CPU ms per step of each, and the medians of the per-pair ratios.
//   node bench/rnn.js [threads] [reps]     (needs dist/: npx tsc -p tsconfig.json)
'use strict';
const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { table, referenceEnv } = require('./common');
const torch = require('../dist');

const threads = Number(process.argv[2] ?? torch.getNumThreads());
const reps = Number(process.argv[3] ?? 7);
const ITERS = 10;
torch.setNumThreads(threads);

function make(Kind) {
  torch.manualSeed(0);
  const rnn = new Kind(28, 256);
  const head = new torch.nn.Linear(256, 10);
  const opt = new torch.optim.Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = torch.randn([49, 64, 28]);
  return () =>
    torch.scope(() => {
      opt.zeroGrad();
      const [, hidden] = rnn.forward(x);
      const h = Array.isArray(hidden) ? hidden[0] : hidden;
      head.forward(h.select(0, 0)).pow(2).mean().backward();
      opt.step();
    });
}
/** [wall, CPU (user + system of this process)] ms per step over ITERS steps. */
function ours(step) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < ITERS; i++) step();
  const c = process.cpuUsage(c0);
  return [Number(process.hrtime.bigint() - t0) / 1e6 / ITERS, (c.user + c.system) / 1e3 / ITERS];
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const py = spawn('/usr/bin/python3', [path.join(__dirname, 'rnn_pytorch.py'), String(threads), String(ITERS)], { stdio: ['pipe', 'pipe', 'inherit'], env: referenceEnv() });
  const lines = readline.createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const theirs = async (name) => {
    py.stdin.write(`${name}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error('rnn_pytorch.py stopped');
    return value.split(' ').map(Number);
  };
  const rows = [];
  for (const [name, Kind] of [['gru', torch.nn.GRU], ['lstm', torch.nn.LSTM]]) {
    const step = make(Kind);
    ours(step); // warm-up rep on each side
    await theirs(name);
    const a = [];
    const b = [];
    for (let r = 0; r < reps; r++) {
      a.push(ours(step));
      b.push(await theirs(name));
    }
    const col = (xs, k) => xs.map((x) => x[k]);
    const ratio = (k) => median(a.map((x, i) => x[k] / b[i][k]));
    rows.push([name.toUpperCase(), median(col(a, 0)), median(col(b, 0)), ratio(0), median(col(a, 1)), median(col(b, 1)), ratio(1)]);
  }
  py.stdin.end();
  console.log(`recurrent training step (input 28, hidden 256, 49 steps, batch 64, Adam), ${threads} thread(s), ${reps} alternating reps of ${ITERS} steps, ${require('node:os').cpus()[0].model}, node ${process.version}`);
  console.log(table(['model', 'ours wall ms', 'PyTorch wall ms', 'wall ratio', 'ours CPU ms', 'PyTorch CPU ms', 'CPU ratio'], rows));
  console.log(`load average ${require('node:os').loadavg().map((x) => x.toFixed(1)).join(' ')} (ratios are medians of per-pair ratios; CPU time moves less than wall time on a shared machine)`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
