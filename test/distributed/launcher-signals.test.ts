// The launcher and its workers under signals: workers never outlive a killed launcher, in any phase;
// SIGTERM acts as Ctrl-C (the step finishes, the checkpoint is written); a frozen (SIGSTOPped) rank
// is named within seconds; --nproc is bounded.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { background, cli, reap, untilGone, workerPids } from './cli-job';
import { cleanEnv, describeGloo, freePort, requireDist, root } from './ranks';

const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-dsig-'));
const training = ['--epochs', '1', '--limit', '2000', '--batch-size', '20', '--device', 'cpu', '--log-every', '1'];
const checkpoint = (out: string): Record<string, unknown> => torch.load(path.join(out, 'checkpoint.pt')) as Record<string, unknown>;

beforeAll(requireDist);

describeGloo('a launcher killed before its workers have joined', () => {
  test('takes them with it at once (not after --dist-timeout)', async () => {
    // Node rank 0 of 2: its workers wait in the rendezvous for ranks that never come.
    const port = await freePort();
    const job = background(['train', '--nproc', '2', '--nnodes', '2', '--node-rank', '0', '--master-port', String(port), ...training, '--out', tmpdir()]);
    await job.saw(/workers: rank 0 pid \d+, rank 1 pid \d+/);
    const pids = workerPids(job.out());
    await new Promise((r) => setTimeout(r, 2000)); // into the rendezvous (or still starting: both phases must hold)
    job.child.kill('SIGKILL');
    await job.exited;
    try {
      expect(await untilGone(pids, 10_000)).toBe(true);
    } finally {
      reap(pids);
    }
  }, 60_000);
});

describe('--nproc is bounded', () => {
  test('--nproc 100000 is a clear error and starts nothing', () => {
    const r = spawnSync(process.execPath, [cli, 'train', '--nproc', '100000'], { encoding: 'utf8', cwd: root, env: cleanEnv(), timeout: 60_000, killSignal: 'SIGKILL' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nproc 100000 is more workers than this machine can run: at most \d+/);
    expect(r.stderr).not.toMatch(/workers:/);
  });
});

describe('SIGTERM acts as Ctrl-C', () => {
  test('a single process finishes the step and writes a mid-epoch checkpoint', async () => {
    const out = tmpdir();
    const job = background(['train', ...training, '--out', out]);
    await job.saw(/epoch 1 step \d+\//);
    job.child.kill('SIGTERM');
    expect(await job.exited).toBe(0);
    expect(job.out()).toMatch(/SIGTERM: finishing the current step and writing a checkpoint/);
    expect(job.out()).toMatch(/Stopped early; resume with/);
    expect(checkpoint(out).step as number).toBeGreaterThan(0);
  }, 120_000);
  (torch.distributed.availableBackends().gloo ? test : test.skip)('the launcher passes it on: every rank stops at the same step and the checkpoint is written', async () => {
    const out = tmpdir();
    const job = background(['train', '--nproc', '2', ...training, '--out', out]);
    await job.saw(/epoch 1 step \d+\//);
    const pids = workerPids(job.out());
    job.child.kill('SIGTERM');
    try {
      expect(await job.exited).toBe(0);
    } finally {
      reap(pids);
    }
    expect(job.out()).toMatch(/Stopped early; resume with/);
    const ck = checkpoint(out);
    expect(ck.step as number).toBeGreaterThan(0);
    expect(JSON.parse(ck.config as string).worldSize).toBe(2);
  }, 150_000);
});

describeGloo('a frozen rank', () => {
  test('a SIGSTOPped rank 1 is named by rank 0 within seconds and the job ends', async () => {
    const job = background(['train', '--nproc', '2', ...training, '--out', tmpdir()]);
    await job.saw(/epoch 1 step \d+\//);
    const pids = workerPids(job.out());
    process.kill(pids[1], 'SIGSTOP');
    const t0 = Date.now();
    try {
      await Promise.race([job.saw(/rank 1 stopped responding/), new Promise((r) => setTimeout(r, 30_000).unref())]);
      expect(job.out()).toMatch(/rank 1 stopped responding \(no heartbeat for 5 s while this rank waited: frozen, e\.g\. by SIGSTOP, or hung\)/);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(await job.exited).not.toBe(0);
      expect(await untilGone(pids, 15_000)).toBe(true);
    } finally {
      reap(pids);
    }
  }, 90_000);
  test('a SIGSTOPped rank 0 (the store host) is named by rank 1 within seconds', async () => {
    const job = background(['train', '--nproc', '2', ...training, '--out', tmpdir()]);
    await job.saw(/epoch 1 step \d+\//);
    const pids = workerPids(job.out());
    process.kill(pids[0], 'SIGSTOP');
    const t0 = Date.now();
    try {
      await Promise.race([job.saw(/rank 0, which hosts the rendezvous store .* stopped responding/), new Promise((r) => setTimeout(r, 30_000).unref())]);
      expect(job.out()).toMatch(/\[rank 1\] .*failed on rank 1: rank 0, which hosts the rendezvous store at 127\.0\.0\.1:\d+, stopped responding \(no answer within 3 s: frozen, e\.g\. by SIGSTOP, or hung\)/);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(await job.exited).not.toBe(0);
      expect(await untilGone(pids, 20_000)).toBe(true);
    } finally {
      reap(pids);
    }
  }, 90_000);
});
