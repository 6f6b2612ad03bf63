// A progress bar with running loss, speed and ETA (cli-progress); plain lines when not a terminal.
import { SingleBar } from 'cli-progress';
import { StepProgress } from '../train/trainer';

export class TrainProgress {
  #bar?: SingleBar;
  #epoch = 0;
  #t0 = 0;
  #tty = Boolean(process.stderr.isTTY);

  update(p: StepProgress): void {
    if (p.epoch !== this.#epoch) {
      this.stop();
      this.#epoch = p.epoch;
      this.#t0 = Date.now();
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
    if (this.#bar) this.#bar.update(p.step, payload);
  }
  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
