// Training progress: a bar with running loss, speed and ETA (cli-progress) on a terminal; plain lines
// at every tenth of an epoch when stdout is a file, a pipe or a CI log.
import { SingleBar } from 'cli-progress';
import { type StepProgress } from '../train/trainer';

/** How many plain lines an epoch gets when stdout is not a terminal. */
const LINES_PER_EPOCH = 10;

export class TrainProgress {
  #bar?: SingleBar;
  #epoch = 0;
  #t0 = 0;
  #lastLine = 0;
  readonly #tty: boolean;
  readonly #write: (line: string) => void;

  constructor(opts: { tty?: boolean; write?: (line: string) => void } = {}) {
    this.#tty = opts.tty ?? Boolean(process.stdout.isTTY && process.stderr.isTTY);
    this.#write = opts.write ?? ((l) => void process.stdout.write(l + '\n'));
  }

  update(p: StepProgress): void {
    if (p.epoch !== this.#epoch) {
      this.stop();
      this.#epoch = p.epoch;
      this.#t0 = Date.now();
      this.#lastLine = 0;
      if (this.#tty) {
        this.#bar = new SingleBar({
          format: `Epoch ${p.epoch} |{bar}| {value}/{total} | relaxed {relaxed} unrelaxed {unrelaxed} | tau {tau} | {speed} it/s | ETA {eta_formatted}`,
          barCompleteChar: '█',
          barIncompleteChar: '░',
          hideCursor: true,
          stream: process.stderr,
          etaBuffer: 50,
        });
        this.#bar.start(p.stepsPerEpoch, 0, { relaxed: '-', unrelaxed: '-', tau: '-', speed: '-' });
      }
    }
    const secs = (Date.now() - this.#t0) / 1000;
    const speed = secs > 0 ? (p.step / secs).toFixed(0) : '-';
    const payload = { relaxed: p.relaxed.toFixed(2), unrelaxed: p.unrelaxed.toFixed(2), tau: p.tau.toFixed(3), speed };
    if (this.#bar) {
      this.#bar.update(p.step, payload);
      return;
    }
    // The epoch's own line follows its last step, so plain lines stop short of it.
    const tenth = Math.floor((p.step * LINES_PER_EPOCH) / p.stepsPerEpoch);
    if (this.#tty || p.step >= p.stepsPerEpoch || tenth <= this.#lastLine) return;
    this.#lastLine = tenth;
    this.#write(`  epoch ${p.epoch} step ${p.step}/${p.stepsPerEpoch} relaxed ${payload.relaxed} unrelaxed ${payload.unrelaxed} tau ${payload.tau} ${speed} it/s`);
  }
  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
