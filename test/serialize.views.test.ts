// save() keeps views of one storage as one storage, as torch.save does: after a load (ours or
// Python's) they still share memory, and the file holds the storage once.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';

const PY = '/usr/bin/python3';
const hasPyTorch = fs.existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const testPy = hasPyTorch ? test : (n: string, f: () => void) => test.skip(`${n} [skipped: no ${PY} with torch]`, f);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-views-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function views(): Record<string, torch.Tensor> {
  const base = torch.arange(0, 12, 1, { dtype: 'float32' });
  return { base, a: base.view(3, 4), b: base.narrow(0, 4, 4), c: base.view(3, 4).transpose(0, 1) };
}

test('views of one storage load as views of one storage, with their offsets and strides', () => {
  const file = path.join(dir, 'v.pt');
  torch.save(views(), file);
  const l = torch.load(file) as Record<string, torch.Tensor>;
  expect(l.c.stride()).toEqual([1, 4]);
  expect(l.c.shape).toEqual([4, 3]);
  expect(Array.from(l.b.data() as Float32Array)).toEqual([4, 5, 6, 7]);
  l.a.add_(100); // one storage: every view sees the write
  expect(Array.from(l.b.data() as Float32Array)).toEqual([104, 105, 106, 107]);
  expect((l.c.toArray() as number[][])[1][2]).toBe(109);
  expect(l.base.data()[0]).toBe(100);
});

test('the storage is written once', () => {
  const bytes = Buffer.from(torch.serialize(views()));
  expect(bytes.includes('archive/data/0')).toBe(true);
  expect(bytes.includes('archive/data/1')).toBe(false);
});

testPy("Python's torch.load sees one storage", () => {
  const file = path.join(dir, 'py.pt');
  torch.save(views(), file);
  const r = spawnSync(PY, ['-c', `import torch; d = torch.load(${JSON.stringify(file)}); d['a'].add_(100); print(len({v.storage().data_ptr() for v in d.values()}), d['b'].tolist(), d['c'].stride())`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('1 [104.0, 105.0, 106.0, 107.0] (1, 4)');
});
