// OneCycleLR (Smith & Topin's 1cycle): warm up from maxLr / divFactor to maxLr, anneal to
// initial / finalDivFactor, cycling momentum inversely; stepped once per batch.
import { checkBool, checkInt, checkNumber, checkOptions, describe } from '../../check';
import { cos } from './cos';
import { LRScheduler, perGroup, type SchedulableOptimizer } from './base';

export interface OneCycleLROptions {
  /** One for all groups, or one per group. */
  maxLr: number | number[];
  /** Either totalSteps, or epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

type Key = 'initial_lr' | 'max_lr' | 'min_lr' | 'max_momentum' | 'base_momentum';
interface Phase {
  end_step: number;
  start_lr: Key;
  end_lr: Key;
  start_momentum: Key;
  end_momentum: Key;
}

const ALLOWED = ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'] as const;

export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  /** What PyTorch keeps in each of the optimizer's param groups. */
  readonly #group: Record<Key, number>[];
  readonly #phases: Phase[];

  constructor(optimizer: SchedulableOptimizer, opts: OneCycleLROptions) {
    super(optimizer, 'OneCycleLR');
    const o = checkOptions(opts, 'OneCycleLR options', [...ALLOWED]);
    const n = this.groups.length;
    const fin = (x: unknown, name: string): number => checkNumber(x, name, { finite: true });
    const maxLrs = perGroup(o.maxLr, 'maxLr', n, fin);
    if (o.totalSteps !== undefined) this.totalSteps = checkInt(o.totalSteps, 'totalSteps', 1);
    else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) this.totalSteps = checkInt(o.epochs, 'epochs', 1) * checkInt(o.stepsPerEpoch, 'stepsPerEpoch', 1);
    else throw new TypeError('OneCycleLR: give either totalSteps or epochs and stepsPerEpoch');
    const pct = checkNumber(o.pctStart ?? 0.3, 'pctStart');
    if (pct < 0 || pct > 1) throw new RangeError(`OneCycleLR: pctStart must be in [0, 1], got ${pct}`);
    const a = o.annealStrategy ?? 'cos';
    if (a !== 'cos' && a !== 'linear') throw new TypeError(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${describe(a)}`);
    this.annealStrategy = a;
    const div = checkNumber(o.divFactor ?? 25, 'divFactor', { finite: true, positive: true });
    const finalDiv = checkNumber(o.finalDivFactor ?? 1e4, 'finalDivFactor', { finite: true, positive: true });
    const T = this.totalSteps;
    this.#phases = checkBool(o.threePhase ?? false, 'threePhase')
      ? [
          { end_step: pct * T - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: 2 * pct * T - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
          { end_step: T - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
        ]
      : [
          { end_step: pct * T - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: T - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        ];
    const maxMoms = perGroup(o.maxMomentum ?? 0.95, 'maxMomentum', n, fin);
    const baseMoms = perGroup(o.baseMomentum ?? 0.85, 'baseMomentum', n, fin);
    this.#group = maxLrs.map((maxLr, i) => ({ initial_lr: maxLr / div, max_lr: maxLr, min_lr: maxLr / div / finalDiv, max_momentum: maxMoms[i], base_momentum: baseMoms[i] }));
    this.baseLrs = this.#group.map((g) => g.initial_lr);
    this.cycleMomentum = checkBool(o.cycleMomentum ?? true, 'cycleMomentum');
    if (this.cycleMomentum) {
      const groups = this.groups;
      if (groups.some((g) => typeof g.momentum !== 'number'))
        throw new TypeError('OneCycleLR: the optimizer has no settable momentum (optim.SGD has); pass cycleMomentum: false');
      groups.forEach((g, i) => (g.momentum = this.#group[i].max_momentum));
    }
    this.initialStep();
  }

  #anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cosOut;
  }

  protected getLr(_lr: number, _base: number, gi: number): number {
    const step = this.lastEpoch;
    if (step > this.totalSteps) throw new RangeError(`OneCycleLR: tried to step ${step + 1} times; totalSteps is ${this.totalSteps}`);
    const g = this.#group[gi];
    let start = 0;
    for (const [i, ph] of this.#phases.entries()) {
      if (step <= ph.end_step || i === this.#phases.length - 1) {
        const pct = (step - start) / (ph.end_step - start);
        if (this.cycleMomentum) this.groups[gi].momentum = this.#anneal(g[ph.start_momentum], g[ph.end_momentum], pct);
        return this.#anneal(g[ph.start_lr], g[ph.end_lr], pct);
      }
      start = ph.end_step;
    }
    throw new Error('OneCycleLR: unreachable');
  }

  protected extraState(): Record<string, unknown> {
    return { total_steps: this.totalSteps, _schedule_phases: this.#phases.map((p) => ({ ...p })), cycle_momentum: this.cycleMomentum, ...(this.cycleMomentum ? { use_beta1: false } : {}) };
  }
  protected loadExtraState(sd: Record<string, unknown>, who: string): void {
    if (sd.total_steps !== this.totalSteps) throw new RangeError(`${who}: total_steps ${String(sd.total_steps)} differs from this scheduler's ${this.totalSteps}; create the OneCycleLR with the saved settings`);
    if (sd.cycle_momentum !== undefined && sd.cycle_momentum !== this.cycleMomentum) throw new RangeError(`${who}: cycle_momentum ${String(sd.cycle_momentum)} differs from this scheduler's ${String(this.cycleMomentum)}`);
    const ph = sd._schedule_phases;
    if (ph !== undefined && (!Array.isArray(ph) || ph.length !== this.#phases.length || ph.some((p, i) => (p as Phase)?.end_step !== this.#phases[i].end_step)))
      throw new RangeError(`${who}: _schedule_phases differ from this scheduler's (pctStart or threePhase); create the OneCycleLR with the saved settings`);
  }
}
