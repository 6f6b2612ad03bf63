// A task's settings: the runner's own options (with the task's defaults) and the task's options, one
// list of TaskOption that both the CLI flags and the config object of runTask are checked against, so
// `--hidden 0` and `{ hidden: 0 }` fail the same way.
import { checkOptions, describe } from '../check';
import type { Task, TaskConfig, TaskOption, TaskOptionValue } from './task';

const DEVICE = /^(auto|cpu|cuda(:\d+)?)$/;

/** The runner's options, every task has them: --epochs, --batch-size, --lr, --seed, --device, --out, --limit, --log-every. */
export function runnerOptions(task: Task): TaskOption[] {
  const d = task.defaults;
  return [
    { name: 'epochs', type: 'int', min: 1, default: d.epochs, help: 'passes over the training set', resumable: true },
    { name: 'batchSize', type: 'int', min: 1, default: d.batchSize, help: 'examples per optimizer step' },
    { name: 'lr', type: 'number', positive: true, default: d.lr, help: 'learning rate', resumable: true },
    { name: 'seed', type: 'int', min: 0, default: 0, help: 'random seed for the weights, the data order and the noise' },
    { name: 'device', type: 'string', default: 'auto', help: 'where to train: auto (CUDA when available), cpu, cuda or cuda:N', check: (v) => (DEVICE.test(String(v)) ? undefined : 'must be auto, cpu, cuda or cuda:N'), resumable: true },
    { name: 'out', type: 'string', default: `runs/${task.name}`, help: 'folder for the checkpoint, metrics and pictures', check: (v) => (v === '' ? 'must be a non-empty folder path' : undefined), resumable: true },
    { name: 'limit', type: 'int', min: 1, help: 'use only the first N training examples' },
    { name: 'logEvery', type: 'int', min: 1, default: d.logEvery ?? 10, help: 'steps between progress updates (each update waits for the device)', resumable: true },
  ];
}

/** Every option of a task: the runner's, then the task's own (a task may not redefine a runner option). */
export function taskOptions(task: Task): TaskOption[] {
  const runner = runnerOptions(task);
  const clash = task.options.find((o) => runner.some((r) => r.name === o.name));
  if (clash) throw new Error(`task '${task.name}': option '${clash.name}' is the runner's`);
  return [...runner, ...task.options];
}

export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function hasType(o: TaskOption, v: unknown): boolean {
  if (o.type === 'int') return typeof v === 'number' && Number.isSafeInteger(v);
  return typeof v === (o.type === 'number' ? 'number' : o.type);
}

/** What is wrong with `v` as a value of `o` (type, bounds, choices, the option's own check), or undefined. */
export function optionProblem(o: TaskOption, v: unknown, config: TaskConfig): string | undefined {
  switch (o.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return `must be an integer, got ${describe(v)}`;
      break;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a finite number, got ${describe(v)}`;
      if (o.positive && !(v > 0)) return `must be > 0, got ${v}`;
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return `must be a boolean, got ${describe(v)}`;
      break;
    case 'string':
      if (typeof v !== 'string') return `must be a string, got ${describe(v)}`;
      if (o.choices && !o.choices.includes(v)) return `must be one of ${o.choices.join(', ')}, got '${v}'`;
      break;
  }
  if (typeof v === 'number' && ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max)))
    return `must be ${o.max === undefined ? `>= ${o.min}` : o.min === undefined ? `<= ${o.max}` : `in [${o.min}, ${o.max}]`}, got ${v}`;
  return o.check?.(v as TaskOptionValue, config);
}

/**
 * The settings of a run of `task`: `config` over the defaults, every key known (a misspelt one names
 * the closest: checkOptions) and every value checked. `fn` names the caller in errors.
 */
export function checkTaskConfig(task: Task, config: unknown, fn: string): TaskConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config) || ![Object.prototype, null].includes(Object.getPrototypeOf(config)))
    throw new TypeError(`${fn}: config must be a plain object of options, got ${describe(config)}`);
  const opts = taskOptions(task);
  checkOptions(config as Record<string, unknown>, fn, opts.map((o) => o.name));
  const c: Record<string, TaskOptionValue | undefined> = {};
  for (const o of opts) c[o.name] = o.default;
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) if (v !== undefined) c[k] = v as TaskOptionValue;
  const out = c as TaskConfig;
  for (const o of opts) {
    const v = out[o.name];
    if (v === undefined) continue;
    const problem = optionProblem(o, v, out);
    // A value of the right type out of its range is a RangeError, one of another type a TypeError.
    if (problem) throw new (hasType(o, v) ? RangeError : TypeError)(`${fn}: ${o.name} ${problem}`);
  }
  return out;
}
