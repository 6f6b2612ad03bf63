// ExponentialLR: lr times gamma every epoch.
import { checkNumber, checkOptions } from '../../check';
import { LRScheduler, type SchedulableOptimizer } from './base';

export interface ExponentialLROptions {
  gamma: number;
}

export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, opts: ExponentialLROptions) {
    super(optimizer, 'ExponentialLR');
    opts = checkOptions(opts, 'ExponentialLR options', ['gamma']);
    this.gamma = checkNumber(opts.gamma, 'gamma', { finite: true });
    this.initialStep();
  }
  protected getLr(lr: number): number {
    return this.lastEpoch === 0 ? lr : lr * this.gamma;
  }
  protected extraState(): Record<string, unknown> {
    return { gamma: this.gamma };
  }
  protected loadExtraState(sd: Record<string, unknown>, who: string): void {
    this.gamma = checkNumber(sd.gamma, `${who}: gamma`, { finite: true });
  }
}
