// The one loop behind `gumbel-torch train --task <name>`: seeds, builds the task's session, runs its
// steps with step metrics summed on the device (read only at progress updates), evaluates each epoch,
// writes a checkpoint after each epoch and on a stop request, resumes exactly (session state, torch's
// generators, position and running sums), and stops on a non-finite metric keeping the last good
// checkpoint. The CLI (lib/cli/task-train.ts) adds the files, progress, signals and TensorBoard.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zeros } from '../creation';
import { cuda, getRngState, manualSeed, setRngState } from '../runtime';
import { keep, scope } from '../scope';
import { checkWritableDir } from '../serialize';
import { type Device, Tensor } from '../tensor';
import { resolveDevice } from '../train/trainer';
import { type EpochRecord, readTaskCheckpoint, writeTaskCheckpoint } from './checkpoint';
import { checkTaskConfig } from './options';
import { planTaskResume } from './resume';
import type { Loaded } from '../serialize';
import type { Task, TaskConfig, TaskContext, TaskImage, TaskMetrics } from './task';

export const TASK_CHECKPOINT = 'checkpoint.pt';

export interface TaskProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  /** The epoch's running means of the step metrics so far. */
  means: Record<string, number>;
  /** The means over the steps since the previous update (NaN for the first one after a mid-epoch resume). */
  window: Record<string, number>;
}

export interface TaskRunHooks {
  onStart?(info: { device: Device; config: TaskConfig; stepsPerEpoch: number; resumedFrom?: { epoch: number; step: number }; changes?: string[] }): void;
  onProgress?(p: TaskProgress): void;
  /** After an epoch's evaluation and checkpoint; `picture()` draws the session's pictures now. */
  onEpoch?(record: EpochRecord, ctx: { picture(): TaskImage[]; last: boolean }): void;
  /** Before the session is freed, however the run ended (not after an error): for the final pictures. */
  onEnd?(ctx: { picture(): TaskImage[] }): void;
  /** Preparation progress (data generation) and lines from the task. */
  log?(line: string): void;
  progress?(label: string, done: number, total: number): void;
}

export interface TaskRunResult {
  metrics: EpochRecord[];
  stopped: 'done' | 'interrupted' | 'non-finite';
  /** finalTest()'s figures, after a finished run of a task that has one. */
  final?: Record<string, number>;
  checkpoint: string;
  device: Device;
  message?: string;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

/** Step metrics summed over an epoch: tensors on the device, numbers on the host. */
class Sums {
  readonly #device: Device;
  readonly #tensors = new Map<string, Tensor>();
  readonly #numbers = new Map<string, number>();
  steps = 0;
  #last?: { values: Record<string, number>; steps: number };
  constructor(device: Device) {
    this.#device = device;
  }
  add(m: TaskMetrics): void {
    for (const [k, v] of Object.entries(m)) {
      if (v instanceof Tensor) {
        let s = this.#tensors.get(k);
        if (!s) {
          // A sum restored from a checkpoint continues on the device.
          this.#tensors.set(k, (s = keep(zeros([], { device: this.#device, dtype: 'float64' }).add_(this.#numbers.get(k) ?? 0))));
          this.#numbers.delete(k);
        }
        s.add_(v.detach().to('float64').reshape([]));
      } else this.#numbers.set(k, (this.#numbers.get(k) ?? 0) + v);
    }
    this.steps++;
  }
  /** The sums (reads the device). */
  read(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.#numbers);
    for (const [k, t] of this.#tensors) out[k] = t.item() as number;
    return out;
  }
  /** Running means, and the means since the previous call (NaN after restore(): the window is unknown). */
  progress(): { means: Record<string, number>; window: Record<string, number> } {
    const values = this.read();
    const means: Record<string, number> = {};
    const window: Record<string, number> = {};
    const last = this.#last;
    for (const [k, v] of Object.entries(values)) {
      means[k] = v / this.steps;
      const dn = this.steps - (last?.steps ?? 0);
      window[k] = last && last.values[k] === undefined ? NaN : dn > 0 ? (v - (last?.values[k] ?? 0)) / dn : NaN;
    }
    this.#last = { values, steps: this.steps };
    return { means, window };
  }
  restore(sums: Record<string, number>, steps: number): void {
    this.reset();
    for (const [k, v] of Object.entries(sums)) this.#numbers.set(k, v);
    this.steps = steps;
    this.#last = { values: {}, steps };
  }
  reset(): void {
    for (const t of this.#tensors.values()) t.dispose();
    this.#tensors.clear();
    this.#numbers.clear();
    this.steps = 0;
    this.#last = undefined;
  }
}

/** Values read back from a metrics object (tensors read; the runner frees them with the scope). */
function readMetrics(m: TaskMetrics): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Tensor ? (v.item() as number) : v]));
}

