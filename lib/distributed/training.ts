// What the trainer does differently inside a data-parallel job: one GPU per local rank, rank 0's
// weights everywhere, a DistributedSampler instead of a global shuffle, sums and decisions
// (Ctrl-C) agreed across ranks, and every rank's generator state in rank 0's checkpoint.
import { arange, tensor, zeros } from '../creation';
import { Module } from '../nn/module';
import { getRngState, manualSeed } from '../runtime';
import { Device, Tensor } from '../tensor';
import { DistributedDataParallel } from './ddp';
import { allReduce, getBackend, getLocalRank, getRank, getWorldSize, isInitialized } from './process-group';
import { DistributedSampler, Sampler } from './sampler';

export class DataParallelRun {
  readonly rank = getRank();
  readonly worldSize = getWorldSize();

  /** The run of this process's job, or undefined when no process group is initialised. */
  static current(): DataParallelRun | undefined {
    return isInitialized() ? new DataParallelRun() : undefined;
  }

  get primary(): boolean {
    return this.rank === 0;
  }

  /** 'cuda' means this rank's GPU (LOCAL_RANK) under NCCL. */
  device(d: Device): Device {
    return d === 'cuda' && getBackend() === 'nccl' ? `cuda:${getLocalRank()}` : d;
  }

  /**
   * Wraps the model (rank 0's weights win), then reseeds ranks above 0 so that each draws its own
   * Gumbel noise (rank 0 keeps the stream a single process would have).
   */
  wrap(model: Module, seed: number): DistributedDataParallel<Module> {
    const ddp = new DistributedDataParallel(model);
    if (this.rank > 0) manualSeed(seed + this.rank);
    return ddp;
  }

  sampler(n: number, seed: number): DistributedSampler {
    return new DistributedSampler(n, { numReplicas: this.worldSize, rank: this.rank, seed, shuffle: true });
  }

  /** This rank's share of an evaluation set: rows rank, rank + worldSize, ... (no padding, so sums are exact). */
  evalSampler(n: number, device: Device): Sampler {
    return { length: Math.max(0, Math.ceil((n - this.rank) / this.worldSize)), indices: () => (this.rank < n ? arange(this.rank, n, this.worldSize, { dtype: 'int64', device }) : zeros([0], { dtype: 'int64', device })) };
  }

  /** Sums (or maxima) of numbers over all ranks, in one collective. */
  reduce(values: number[], op: 'sum' | 'max' = 'sum'): number[] {
    const t = tensor(values, { dtype: 'float64' });
    try {
      return Array.from(allReduce(t, { op }).data() as Float64Array);
    } finally {
      t.dispose();
    }
  }

  /** Whether any rank says yes (e.g. was interrupted). Every rank must call it at the same point. */
  any(flag: boolean): boolean {
    return this.reduce([flag ? 1 : 0], 'max')[0] > 0;
  }

  /** Throws on every rank unless all ranks hold the same values (e.g. where a resumed run starts). */
  checkSame(values: number[], what: string): void {
    const r = this.reduce([...values, ...values.map((v) => -v)], 'max');
    if (values.some((_, i) => r[i] !== -r[values.length + i])) {
      throw new Error(`the ranks disagree on ${what} (rank ${this.rank} has ${values.join(', ')}); every rank must read the same checkpoint: put --out on a folder all machines share`);
    }
  }

  /** Every rank's generator state as rows of one uint8 tensor (collective), for rank 0's checkpoint. */
  rngStates(): Tensor {
    const mine = getRngState();
    const rows = zeros([this.worldSize, mine.shape[0]], { dtype: 'uint8' });
    rows.select(0, this.rank).copy_(mine);
    mine.dispose();
    // Each row is zero except on its own rank, so the sum is the gathered rows.
    return allReduce(rows);
  }

  /**
   * This rank's generator state from a checkpoint: its row of rngStates(); after a resume at an epoch
   * boundary with another world size, rank 0 continues a single process's `single` state, and a rank
   * the saved job did not have keeps its own seed (undefined).
   */
  myRngState(states: unknown, single?: unknown): Tensor | undefined {
    if (this.rank === 0 && single instanceof Tensor) return single;
    return DataParallelRun.rowOf(states, this.rank);
  }

  /** Row `rank` of a checkpoint's rngStates, if it has one. */
  static rowOf(states: unknown, rank: number): Tensor | undefined {
    if (!(states instanceof Tensor) || states.ndim !== 2 || rank >= states.shape[0]) return undefined;
    return states.select(0, rank).contiguous();
  }
}
