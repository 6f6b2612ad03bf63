// The contract between a task (vae, nri, knn, jigsaw, ...) and the one generic runner behind
// `gumbel-torch train --task <name>` (lib/tasks/runner.ts). A task says what it trains and how;
// the runner gives every task the same conventions, so no task writes them again:
//
// - flags: --epochs, --batch-size, --lr, --seed, --device, --out, --resume, --limit, --log-every,
//   --log-json, --tensorboard are the runner's (the task gives the defaults of the first three); the
//   task's own options (TaskOption) become --kebab-case flags with their checks; an unknown flag or
//   option key is an error naming the closest known one (commander on the CLI, checkOptions from code);
// - the seed: torch.manualSeed(seed) before create(), so weights and data order follow from it;
// - progress (a bar on a terminal, ten plain lines an epoch otherwise), an epoch line per epoch;
// - metrics.json / metrics.csv (one record per epoch), metrics.svg (the curves TaskPlot names), the
//   pictures of picture(), a checkpoint.pt after every epoch and on Ctrl-C/SIGTERM (a second quits);
// - --resume: the checkpoint's settings, model, optimizer, position, running sums and torch's CPU
//   and CUDA generators restored, settings that would change the run refused (TaskOption.resumable);
// - --tensorboard: step and epoch scalars and the pictures as event files;
// - a non-finite training metric stops the run, keeping the last good checkpoint.
//
// How the runner drives a session (one process, one device):
//   session = await task.create(config, ctx)          after manualSeed(config.seed)
//   resume?  session.loadStateDict(saved.state)        then the generators are restored
//   for each epoch e from the start (or the saved one):
//     session.beginEpoch(e)                            not called when resuming in the middle of e
//     for step s = (0 or the saved step) .. stepsPerEpoch - 1:
//       metrics = session.trainStep(e, s)               inside a scope
//       (Ctrl-C here: checkpoint with session.stateDict(), stop)
//     valid = session.evaluate(e)                       inside a scope
//     pictures = session.picture()  (epoch's end; --tensorboard and the last epoch)
//     checkpoint
//   final = session.finalTest?.()                       after the last epoch only
//   session.dispose()                                   always, also after an error
//
// Stable from the commit that introduced it: the knn and jigsaw tasks implement it. Additions are
// optional members only.
import type { Loaded, Saveable } from '../serialize';
import type { Device, Tensor } from '../tensor';

/** A task option's value as the flag parser and the checks see it. */
export type TaskOptionValue = number | string | boolean;

/**
 * One option of a task: `--<kebab-name> <value>` on the CLI, `name` in the config object. The runner
 * parses and checks it (type, min/max, positive, choices, then `check`) before create().
 */
export interface TaskOption {
  /** camelCase key in the config, PyTorch's name where there is one ('hidden', 'tau', 'variance'). */
  name: string;
  /** 'int' and 'number' parse numbers (finite), 'boolean' is a switch (--x, and --no-x when the default is true), 'string' takes the text. */
  type: 'int' | 'number' | 'boolean' | 'string';
  /** Undefined: the option is optional and absent unless given. */
  default?: TaskOptionValue;
  help: string;
  /** Bounds for 'int' and 'number' (inclusive). */
  min?: number;
  max?: number;
  /** For 'number': must be > 0. */
  positive?: boolean;
  /** For 'string': the allowed values (shown in --help). */
  choices?: readonly string[];
  /** A further check: the message of what is wrong (the runner prefixes the flag), or undefined. */
  check?: (value: TaskOptionValue, config: TaskConfig) => string | undefined;
  /**
   * Whether a --resume may change it (it only steers training from there on: a temperature, a
   * learning-rate-like setting). Default false: a resume that changes it is refused, as a change of
   * the model's shape or the data would silently give a wrong run.
   */
  resumable?: boolean;
}

/** The runner's own settings, present in every task's config. */
export interface RunnerConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  device: Device | 'auto';
  out: string;
  /** Use only the first N training examples; the task throws a RangeError naming --limit when N exceeds its set. */
  limit?: number;
  /** Steps between progress reads (each read waits for the device). */
  logEvery: number;
}

/** A task's config: the runner's settings and the task's options by name. */
export type TaskConfig = RunnerConfig & { readonly [option: string]: TaskOptionValue | undefined };

