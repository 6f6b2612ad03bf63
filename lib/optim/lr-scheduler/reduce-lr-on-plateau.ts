// ReduceLROnPlateau: lr times factor when a metric has stopped improving for `patience` epochs.
import { checkInt, checkNumber, checkOptions, describe } from '../../check';
import { Tensor } from '../../tensor';
import { checkOptimizer, groupsOf, orderWarning, perGroup, type SchedulableOptimizer } from './base';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  /** One for all groups, or one per group. */
  minLr?: number | number[];
  eps?: number;
}

/** PyTorch's state_dict keys (plain data). */
export interface ReduceLROnPlateauStateDict {
  factor: number;
  min_lrs: number[];
  patience: number;
  verbose?: boolean;
  cooldown: number;
  cooldown_counter: number;
  mode: 'min' | 'max';
  threshold: number;
  threshold_mode: 'rel' | 'abs';
  best: number;
  num_bad_epochs: number;
  mode_worse: number;
  eps: number;
  last_epoch: number;
  _last_lr?: number[];
}

const ALLOWED = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'] as const;

function mode(v: unknown, name: string): 'min' | 'max' {
  if (v !== 'min' && v !== 'max') throw new TypeError(`${name} must be 'min' or 'max', got ${describe(v)}`);
  return v;
}
function thresholdMode(v: unknown, name: string): 'rel' | 'abs' {
  if (v !== 'rel' && v !== 'abs') throw new TypeError(`${name} must be 'rel' or 'abs', got ${describe(v)}`);
  return v;
}
function factor(v: unknown, name: string): number {
  const f = checkNumber(v, name, { finite: true });
  if (f >= 1) throw new RangeError(`${name} must be < 1, got ${f}`);
  return f;
}

export class ReduceLROnPlateau {
  readonly optimizer: SchedulableOptimizer;
  #s: ReduceLROnPlateauStateDict;
  #stepped = false;

