// The CUDA build's host-side scripts, checked without a GPU: the architectures chosen
// (scripts/cuda-arch.js) and the compile-only check of the CUDA sources (scripts/cuda-compile-check.js),
// which must fail on a CUDA compile error and say SKIPPED, exiting 0, without nvcc.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const arch = require('../scripts/cuda-arch.js') as {
  selectCudaArchitectures(o: { explicit?: string; computeCaps?: string[]; nvccVersion?: [number, number] }): { archs: string; reason: string };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const check = require('../scripts/cuda-compile-check.js') as {
  cudaSources(): [string, string][];
  torchVersion(inc: string): string;
  cxxStandard(v: string): number;
};

describe('CUDA architectures (scripts/cuda-arch.js)', () => {
  const sel = arch.selectCudaArchitectures;
  test('GT_CUDA_ARCH wins, checked token by token', () => {
    expect(sel({ explicit: '90', computeCaps: ['7.5'] })).toEqual({ archs: '90', reason: 'GT_CUDA_ARCH' });
    expect(sel({ explicit: '75-real;90-virtual' }).archs).toBe('75-real;90-virtual');
    expect(() => sel({ explicit: '90;sm_80' })).toThrow(/'sm_80' is not a CUDA architecture/);
  });
  test('the GPUs found, each once, the newest also as PTX', () => {
    expect(sel({ computeCaps: ['7.5'], nvccVersion: [13, 0] }).archs).toBe('75');
    expect(sel({ computeCaps: ['9.0', '7.5', '9.0'], nvccVersion: [13, 0] }).archs).toBe('75-real;90');
  });
  test('no GPU: PTX for the oldest architecture this nvcc builds (T4 and V100 never lack a kernel image)', () => {
    expect(sel({ nvccVersion: [13, 0] }).archs).toBe('75;80-real;90-real');
    expect(sel({ nvccVersion: [12, 4] }).archs).toBe('70;80-real;90-real');
    expect(sel({ nvccVersion: [11, 7] }).archs).toBe('70;80-real');
  });
  test('a GPU too old for this nvcc is named, and the default is built', () => {
    const r = sel({ computeCaps: ['7.0'], nvccVersion: [13, 0] });
    expect(r.archs).toBe('75;80-real;90-real');
    expect(r.reason).toMatch(/sm_70 too old for nvcc 13/);
  });
  test('the CLI prints the list, and exits 1 with the reason on a bad GT_CUDA_ARCH', () => {
    const ok = spawnSync(process.execPath, ['scripts/cuda-arch.js'], { cwd: root, encoding: 'utf8', env: { ...process.env, GT_CUDA_ARCH: '86' } });
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, '86', 'GT_CUDA_ARCH']);
    const bad = spawnSync(process.execPath, ['scripts/cuda-arch.js'], { cwd: root, encoding: 'utf8', env: { ...process.env, GT_CUDA_ARCH: 'x' } });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/GT_CUDA_ARCH: 'x' is not a CUDA architecture/);
  });
});

describe('compile-only check of the CUDA sources (scripts/cuda-compile-check.js)', () => {
  test('covers every .cu file and every .cc with CUDA-only code', () => {
    const listed = new Set(check.cudaSources().map(([f]) => f));
    const walk = (d: string): string[] =>
      fs.readdirSync(path.join(root, d), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    const all = walk('native');
    const cuda = all.filter((f) => f.endsWith('.cu') || (f.endsWith('.cc') && /GT_WITH_CUDA|GT_HAS_FUSED_ADAM/.test(fs.readFileSync(path.join(root, f), 'utf8'))));
    expect(cuda.length).toBeGreaterThan(0);
    for (const f of cuda) expect(listed).toContain(f);
  });
  test('LibTorch version and C++ standard as CMakeLists.txt picks them', () => {
    expect(check.torchVersion('/usr/include')).toMatch(/^\d+\.\d+\.\d+$/);
    expect([check.cxxStandard('1.13.0'), check.cxxStandard('2.9.1'), check.cxxStandard('2.10.0'), check.cxxStandard('3.0.0')]).toEqual([17, 17, 20, 20]);
  });

  const nvcc = ['nvcc', '/usr/local/cuda/bin/nvcc'].some((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
  const haveTorch = fs.existsSync('/usr/include/ATen/ATen.h');
  (nvcc && haveTorch ? test : test.skip)(`a CUDA compile error fails the check, naming the file${nvcc && haveTorch ? '' : ' [skipped: no nvcc or no LibTorch headers]'}`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-cuda-check-test-'));
    try {
      fs.mkdirSync(path.join(dir, 'native', 'gumbel'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'native', 'gumbel', 'good.cu'), '__global__ void k(float* x) { x[threadIdx.x] = 1.f; }\n');
      fs.writeFileSync(path.join(dir, 'native', 'gumbel', 'bad.cu'), '__global__ void k(float* x) { x[threadIdx.x] = notDeclared; }\n');
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'cuda-compile-check.js'), '--root', dir], { encoding: 'utf8' });
      expect(r.stdout).toMatch(/ok {3}native\/gumbel\/good\.cu/);
      expect(r.stdout).toMatch(/FAIL native\/gumbel\/bad\.cu[\s\S]*notDeclared/);
      expect(r.status).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('without nvcc: SKIPPED with the reason, exit 0', () => {
    const r = spawnSync(process.execPath, ['scripts/cuda-compile-check.js'], { cwd: root, encoding: 'utf8', env: { ...process.env, CUDACXX: '/nonexistent/nvcc' } });
    expect(r.stdout).toMatch(/cuda-compile-check: SKIPPED: CUDACXX=\/nonexistent\/nvcc does not run/);
    expect(r.status).toBe(0);
  });
});
