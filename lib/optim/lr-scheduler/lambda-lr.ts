// LambdaLR: the initial lr times lrLambda(epoch).
import { checkNumber, describe } from '../../check';
import { LRScheduler, type SchedulableOptimizer } from './base';

export class LambdaLR extends LRScheduler {
  readonly lrLambda: (epoch: number) => number;
  constructor(optimizer: SchedulableOptimizer, lrLambda: (epoch: number) => number) {
    super(optimizer, 'LambdaLR');
    if (typeof lrLambda !== 'function') throw new TypeError(`LambdaLR: lrLambda must be a function of the epoch, got ${describe(lrLambda)}`);
    this.lrLambda = lrLambda;
    this.initialStep();
  }
  protected getLr(): number {
    return this.baseLrs[0] * checkNumber(this.lrLambda(this.lastEpoch), `LambdaLR: lrLambda(${this.lastEpoch})`, { finite: true });
  }
  /** As PyTorch: the function itself is not saved (lr_lambdas holds null for it). */
  protected extraState(): Record<string, unknown> {
    return { lr_lambdas: [null] };
  }
  protected loadExtraState(): void {
    // nothing of its own: the function stays the one given to the constructor
  }
}
