// torch.distributed's process group: init from torchrun's environment variables (explicit options
// win), collectives on our tensors, teardown. LibTorch's c10d does the work (Gloo on CPU, NCCL on
// CUDA) over a TCPStore rendezvous hosted by rank 0.
import { checkInt, checkOptions, describe } from '../check';
import { callNative } from '../native';
import type { Backend, ReduceOpName } from '../native-api';
import { checkTensor, type Tensor } from '../tensor';

// The binding's wire types (lib/native-api.ts), exposed here under torch.distributed.
export type { Backend, ReduceOpName };

/** PyTorch's dist.ReduceOp names. `AVG` is a sum divided by the world size (Gloo has no AVG). */
export const ReduceOp = { SUM: 'sum', AVG: 'avg', PRODUCT: 'product', MIN: 'min', MAX: 'max' } as const;

export interface InitProcessGroupOptions {
  /** 'gloo' (CPU tensors) or 'nccl' (CUDA tensors; needs a CUDA LibTorch). Default 'gloo'. */
  backend?: Backend;
  /** Default: RANK. */
  rank?: number;
  /** Default: WORLD_SIZE. */
  worldSize?: number;
  /** Which GPU NCCL uses on this machine. Default: LOCAL_RANK, else rank. */
  localRank?: number;
  /** Where rank 0 hosts the rendezvous store. Default: MASTER_ADDR. */
  masterAddr?: string;
  /** Default: MASTER_PORT. */
  masterPort?: number;
  /** Milliseconds to wait for the other ranks at init and in every collective (PyTorch's default: 30 minutes). */
  timeout?: number;
}

const OPTION_KEYS = ['backend', 'rank', 'worldSize', 'localRank', 'masterAddr', 'masterPort', 'timeout'];
const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;
// The same bound for options and environment variables (the native side holds ranks as int).
const MAX_RANKS = 1 << 20;

/** Which backends this build has (Gloo needs libgloo-dev at build time; NCCL a CUDA LibTorch). */
export function availableBackends(): { gloo: boolean; nccl: boolean } {
  return callNative('distAvailable', []);
}
/** Whether this build has any distributed backend, as torch.distributed.is_available(). */
export function isAvailable(): boolean {
  const b = availableBackends();
  return b.gloo || b.nccl;
}
export function isInitialized(): boolean {
  return callNative('distIsInitialized', []);
}

function fromEnv(envName: string, option: string, min: number, max: number): number | undefined {
  const raw = process.env[envName];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n)) throw new TypeError(`initProcessGroup: ${envName} must be an integer, got '${raw}'`);
  return checkInt(n, `${envName} (${option})`, min, max);
}

function required<T>(v: T | undefined, option: string, envName: string): T {
  if (v === undefined) {
    throw new Error(`initProcessGroup: ${option} is not set: pass { ${option} } or set ${envName} (torchrun and \`gumbel-torch train --nproc\` set it)`);
  }
  return v;
}

/** The settings initProcessGroup would use: options first, then torchrun's environment variables. */
export function resolveInitOptions(opts: InitProcessGroupOptions = {}): Required<InitProcessGroupOptions> {
  checkOptions(opts, 'initProcessGroup options', OPTION_KEYS as (keyof InitProcessGroupOptions & string)[]);
  const backend = opts.backend ?? 'gloo';
  if (backend !== 'gloo' && backend !== 'nccl') throw new TypeError(`initProcessGroup: backend must be 'gloo' or 'nccl', got ${describe(backend)}`);
  const worldSize = required(opts.worldSize === undefined ? fromEnv('WORLD_SIZE', 'worldSize', 1, MAX_RANKS) : checkInt(opts.worldSize, 'worldSize', 1, MAX_RANKS), 'worldSize', 'WORLD_SIZE');
  const rank = required(opts.rank === undefined ? fromEnv('RANK', 'rank', 0, MAX_RANKS - 1) : checkInt(opts.rank, 'rank', 0, MAX_RANKS - 1), 'rank', 'RANK');
  if (rank >= worldSize) throw new RangeError(`initProcessGroup: rank must be in [0, ${worldSize - 1}] for worldSize ${worldSize}, got ${rank}`);
  const localRank = opts.localRank === undefined ? fromEnv('LOCAL_RANK', 'localRank', 0, MAX_RANKS - 1) ?? rank : checkInt(opts.localRank, 'localRank', 0, MAX_RANKS - 1);
  const masterAddr = required(opts.masterAddr ?? (process.env.MASTER_ADDR || undefined), 'masterAddr', 'MASTER_ADDR');
  if (typeof masterAddr !== 'string' || masterAddr === '') throw new TypeError(`initProcessGroup: masterAddr must be a host name or address, got ${describe(masterAddr)}`);
  const masterPort = required(opts.masterPort === undefined ? fromEnv('MASTER_PORT', 'masterPort', 1, 65535) : checkInt(opts.masterPort, 'masterPort', 1, 65535), 'masterPort', 'MASTER_PORT');
  const timeout = opts.timeout === undefined ? DEFAULT_TIMEOUT_MS : checkInt(opts.timeout, 'timeout', 1);
  return { backend, rank, worldSize, localRank, masterAddr, masterPort, timeout };
}

/**
 * Joins this process to the job, as dist.init_process_group(backend, init_method='env://'). Blocks
 * until every rank has joined (or `timeout` passes). Throws, naming the cause, on a port in use, a
 * world-size mismatch, a duplicate rank, missing ranks or missing variables.
 */
export function initProcessGroup(opts: InitProcessGroupOptions = {}): void {
  const o = resolveInitOptions(opts);
  callNative('distInit', [o.backend, o.rank, o.worldSize, o.localRank, o.masterAddr, o.masterPort, o.timeout]);
}

/** Leaves the group (tells the others, stops the heartbeat, closes connections). Safe to call twice. */
export function destroyProcessGroup(): void {
  callNative('distDestroy', []);
}

export function getRank(): number {
  return callNative('distRank', []);
}
export function getWorldSize(): number {
  return callNative('distWorldSize', []);
}
/** This process's index among the ranks on its machine (LOCAL_RANK). */
export function getLocalRank(): number {
  return callNative('distLocalRank', []);
}
export function getBackend(): Backend {
  return callNative('distBackend', []);
}

/** Reduces `tensor` across ranks in place (every rank gets the result) and returns it. */
export function allReduce(tensor: Tensor, opts: { op?: ReduceOpName } = {}): Tensor {
  checkTensor(tensor, 'tensor');
  checkOptions(opts, 'allReduce options', ['op']);
  const op = opts.op ?? 'sum';
  if (!Object.values(ReduceOp).includes(op)) throw new TypeError(`allReduce: op must be one of ${Object.values(ReduceOp).join(', ')}, got ${describe(op)}`);
  callNative('distAllReduce', [tensor.handle, op]);
  return tensor;
}

/** Copies rank `src`'s tensor (or tensors, sent as one buffer) into every rank's, in place. */
export function broadcast<T extends Tensor | Tensor[]>(tensors: T, src: number): T {
  const list = Array.isArray(tensors) ? tensors : [tensors];
  list.forEach((t, i) => checkTensor(t, Array.isArray(tensors) ? `tensors[${i}]` : 'tensor'));
  checkInt(src, 'src', 0, getWorldSize() - 1);
  if (list.length) callNative('distBroadcast', [list.map((t) => t.handle), src]);
  return tensors;
}

/** Waits until every rank has reached the barrier. */
export function barrier(): void {
  callNative('distBarrier', []);
}
