// Saving never loses data: a full disk (a real 1 MB tmpfs where this machine lets root mount one,
// /dev/full otherwise), symlinks, file modes, concurrent saves from threads and processes, a
// process killed mid-save, and the CLI refusing an unwritable --out before it trains.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as torch from '../lib';
import { writeAll } from '../lib/serialize/atomic';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist', 'index.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-atomic-'));
const leftovers = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.includes('.tmp-'));

// A tmpfs of 1 MB, when root may mount here.
const small = path.join(tmp, 'small');
fs.mkdirSync(small);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'ignore' }).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [small]);
  fs.rmSync(tmp, { recursive: true, force: true });
});
const testDisk = mounted ? test : test.skip;
if (!mounted) console.log('[skipped: the real full-disk test needs root and mount -t tmpfs; the /dev/full test still runs]');

describe('a full disk', () => {
  testDisk('ENOSPC throws, the old checkpoint stays intact and no temporary is left (1 MB tmpfs)', () => {
    const file = path.join(small, 'ck.pt');
    torch.save({ w: torch.ones([1000]), epoch: 1 }, file);
    const before = fs.readFileSync(file);
    expect(() => torch.save({ w: torch.ones([400_000]), epoch: 2 }, file)).toThrow(/could not write .*ck\.pt \(ENOSPC.*the previous ck\.pt was kept/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect((torch.load(file) as { epoch: number }).epoch).toBe(1);
    expect(leftovers(small)).toEqual([]);
    expect(() => torch.saveSafetensors({ w: torch.ones([400_000]) }, path.join(small, 'w.safetensors'))).toThrow(/ENOSPC/);
    expect(leftovers(small)).toEqual([]);
  });
  test('a write that fails part way (/dev/full) throws ENOSPC instead of returning a short count', () => {
    const fd = fs.openSync('/dev/full', 'w');
    try {
      expect(() => writeAll(fd, [Buffer.alloc(1 << 20)])).toThrow(/ENOSPC/);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('files and links', () => {
  test('saving through a symlink replaces the file it points to and keeps the link', () => {
    const real = path.join(tmp, 'real.pt');
    const link = path.join(tmp, 'link.pt');
    torch.save({ v: 1 }, real);
    fs.symlinkSync('real.pt', link);
    torch.save({ v: 2 }, link);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(torch.load(real)).toEqual({ v: 2 });
    const dangling = path.join(tmp, 'dangling.pt');
    fs.symlinkSync('made-by-save.pt', dangling);
    torch.save({ v: 3 }, dangling);
    expect(torch.load(path.join(tmp, 'made-by-save.pt'))).toEqual({ v: 3 });
  });
  test("the file's mode is kept; a new file gets 0666 less the umask, as open(f, 'wb')", () => {
    const file = path.join(tmp, 'mode.pt');
    torch.save({ v: 1 }, file);
    const umask = process.umask();
    expect(fs.statSync(file).mode & 0o777).toBe(0o666 & ~umask);
    fs.chmodSync(file, 0o640);
    torch.save({ v: 2 }, file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
  });
  test('a missing folder is made; a path through a file is a clear Error', () => {
    torch.save({ v: 1 }, path.join(tmp, 'a', 'b', 'c.pt'));
    expect(torch.load(path.join(tmp, 'a', 'b', 'c.pt'))).toEqual({ v: 1 });
    expect(() => torch.save({ v: 1 }, path.join(tmp, 'mode.pt', 'x.pt'))).toThrow(/cannot write .*mode\.pt\/x\.pt \((ENOTDIR|EEXIST)/);
  });
});

describe('concurrent saves', () => {
  test('4 worker threads and the main thread save one file 40 times each: no error, a whole file, no temporaries', async () => {
    const file = path.join(tmp, 'shared.pt');
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      const torch = require(${JSON.stringify(dist)});
      let errors = 0;
      for (let i = 0; i < 40; i++) {
        try { torch.save({ who: workerData, i, w: torch.full([2000], workerData) }, ${JSON.stringify(file)}); } catch (e) { errors++; console.error(e.message); }
      }
      parentPort.postMessage(errors);`;
    const workers = [1, 2, 3, 4].map((w) => new Worker(code, { eval: true, workerData: w }));
    const done = workers.map((w) => new Promise<number>((res, rej) => (w.on('message', res), w.on('error', rej))));
    for (let i = 0; i < 40; i++) torch.save({ who: 0, i, w: torch.full([2000], 0) }, file);
    expect(await Promise.all(done)).toEqual([0, 0, 0, 0]);
    const last = torch.load(file) as { who: number; w: torch.Tensor };
    expect(Array.from(last.w.data() as Float32Array).every((x) => x === last.who)).toBe(true);
    expect(leftovers(tmp)).toEqual([]);
  }, 60_000);
  test('3 processes save one file concurrently: no error, a whole file', () => {
    const file = path.join(tmp, 'procs.pt');
    const script = `const torch = require(${JSON.stringify(dist)}); for (let i = 0; i < 30; i++) torch.save({ p: process.pid, w: torch.ones([5000]) }, ${JSON.stringify(file)});`;
    const kids = [0, 1, 2].map(() => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] }));
    return Promise.all(kids.map((k) => new Promise<[number | null, string]>((res) => {
      let err = '';
      k.stderr!.on('data', (d) => (err += d));
      k.on('exit', (c) => res([c, err]));
    }))).then((r) => {
      expect(r).toEqual([[0, ''], [0, ''], [0, '']]);
      expect((torch.load(file) as { w: torch.Tensor }).w.shape).toEqual([5000]);
      expect(leftovers(tmp)).toEqual([]);
    });
  }, 60_000);
});

test('a process killed mid-save leaves the old file whole; the next save removes its temporary', async () => {
  const file = path.join(tmp, 'killed.pt');
  torch.save({ gen: 0 }, file);
  const script = `const torch = require(${JSON.stringify(dist)}); const w = torch.ones([4_000_000]); process.stdout.write('go\\n'); for (;;) torch.save({ gen: 1, w }, ${JSON.stringify(file)});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((res) => child.stdout!.once('data', res));
  await new Promise((res) => setTimeout(res, 300));
  child.kill('SIGKILL');
  await new Promise((res) => child.on('exit', res));
  const g = (torch.load(file) as { gen: number }).gen; // old or new, always whole
  expect([0, 1]).toContain(g);
  // Whether or not the kill hit a write, a stale temporary of a dead process must go at the next save.
  const stale = path.join(tmp, `.killed.pt.tmp-${os.hostname().replace(/[^\w-]/g, '_')}-${child.pid}-0-deadbeef`);
  fs.writeFileSync(stale, 'partial');
  torch.save({ gen: 2 }, file);
  expect(leftovers(tmp).filter((n) => n.startsWith('.killed.pt'))).toEqual([]);
  expect(torch.load(file)).toEqual({ gen: 2 });
}, 120_000);

test('train refuses an unwritable --out before it trains', () => {
  const cli = path.join(root, 'dist', 'cli', 'main.js');
  const notDir = path.join(tmp, 'mode.pt'); // a file: nothing can be made under it
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, 'train', '--epochs', '1', '--out', path.join(notDir, 'run'), '--device', 'cpu'], { encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/train \(--out\): cannot write to .*run \(ENOTDIR/);
  expect(r.stdout).not.toMatch(/Epoch/);
  expect(Date.now() - t0).toBeLessThan(30_000);
  if (mounted) {
    const ro = path.join(tmp, 'ro');
    fs.mkdirSync(ro);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', ro]).status === 0) {
      try {
        const r2 = spawnSync(process.execPath, [cli, 'train', '--epochs', '1', '--out', ro, '--device', 'cpu'], { encoding: 'utf8' });
        expect(r2.stderr).toMatch(/cannot write to .*\(EROFS/);
      } finally {
        spawnSync('umount', [ro]);
      }
    }
  }
});

test('a folder that cannot be made is an error naming it and the cause, never a hang (/proc, a read-only mount)', () => {
  const cli = path.join(root, 'dist', 'cli', 'main.js');
  // Node's recursive mkdir spins forever on /proc: the CLI must answer within the timeout.
  const r = spawnSync(process.execPath, [cli, 'train', '--epochs', '1', '--out', '/proc/gt-none/run', '--device', 'cpu'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/train \(--out\): cannot write to \/proc\/gt-none\/run \(ENOENT: cannot create folder '\/proc\/gt-none': its filesystem does not allow new folders in \/proc\)/);
  expect(() => torch.save({ a: 1 }, '/proc/gt-none/x.pt')).toThrow(/cannot create folder '\/proc\/gt-none'/);
  if (mounted) {
    const ro = path.join(tmp, 'ro2');
    fs.mkdirSync(ro);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', ro]).status === 0) {
      try {
        // A missing folder under the read-only mount: the real cause, not ENOENT.
        const r2 = spawnSync(process.execPath, [cli, 'train', '--epochs', '1', '--out', path.join(ro, 'a', 'b'), '--device', 'cpu'], { encoding: 'utf8', timeout: 60_000 });
        expect(r2.stderr).toMatch(/cannot write to .*ro2\/a\/b \(EROFS/);
      } finally {
        spawnSync('umount', [ro]);
      }
    }
  }
});
