// CosineAnnealingLR (SGDR without restarts), in PyTorch's recursive form, which keeps the lr
// continuous past tMax and follows changes made to the lr from outside.
import { checkInt, checkNumber, checkOptions } from '../../check';
import { cos } from './cos';
import { LRScheduler, type SchedulableOptimizer } from './base';

export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
}

export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: SchedulableOptimizer, opts: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR');
    opts = checkOptions(opts, 'CosineAnnealingLR options', ['tMax', 'etaMin']);
    this.tMax = checkInt(opts.tMax, 'tMax', 1);
    this.etaMin = checkNumber(opts.etaMin ?? 0, 'etaMin', { finite: true });
    this.initialStep();
  }
  protected getLr(lr: number, base: number): number {
    const [e, T, min] = [this.lastEpoch, this.tMax, this.etaMin];
    if (e === 0) return lr;
    if (this.stepCountInternal === 1 && e > 0) return min + ((base - min) * (1 + cos((e * Math.PI) / T))) / 2;
    if ((e - 1 - T) % (2 * T) === 0) return lr + ((base - min) * (1 - cos(Math.PI / T))) / 2;
    return ((1 + cos((Math.PI * e) / T)) / (1 + cos((Math.PI * (e - 1)) / T))) * (lr - min) + min;
  }
  protected extraState(): Record<string, unknown> {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }
  protected loadExtraState(sd: Record<string, unknown>, who: string): void {
    const t = checkInt(sd.T_max, `${who}: T_max`, 1);
    this.etaMin = checkNumber(sd.eta_min, `${who}: eta_min`, { finite: true });
    this.tMax = t;
  }
}
