// save() writes regular files only (a device or a FIFO is refused, never replaced), and load() reads
// regular files only, up to their size (a device, a FIFO or an endless stream fails at once).
// Each case runs in a child process with a time limit: on failure it would hang or grow without end.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const dist = path.resolve(__dirname, '..', 'dist');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-devices-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `body` (with `torch` in scope) in a child; its stdout is its JSON verdict. */
function child(body: string): { status: number | null; out: string; err: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-e', `const torch = require(${JSON.stringify(dist)}); ${body}`], { encoding: 'utf8', timeout: 30000, killSignal: 'SIGKILL' });
  return { status: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}
const tryCall = (call: string): string => `try { ${call}; console.log('no error'); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }`;

const fifo = path.join(dir, 'fifo');
const hasFifo = spawnSync('mkfifo', [fifo]).status === 0;
// Copies of /dev/null (1,3) and /dev/zero (1,5) made with mknod need root (CAP_MKNOD).
const nullDev = path.join(dir, 'null');
const zeroDev = path.join(dir, 'zero');
const hasMknod = spawnSync('mknod', [nullDev, 'c', '1', '3']).status === 0 && spawnSync('mknod', [zeroDev, 'c', '1', '5']).status === 0;
const testFifo = hasFifo ? test : (n: string, f: () => void) => test.skip(`${n} [skipped: mkfifo failed]`, f);
const testDev = hasMknod ? test : (n: string, f: () => void) => test.skip(`${n} [skipped: mknod needs root]`, f);

testFifo('save() onto a FIFO is refused and the FIFO stays a FIFO', () => {
  const r = child(tryCall(`torch.save({ a: torch.ones([2]) }, ${JSON.stringify(fifo)})`));
  expect(r.status).toBe(0);
  expect(r.out).toMatch(/^Error: save\(\): cannot write .*fifo: it is a FIFO \(named pipe\), not a regular file/);
  expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
});
testFifo('save() through a symlink to a FIFO is refused too', () => {
  const link = path.join(dir, 'link-to-fifo');
  fs.symlinkSync(fifo, link);
  const r = child(tryCall(`torch.saveSafetensors({ a: torch.ones([2]) }, ${JSON.stringify(link)})`));
  expect(r.out).toMatch(/FIFO/);
  expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
});
testFifo('load() and loadSafetensors() of a FIFO without a writer fail at once', () => {
  const r = child(`${tryCall(`torch.load(${JSON.stringify(fifo)})`)} ${tryCall(`torch.loadSafetensors(${JSON.stringify(fifo)})`)}`);
  expect(r.status).toBe(0);
  expect(r.out.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^Error: .*fifo: cannot read \(it is a FIFO/), expect.stringMatching(/^Error: .*cannot read \(it is a FIFO/)]);
  expect(r.ms).toBeLessThan(20000);
});
testDev('save() onto a character device (a copy of /dev/null) is refused and the device is kept', () => {
  const r = child(tryCall(`torch.save(torch.ones([2]), ${JSON.stringify(nullDev)})`));
  expect(r.out).toMatch(/it is a character device, not a regular file/);
  expect(fs.lstatSync(nullDev).isCharacterDevice()).toBe(true);
});
testDev('load() of an endless stream (a copy of /dev/zero) fails at once without growing', () => {
  const r = child(`${tryCall(`torch.load(${JSON.stringify(zeroDev)})`)} console.log(process.memoryUsage().rss);`);
  expect(r.status).toBe(0);
  const [msg, rss] = r.out.trim().split('\n');
  expect(msg).toMatch(/cannot read \(it is a character device, not a regular file\)/);
  expect(Number(rss)).toBeLessThan(1e9);
});
test('a folder is refused by name', () => {
  const r = child(tryCall(`torch.save(torch.ones([2]), ${JSON.stringify(dir)})`));
  expect(r.out).toMatch(/it is a folder, not a regular file/);
});