  constructor(optimizer: SchedulableOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    this.optimizer = checkOptimizer(optimizer, 'ReduceLROnPlateau');
    const o = checkOptions(opts, 'ReduceLROnPlateau options', [...ALLOWED]);
    const m = mode(o.mode ?? 'min', 'mode');
    this.#s = {
      factor: factor(o.factor ?? 0.1, 'factor'),
      min_lrs: perGroup(o.minLr ?? 0, 'minLr', groupsOf(this.optimizer).length, (x, n) => checkNumber(x, n, { finite: true })),
      patience: checkInt(o.patience ?? 10, 'patience', 0),
      verbose: false,
      cooldown: checkInt(o.cooldown ?? 0, 'cooldown', 0),
      cooldown_counter: 0,
      mode: m,
      threshold: checkNumber(o.threshold ?? 1e-4, 'threshold', { finite: true }),
      threshold_mode: thresholdMode(o.thresholdMode ?? 'rel', 'thresholdMode'),
      best: m === 'min' ? Infinity : -Infinity,
      num_bad_epochs: 0,
      mode_worse: m === 'min' ? Infinity : -Infinity,
      eps: checkNumber(o.eps ?? 1e-8, 'eps', { finite: true }),
      last_epoch: 0,
    };
  }

  #isBetter(a: number, best: number): boolean {
    const { mode: m, threshold_mode: tm, threshold: t } = this.#s;
    if (m === 'min') return tm === 'rel' ? a < best * (1 - t) : a < best - t;
    return tm === 'rel' ? a > best * (t + 1) : a > best + t;
  }

  /** One epoch's metric (a number or a one-element tensor); reduces the lr after `patience` bad epochs. */
  step(metrics: number | Tensor): void {
    let current: unknown = metrics;
    if (metrics instanceof Tensor) {
      if (metrics.isDisposed || metrics.numel() !== 1) throw new RangeError('ReduceLROnPlateau.step: metrics must be a number or a live one-element tensor');
      current = Number(metrics.item());
    }
    const c = checkNumber(current, 'metrics');
    if (!this.#stepped) orderWarning(this.optimizer);
    this.#stepped = true;
    const s = this.#s;
    s.last_epoch += 1;
    if (this.#isBetter(c, s.best)) {
      s.best = c;
      s.num_bad_epochs = 0;
    } else s.num_bad_epochs += 1;
    if (s.cooldown_counter > 0) {
      s.cooldown_counter -= 1;
      s.num_bad_epochs = 0; // bad epochs in cooldown do not count
    }
    if (s.num_bad_epochs > s.patience) {
      groupsOf(this.optimizer).forEach((g, i) => {
        const old = g.lr;
        const next = Math.max(old * s.factor, s.min_lrs[i]);
        if (old - next > s.eps) g.lr = next;
      });
      s.cooldown_counter = s.cooldown;
      s.num_bad_epochs = 0;
    }
    s._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  /** Whether the lr is in its cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.#s.cooldown_counter > 0;
  }
  get numBadEpochs(): number {
    return this.#s.num_bad_epochs;
  }
  get best(): number {
    return this.#s.best;
  }

  getLastLr(): number[] {
    return [...(this.#s._last_lr ?? groupsOf(this.optimizer).map((g) => g.lr))];
  }

  stateDict(): ReduceLROnPlateauStateDict {
    return { ...this.#s, min_lrs: [...this.#s.min_lrs], ...(this.#s._last_lr ? { _last_lr: [...this.#s._last_lr] } : {}) };
  }

  /** Loads ours or PyTorch's; every key is checked before any is adopted. */
  loadStateDict(sd: ReduceLROnPlateauStateDict): void {
    const who = 'ReduceLROnPlateau.loadStateDict';
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) throw new TypeError(`${who}: expected a state_dict object, got ${describe(sd)}`);
    const n = (v: unknown, k: string): number => checkNumber(v, `${who}: ${k}`);
    const groups = groupsOf(this.optimizer).length;
    if (!Array.isArray(sd.min_lrs) || sd.min_lrs.length !== groups) throw new TypeError(`${who}: min_lrs must be an array of ${groups} number(s) (one per parameter group), got ${describe(sd.min_lrs)}`);
    const m = mode(sd.mode, `${who}: mode`);
    const next: ReduceLROnPlateauStateDict = {
      factor: factor(sd.factor, `${who}: factor`),
      min_lrs: sd.min_lrs.map((x, i) => checkNumber(x, `${who}: min_lrs[${i}]`, { finite: true })),
      patience: checkInt(sd.patience, `${who}: patience`, 0),
      verbose: false,
      cooldown: checkInt(sd.cooldown, `${who}: cooldown`, 0),
      cooldown_counter: checkInt(sd.cooldown_counter, `${who}: cooldown_counter`, 0),
      mode: m,
      threshold: checkNumber(sd.threshold, `${who}: threshold`, { finite: true }),
      threshold_mode: thresholdMode(sd.threshold_mode, `${who}: threshold_mode`),
      best: n(sd.best, 'best'),
      num_bad_epochs: checkInt(sd.num_bad_epochs, `${who}: num_bad_epochs`, 0),
      mode_worse: m === 'min' ? Infinity : -Infinity,
      eps: checkNumber(sd.eps, `${who}: eps`, { finite: true }),
      last_epoch: checkInt(sd.last_epoch, `${who}: last_epoch`, 0),
    };
    if (sd._last_lr !== undefined) {
      if (!Array.isArray(sd._last_lr) || sd._last_lr.length !== groups) throw new TypeError(`${who}: _last_lr must be an array of ${groups} number(s)`);
      next._last_lr = sd._last_lr.map((x, i) => checkNumber(x, `${who}: _last_lr[${i}]`, { finite: true }));
    }
    this.#s = next;
    this.#stepped = this.#stepped || next.last_epoch > 0;
  }
}
