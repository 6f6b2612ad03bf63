// Worker threads: the addon loads and works in workers, and ending a worker (terminate()) or the whole
// process (process.exit()) at any moment, also while a worker is still loading the addon, never
// aborts the process. Each trial runs in a child process so that an abort is counted, not fatal.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as torch from '../lib';

const child = path.join(__dirname, 'workers', 'terminate-child.js');
const dist = path.resolve(__dirname, '..', 'dist');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}
function trial(mode: 'terminate' | 'exit', seed: number, workers: number, maxDelayMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--expose-gc', child, mode, String(seed), String(workers), String(maxDelayMs)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

test('a worker loads the addon, computes, and the main thread keeps working after it ends', async () => {
  const w = new Worker(
    `const torch = require(${JSON.stringify(dist)});
     const { parentPort } = require('node:worker_threads');
     parentPort.postMessage(torch.ones([4]).mul(3).sum().item());`,
    { eval: true },
  );
  const v = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  expect(v).toBe(12);
  await w.terminate();
  expect(torch.ones([2]).add(1).sum().item()).toBe(4);
});

// Delays span the addon's load (LibTorch's init), the first ops and steady work; seeds fix them.
test.each([
  ['terminate', 1, 400],
  ['terminate', 2, 900],
  ['terminate', 3, 1500],
  ['terminate', 4, 2500],
  ['exit', 5, 400],
  ['exit', 6, 900],
  ['exit', 7, 1500],
  ['exit', 8, 2500],
] as const)('%s at random moments (seed %d, within %d ms): the process never aborts', async (mode, seed, maxDelay) => {
  const r = await trial(mode, seed, 4, maxDelay);
  expect(r.stderr).not.toMatch(/terminate called|Aborted|FATAL ERROR|Segmentation/);
  expect(r.signal).toBeNull();
  expect(r.code).toBe(0);
}, 90_000);
