// Load failures of the addon are explained with their cause and a fix, in the manner of sharp; what
// loading sets up before LibTorch starts (OpenMP's wait policy).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { explainLoadError } from '../lib/native';

const f = '/x/build/Release/gumbel_torch.node';
test('a missing LibTorch library says what to install', () => {
  const m = explainLoadError(new Error('libtorch_cpu.so: cannot open shared object file: No such file or directory'), f);
  expect(m).toMatch(/libtorch_cpu.so was not found/);
  expect(m).toMatch(/apt-get install libtorch-dev libopenblas0-pthread/);
});
test('a missing CUDA runtime names CUDA', () => {
  expect(explainLoadError(new Error('libcudart.so.13: cannot open shared object file'), f)).toMatch(/links CUDA LibTorch/);
});
test('an ABI or version mismatch says to rebuild against the LibTorch in use', () => {
  expect(explainLoadError(new Error('undefined symbol: _ZN3c1010TensorImpl'), f)).toMatch(/different LibTorch \(or a different C\+\+11 ABI\).*\n.*npm rebuild gumbel-torch/);
});
test('another Node.js says to rebuild', () => {
  expect(explainLoadError(new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115'), f)).toMatch(/npm rebuild/);
});

describe("OpenMP's wait between parallel regions", () => {
  const dist = path.join(__dirname, '..', 'dist');
  const REPORT = `const e = (k) => process.env[k] ?? null;
    const report = (t) => JSON.stringify({ env: { OMP_WAIT_POLICY: e('OMP_WAIT_POLICY'), GOMP_SPINCOUNT: e('GOMP_SPINCOUNT') }, openmpWait: t.diagnostics().openmpWait });`;
  type Report = { env: Record<string, string | null>; openmpWait: string };
  /** A fresh process with `env` (the variables removed first) running `script` (REPORT in scope); its last line. */
  function probe(env: Record<string, string>, script = `console.log(report(require(${JSON.stringify(dist)})));`): Report {
    const base = { ...process.env };
    for (const k of ['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'GUMBEL_TORCH_OPENMP_WAIT']) delete base[k];
    const r = spawnSync(process.execPath, ['-e', REPORT + script], { env: { ...base, ...env }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Report;
  }

  test('unset: a short spin, then sleep (GOMP_SPINCOUNT for libgomp, PASSIVE for the others), reported as the default', () => {
    const r = probe({});
    expect(r.env).toEqual({ OMP_WAIT_POLICY: 'PASSIVE', GOMP_SPINCOUNT: '2000' });
    expect(r.openmpWait).toBe("OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=2000 (gumbel-torch's default)");
  });

  test("the user's choice, either variable, is kept as it is", () => {
    expect(probe({ OMP_WAIT_POLICY: 'ACTIVE' })).toEqual({ env: { OMP_WAIT_POLICY: 'ACTIVE', GOMP_SPINCOUNT: null }, openmpWait: 'OMP_WAIT_POLICY=ACTIVE (from the environment)' });
    expect(probe({ GOMP_SPINCOUNT: '0' })).toEqual({ env: { OMP_WAIT_POLICY: null, GOMP_SPINCOUNT: '0' }, openmpWait: 'GOMP_SPINCOUNT=0 (from the environment)' });
  });

  test('diagnostics say what the OpenMP runtime read at load, not what process.env says later; children inherit the default as the default', () => {
    const later = probe({}, `const t = require(${JSON.stringify(dist)}); process.env.OMP_WAIT_POLICY = 'ACTIVE'; delete process.env.GOMP_SPINCOUNT; console.log(report(t));`);
    expect(later.openmpWait).toBe("OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=2000 (gumbel-torch's default)");
    const child = probe({}, `require(${JSON.stringify(dist)}); const out = require('node:child_process').execFileSync(process.execPath, ['-e', ${JSON.stringify(REPORT)} + 'console.log(report(require(' + JSON.stringify(${JSON.stringify(dist)}) + ')))'], { encoding: 'utf8' }); console.log(out.trim());`);
    expect(child.openmpWait).toBe("OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=2000 (gumbel-torch's default)");
  });

  test("loaded first in a worker thread, the settings cannot reach LibTorch (the worker's process.env is its own): diagnostics say so", () => {
    const r = probe(
      {},
      `const { Worker } = require('node:worker_threads');
      const w = new Worker(${JSON.stringify(REPORT)} + "require('node:worker_threads').parentPort.postMessage(report(require(" + JSON.stringify(${JSON.stringify(dist)}) + ')))', { eval: true });
      w.on('message', (m) => { console.log(m); w.terminate(); });`,
    );
    expect(r.openmpWait).toMatch(/^the OpenMP runtime's default \(gumbel-torch's settings did not reach it: LibTorch was first loaded in a worker thread/);
  });
});
