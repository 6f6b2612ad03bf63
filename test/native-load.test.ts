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
  /** A fresh process with `env` (the two variables removed first), loading the library and reporting. */
  function probe(env: Record<string, string>): { env: Record<string, string | null>; openmpWait: string } {
    const base = { ...process.env };
    delete base.OMP_WAIT_POLICY;
    delete base.GOMP_SPINCOUNT;
    const script = `const t = require(${JSON.stringify(dist)}); const e = (k) => process.env[k] ?? null;
      console.log(JSON.stringify({ env: { OMP_WAIT_POLICY: e('OMP_WAIT_POLICY'), GOMP_SPINCOUNT: e('GOMP_SPINCOUNT') }, openmpWait: t.diagnostics().openmpWait }));`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...base, ...env }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as { env: Record<string, string | null>; openmpWait: string };
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
});
