// A task run's checkpoint: a torch.save dict (Python's torch.load reads it) with the task's name,
// settings and epoch records as JSON, where training continues, torch's generators, the running sums
// of a mid-epoch stop and the session's own stateDict. Read back with every entry checked, so a
// truncated or foreign file is a clean error that names the file.
import { load, save, type Loaded, type Saveable } from '../serialize';
import { Tensor } from '../tensor';
import type { TaskConfig } from './task';

/** An epoch's record in metrics.json: 'epoch', 'train.*', the task's evaluate() keys, timings. */
export type EpochRecord = Record<string, number>;

export interface TaskCheckpoint {
  task: string;
  config: Partial<TaskConfig>;
  metrics: EpochRecord[];
  /** Where training continues: the epoch, and the steps of it already done (0 at an epoch's start). */
  epoch: number;
  step: number;
  globalStep: number;
  /** Training seconds spent in the unfinished epoch before the checkpoint. */
  trainSeconds: number;
  rngState: Tensor;
  cudaRngState?: Tensor;
  /** Mid-epoch: the sums of the step metrics so far (the epoch's means continue from them). */
  sums?: Record<string, number>;
  state: { [k: string]: Loaded } | { [k: string]: Saveable };
}

type Dict = { [k: string]: Loaded };
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor);

function fail(file: string, what: string): never {
  throw new Error(`${file}: not a valid gumbel-torch task checkpoint: ${what}`);
}

function json(file: string, ck: Dict, key: string): unknown {
  const s = ck[key];
  if (typeof s !== 'string') fail(file, `'${key}' must be a JSON string`);
  try {
    return JSON.parse(s);
  } catch (e) {
    return fail(file, `'${key}' is not valid JSON (${(e as Error).message})`);
  }
}

function count(file: string, ck: Dict, key: string): number {
  const v = ck[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(file, `'${key}' must be a non-negative integer`);
  return v;
}

/** Reads and checks `file`. Its tensors are new: call it in a scope and copy what is kept. */
export function readTaskCheckpoint(file: string, opts: { headerOnly?: boolean } = {}): TaskCheckpoint {
  let ck: Loaded;
  try {
    ck = load(file);
  } catch (e) {
    // A truncated or corrupt file: serialize's message says what is wrong with it.
    throw new Error(`cannot read the checkpoint ${file}: ${(e as Error).message}`);
  }
  if (!isDict(ck)) fail(file, 'not a dict');
  if (typeof ck.task !== 'string') fail(file, ck.config !== undefined && ck.model !== undefined ? "no 'task' entry (it is a Categorical VAE checkpoint: train it with --task vae)" : "no 'task' entry");
  const config = json(file, ck, 'config');
  if (!isDict(config)) fail(file, "'config' must be a JSON object");
  const metrics = json(file, ck, 'metrics');
  if (!Array.isArray(metrics) || !metrics.every((m) => isDict(m) && Object.values(m).every((v) => typeof v === 'number' || v === null))) fail(file, "'metrics' must be a JSON array of records of numbers");
  const head = { task: ck.task, config: config as Partial<TaskConfig>, metrics: metrics as EpochRecord[], epoch: count(file, ck, 'epoch'), step: count(file, ck, 'step'), globalStep: count(file, ck, 'globalStep') };
  if (head.epoch < 1) fail(file, "'epoch' must be >= 1");
  if (opts.headerOnly) return { ...head, trainSeconds: 0, rngState: undefined as unknown as Tensor, state: {} };
  if (typeof ck.trainSeconds !== 'number') fail(file, "'trainSeconds' must be a number");
  if (!(ck.rngState instanceof Tensor)) fail(file, "'rngState' must be a tensor");
  if (ck.cudaRngState !== undefined && ck.cudaRngState !== null && !(ck.cudaRngState instanceof Tensor)) fail(file, "'cudaRngState' must be a tensor");
  if (!isDict(ck.state)) fail(file, "'state' must be a dict");
  let sums: Record<string, number> | undefined;
  if (ck.sums !== undefined && ck.sums !== null) {
    const s = json(file, ck, 'sums');
    if (!isDict(s) || !Object.values(s).every((v) => typeof v === 'number' || v === null)) fail(file, "'sums' must be a JSON object of numbers");
    // JSON writes NaN as null; a NaN sum stays NaN.
    sums = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? NaN : (v as number)]));
  }
  if (head.step > 0 && !sums) fail(file, "a mid-epoch checkpoint without 'sums'");
  return { ...head, trainSeconds: ck.trainSeconds, rngState: ck.rngState, cudaRngState: ck.cudaRngState instanceof Tensor ? ck.cudaRngState : undefined, sums, state: ck.state };
}

/** Writes `ck` atomically (save writes a temporary file and renames it: an interrupted write leaves the last checkpoint). */
export function writeTaskCheckpoint(file: string, ck: TaskCheckpoint): void {
  const obj: { [k: string]: Saveable } = {
    task: ck.task,
    config: JSON.stringify(ck.config),
    metrics: JSON.stringify(ck.metrics),
    epoch: ck.epoch,
    step: ck.step,
    globalStep: ck.globalStep,
    trainSeconds: ck.trainSeconds,
    rngState: ck.rngState,
    state: ck.state as { [k: string]: Saveable },
  };
  if (ck.cudaRngState) obj.cudaRngState = ck.cudaRngState;
  if (ck.sums) obj.sums = JSON.stringify(ck.sums);
  save(obj, file);
}
