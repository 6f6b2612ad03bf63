// gumbel-torch as a dependency: `npm pack`, the tarball unpacked into fresh CommonJS and ES-module
// projects with no @types/node, test/consumer/usage.ts compiled there by TypeScript 5 and 7 (the
// native preview) under each compiler's `tsc --init` defaults (strict, types: []) and a lenient
// config, with our .d.ts checked (skipLibCheck off); then both builds run against the built addon.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const addon = path.join(root, 'build', 'Release', 'gumbel_torch.node');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

function sh(cmd: string, args: string[], cwd: string): { code: number | null; stdout: string; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

// The compilers, by the path of their JS entry (the native preview's bin is `tsgo`).
const compilers: { name: string; bin: string }[] = [{ name: 'TypeScript 5', bin: path.join(root, 'node_modules', 'typescript', 'bin', 'tsc') }];
const tsgo = path.join(root, 'node_modules', '@typescript', 'native-preview', 'bin', 'tsgo.js');
if (fs.existsSync(tsgo)) compilers.push({ name: 'TypeScript 7', bin: tsgo });
else test.skip('TypeScript 7 [skipped: @typescript/native-preview is not installed; npm install]', () => undefined);

let work: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is missing: run npm run build:ts (npm ci does it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-pack-'));
  // dist/ is already built (npm ci runs prepare): pack what is there.
  const r = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  if (r.code !== 0) throw new Error(`npm pack failed:\n${r.out}`);
  const info = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info[0].filename);
  files = info[0].files.map((f) => f.path);
});
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the built JS, the types, the sources to build from, LICENSE and README, and no build output', () => {
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/train/worker-main.js', 'scripts/install.js', 'CMakeLists.txt', 'LICENSE', 'README.md', 'package.json', 'native/ops.cc'])
    expect(files).toContain(f);
  expect(files.filter((f) => f.startsWith('build/') || f.startsWith('test/') || f.startsWith('node_modules/'))).toEqual([]);
});

/** A fresh project with the tarball unpacked as node_modules/gumbel-torch and the built addon beside it. */
function consumer(kind: 'cjs' | 'esm'): string {
  const dir = path.join(work, kind);
  const mod = path.join(dir, 'node_modules', 'gumbel-torch');
  fs.mkdirSync(mod, { recursive: true });
  const r = sh('tar', ['-xzf', tarball, '-C', mod, '--strip-components=1'], dir);
  if (r.code !== 0) throw new Error(r.out);
  if (fs.existsSync(addon)) {
    fs.mkdirSync(path.join(mod, 'build', 'Release'), { recursive: true });
    fs.copyFileSync(addon, path.join(mod, 'build', 'Release', 'gumbel_torch.node'));
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${kind}`, private: true, ...(kind === 'esm' ? { type: 'module' } : {}) }));
  fs.copyFileSync(path.join(__dirname, 'consumer', 'usage.ts'), path.join(dir, 'index.ts'));
  // Lenient: no strictness, ES2022 so that `using` is lowered for Node 20; emits JS to run.
  fs.writeFileSync(path.join(dir, 'tsconfig.lenient.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', skipLibCheck: false, outDir: 'out', types: [] }, files: ['index.ts'] }));
  return dir;
}

describe.each(['cjs', 'esm'] as const)('a %s consumer', (kind) => {
  let dir: string;
  beforeAll(() => {
    dir = consumer(kind);
  });

  test.each(compilers.map((c) => [c.name, c.bin]))('%s compiles it under its tsc --init defaults (strict, types: []) with our .d.ts checked', (_name, bin) => {
    const init = path.join(dir, 'tsconfig.init.json');
    fs.rmSync(path.join(dir, 'tsconfig.json'), { force: true });
    const r1 = sh(process.execPath, [bin, '--init'], dir);
    expect(r1.code).toBe(0);
    fs.renameSync(path.join(dir, 'tsconfig.json'), init);
    fs.writeFileSync(path.join(dir, 'tsconfig.strict.json'), JSON.stringify({ extends: './tsconfig.init.json', compilerOptions: { skipLibCheck: false, noEmit: true }, files: ['index.ts'] }));
    const r = sh(process.execPath, [bin, '-p', 'tsconfig.strict.json'], dir);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  test.each(compilers.map((c) => [c.name, c.bin]))('%s compiles it under a lenient ES2022 config, and the output runs', (name, bin) => {
    const out = path.join(dir, 'out');
    fs.rmSync(out, { recursive: true, force: true });
    const r = sh(process.execPath, [bin, '-p', 'tsconfig.lenient.json'], dir);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    if (!fs.existsSync(addon)) {
      console.warn(`${name} ${kind}: not run [skipped: ${addon} is not built]`);
      return;
    }
    const run = sh(process.execPath, [path.join(out, 'index.js')], dir);
    expect(run.code).toBe(0);
    expect(run.out).not.toMatch(/Error/);
    const printed = JSON.parse(run.stdout);
    expect(printed).toEqual({
      shape: [2, 3],
      total: true,
      values: 6,
      allPositive: 'boolean',
      argmax: 'BigInt64Array',
      asDouble: 'Float64Array',
      intData: [1, 2, 3],
      halves: [0.5, 1, 1.5],
      unknownItem: 0,
      v1: [3, 2],
      v2: [6],
      dims: 2,
      xt: [3, 2],
      y: true,
      s: [2],
      m: [[2], 'int64'],
      mean: 'number',
      disposedAfterBlock: true,
      fromScope: [3, 3],
      trainer: 1,
      worker: 'function',
      event: 'epoch',
      unused: 2,
    });
  });
});

test('gumbel-torch --version prints the package version', () => {
  const r = sh(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), '--version'], root);
  expect(r.code).toBe(0);
  expect(r.out.trim()).toBe(pkg.version);
});
