// `gumbel-torch train --task jigsaw` end to end through the generic runner: outputs, a resume that
// continues, a resume that would change the pieces refused, bad flags named.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const run = (args: string[]): { code: number | null; out: string } => {
  const r = spawnSync(process.execPath, [cli, 'train', '--task', 'jigsaw', '--device', 'cpu', ...args], { encoding: 'utf8', cwd: root, timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr };
};

test('train --task jigsaw: metrics with the test Kendall tau, the picture, a checkpoint; --resume continues; changing --pieces is refused', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-jigsaw-cli-'));
  try {
    const a = run(['--limit', '640', '--test-limit', '300', '--epochs', '1', '--lr', '1e-3', '--out', out]);
    expect([a.code, a.out]).toEqual([0, expect.stringContaining('MNIST jigsaw, 2 x 2 pieces of 14 px, Gumbel-Sinkhorn tau 0.1, 20 iterations, batch 64')]);
    for (const f of ['checkpoint.pt', 'metrics.json', 'metrics.csv', 'metrics.svg', 'jigsaw.png']) expect([f, fs.existsSync(path.join(out, f))]).toEqual([f, true]);
    const png = PNG.sync.read(fs.readFileSync(path.join(out, 'jigsaw.png')));
    expect([png.width, png.height]).toEqual([492, 187]);
    const b = run(['--limit', '640', '--test-limit', '300', '--epochs', '2', '--lr', '1e-3', '--out', out, '--resume']);
    expect(b.code).toBe(0);
    const epochs = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as Record<string, number>[];
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs) expect(e['test.kendallTau']).toBeGreaterThan(0.5);
    const c = run(['--limit', '640', '--pieces', '3', '--epochs', '3', '--out', out, '--resume']);
    expect(c.code).not.toBe(0);
    expect(c.out).toContain('pieces 2 -> 3');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 120_000);

test.each([
  [['--pieces', '1'], /pieces must be in \[2, 14\], got 1/],
  [['--pieces', '15'], /pieces must be in \[2, 14\], got 15/],
  [['--piece', '3'], /Did you mean --pieces\?/],
  [['--tau', '0'], /tau must be > 0/],
  [['--limit', '70000'], /--limit must be at most the training set's 60000 images, got 70000/],
  [['--limit', '10'], /--limit \(10 training images\) gives no full batch of 64/],
  [['--batch-size', '1', '--pieces', '14'], /--batch-size 1 leaves batch normalisation one value per channel \(pieces of 1 x 1 after pooling\)/],
])('train --task jigsaw %j is refused by name', (args, message) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-jigsaw-cli-'));
  try {
    const r = run([...args, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(message);
    expect(r.out).not.toMatch(/\n\s+at \S+ \(/); // no stack trace
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