/** Runs `task` with `config`; resumes from <out>/checkpoint.pt when `resume` is set. */
export class TaskRunner {
  readonly task: Task;
  #config: TaskConfig;
  #stop = false;

  /** `config` over the task's defaults, each value checked as the CLI checks its flag. */
  constructor(task: Task, config: Record<string, unknown> = {}) {
    this.task = task;
    this.#config = checkTaskConfig(task, config, `train --task ${task.name}`);
  }
  get config(): TaskConfig {
    return this.#config;
  }
  /** Asks the loop to finish the current step, write a checkpoint and return. */
  requestStop(): void {
    this.#stop = true;
  }

  /**
   * `resume` continues the run saved in out/checkpoint.pt (an error if there is none); `explicit`
   * names the settings the caller chose (default: all), the others come from the checkpoint.
   */
  async run(hooks: TaskRunHooks = {}, opts: { resume?: boolean; explicit?: ReadonlySet<string> } = {}): Promise<TaskRunResult> {
    const task = this.task;
    const ckptPath = path.join(this.config.out, TASK_CHECKPOINT);
    let changes: string[] | undefined;
    if (opts.resume) {
      if (!fs.existsSync(ckptPath)) throw new Error(`nothing to resume: no checkpoint at ${ckptPath} (train without --resume to start a new run)`);
      const head = scope(() => readTaskCheckpoint(ckptPath, { headerOnly: true }));
      if (head.task !== task.name) throw new Error(`cannot resume from ${ckptPath}: it is a checkpoint of task '${head.task}', not '${task.name}' (use --task ${head.task})`);
      const plan = planTaskResume(task, head.config, this.config, opts.explicit ?? new Set(Object.keys(this.config)), ckptPath);
      this.#config = checkTaskConfig(task, plan.config, `train --task ${task.name} (resumed)`);
      changes = plan.changes;
    }
    const c = this.config;
    const device = resolveDevice(c.device);
    checkWritableDir(c.out, `train --task ${task.name} (--out)`); // before any time is spent
    manualSeed(c.seed);
    const ctx: TaskContext = {
      device,
      out: c.out,
      log: (l) => hooks.log?.(l),
      progress: (label, done, total) => hooks.progress?.(label, done, total),
    };
    const session = await task.create(c, ctx);
    const sums = new Sums(device);
    try {
      let metrics: EpochRecord[] = [];
      let startEpoch = 1;
      let startStep = 0;
      let globalStep = 0;
      let trainSecondsSoFar = 0;
      if (opts.resume) {
        scope(() => {
          const ck = readTaskCheckpoint(ckptPath);
          session.loadStateDict(ck.state as Record<string, Loaded>);
          metrics = ck.metrics;
          startEpoch = ck.epoch;
          startStep = ck.step;
          globalStep = ck.globalStep;
          trainSecondsSoFar = ck.trainSeconds;
          if (startStep > session.stepsPerEpoch) throw new Error(`${ckptPath}: not a valid gumbel-torch task checkpoint: step ${startStep} is past the ${session.stepsPerEpoch} steps of an epoch`);
          if (ck.sums) sums.restore(ck.sums, startStep);
          setRngState(ck.rngState);
          if (ck.cudaRngState && device.startsWith('cuda')) setRngState(ck.cudaRngState, device);
        });
      }
      const resumed = opts.resume && (startEpoch > 1 || startStep > 0);
      hooks.onStart?.({ device, config: c, stepsPerEpoch: session.stepsPerEpoch, resumedFrom: resumed ? { epoch: startEpoch, step: startStep } : undefined, changes });

      const checkpoint = (epoch: number, step: number, trainSeconds: number): void =>
        scope(() => {
          const cudaRng = device.startsWith('cuda') ? { cudaRngState: getRngState(device) } : {};
          writeTaskCheckpoint(ckptPath, { task: task.name, config: c, metrics, epoch, step, globalStep, trainSeconds, rngState: getRngState(), ...cudaRng, sums: step > 0 ? sums.read() : undefined, state: session.stateDict() });
        });
      const keptNote = (): string => (fs.existsSync(ckptPath) ? `the last good checkpoint ${ckptPath} was kept (lower --lr and --resume)` : 'no checkpoint had been written yet (lower --lr)');
      const picture = (): TaskImage[] => withGenerators(device, () => session.picture());
      const steps = session.stepsPerEpoch;

      for (let epoch = startEpoch; epoch <= c.epochs; epoch++) {
        let step = epoch === startEpoch ? startStep : 0;
        if (step === 0) {
          sums.reset();
          session.beginEpoch(epoch);
        }
        cuda.synchronize();
        const t0 = process.hrtime.bigint();
        for (; step < steps; ) {
          scope(() => sums.add(session.trainStep(epoch, step)));
          step++;
          globalStep++;
          const last = step === steps;
          if (step % c.logEvery === 0 || last || this.#stop) {
            const p = sums.progress();
            const bad = Object.entries(p.means).find(([, v]) => !Number.isFinite(v));
            if (bad) return this.#end(hooks, picture, { metrics, stopped: 'non-finite', checkpoint: ckptPath, device, message: `train.${bad[0]} became non-finite (${bad[1]}) at epoch ${epoch}, step ${step}; training stopped; ${keptNote()}` });
            hooks.onProgress?.({ epoch, step, stepsPerEpoch: steps, globalStep, ...p });
            await turn(); // lets Ctrl-C and finalizers run
            if (this.#stop && !last) {
              checkpoint(epoch, step, trainSecondsSoFar + seconds(t0));
              return this.#end(hooks, picture, { metrics, stopped: 'interrupted', checkpoint: ckptPath, device });
            }
          }
        }
        cuda.synchronize();
        const trainSeconds = trainSecondsSoFar + seconds(t0);
        trainSecondsSoFar = 0;
        const means = Object.fromEntries(Object.entries(sums.read()).map(([k, v]) => [`train.${k}`, v / sums.steps]));
        const t1 = process.hrtime.bigint();
        const evaluated = scope(() => readMetrics(session.evaluate(epoch)));
        const record: EpochRecord = { epoch, ...means, ...evaluated, trainSeconds, evalSeconds: seconds(t1) };
        metrics.push(record);
        sums.reset();
        checkpoint(epoch + 1, 0, 0);
        hooks.onEpoch?.(record, { picture, last: epoch === c.epochs });
        if (this.#stop && epoch < c.epochs) return this.#end(hooks, picture, { metrics, stopped: 'interrupted', checkpoint: ckptPath, device });
      }
      const final = session.finalTest ? scope(() => readMetrics(session.finalTest?.() ?? {})) : undefined;
      // The final test belongs to the last epoch's record (metrics.json).
      if (final && metrics.length) Object.assign(metrics[metrics.length - 1], final);
      return this.#end(hooks, picture, { metrics, stopped: 'done', final, checkpoint: ckptPath, device });
    } finally {
      sums.reset();
      session.dispose();
    }
  }

  #end(hooks: TaskRunHooks, picture: () => TaskImage[], r: TaskRunResult): TaskRunResult {
    hooks.onEnd?.({ picture });
    return r;
  }
}

/** Runs fn with torch's CPU (and the device's CUDA) generator saved before and restored after. */
export function withGenerators<T>(device: Device, fn: () => T): T {
  const states: [Tensor, Device][] = [[getRngState(), 'cpu']];
  if (device.startsWith('cuda')) states.push([getRngState(device), device]);
  try {
    return scope(fn);
  } finally {
    for (const [s, d] of states) {
      setRngState(s, d);
      s.dispose();
    }
  }
}
