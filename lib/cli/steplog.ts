// --log-json FILE: one JSON object per line, for plotting elsewhere (pandas.read_json(f, lines=True),
// jq, a notebook). A line per progress read ({"kind":"step"}) and one per finished epoch ({"kind":"epoch"}).
import * as fs from 'node:fs';
import { type EpochMetrics } from '../train/config';
import { type StepProgress } from '../train/trainer';

export interface StepLine {
  kind: 'step';
  epoch: number;
  step: number;
  globalStep: number;
  /** Mean losses over the steps since the previous line (with --log-every 1: this step's batch). */
  relaxed?: number;
  unrelaxed?: number;
  /** The epoch's running means so far, as the progress bar shows them. */
  relaxedMean: number;
  unrelaxedMean: number;
  tau: number;
  /** Seconds since the log was opened. */
  time: number;
}

export class StepLog {
  readonly #fd: number;
  readonly #file: string;
  readonly #t0 = Date.now();
  #prev?: { epoch: number; seen: number; relaxed: number; unrelaxed: number };
  #failed = false;

  /** Truncates the file, or appends to it when a run resumes. */
  constructor(file: string, opts: { append?: boolean } = {}) {
    this.#file = file;
    this.#fd = fs.openSync(file, opts.append ? 'a' : 'w');
  }

  /** After a resume, the sums before the checkpoint are unknown: the first window is left out. */
  resumedAt(epoch: number, step: number): void {
    if (step > 0) this.#prev = { epoch, seen: Number.NaN, relaxed: Number.NaN, unrelaxed: Number.NaN };
  }

  step(p: StepProgress): void {
    const prev = this.#prev?.epoch === p.epoch ? this.#prev : { epoch: p.epoch, seen: 0, relaxed: 0, unrelaxed: 0 };
    const count = p.seen - prev.seen;
    const line: StepLine = { kind: 'step', epoch: p.epoch, step: p.step, globalStep: p.globalStep, relaxedMean: p.relaxed, unrelaxedMean: p.unrelaxed, tau: p.tau, time: this.#elapsed() };
    if (count > 0) {
      // Running means times images seen are the device's sums; their differences are the window's.
      line.relaxed = (p.relaxed * p.seen - prev.relaxed * prev.seen) / count;
      line.unrelaxed = (p.unrelaxed * p.seen - prev.unrelaxed * prev.seen) / count;
    }
    this.#prev = { epoch: p.epoch, seen: p.seen, relaxed: p.relaxed, unrelaxed: p.unrelaxed };
    this.#write(line);
  }

  epoch(m: EpochMetrics): void {
    this.#write({ kind: 'epoch', ...m, time: this.#elapsed() });
  }

  close(): void {
    fs.closeSync(this.#fd);
  }

  #elapsed(): number {
    return (Date.now() - this.#t0) / 1000;
  }

  // A log that cannot be written (a full disk) must not stop training or cost its checkpoint: say so once.
  #write(obj: object): void {
    if (this.#failed) return;
    try {
      fs.writeSync(this.#fd, JSON.stringify(obj) + '\n');
    } catch (e) {
      this.#failed = true;
      process.stderr.write(`gumbel-torch: --log-json ${this.#file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); training goes on without it\n`);
    }
  }
}
