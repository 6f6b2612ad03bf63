// DistributedDataParallel: the same model on every rank. Rank 0's weights are broadcast at
// construction; from then on every backward averages the gradients across ranks (bucketed, started
// from gradient hooks while backward still runs), so optimizer steps stay identical everywhere.
import { checkNumber, checkOptions, describe } from '../check';
import { native, type NativeReducer } from '../native';
import { Module } from '../nn/module';
import { type Tensor } from '../tensor';
import { broadcast, isInitialized } from './process-group';

export interface DistributedDataParallelOptions {
  /** Bucket size in MiB (PyTorch's bucket_cap_mb, default 25); the first bucket is 1 MiB, as PyTorch's. */
  bucketCapMb?: number;
  /** Copy rank 0's parameters to every rank first (default true). */
  broadcastParameters?: boolean;
}

const KEYS = ['bucketCapMb', 'broadcastParameters'];
const MiB = 1024 * 1024;

/**
 * Wraps a module for data-parallel training. Build it after the module is on its device (`to()`
 * replaces parameters). Run forward through `ddp.module` as usual: the hooks average the gradients
 * during `loss.backward()`, and `.grad` holds the average when backward returns.
 */
export class DistributedDataParallel<M extends Module> {
  readonly module: M;
  #reducer: NativeReducer | null;

  constructor(module: M, opts: DistributedDataParallelOptions = {}) {
    if (!(module instanceof Module)) throw new TypeError(`DistributedDataParallel: module must be an nn.Module, got ${describe(module)}`);
    checkOptions(opts, 'DistributedDataParallel options', KEYS as (keyof DistributedDataParallelOptions & string)[]);
    if (!isInitialized()) throw new Error('DistributedDataParallel: no process group; call initProcessGroup() first');
    const capMb = checkNumber(opts.bucketCapMb ?? 25, 'bucketCapMb', { finite: true, positive: true });
    this.module = module;
    const params = module.parameters();
    if (opts.broadcastParameters ?? true) broadcast(params, 0);
    this.#reducer = new native.NativeReducer(params.map((p: Tensor) => p.handle), Math.floor(Math.min(MiB, capMb * MiB)), Math.floor(capMb * MiB));
  }

  parameters(): Tensor[] {
    return this.module.parameters();
  }

  /** Number of gradient buckets (one all-reduce each per backward). */
  get bucketCount(): number {
    return this.#live().bucketCount();
  }

  /**
   * Runs fn with gradient averaging off, as PyTorch's no_sync(): gradients accumulate locally, and
   * the next backward outside averages the accumulated sum.
   */
  noSync<T>(fn: () => T): T {
    const r = this.#live();
    r.setSync(false);
    try {
      return fn();
    } finally {
      r.setSync(true);
    }
  }

  /** Removes the gradient hooks (the module itself stays usable, undistributed). */
  dispose(): void {
    this.#reducer?.dispose();
    this.#reducer = null;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  #live(): NativeReducer {
    if (!this.#reducer) throw new TypeError('DistributedDataParallel has been disposed');
    return this.#reducer;
  }
}
