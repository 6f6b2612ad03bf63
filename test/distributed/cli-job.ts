// A `gumbel-torch train` job run in the background, with what it printed and its workers' pids.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv, root } from './ranks';

export const cli = path.join(root, 'dist', 'cli', 'main.js');

export interface Job {
  child: ReturnType<typeof spawn>;
  out: () => string;
  exited: Promise<number | null>;
  saw: (re: RegExp) => Promise<void>;
}

export function background(args: string[]): Job {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...cleanEnv(), OMP_NUM_THREADS: '1' } });
  let text = '';
  const waits: { re: RegExp; resolve: () => void }[] = [];
  const check = (): void => waits.filter((w) => w.re.test(text)).forEach((w) => w.resolve());
  child.stdout?.on('data', (d) => ((text += d), check()));
  child.stderr?.on('data', (d) => ((text += d), check()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  return { child, out: () => text, exited, saw: (re) => (re.test(text) ? Promise.resolve() : new Promise((resolve) => waits.push({ re, resolve }))) };
}

/** Gone, or a zombie nobody reaps. */
export const gone = (pid: number): boolean => {
  try {
    return / Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/, ''));
  } catch {
    return true;
  }
};
export async function untilGone(pids: number[], ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 100))) if (pids.every(gone)) return true;
  return false;
}
export const workerPids = (text: string, n = 2, first = 0): number[] => Array.from({ length: n }, (_, i) => Number(new RegExp(`rank ${first + i} pid (\\d+)`).exec(text)?.[1]));
/** Kills what a failed test left running (only the given pids). */
export function reap(pids: number[]): void {
  for (const p of pids) {
    try {
      if (p > 0) process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
