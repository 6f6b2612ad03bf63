// MultiStepLR: lr times gamma at each milestone (times gamma^k where a milestone is listed k times).
import { checkInt, checkNumber, checkOptions, describe } from '../../check';
import { LRScheduler, type SchedulableOptimizer } from './base';

export interface MultiStepLROptions {
  milestones: number[];
  gamma?: number;
}

function counter(v: unknown, name: string): Map<number, number> {
  if (!Array.isArray(v)) throw new TypeError(`${name} must be an array of integers, got ${describe(v)}`);
  const m = new Map<number, number>();
  v.forEach((x, i) => {
    const e = checkInt(x, `${name}[${i}]`, 0);
    m.set(e, (m.get(e) ?? 0) + 1);
  });
  return m;
}

export class MultiStepLR extends LRScheduler {
  /** Milestone -> how many times it was given (PyTorch keeps a Counter). */
  milestones: Map<number, number>;
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, opts: MultiStepLROptions) {
    super(optimizer, 'MultiStepLR');
    opts = checkOptions(opts, 'MultiStepLR options', ['milestones', 'gamma']);
    this.milestones = counter(opts.milestones, 'milestones');
    this.gamma = checkNumber(opts.gamma ?? 0.1, 'gamma', { finite: true });
    this.initialStep();
  }
  protected getLr(lr: number): number {
    const k = this.milestones.get(this.lastEpoch);
    return k === undefined ? lr : lr * this.gamma ** k;
  }
  protected extraState(): Record<string, unknown> {
    return { milestones: Object.fromEntries([...this.milestones].map(([e, k]) => [String(e), k])), gamma: this.gamma };
  }
  protected loadExtraState(sd: Record<string, unknown>, who: string): void {
    const raw = sd.milestones;
    const m = raw instanceof Map ? raw : typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? new Map(Object.entries(raw)) : undefined;
    if (!m) throw new TypeError(`${who}: milestones must be an object of milestone -> count, got ${describe(raw)}`);
    const next = new Map<number, number>();
    for (const [e, k] of m) next.set(checkInt(Number(e), `${who}: milestone ${String(e)}`, 0), checkInt(k, `${who}: milestones[${String(e)}]`, 1));
    this.gamma = checkNumber(sd.gamma, `${who}: gamma`, { finite: true });
    this.milestones = next;
  }
}
