// The launcher and its workers when things go wrong: a SIGKILLed launcher (the workers stop as
// Ctrl-C would, with a checkpoint), a worker that dies before the group forms (the others are
// stopped within seconds), a resume with another world size (refused mid-epoch, allowed at an epoch
// boundary), and launcher flags that cannot work.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { SEED_DEFAULTS } from '../../lib/train/config';
import { Trainer } from '../../lib/train/trainer';
import { cleanEnv, describeGloo, requireDist, root } from './ranks';

const cli = path.join(root, 'dist', 'cli', 'main.js');
const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-dfail-'));
const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, env: cleanEnv(), timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const small = ['--limit', '1000', '--batch-size', '50', '--device', 'cpu', '--seed', '3'];
const checkpoint = (out: string): Record<string, unknown> => torch.load(path.join(out, 'checkpoint.pt')) as Record<string, unknown>;

function background(args: string[]): { child: ReturnType<typeof spawn>; out: () => string; err: () => string; exited: Promise<number | null>; saw: (re: RegExp) => Promise<void> } {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: cleanEnv() });
  let text = '';
  let stderr = '';
  const waits: { re: RegExp; resolve: () => void }[] = [];
  const check = (): void => waits.filter((w) => w.re.test(text)).forEach((w) => w.resolve());
  child.stdout?.on('data', (d) => ((text += d), check()));
  child.stderr?.on('data', (d) => ((text += d), (stderr += d), check()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  return { child, out: () => text, err: () => stderr, exited, saw: (re) => (re.test(text) ? Promise.resolve() : new Promise((resolve) => waits.push({ re, resolve }))) };
}

// A worker whose launcher was SIGKILLed is reparented (a zombie where nothing reaps it).
const gone = (pid: number): boolean => {
  try {
    return / Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/, ''));
  } catch {
    return true;
  }
};
async function untilGone(pids: number[], ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 200))) if (pids.every(gone)) return true;
  return false;
}
const workerPids = (err: string): number[] => [0, 1].map((r) => Number(new RegExp(`rank ${r} pid (\\d+)`).exec(err)?.[1]));

beforeAll(requireDist);

describeGloo('a SIGKILLed launcher', () => {
  const out = tmpdir();
  test('the workers survive their closed output pipes and stop together with a mid-epoch checkpoint of both ranks', async () => {
    const job = background(['train', '--nproc', '2', '--epochs', '1', '--limit', '2000', '--batch-size', '20', '--device', 'cpu', '--log-every', '1', '--out', out]);
    await job.saw(/epoch 1 step \d+\//); // progress lines are throttled: the first one shown
    const pids = workerPids(job.err());
    job.child.kill('SIGKILL');
    await job.exited;
    // Rank 1 writes its Ctrl-C note to the dead launcher's pipe (EPIPE); rank 0 still prints to ours.
    expect(await untilGone(pids, 90_000)).toBe(true);
    await job.saw(/Stopped early; resume with/);
    expect(job.out()).not.toMatch(/stopped responding/);
    const ck = checkpoint(out);
    expect(ck.epoch).toBe(1);
    expect(ck.step as number).toBeGreaterThan(0);
    expect(JSON.parse(ck.config as string).worldSize).toBe(2);
    // Rank 1 took part in writing it: its generator row came through the collective.
    const rows = ck.rngStates as torch.Tensor;
    expect(rows.shape[0]).toBe(2);
    expect(rows.select(0, 1).ne(0).any().item()).toBe(true);
  }, 150_000);
  test('that mid-epoch checkpoint is refused by a single process, naming the world size', () => {
    const r = run(['train', '--out', out, '--resume', '--device', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/worldSize 2 -> 1 \(the checkpoint is mid-epoch: its data order and sums belong to 2 process\(es\); resume it as a job of 2 process\(es\)\)\. Resume as the saved job/);
  });
});

describeGloo('a worker that dies before the group forms', () => {
  test('stops the others within seconds, not after the rendezvous timeout', async () => {
    const job = background(['train', '--nproc', '2', '--epochs', '1', ...small, '--out', tmpdir()]);
    await job.saw(/workers: rank 0 pid/); // printed right after spawning: nobody has joined yet
    const [r0, r1] = workerPids(job.err());
    process.kill(r1, 'SIGKILL');
    const t0 = Date.now();
    expect(await job.exited).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(job.err()).toMatch(/worker rank 1 \(pid \d+\) was killed by SIGKILL; stopping the others \(the group had not formed\)/);
    expect(await untilGone([r0], 10_000)).toBe(true);
  }, 60_000);
});

describeGloo('a resume with another world size', () => {
  const base = { ...SEED_DEFAULTS, epochs: 1, limit: 1000, batchSize: 50, device: 'cpu' as const, logEvery: 1, seed: 3 };
  test('mid-epoch: a single process checkpoint is refused by --nproc 2', async () => {
    const out = tmpdir();
    const trainer = new Trainer({ ...base, out });
    const r = await trainer.run({ onProgress: (p) => p.step === 3 && trainer.requestStop() });
    r.model.dispose();
    expect(r.stopped).toBe('interrupted');
    const res = run(['train', '--nproc', '2', '--out', out, '--resume', '--device', 'cpu']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/worldSize 1 -> 2 \(the checkpoint is mid-epoch/);
  }, 120_000);
  test('at an epoch boundary: --nproc 2 continues a single process run, saying so', () => {
    const out = tmpdir();
    expect(run(['train', '--epochs', '1', ...small, '--out', out]).code).toBe(0);
    const r = run(['train', '--nproc', '2', '--epochs', '2', '--out', out, '--resume', '--device', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/changed on resume \(applied from here on\): worldSize 1 -> 2 \(from this epoch on: each optimizer step now takes 2 batches\); epochs 1 -> 2/);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as { epoch: number; relaxed: number }[];
    expect(m.map((e) => e.epoch)).toEqual([1, 2]);
    expect(m[1].relaxed).toBeLessThan(m[0].relaxed);
    expect(JSON.parse(checkpoint(out).config as string).worldSize).toBe(2);
  }, 180_000);
});

describe('launcher flags that cannot work are refused before any worker starts', () => {
  test('--master-port out of range', () => {
    const r = run(['train', '--nproc', '2', '--master-port', '70000']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/master-port must be an integer in 1\.\.65535/);
    expect(r.stderr).not.toMatch(/workers:/);
  });
  (torch.cuda.isAvailable() ? test.skip : test)('--device cuda without CUDA names CUDA, not NCCL', () => {
    const r = run(['train', '--nproc', '2', '--device', 'cuda', '--limit', '100']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--device cuda: CUDA is not available/);
    expect(r.stderr).not.toMatch(/nccl|workers:/i);
  });
});
