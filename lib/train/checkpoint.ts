// What a training checkpoint holds, and reading/writing it with validation. On disk it is a
// torch.save dict that Python reads with torch.load: the optimizer in PyTorch's Adam layout, config
// and metrics as JSON strings.
import type { AdamParamGroup, AdamParamState, AdamStateDict } from '../optim/adam';
import { load, save, type Loaded, type Saveable } from '../serialize';
import { Tensor } from '../tensor';
import { type CheckpointFields, checkpointFields, type Dict, isDict } from './checkpoint-fields';
import type { EpochMetrics, TrainConfig } from './config';

export const CHECKPOINT = 'checkpoint.pt';

export interface TrainingCheckpoint {
  model: Record<string, Tensor>;
  optimizer: AdamStateDict;
  /** Where training continues: the epoch, and the steps of it already done (0 at an epoch's start). */
  epoch: number;
  step: number;
  globalStep: number;
  /** Training seconds spent in the unfinished epoch before the checkpoint. */
  trainSeconds: number;
  config: Partial<TrainConfig>;
  metrics: EpochMetrics[];
  /** The CPU generator's state; in a data-parallel job one row per rank (rngStates) instead. */
  rngState?: Tensor;
  rngStates?: Tensor;
  cudaRngState?: Tensor;
  /** Mid-epoch only: the epoch's batch order (single process) and the loss sums so far (all ranks'). */
  order?: Tensor;
  relaxedSum?: number;
  unrelaxedSum?: number;
}

const fields: CheckpointFields = checkpointFields('training');
// A declared function, so that TypeScript narrows after a call that never returns.
function fail(file: string, what: string): never {
  return fields.fail(file, what);
}
const parseJson = fields.json;
const count = fields.count;

function loadDict(file: string): Dict {
  const ck = load(file);
  if (!isDict(ck) || typeof ck.config !== 'string') fail(file, "no 'config' entry");
  return ck;
}

function optional<T>(file: string, ck: Dict, key: string, is: (v: unknown) => v is T, what: string): T | undefined {
  const v = ck[key];
  if (v === undefined || v === null) return undefined;
  if (!is(v)) fail(file, `'${key}' must be ${what}`);
  return v;
}
const isTensor = (v: unknown): v is Tensor => v instanceof Tensor;
const isNumber = (v: unknown): v is number => typeof v === 'number';
// The outer layout; Adam.loadStateDict checks the entries.
const isAdamStateDict = (v: Loaded | undefined): v is Dict & AdamStateDict => isDict(v) && isDict(v.state) && Array.isArray(v.param_groups);

/** The settings of the run saved in `file`. */
export function readCheckpointConfig(file: string): Partial<TrainConfig> {
  return readConfig(file, loadDict(file));
}

/**
 * Reads and checks a checkpoint. Its tensors are new: call it inside a scope and copy what is kept
 * (loadStateDict, setRngState and friends copy).
 */
export function readCheckpoint(file: string): TrainingCheckpoint {
  const ck = loadDict(file);
  const model = ck.model;
  if (!isDict(model) || !Object.values(model).every(isTensor)) fail(file, "'model' must be a dict of tensors");
  const optimizer = ck.optimizer;
  if (!isAdamStateDict(optimizer)) fail(file, "'optimizer' must be an Adam state_dict (state, param_groups)");
  const metrics = parseJson(file, ck, 'metrics') ?? [];
  if (!Array.isArray(metrics)) fail(file, "'metrics' must be a JSON array");
  const trainSeconds = optional(file, ck, 'trainSeconds', isNumber, 'a number') ?? 0;
  return {
    model: model as Record<string, Tensor>,
    optimizer,
    epoch: count(file, ck, 'epoch'),
    step: count(file, ck, 'step'),
    globalStep: count(file, ck, 'globalStep'),
    trainSeconds,
    config: readConfig(file, ck),
    metrics: metrics as EpochMetrics[],
    rngState: optional(file, ck, 'rngState', isTensor, 'a tensor'),
    rngStates: optional(file, ck, 'rngStates', isTensor, 'a tensor'),
    cudaRngState: optional(file, ck, 'cudaRngState', isTensor, 'a tensor'),
    order: optional(file, ck, 'order', isTensor, 'a tensor'),
    relaxedSum: optional(file, ck, 'relaxedSum', isNumber, 'a number'),
    unrelaxedSum: optional(file, ck, 'unrelaxedSum', isNumber, 'a number'),
  };
}

function readConfig(file: string, ck: Dict): Partial<TrainConfig> {
  const config = parseJson(file, ck, 'config');
  if (!isDict(config)) fail(file, "'config' must be a JSON object");
  return config as Partial<TrainConfig>;
}

/** Adam's state_dict as torch.save stores it (PyTorch's layout: Python's Adam.load_state_dict reads it). */
function optimizerEntry(sd: AdamStateDict): Saveable {
  const entries: [string | number, AdamParamState][] = sd.state instanceof Map ? [...sd.state] : Object.entries(sd.state);
  const state: { [k: string]: Saveable } = {};
  for (const [k, s] of entries) state[String(k)] = { ...s };
  return { state, param_groups: sd.param_groups.map((g: AdamParamGroup) => ({ ...g })) };
}

/** Writes `ck` to `file` atomically (save's temporary file and rename), in the key order Python sees. */
export function writeCheckpoint(file: string, ck: TrainingCheckpoint): void {
  const obj: { [k: string]: Saveable } = {
    model: ck.model,
    optimizer: optimizerEntry(ck.optimizer),
    epoch: ck.epoch,
    step: ck.step,
    globalStep: ck.globalStep,
    trainSeconds: ck.trainSeconds,
    config: JSON.stringify(ck.config),
    metrics: JSON.stringify(ck.metrics),
  };
  const optional = { rngState: ck.rngState, rngStates: ck.rngStates, cudaRngState: ck.cudaRngState, order: ck.order, relaxedSum: ck.relaxedSum, unrelaxedSum: ck.unrelaxedSum };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) obj[k] = v;
  save(obj, file);
}
