// Training settings given to the API are checked as the CLI checks its flags, in one place
// (lib/train/config.ts): unknown keys with a suggestion, ranges, types, the defaults filled in.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Trainer, trainInWorker } from '../lib';

const cli = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');

describe('new Trainer(config) checks its settings', () => {
  test('a misspelt key is a TypeError naming the key it meant', () => {
    expect(() => new Trainer({ epoch: 3 } as never)).toThrow(/unknown option 'epoch' \(did you mean 'epochs'\?\)/);
    expect(() => new Trainer({ epoch: 3 } as never)).toThrow(TypeError);
  });
  test.each([
    [{ epochs: -1 }, RangeError, /epochs must be in \[1/],
    [{ epochs: 0 }, RangeError, /epochs/],
    [{ epochs: 1.5 }, TypeError, /epochs must be an integer/],
    [{ logEvery: 0 }, RangeError, /logEvery/],
    [{ categories: 1 }, RangeError, /categories/],
    [{ lr: 0 }, RangeError, /lr must be > 0/],
    [{ temp: NaN }, TypeError, /temp/],
    [{ tauMin: Infinity }, RangeError, /tauMin must be finite/],
    [{ batchSize: '100' }, TypeError, /batchSize must be an integer/],
    [{ hard: 1 }, TypeError, /hard must be a boolean/],
    [{ estimator: 'bogus' }, TypeError, /estimator must be one of/],
    [{ device: 'gpu' }, TypeError, /device must be/],
    [{ out: '' }, TypeError, /out must be a non-empty folder path/],
    [{ out: 7 }, TypeError, /out must be/],
    [{ limit: 0 }, RangeError, /limit/],
    [{ seed: -1 }, RangeError, /seed/],
  ])('%p is refused', (cfg, cls, msg) => {
    expect(() => new Trainer(cfg as never)).toThrow(cls);
    expect(() => new Trainer(cfg as never)).toThrow(msg);
  });
  test('missing settings take the CLI defaults (out included) and explicit undefined means default', () => {
    const t = new Trainer({ epochs: 1, samples: undefined, lr: undefined });
    expect(t.config.out).toBe('runs/latest');
    expect(t.config.epochs).toBe(1);
    expect(t.config.batchSize).toBe(100);
    expect(t.config.samples).toBeUndefined();
    expect(t.config.lr).toBe(1e-3);
  });
  test('no config at all trains the defaults', () => {
    expect(new Trainer().config.epochs).toBe(10);
  });
  test('not an object', () => {
    expect(() => new Trainer(null as never)).toThrow(/config must be a plain object/);
    expect(() => new Trainer([] as never)).toThrow(TypeError);
  });
});

describe('trainInWorker(config) checks the same way, before a thread starts', () => {
  test.each([[{ epochs: -3 }], [{ epochs: 1.5, logEvery: 0 }], [{ epoch: 3 }]])('%p', (cfg) => {
    expect(() => trainInWorker(cfg as never)).toThrow(/trainInWorker\(config\): /);
  });
});

describe('the CLI takes no stray words', () => {
  test('`train 5 --epochs 1` is an error, and nothing is trained', () => {
    const r = spawnSync(process.execPath, [cli, 'train', '5', '--epochs', '1', '--out', '/nonexistent-never-made'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/too many arguments for 'train'/);
  });
  test('`sample x` and `info x` too', () => {
    for (const args of [['info', 'x'], ['sample', 'x', '--checkpoint', 'c.pt']]) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/too many arguments/);
    }
  });
});
