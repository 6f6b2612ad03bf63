// Findings of the adversary pass over issue 22's fixes (2026-12-03), each fixed here: an option named like
// an Object.prototype member, a negative typed-array value into uint8, a save path ending in a slash,
// `--version` with stray words, and a FIFO named like an event file in a run folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { readEventFile } from '../lib/utils/tensorboard/reader';
import { RunFolder } from '../lib/view/run-folder';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-adv-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test.each(['constructor', 'toString', 'hasOwnProperty', '__defineGetter__'])('an unknown option named %s is named, not a crash in the suggester', (key) => {
  expect(() => new torch.Trainer({ [key]: 1 } as never)).toThrow(new RegExp(`unknown option '${key}'`));
  expect(() => torch.gumbelSoftmax(torch.zeros([2]), { [key]: 1 } as never)).toThrow(new RegExp(`unknown option '${key}'`));
});

test('fromTypedArray refuses negative values for uint8 (tensor() keeps PyTorch\'s wrap of negative ints)', () => {
  for (const a of [new Int8Array([-1]), new Int16Array([-3]), new Int32Array([-200]), new Float32Array([-1])])
    expect(() => torch.fromTypedArray(a, [1], { dtype: 'uint8' })).toThrow(RangeError);
  expect(torch.tensor([-1], { dtype: 'uint8' }).toArray()).toEqual([255]);
});

test('save paths ending in a slash are an error, and nothing is written', () => {
  const p = path.join(tmp, 'new') + '/';
  expect(() => torch.save({ a: 1 }, p)).toThrow(/cannot end with a slash/);
  expect(() => torch.saveSafetensors({}, p)).toThrow(/cannot end with a slash/);
  expect(fs.existsSync(path.join(tmp, 'new'))).toBe(false);
});

test('gumbel-torch --version with stray words is an error', () => {
  const bin = path.join(__dirname, '..', 'dist', 'cli', 'bin.js');
  const bad = spawnSync(process.execPath, [bin, '--version', 'extra'], { encoding: 'utf8' });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/--version takes no other arguments/);
  const ok = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  expect(ok.status).toBe(0);
});

test('a FIFO named like an event file is reported, never opened for blocking reads', () => {
  if (process.platform === 'win32') return;
  const tb = path.join(tmp, 'run', 'tb');
  fs.mkdirSync(tb, { recursive: true });
  const fifo = path.join(tb, 'events.out.tfevents.1.host.1.0');
  const mk = spawnSync('mkfifo', [fifo]);
  if (mk.status !== 0) throw new Error('mkfifo failed');
  expect(() => readEventFile(fifo)).toThrow(/not a regular file/);
  const run = new RunFolder(0, 'run', path.join(tmp, 'run'));
  run.refresh();
  expect(run.summary().message).toMatch(/not a regular file/);
});
