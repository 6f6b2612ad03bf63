// `gumbel-torch --version` answers without loading the native addon (it works before the addon is
// built); help texts say what each option does.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'dist', 'cli', 'bin.js');
const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

// Preloaded into the child: any attempt to open a .node file fails loudly.
const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gt-version-')), 'no-native.js');
fs.writeFileSync(blocker, "require.extensions['.node'] = (m, f) => { throw new Error('native addon loaded: ' + f); };\n");

const run = (args: string[], preload = true) =>
  spawnSync(process.execPath, [...(preload ? ['-r', blocker] : []), bin, ...args], { encoding: 'utf8', timeout: 60000 });

test.each([['--version'], ['-V']])('%s prints the version without loading the addon', (flag) => {
  const r = run([flag]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(`${version}\n`);
});

test('the blocker is real: any other command does load the addon, and fails under it', () => {
  const r = run(['info']);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/native addon loaded: .*gumbel_torch\.node/);
});

test.each([['train'], ['sample'], ['analyze']])('%s --help describes --seed without "the seed"', (cmd) => {
  const r = run([cmd, '--help'], false);
  expect(r.status).toBe(0);
  expect(r.stdout).not.toMatch(/the seed|seed's/i);
  expect(r.stdout).toMatch(/--seed <n> +random seed for \S+/);
});
