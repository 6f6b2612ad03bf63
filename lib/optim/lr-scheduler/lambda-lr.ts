// LambdaLR: each group's initial lr times lrLambda(epoch) (one function for all groups, or one per group).
import { checkNumber, describe } from '../../check';
import { LRScheduler, type SchedulableOptimizer } from './base';

export type LrLambda = (epoch: number) => number;

export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];
  constructor(optimizer: SchedulableOptimizer, lrLambda: LrLambda | LrLambda[]) {
    super(optimizer, 'LambdaLR');
    const n = this.groups.length;
    const fns = Array.isArray(lrLambda) ? lrLambda : new Array<LrLambda>(n).fill(lrLambda);
    if (fns.length !== n) throw new RangeError(`LambdaLR: expected ${n} lrLambdas (one per parameter group), got ${fns.length}`);
    fns.forEach((f, i) => {
      if (typeof f !== 'function') throw new TypeError(`LambdaLR: lrLambda${Array.isArray(lrLambda) ? `[${i}]` : ''} must be a function of the epoch, got ${describe(f)}`);
    });
    this.lrLambdas = fns;
    this.initialStep();
  }
  protected getLr(_lr: number, base: number, i: number): number {
    return base * checkNumber(this.lrLambdas[i](this.lastEpoch), `LambdaLR: lrLambda(${this.lastEpoch})`, { finite: true });
  }
  /** As PyTorch: the functions themselves are not saved (lr_lambdas holds null for each). */
  protected extraState(): Record<string, unknown> {
    return { lr_lambdas: this.lrLambdas.map(() => null) };
  }
  protected loadExtraState(): void {
    // nothing of its own: the functions stay the ones given to the constructor
  }
}
