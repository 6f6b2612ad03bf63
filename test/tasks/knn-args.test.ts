// Bad settings of the k-NN task are clear errors naming the setting, before any data is read or
// anything is trained; unknown options of torch.tasks.knn.train get the shared suggestion.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { loadLabels } from '../../lib/data/labels';
import { knnTask } from '../../lib/tasks/knn/task';
import type { TaskConfig } from '../../lib/tasks/task';

const ctx = { device: 'cpu' as const, out: '', log: (): void => undefined, progress: (): void => undefined };
const config = (extra: Record<string, unknown>): TaskConfig => ({ epochs: 1, batchSize: 100, lr: 1e-3, seed: 0, device: 'cpu', out: '', logEvery: 1, ...extra }) as TaskConfig;

test.each([
  [{ limit: 55001 }, RangeError, /--limit must be in \[1, 55000\], got 55001/],
  [{ limit: 60000 }, RangeError, /--limit/],
  [{ limit: 50 }, RangeError, /--limit must be at least 100 .*got 50/],
  [{ limit: 150, neighbors: 200 }, RangeError, /--limit must be at least 200/],
  [{ limit: 1.5 }, TypeError, /--limit must be an integer/],
  [{ k: 0 }, RangeError, /k must be in \[1/],
  [{ k: 101 }, RangeError, /k must be at most neighbors \(100\)/],
  [{ k: 'nine' }, TypeError, /k must be an integer/],
  [{ tau: 0 }, RangeError, /tau must be > 0/],
  [{ tau: NaN }, TypeError, /tau must be a number/],
  [{ tau: Infinity }, RangeError, /tau must be finite/],
  [{ neighbors: 0 }, RangeError, /neighbors must be in \[1/],
  [{ batchSize: 0 }, RangeError, /batchSize must be in \[1/],
  [{ momentum: -1 }, RangeError, /momentum must be >= 0/],
  [{ weightDecay: -1e-4 }, RangeError, /weightDecay must be >= 0/],
  [{ lr: -1 }, RangeError, /lr must be >= 0/],
  [{ hard: 'yes' }, TypeError, /hard must be a boolean/],
  [{ valid: 1 }, TypeError, /valid must be a boolean/],
  [{ testLimit: 10001 }, RangeError, /testLimit must be in \[1, 10000\]/],
  [{ data: 5 }, TypeError, /data must be a folder path/],
])('knn task: %j is refused', (extra, type, message) => {
  const before = torch.memory().liveTensors;
  expect(() => knnTask.create(config(extra), ctx)).toThrow(type);
  expect(() => knnTask.create(config(extra), ctx)).toThrow(message);
  expect(torch.memory().liveTensors).toBe(before);
});

test('knn task: a data folder without labels or with too few images is an error naming it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-knn-data-'));
  try {
    expect(() => knnTask.create(config({ data: dir }), ctx)).toThrow(/no train-images-idx3-ubyte/);
    const header = (dims: number[]): Buffer => Buffer.concat([Buffer.from([0, 0, 8, dims.length]), ...dims.map((d) => Buffer.from([(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]))]);
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), Buffer.concat([header([3, 28, 28]), Buffer.alloc(3 * 784)]));
    expect(() => knnTask.create(config({ data: dir }), ctx)).toThrow(/no train-labels-idx1-ubyte/);
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Buffer.concat([header([3]), Buffer.from([1, 2, 3])]));
    expect(() => knnTask.create(config({ data: dir }), ctx)).toThrow(/needs 60000 training images \(55,000 \/ 5,000\), the data has 3/);
    expect(Array.from(loadLabels('train', { dir }).data() as BigInt64Array, Number)).toEqual([1, 2, 3]);
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), Buffer.concat([header([1, 3]), Buffer.from([1, 2, 3])]));
    expect(() => loadLabels('t10k', { dir })).toThrow(/expected 1 dimension \(labels\), got 2/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('loadLabels: bad arguments', () => {
  expect(() => loadLabels('valid' as never)).toThrow(TypeError);
  expect(() => loadLabels('train', { limit: 0 })).toThrow(/limit must be in \[1/);
  expect(() => loadLabels('train', { limt: 5 } as never)).toThrow(/limt.*limit/);
  const y = loadLabels('t10k', { limit: 5 });
  expect(y.dtype).toBe('int64');
  expect(Array.from(y.data() as BigInt64Array, Number)).toEqual([7, 2, 1, 0, 4]); // MNIST's first test digits
  y.dispose();
});

test('torch.tasks.knn.train: unknown options named with a suggestion, bad hooks and limits refused before training', () => {
  expect(() => torch.tasks.knn.train({ epoch: 2 } as never)).toThrow(/epoch.*epochs/);
  expect(() => torch.tasks.knn.train({ temperature: 2 } as never)).toThrow(/tau/);
  expect(() => torch.tasks.knn.train({ limit: 55001 })).toThrow(RangeError);
  expect(() => torch.tasks.knn.train({ limit: 55001 })).toThrow(/^limit must be in \[1, 55000\], got 55001$/);
  expect(() => torch.tasks.knn.train({ epochs: 0 })).toThrow(/epochs must be in \[1/);
  expect(() => torch.tasks.knn.train({ onStep: 3 } as never)).toThrow(/onStep must be a function/);
  expect(() => torch.tasks.knn.train({ device: 'tpu' as never })).toThrow(/device/);
});
