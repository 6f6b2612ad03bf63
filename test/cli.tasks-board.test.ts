// train --task nri --tensorboard / --log-json: step curves, epoch numbers and the graphs picture as
// event files, JSON lines per update and epoch, and training unchanged by drawing the pictures.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { main } from '../lib/cli/main';

const { readEventFile } = torch.utils.tensorboard;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-cli-task-tb-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function train(out: string, ...extra: string[]): Promise<number> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write; // the run's own lines
  try {
    return await main(['node', 'gumbel-torch', 'train', '--task', 'nri', '--cache', path.join(tmp, 'cache'), '--train-sims', '40', '--valid-sims', '16', '--test-sims', '16', '--frames', '6', '--hidden', '8', '--batch-size', '8', '--epochs', '2', '--shuffle', '--device', 'cpu', '--log-every', '2', '--out', out, ...extra]);
  } finally {
    process.stdout.write = write;
  }
}
const eventFile = (dir: string): string => path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('events.out.tfevents.')) as string);
const strip = (f: string): unknown => (JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, number>[]).map((m) => ({ ...m, trainSeconds: 0, evalSeconds: 0 }));

test('event files with step and epoch metrics and the graphs picture; JSON lines; training unchanged', async () => {
  const a = path.join(tmp, 'a');
  const b = path.join(tmp, 'b');
  const log = path.join(tmp, 'steps.jsonl');
  expect(await train(a, '--tensorboard', '--log-json', log)).toBe(0);
  expect(await train(b)).toBe(0);
  expect(strip(path.join(a, 'metrics.json'))).toEqual(strip(path.join(b, 'metrics.json')));
  const c = readEventFile(eventFile(path.join(a, 'tb')));
  expect(c.error).toBeUndefined();
  // 5 steps an epoch, an update every 2 and at the epoch's end: steps 2, 4, 5, 7, 9, 10.
  expect(c.scalars.get('train/loss')?.steps).toEqual([2, 4, 5, 7, 9, 10]);
  const metrics = JSON.parse(fs.readFileSync(path.join(a, 'metrics.json'), 'utf8')) as Record<string, number>[];
  expect(c.scalars.get('epoch/valid_accuracy')?.points().map((p) => [p.step, p.value])).toEqual(metrics.map((m, i) => [i + 1, Math.fround(m['valid.accuracy'])]));
  expect(c.images.get('graphs')?.map((p) => p.step)).toEqual([1, 2]);
  expect(c.texts.get('config')?.[0].text).toMatch(/\| hidden \| 8 \|/);
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; epoch: number });
  expect(lines.filter((l) => l.kind === 'step').length).toBe(6);
  expect(lines.filter((l) => l.kind === 'epoch').map((l) => l.epoch)).toEqual([1, 2]);
  expect(fs.existsSync(path.join(b, 'tb'))).toBe(false);
});
