// Starts worker scripts as the ranks of a job on this machine (torchrun's variables, loopback) and
// collects what each printed and how it ended.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as torch from '../../lib';

export const root = path.resolve(__dirname, '..', '..');

/** describe, or describe.skip saying why when this build has no Gloo. */
export const describeGloo = torch.distributed.availableBackends().gloo
  ? describe
  : (n: string, f: () => void): void => describe.skip(`${n} [skipped: built without gloo; apt-get install libgloo-dev and rebuild]`, f);

/** Our environment without torchrun's variables (a test run under torchrun must not leak them). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT']) delete env[k];
  return env;
}
export const worker = (name: string): string => path.join(__dirname, 'workers', `${name}.worker.js`);

export interface Ended {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Rank {
  rank: number;
  child: ChildProcess;
  ended: Promise<Ended>;
  /** Resolves when the rank's stdout contains text. */
  printed(text: string): Promise<void>;
}

/** Starts one process with the given environment on top of ours (torchrun's variables cleared). */
export function start(rank: number, script: string, args: string[], env: Record<string, string | undefined>): Rank {
  const base = cleanEnv();
  const t0 = Date.now();
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env: { ...base, OMP_NUM_THREADS: '1', ...env } });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    for (const w of waiters.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const ended = new Promise<Ended>((resolve) => child.on('exit', (code, signal) => resolve({ rank, code, signal, stdout, stderr, ms: Date.now() - t0 })));
  const printed = (text: string): Promise<void> =>
    stdout.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }));
  return { rank, child, ended, printed };
}

/** Starts `world` ranks of a job on a free loopback port. */
export async function startJob(world: number, script: string, args: string[] = [], extraEnv: (rank: number) => Record<string, string> = () => ({})): Promise<Rank[]> {
  const port = await freePort();
  return Array.from({ length: world }, (_, rank) =>
    start(rank, script, args, { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(world), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), ...extraEnv(rank) }),
  );
}

export const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').pop() as string) as T;

export function requireDist(): void {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build:ts (npm ci does it)');
}
