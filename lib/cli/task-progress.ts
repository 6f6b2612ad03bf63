// A task run's progress: a bar with the running means of the step metrics, speed and ETA
// (cli-progress) on a terminal; plain lines at every tenth of an epoch when stdout is a file, a pipe
// or a CI log. Also the progress of a long preparation (data generation).
import { SingleBar } from 'cli-progress';
import type { TaskProgress } from '../tasks/runner';

const LINES_PER_EPOCH = 10;

const show = (m: Record<string, number>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(3)}`)
    .join(' ');

export class TaskProgressBar {
  #bar?: SingleBar;
  #key = '';
  #t0 = 0;
  #lastLine = -1;
  readonly #tty: boolean;
  readonly #write: (line: string) => void;

  constructor(opts: { tty?: boolean; write?: (line: string) => void } = {}) {
    this.#tty = opts.tty ?? Boolean(process.stdout.isTTY && process.stderr.isTTY);
    this.#write = opts.write ?? ((l) => void process.stdout.write(l + '\n'));
  }

  #start(key: string, title: string, total: number): void {
    if (key === this.#key) return;
    this.stop();
    this.#key = key;
    this.#t0 = Date.now();
    this.#lastLine = -1;
    if (this.#tty) {
      this.#bar = new SingleBar({ format: `${title} |{bar}| {value}/{total} | {metrics} | ETA {eta_formatted}`, barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, stream: process.stderr, etaBuffer: 50 });
      this.#bar.start(total, 0, { metrics: '' });
    }
  }

  /** Where a preparation stands (plain lines: every tenth). */
  prepare(label: string, done: number, total: number): void {
    this.#start(`prepare:${label}`, label, total);
    if (this.#bar) return void this.#bar.update(done, { metrics: '' });
    const tenth = Math.floor((done * LINES_PER_EPOCH) / Math.max(total, 1));
    if (tenth <= this.#lastLine) return;
    this.#lastLine = tenth;
    this.#write(`  ${label}: ${done}/${total} (${((Date.now() - this.#t0) / 1000).toFixed(1)} s)`);
  }

  update(p: TaskProgress): void {
    this.#start(`epoch:${p.epoch}`, `Epoch ${p.epoch}`, p.stepsPerEpoch);
    const secs = (Date.now() - this.#t0) / 1000;
    const metrics = `${show(p.means)} | ${secs > 0 ? (p.step / secs).toFixed(1) : '-'} it/s`;
    if (this.#bar) return void this.#bar.update(p.step, { metrics });
    // The epoch's own line follows its last step, so plain lines stop short of it.
    const tenth = Math.floor((p.step * LINES_PER_EPOCH) / p.stepsPerEpoch);
    if (p.step >= p.stepsPerEpoch || tenth <= Math.max(this.#lastLine, 0)) return;
    this.#lastLine = tenth;
    this.#write(`  epoch ${p.epoch} step ${p.step}/${p.stepsPerEpoch} ${metrics}`);
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
    this.#key = '';
  }
}
