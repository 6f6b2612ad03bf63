// Batches from a tensor dataset by index, shuffled by LibTorch's generator (seeded, reproducible).
import { checkBool, checkInt, checkOptions } from '../check';
import { checkTensor } from '../tensor';
import { arange, randperm } from '../creation';
import { Tensor } from '../tensor';
import { keep } from '../scope';
import type { Sampler } from '../distributed/sampler';

export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Drop the last incomplete batch (PyTorch's drop_last; default false). */
  dropLast?: boolean;
  /** Where each epoch's indices come from (e.g. a DistributedSampler); excludes shuffle, as PyTorch. */
  sampler?: Sampler;
}

/**
 * Iterates batches of rows of `data` (already on the training device, so batches are gathered there).
 * Each epoch draws a fresh permutation with torch.randperm on the data's device.
 */
export class DataLoader {
  readonly data: Tensor;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly sampler?: Sampler;

  constructor(data: Tensor, opts: DataLoaderOptions = {}) {
    checkOptions(opts, 'DataLoader options', ['batchSize', 'shuffle', 'dropLast', 'sampler']);
    this.data = checkTensor(data, 'data');
    if (this.data.ndim === 0) throw new RangeError('data must have a first (sample) dimension, got a 0-d tensor');
    this.batchSize = checkInt(opts.batchSize ?? 1, 'batchSize', 1);
    this.shuffle = checkBool(opts.shuffle ?? false, 'shuffle');
    this.dropLast = checkBool(opts.dropLast ?? false, 'dropLast');
    if (opts.sampler !== undefined && (typeof opts.sampler !== 'object' || typeof opts.sampler.indices !== 'function')) throw new TypeError('sampler must have indices() and length');
    if (opts.sampler && this.shuffle) throw new TypeError('sampler option is mutually exclusive with shuffle');
    this.sampler = opts.sampler;
  }
  /** Indices per epoch: the sampler's, or every row. */
  get #size(): number {
    return this.sampler ? this.sampler.length : this.data.shape[0];
  }
  get length(): number {
    const n = this.#size;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  /** The index order of one epoch (an int64 tensor on the data's device). */
  order(): Tensor {
    const n = this.data.shape[0];
    const device = this.data.device;
    if (this.sampler) {
      const idx = this.sampler.indices();
      const moved = idx.to(device);
      if (moved !== idx) idx.dispose();
      return keep(moved);
    }
    return keep(this.shuffle ? randperm(n, { device }) : arange(0, n, 1, { dtype: 'int64', device }));
  }
  /** Yields batches; each batch tensor belongs to the caller's scope (dispose it or use scope()). */
  *batches(order?: Tensor): Generator<Tensor> {
    const n = this.#size;
    const own = order === undefined;
    const idx = order ?? this.order();
    try {
      for (let b = 0; b < this.length; b++) {
        const start = b * this.batchSize;
        const len = Math.min(this.batchSize, n - start);
        const sel = idx.narrow(0, start, len);
        const batch = this.data.indexSelect(0, sel);
        sel.dispose();
        yield batch;
      }
    } finally {
      if (own) idx.dispose();
    }
  }
}
