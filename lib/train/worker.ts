// Training on a worker thread that owns the model, so the caller's event loop stays responsive (a
// server or an Electron app can train). Progress comes back as events; cancel() stops cleanly.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Device } from '../tensor';
import { checkTrainConfig, type EpochMetrics, type TrainConfig } from './config';
import { type StepProgress, type TrainResult } from './trainer';

/** What a worker run returns: the Trainer's result without the model, which stays in the worker (load the checkpoint). */
export type WorkerTrainResult = Omit<TrainResult, 'model'>;

export interface TrainStartInfo {
  device: Device;
  resumedFrom?: { epoch: number; step: number };
  stepsPerEpoch: number;
}

/** The events of a worker run, by name. */
export interface TrainEvents {
  start: TrainStartInfo;
  progress: StepProgress;
  epoch: EpochMetrics;
  done: WorkerTrainResult;
}
export type TrainEvent = { [K in keyof TrainEvents]: { type: K } & TrainEvents[K] }[keyof TrainEvents];

/** Messages from worker-main.ts: the events, or a failure. */
export type WorkerMessage = TrainEvent | { type: 'error'; name: string; message: string };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v));
}

/** The compiled worker entry beside this file (dist/train), or, when this runs from lib/ (ts-jest), dist's. */
function entry(): string {
  const here = path.join(__dirname, 'worker-main.js');
  if (fs.existsSync(here)) return here;
  const built = path.join(__dirname, '..', '..', 'dist', 'train', 'worker-main.js');
  if (fs.existsSync(built)) return built;
  throw new Error('gumbel-torch: dist/train/worker-main.js is missing: build with npm run build:ts');
}

/**
 * A training run on its own thread. Listen with `on('progress' | 'epoch' | 'start' | 'done', fn)` or
 * iterate it (`for await (const e of job)`); `result` settles when the run ends; `cancel()` finishes the
 * current step, writes the checkpoint (so `resume` continues) and ends the run with `stopped: 'interrupted'`.
 */
export class TrainJob implements AsyncIterable<TrainEvent> {
  readonly result: Promise<WorkerTrainResult>;
  readonly #events = new EventEmitter();
  readonly #worker: Worker;
  #ended = false;

  /** @internal Use trainInWorker(). */
  constructor(config: Partial<TrainConfig>, opts: { resume?: boolean }) {
    this.#worker = new Worker(entry(), { workerData: { config, resume: Boolean(opts.resume) } });
    this.result = new Promise<WorkerTrainResult>((resolve, reject) => {
      this.#worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'error') {
          const e = new Error(m.message);
          e.name = m.name;
          return this.#end(reject, e);
        }
        const { type, ...payload } = m;
        this.#events.emit(type, payload);
        this.#events.emit('event', m);
        if (m.type === 'done') this.#end(resolve, payload as WorkerTrainResult);
      });
      this.#worker.on('error', (e) => this.#end(reject, e));
      this.#worker.on('exit', (code) => this.#end(reject, new Error(`gumbel-torch: the training worker exited (code ${code}) before the run finished`)));
    });
    // A caller that only listens to events must not get an unhandled rejection; `result` still rejects.
    this.result.catch(() => undefined);
  }

  #end<T>(settle: (v: T) => void, v: T): void {
    if (this.#ended) return;
    this.#ended = true;
    settle(v);
    this.#events.emit('end');
  }

  on<K extends keyof TrainEvents>(event: K, listener: (e: TrainEvents[K]) => void): this {
    this.#events.on(event, listener);
    return this;
  }
  off<K extends keyof TrainEvents>(event: K, listener: (e: TrainEvents[K]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Asks the worker to stop after the current progress update, writing a checkpoint first. */
  cancel(): void {
    if (!this.#ended) this.#worker.postMessage({ type: 'cancel' });
  }

  /** Every event in order, ending after 'done'; throws the run's error if it fails. */
  async *[Symbol.asyncIterator](): AsyncIterator<TrainEvent> {
    const queue: TrainEvent[] = [];
    let wake: (() => void) | undefined;
    const onEvent = (e: TrainEvent): void => {
      queue.push(e);
      wake?.();
    };
    const onEnd = (): void => wake?.();
    this.#events.on('event', onEvent);
    this.#events.on('end', onEnd);
    try {
      for (;;) {
        while (queue.length) {
          const e = queue.shift() as TrainEvent;
          yield e;
          if (e.type === 'done') return;
        }
        if (this.#ended) {
          await this.result; // throws the failure; a finished run has yielded 'done' above
          return;
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      this.#events.off('event', onEvent);
      this.#events.off('end', onEnd);
    }
  }
}

/**
 * Trains the Categorical VAE on a worker thread, as `new Trainer(config).run()` would on this one;
 * config is merged over the defaults (those of `gumbel-torch train`, `train.TRAIN_DEFAULTS`): `{}` trains them.
 */
export function trainInWorker(config: Partial<TrainConfig>, opts: { resume?: boolean } = {}): TrainJob {
  if (!isPlainObject(opts) || Object.keys(opts).some((k) => k !== 'resume')) throw new TypeError('trainInWorker(config, opts): opts must be { resume?: boolean }');
  if (opts.resume !== undefined && typeof opts.resume !== 'boolean') throw new TypeError('trainInWorker(config, opts): resume must be a boolean');
  return new TrainJob(checkTrainConfig(config, 'trainInWorker(config)'), opts);
}
