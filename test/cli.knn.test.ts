// `gumbel-torch train --task knn` end to end through the task runner: a seconds-sized run writes every
// output (metrics with the train correctness and the final exact k-NN test accuracy, the curves, the
// neighbours picture, the checkpoint); bad flags are clean errors before any training.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const dirs: string[] = [];
const tmpdir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-cli-knn-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('train --task knn: a 20-step run writes metrics, curves, the neighbours picture and a checkpoint', () => {
  const out = tmpdir();
  const r = run(['train', '--task', 'knn', '--out', out, '--limit', '2000', '--test-limit', '300', '--epochs', '1', '--device', 'cpu']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/differentiable k-NN on MNIST: ConvNet embedding \(500\), 100 queries x 100 neighbours, relaxed top-9 tau 1, SGD lr 0\.001 momentum 0\.9 weight decay 0\.0005, 2000 training images, on cpu/);
  for (const f of ['checkpoint.pt', 'metrics.json', 'metrics.csv', 'metrics.svg', 'neighbors.png']) expect(fs.existsSync(path.join(out, f))).toBe(true);
  const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as Record<string, number>[];
  expect(metrics.map((m) => m.epoch)).toEqual([1]);
  // 20 steps: the relaxed count of same-label picks is still near chance (0.1) but must be a fraction;
  // a k-NN over these embeddings is far above chance (0.1) already.
  expect(metrics[0]['train.correctness']).toBeGreaterThan(0.05);
  expect(metrics[0]['train.correctness']).toBeLessThan(1);
  expect(metrics[0]['train.loss']).toBeCloseTo(-9 * metrics[0]['train.correctness'], 5);
  expect(metrics[0]['test.accuracy']).toBeGreaterThan(0.7);
  expect(fs.readFileSync(path.join(out, 'neighbors.png')).subarray(1, 4).toString()).toBe('PNG');
  expect(fs.readFileSync(path.join(out, 'metrics.svg'), 'utf8')).toMatch(/Correctness of the top k/);
}, 240000);

test.each([
  [['--limit', '55001'], /limit must be in \[1, 55000\], got 55001/],
  [['--limit', '50'], /--limit must be at least 100/],
  [['--k', '101'], /k.*must be at most --neighbors \(100\)/],
  [['--tau', '0'], /tau.*must be > 0/],
  [['--neighbours', '5'], /unknown option '--neighbours'[\s\S]*Did you mean --neighbors\?/],
  [['--test-limit', '10001'], /test-limit.*10000/],
])('train --task knn %j is a clean error', (flags, message) => {
  const r = run(['train', '--task', 'knn', '--out', tmpdir(), '--device', 'cpu', ...flags]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}, 60000);
