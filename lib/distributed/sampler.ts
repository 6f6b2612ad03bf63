// torch.utils.data.DistributedSampler: each rank's disjoint share of a dataset per epoch, shuffled
// by torch.randperm with a generator seeded seed + epoch (the same indices as PyTorch's), padded by
// repeating the start so every rank gets as many (or trimmed with dropLast).
import { checkBool, checkInt, checkOptions, describe } from '../check';
import { arange } from '../creation';
import { cat } from '../functional';
import { op, Tensor } from '../tensor';
import { getRank, getWorldSize, isInitialized } from './process-group';

export interface DistributedSamplerOptions {
  /** Default: the process group's world size. */
  numReplicas?: number;
  /** Default: the process group's rank. */
  rank?: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

/** What a DataLoader needs from a sampler: how many indices, and the indices of the current epoch. */
export interface Sampler {
  readonly length: number;
  indices(): Tensor;
}

const KEYS = ['numReplicas', 'rank', 'shuffle', 'seed', 'dropLast'];

export class DistributedSampler implements Sampler {
  readonly datasetLength: number;
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Indices per rank per epoch. */
  readonly numSamples: number;
  readonly totalSize: number;
  #epoch = 0;

  /** `dataset`: its length, or a tensor whose rows are the samples. */
  constructor(dataset: number | Tensor, opts: DistributedSamplerOptions = {}) {
    checkOptions(opts, 'DistributedSampler options', KEYS as (keyof DistributedSamplerOptions & string)[]);
    if (typeof dataset !== 'number' && !(dataset instanceof Tensor)) throw new TypeError(`DistributedSampler: dataset must be a length or a Tensor, got ${describe(dataset)}`);
    this.datasetLength = typeof dataset === 'number' ? checkInt(dataset, 'dataset', 0) : dataset.shape[0];
    const needGroup = (what: string): never => {
      throw new Error(`DistributedSampler: ${what} was not given and no process group is initialised (call initProcessGroup() first)`);
    };
    this.numReplicas = opts.numReplicas === undefined ? (isInitialized() ? getWorldSize() : needGroup('numReplicas')) : checkInt(opts.numReplicas, 'numReplicas', 1);
    this.rank = opts.rank === undefined ? (isInitialized() ? getRank() : needGroup('rank')) : checkInt(opts.rank, 'rank', 0);
    if (this.rank >= this.numReplicas) throw new RangeError(`DistributedSampler: rank must be in [0, ${this.numReplicas - 1}], got ${this.rank}`);
    this.shuffle = checkBool(opts.shuffle ?? true, 'shuffle');
    this.seed = checkInt(opts.seed ?? 0, 'seed', 0, Number.MAX_SAFE_INTEGER);
    this.dropLast = checkBool(opts.dropLast ?? false, 'dropLast');
    const n = this.datasetLength;
    const r = this.numReplicas;
    this.numSamples = this.dropLast && n % r !== 0 ? Math.ceil((n - r) / r) : Math.ceil(n / r);
    this.totalSize = this.numSamples * r;
  }

  get length(): number {
    return this.numSamples;
  }
  get epoch(): number {
    return this.#epoch;
  }
  /** As PyTorch: call at the start of each epoch, or every epoch shuffles the same way. */
  setEpoch(epoch: number): void {
    this.#epoch = checkInt(epoch, 'epoch', 0, Number.MAX_SAFE_INTEGER - this.seed);
  }

  /** This rank's indices for the current epoch (int64, on the CPU). */
  indices(): Tensor {
    const n = this.datasetLength;
    const all: Tensor = this.shuffle
      ? op('randpermSeeded', n, this.seed + this.#epoch)
      : arange(0, n, 1, { dtype: 'int64' });
    let padded = all;
    if (!this.dropLast && this.totalSize > n) {
      // Repeat the start (the whole list as often as needed) until the total divides evenly.
      const times = Math.ceil(this.totalSize / Math.max(n, 1));
      const copies = cat(new Array<Tensor>(times).fill(all));
      padded = copies.narrow(0, 0, this.totalSize);
      copies.dispose();
    } else if (this.totalSize < n) {
      padded = all.narrow(0, 0, this.totalSize);
    }
    // indices[rank : totalSize : numReplicas]
    const out = this.totalSize === 0 ? padded.narrow(0, 0, 0) : padded.view(this.numSamples, this.numReplicas).select(1, this.rank).contiguous();
    for (const t of [all, padded]) if (t !== out) t.dispose();
    return out;
  }
}
