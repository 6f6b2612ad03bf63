// StepLR: lr times gamma every stepSize epochs.
import { checkInt, checkNumber, checkOptions } from '../../check';
import { LRScheduler, type SchedulableOptimizer } from './base';

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
}

export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, opts: StepLROptions) {
    super(optimizer, 'StepLR');
    opts = checkOptions(opts, 'StepLR options', ['stepSize', 'gamma']);
    this.stepSize = checkInt(opts.stepSize, 'stepSize', 1);
    this.gamma = checkNumber(opts.gamma ?? 0.1, 'gamma', { finite: true });
    this.initialStep();
  }
  protected getLr(lr: number): number {
    return this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0 ? lr : lr * this.gamma;
  }
  protected extraState(): Record<string, unknown> {
    return { step_size: this.stepSize, gamma: this.gamma };
  }
  protected loadExtraState(sd: Record<string, unknown>, who: string): void {
    const s = checkInt(sd.step_size, `${who}: step_size`, 1);
    this.gamma = checkNumber(sd.gamma, `${who}: gamma`, { finite: true });
    this.stepSize = s;
  }
}