/** What the runner lends a session. */
export interface TaskContext {
  /** Resolved: 'cpu', 'cuda' or 'cuda:N' (never 'auto'). */
  device: Device;
  /** The run's folder (exists and is writable). */
  out: string;
  /** A line for the user (stdout of the primary process). */
  log(line: string): void;
  /** Progress of long preparation (data generation): done of total, with a label. */
  progress(label: string, done: number, total: number): void;
}

/**
 * A step's or an evaluation's numbers by name ('loss', 'nll', 'accuracy'). A value may be a 0-d
 * tensor on the device: the runner sums it there and reads it only at progress updates, so a step
 * need not wait for the device. The runner owns (and frees) returned tensors. In the epoch records
 * (metrics.json) a step's keys get the prefix 'train.' and are the means over the epoch's steps;
 * evaluate()'s and finalTest()'s keys are used as the task names them ('valid.accuracy',
 * 'test.accuracy', 'final.accuracy'); the runner adds 'epoch', 'trainSeconds' and 'evalSeconds'.
 */
export type TaskMetrics = Record<string, number | Tensor>;

/** A picture a session draws: 8-bit grey (channels 1) or RGB (channels 3), rows top to bottom. */
export interface TaskImage {
  /** File name in the run folder ('graphs.png') and TensorBoard tag (without '.png'). */
  name: string;
  width: number;
  height: number;
  channels: 1 | 3;
  /** width * height * channels bytes. */
  data: Uint8Array;
}

/** A chart of metrics.svg: series are keys of the epoch records ('train.loss', 'valid.accuracy'). */
export interface TaskPlot {
  title: string;
  yLabel: string;
  series: { key: string; label: string }[];
}

/** One trained thing: what create() returns. */
export interface TaskSession {
  /** Optimizer steps per epoch (for the progress bar and the checkpoint's position). */
  readonly stepsPerEpoch: number;
  /** Starts epoch `epoch` (1-based): draws its data order from torch's generator. */
  beginEpoch(epoch: number): void;
  /** One optimizer step (0-based `step`) in training mode; its metrics. Must not dispose what it returns. */
  trainStep(epoch: number, step: number): TaskMetrics;
  /** The epoch's held-out figures (e.g. 'valid.accuracy', 'test.accuracy'); evaluation mode, no gradients. */
  evaluate(epoch: number): TaskMetrics;
  /** After the last epoch: a costly final test, if the task has one (e.g. exact k-NN over the training set). */
  finalTest?(): TaskMetrics;
  /** The pictures of the model as it is now (the runner saves and restores torch's generators around it, so drawing them does not change training). */
  picture(): TaskImage[];
  /**
   * Everything needed to continue besides torch's generators (which the runner saves): model,
   * optimizer (PyTorch's layout), the current epoch's data order mid-epoch, any generator of its own.
   */
  stateDict(): Record<string, Saveable>;
  /**
   * Restores a stateDict() read back from the checkpoint (tensors are freed after the call: copy
   * them). Settings of the current config win over saved ones (a resume may change --lr).
   * Throws an Error naming what is missing or wrong.
   */
  loadStateDict(state: Record<string, Loaded>): void;
  /** Frees the model, optimizer and data. */
  dispose(): void;
}

/** A task: its name, its flags and how to make a session. */
export interface Task {
  /** `--task <name>`, lower case. */
  readonly name: string;
  /** One line for --help. */
  readonly description: string;
  /** Defaults of the runner's settings for this task (the tutorial's). */
  readonly defaults: Pick<RunnerConfig, 'epochs' | 'batchSize' | 'lr'> & { logEvery?: number };
  /** The task's own options. */
  readonly options: readonly TaskOption[];
  /** The metrics.svg charts (default: one chart of every epoch key). */
  readonly plots?: readonly TaskPlot[];
  /** The first line of a run ('NRI on springs, 5 particles, hidden 256, ... on cpu'). */
  banner(config: TaskConfig, device: Device): string;
  /** Builds the model, optimizer and data (after manualSeed). Throws a RangeError/TypeError naming the flag for a bad setting. */
  create(config: TaskConfig, ctx: TaskContext): TaskSession | Promise<TaskSession>;
}
