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
const tsgo = path.join(root, 'node_modules', '@typescript', 'native-preview', 'bin', 'tsgo');
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
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/train/worker-main.js', 'scripts/install.js', 'scripts/cuda-arch.js', 'CMakeLists.txt', 'LICENSE', 'README.md', 'package.json', 'native/ops/ops.cc'])
    expect(files).toContain(f);
  // Every C++ source in every native/ folder (the build compiles them all), none left behind.
  const walk = (d: string): string[] => fs.readdirSync(path.join(root, d), { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).flatMap((e) => (e.isDirectory() ? walk(`${d}/${e.name}`) : [`${d}/${e.name}`]));
  const sources = walk('native').filter((f) => /\.(cc|h|cu)$/.test(f));
  expect(sources.length).toBeGreaterThan(50);
  expect(sources.filter((f) => !files.includes(f))).toEqual([]);
  expect(files.filter((f) => f.startsWith('build/') || f.startsWith('test/') || f.startsWith('node_modules/'))).toEqual([]);
});

const KINDS = ['cjs', 'esm'] as const;
const EXPECTED = {
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
  unused: 3,
  derived: ['float64', 'float32', [3, 2], 2, 'bool', [3, 4], [5]],
};

/** A fresh project (work/cjs or work/esm) with the tarball unpacked as node_modules/gumbel-torch and the built addon beside it. */
function consumer(kind: (typeof KINDS)[number]): void {
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
  // A CommonJS file imports with `import = require` (verbatimModuleSyntax, in tsc --init, requires it).
  const usage = fs.readFileSync(path.join(__dirname, 'consumer', 'usage.ts'), 'utf8');
  const header = "import * as torch from 'gumbel-torch';";
  if (!usage.includes(header)) throw new Error(`usage.ts must start with ${header}`);
  fs.writeFileSync(path.join(dir, 'index.ts'), kind === 'cjs' ? usage.replace(header, "import torch = require('gumbel-torch');") : usage);
}

// One compiler run checks both consumers: with module nodenext each file is CommonJS or an ES module
// by its own package.json, and each resolves its own node_modules/gumbel-torch.
const sources = KINDS.map((k) => `${k}/index.ts`);

describe.each(compilers.map((c) => [c.name, c.bin]))('%s', (name, bin) => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(work, 'cjs'))) KINDS.forEach(consumer);
  });

  test('compiles the CommonJS and ES-module consumers under its tsc --init defaults (strict, types: []), our .d.ts checked', () => {
    fs.rmSync(path.join(work, 'tsconfig.json'), { force: true });
    expect(sh(process.execPath, [bin, '--init'], work).code).toBe(0);
    fs.renameSync(path.join(work, 'tsconfig.json'), path.join(work, 'tsconfig.init.json'));
    fs.writeFileSync(path.join(work, 'tsconfig.strict.json'), JSON.stringify({ extends: './tsconfig.init.json', compilerOptions: { skipLibCheck: false, noEmit: true }, files: sources }));
    const r = sh(process.execPath, [bin, '-p', 'tsconfig.strict.json'], work);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  test('compiles both under a lenient ES2022 config (using lowered for Node 20), and both outputs run', () => {
    // No strictness; emits cjs/index.js and esm/index.js beside their sources.
    fs.writeFileSync(path.join(work, 'tsconfig.lenient.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', skipLibCheck: false, types: [] }, files: sources }));
    const r = sh(process.execPath, [bin, '-p', 'tsconfig.lenient.json'], work);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    for (const kind of KINDS) {
      if (!fs.existsSync(addon)) {
        console.warn(`${name} ${kind}: not run [skipped: ${addon} is not built]`);
        continue;
      }
      const run = sh(process.execPath, [path.join(work, kind, 'index.js')], path.join(work, kind));
      expect(run.out).not.toMatch(/Error/);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(EXPECTED);
    }
  });
});

test('gumbel-torch --version prints the package version', () => {
  const r = sh(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), '--version'], root);
  expect(r.code).toBe(0);
  expect(r.out.trim()).toBe(pkg.version);
});
