// What the CLI prints and writes for people who read logs or plot elsewhere: plain progress lines when
// stdout is not a terminal, --log-json lines, help that says what each option does, the loss chart.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lossChartSvg, ticks } from '../lib/cli/plot';
import { TrainProgress } from '../lib/cli/progress';
import { type StepLine, StepLog } from '../lib/cli/steplog';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-cli-out-'));
const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('train into a pipe, with --log-json', () => {
  const out = tmpdir();
  const log = path.join(out, 'steps.jsonl');
  let res: ReturnType<typeof run>;
  beforeAll(() => {
    res = run(['train', '--epochs', '2', '--limit', '2000', '--out', out, '--device', 'cpu', '--log-every', '1', '--log-json', log]);
  });
  test('progress comes as plain lines, nine per epoch, before each epoch line', () => {
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    const plain = lines.filter((l) => /^ {2}epoch \d+ step \d+\/20 relaxed \d+\.\d\d unrelaxed \d+\.\d\d tau 1\.000 \S+ it\/s$/.test(l));
    const tenths = [2, 4, 6, 8, 10, 12, 14, 16, 18].map((k) => `${k}/20`);
    expect(plain.map((l) => l.split(' ')[5])).toEqual([...tenths, ...tenths]);
    expect(lines.findIndex((l) => l.startsWith('Epoch: 1'))).toBeGreaterThan(lines.findIndex((l) => l.includes('step 18/20')));
    expect(res.stderr).not.toMatch(/█/);
  });
  test('--log-json writes a line per step with that step\'s losses, and a line per epoch matching metrics.json', () => {
    const rows = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StepLine | ({ kind: 'epoch' } & Record<string, number>));
    const steps = rows.filter((r): r is StepLine => r.kind === 'step');
    const epochs = rows.filter((r) => r.kind === 'epoch');
    expect(steps.map((s) => s.globalStep)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as { relaxed: number; test: number }[];
    expect(epochs.map((e) => e.test)).toEqual(metrics.map((m) => m.test));
    // The per-step losses average back to the epoch's mean (equal batches of 100).
    const epoch1 = steps.filter((s) => s.epoch === 1);
    const mean = epoch1.reduce((a, s) => a + (s.relaxed as number), 0) / epoch1.length;
    expect(mean).toBeCloseTo(metrics[0].relaxed, 6);
    expect(epoch1[epoch1.length - 1].relaxedMean).toBeCloseTo(metrics[0].relaxed, 9);
    expect(epoch1[0].relaxed).toBeCloseTo(epoch1[0].relaxedMean, 9);
  });
  test('a resumed run appends to the log', () => {
    expect(run(['train', '--epochs', '3', '--limit', '2000', '--out', out, '--device', 'cpu', '--log-every', '5', '--log-json', log, '--resume']).code).toBe(0);
    const rows = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StepLine);
    expect(rows.filter((r) => r.kind === 'step').map((s) => s.globalStep).slice(38)).toEqual([39, 40, 45, 50, 55, 60]);
  });
  test('a log that cannot be written is reported once and training goes on', () => {
    if (!fs.existsSync('/dev/full')) return console.warn('skipped: no /dev/full');
    const r = run(['train', '--epochs', '1', '--limit', '500', '--out', tmpdir(), '--device', 'cpu', '--log-json', '/dev/full']);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/--log-json \/dev\/full: cannot write \(ENOSPC\); training goes on without it/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/Done\./);
  });
});

test('help says what each option does, and never "the seed"', () => {
  const r = run(['train', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).not.toMatch(/the seed|seed's/i);
  for (const flag of ['--epochs', '--batch-size', '--latents', '--categories', '--temp', '--hard', '--lr', '--seed', '--device', '--data', '--out', '--resume', '--log-every', '--log-json'])
    expect(r.stdout).toMatch(new RegExp(`${flag}[^\\n]* {2,}\\S.{10,}`));
  expect(run(['--help']).stdout).toMatch(/-V, --version +print the version/);
});

test('after a resume mid-epoch the first window is left out, the running means are kept', () => {
  const file = path.join(tmpdir(), 'log.jsonl');
  const log = new StepLog(file);
  log.resumedAt(2, 7);
  const p = (step: number, relaxed: number) => ({ epoch: 2, step, stepsPerEpoch: 10, seen: step * 10, globalStep: 10 + step, relaxed, unrelaxed: relaxed, tau: 1 });
  log.step(p(8, 4));
  log.step(p(9, 5));
  log.close();
  const [a, b] = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StepLine);
  expect(a.relaxed).toBeUndefined();
  expect(a.relaxedMean).toBe(4);
  expect(b.relaxed).toBeCloseTo((5 * 90 - 4 * 80) / 10, 12);
});

describe('progress on a terminal or not', () => {
  const p = (step: number, epoch = 1) => ({ epoch, step, stepsPerEpoch: 100, seen: step * 10, globalStep: step, relaxed: 1, unrelaxed: 2, tau: 1 });
  test('plain lines at each tenth of an epoch, never the last step', () => {
    const lines: string[] = [];
    const bar = new TrainProgress({ tty: false, write: (l) => lines.push(l) });
    for (let s = 1; s <= 100; s++) bar.update(p(s));
    bar.update(p(50, 2));
    expect(lines.map((l) => l.split(' ')[5])).toEqual(['10/100', '20/100', '30/100', '40/100', '50/100', '60/100', '70/100', '80/100', '90/100', '50/100']);
  });
});

describe('loss chart', () => {
  test('an SVG with a polyline and a legend entry per series, labels escaped', () => {
    const svg = lossChartSvg('a <b> & "c"', [
      { label: 'train', points: [[1, 150], [2, 120], [3, 110]] },
      { label: 'x<y', points: [[1, 140], [2, Number.NaN], [3, 100]] },
    ]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('>x&lt;y</text>');
    expect(svg).not.toMatch(/NaN|undefined/);
  });
  test('ticks are round and cover the range', () => {
    expect(ticks(95.3, 160.2)).toEqual([100, 120, 140, 160]);
    expect(ticks(0.001, 0.0042)).toEqual([0.001, 0.002, 0.003, 0.004]);
    expect(ticks(5, 5)).toEqual([5]);
  });
  test('a single epoch or no finite value still draws', () => {
    expect(lossChartSvg('t', [{ label: 'a', points: [[1, 100]] }])).toMatch(/<circle/);
    expect(lossChartSvg('t', [{ label: 'a', points: [[1, Number.POSITIVE_INFINITY]] }])).toMatch(/<\/svg>\n$/);
  });
});
