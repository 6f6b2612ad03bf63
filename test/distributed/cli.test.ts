// `gumbel-torch train --nproc N`: local workers as one data-parallel job, rank 0's outputs, an exact
// --resume, Ctrl-C through the launcher, and a killed worker that stops the job with its rank named.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { cleanEnv, describeGloo, freePort, requireDist, root } from './ranks';

const cli = path.join(root, 'dist', 'cli', 'main.js');
const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-dcli-'));
function run(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const metrics = (d: string): { epoch: number; relaxed: number; unrelaxed: number; test: number }[] => JSON.parse(fs.readFileSync(path.join(d, 'metrics.json'), 'utf8'));

function background(args: string[]): { child: ReturnType<typeof spawn>; out: () => string; err: () => string; exited: Promise<number | null>; saw: (re: RegExp) => Promise<void> } {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: cleanEnv() });
  let stdout = '';
  let stderr = '';
  const waits: { re: RegExp; resolve: () => void }[] = [];
  const check = (): void => waits.filter((w) => w.re.test(stdout + stderr)).forEach((w) => w.resolve());
  child.stdout?.on('data', (d) => ((stdout += d), check()));
  child.stderr?.on('data', (d) => ((stderr += d), check()));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  return { child, out: () => stdout, err: () => stderr, exited, saw: (re) => (re.test(stdout + stderr) ? Promise.resolve() : new Promise((resolve) => waits.push({ re, resolve }))) };
}

beforeAll(requireDist);

describeGloo('gumbel-torch train --nproc 2', () => {
  const base = ['--limit', '1200', '--batch-size', '50', '--device', 'cpu', '--seed', '2', '--log-every', '4'];
  const whole = tmpdir();
  let res: ReturnType<typeof run>;
  beforeAll(() => {
    res = run(['train', '--nproc', '2', '--epochs', '2', '--out', whole, ...base]);
  });
  test('trains as one job: rank 0 prints once and writes every output', () => {
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/2 worker\(s\) on this machine, ranks 0\.\.1 of 2, rendezvous 127\.0\.0\.1:\d+/);
    expect(res.stdout.match(/Epoch: 1 Average loss relaxed/g)).toHaveLength(1);
    expect(res.stdout).toMatch(/Summary: 2 epochs/);
    for (const f of ['checkpoint.pt', 'metrics.json', 'metrics.csv', 'loss.svg', 'samples.png', 'reconstructions.png']) expect(fs.existsSync(path.join(whole, f))).toBe(true);
    const m = metrics(whole);
    expect(m.map((e) => e.epoch)).toEqual([1, 2]);
    expect(m[1].relaxed).toBeLessThan(m[0].relaxed);
  });
  test('--resume continues the exact random stream of every rank: epoch 2 equals the uninterrupted run', () => {
    const split = tmpdir();
    expect(run(['train', '--nproc', '2', '--epochs', '1', '--out', split, ...base]).code).toBe(0);
    const r = run(['train', '--nproc', '2', '--epochs', '2', '--out', split, '--resume', ...base]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resuming from .* at epoch 2, step 0/);
    const [a, b] = [metrics(whole)[1], metrics(split)[1]];
    expect([b.relaxed, b.unrelaxed, b.test]).toEqual([a.relaxed, a.unrelaxed, a.test]);
  });
  test('the same command under torchrun-style variables joins one job', async () => {
    const out = tmpdir();
    const port = await freePort();
    const env = (rank: number): NodeJS.ProcessEnv => ({ ...cleanEnv(), RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), OMP_NUM_THREADS: '1' });
    const ranks = [0, 1].map((rank) => spawn(process.execPath, [cli, 'train', '--epochs', '1', '--out', out, ...base], { cwd: root, env: env(rank) }));
    let stdout0 = '';
    ranks[0].stdout?.on('data', (d) => (stdout0 += d));
    const codes = await Promise.all(ranks.map((c) => new Promise((r) => c.on('exit', r))));
    expect(codes).toEqual([0, 0]);
    expect(stdout0).toMatch(/Epoch: 1 Average loss/);
    // The launcher gives each of 2 workers 1 thread on this 2-core machine; with the same threads the job is the same.
    if (os.availableParallelism() === 2) expect(metrics(out)[0]).toMatchObject({ relaxed: metrics(whole)[0].relaxed, test: metrics(whole)[0].test });
    else expect(metrics(out)[0].relaxed).toBeCloseTo(metrics(whole)[0].relaxed, 3);
  }, 120000);
  test('bad launcher flags are named', () => {
    expect(run(['train', '--nproc', '0']).stderr).toMatch(/nproc must be an integer >= 1/);
    expect(run(['train', '--node-rank', '1']).stderr).toMatch(/--node-rank needs --nproc/);
    expect(run(['train', '--nproc', '2', '--nnodes', '2']).stderr).toMatch(/--nnodes > 1 needs --master-port/);
    expect(run(['train', '--nproc', '2'], { ...cleanEnv(), WORLD_SIZE: '2' }).stderr).toMatch(/--nproc starts the workers itself/);
    expect(run(['train', '--backend', 'mpi']).stderr).toMatch(/Allowed choices are gloo, nccl/);
  });
});

describeGloo('signals and failures', () => {
  const long = ['train', '--nproc', '2', '--epochs', '20', '--limit', '4000', '--batch-size', '20', '--device', 'cpu', '--log-every', '2'];
  const started = /Categorical VAE, 30 latents/;
  test('Ctrl-C at the launcher: every worker stops at the same step, rank 0 writes the checkpoint, --resume continues', async () => {
    const out = tmpdir();
    const job = background([...long, '--out', out]);
    await job.saw(started); // printed after every rank joined and installed its Ctrl-C handler
    await new Promise((r) => setTimeout(r, 500));
    job.child.kill('SIGINT');
    expect(await job.exited).toBe(0);
    expect(job.err()).toMatch(/\[rank 1\] .*finishing the current step and writing a checkpoint/);
    expect(job.out()).toMatch(/Stopped early; resume with/);
    const ck = torch.load(path.join(out, 'checkpoint.pt')) as Record<string, unknown>;
    expect((ck.rngStates as torch.Tensor).shape[0]).toBe(2);
    const r = run([...long.slice(0, 3), '--epochs', '1', ...long.slice(5), '--out', out, '--resume']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resuming from .* at epoch 1, step [1-9]\d*/);
    expect(metrics(out).map((m) => m.epoch)).toEqual([1]);
  }, 240000);
  test('a killed worker stops the job with an error naming its rank', async () => {
    const job = background([...long, '--out', tmpdir()]);
    await job.saw(started);
    await new Promise((r) => setTimeout(r, 1500));
    const pid = Number(/rank 1 pid (\d+)/.exec(job.err())?.[1]);
    process.kill(pid, 'SIGKILL');
    const t0 = Date.now();
    const code = await job.exited;
    expect(code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(30000);
    expect(job.err()).toMatch(/worker rank 1 \(pid \d+\) was killed by SIGKILL/);
    expect(job.err()).toMatch(/rank 1 stopped responding/);
  }, 120000);
});
