// The base of PyTorch's epoch-driven learning-rate schedulers (torch.optim.lr_scheduler._LRScheduler,
// torch 1.13): construction takes step 0, each step() computes the next lr in PyTorch's chainable form.
import { checkInt, checkNumber, describe } from '../../check';

/** A parameter group: its settable lr (and momentum, which OneCycleLR cycles). */
export interface SchedulableGroup {
  lr: number;
  momentum?: number;
}

/** Any optimizer whose learning rate can be set (optim.SGD, optim.Adam, or one of your own). */
export interface SchedulableOptimizer {
  /** Parameter groups, each scheduled on its own (optim.SGD has them); without, the optimizer is one group. */
  readonly paramGroups?: SchedulableGroup[];
  lr: number;
  /** Cycled by OneCycleLR where present (as PyTorch's param_groups[0]['momentum']). */
  momentum?: number;
  /** Steps taken; when present, a scheduler step before the first optimizer step warns, as PyTorch. */
  readonly stepCount?: number;
}

/** The plain-data keys PyTorch's scheduler.state_dict() has for every scheduler. */
export interface LRSchedulerStateDict {
  base_lrs: number[];
  last_epoch: number;
  _step_count: number;
  _last_lr: number[];
  verbose?: boolean;
  [key: string]: unknown;
}

export function checkOptimizer(o: unknown, who: string): SchedulableOptimizer {
  if (typeof o !== 'object' || o === null || typeof (o as { lr?: unknown }).lr !== 'number')
    throw new TypeError(`${who}: optimizer must be an optimizer with a numeric lr (optim.SGD, optim.Adam), got ${describe(o)}`);
  return o as SchedulableOptimizer;
}

/** The optimizer's parameter groups (itself when it has none), as PyTorch's optimizer.param_groups. */
export function groupsOf(o: SchedulableOptimizer): SchedulableGroup[] {
  return Array.isArray(o.paramGroups) ? o.paramGroups : [o];
}

/** A number for every group, or one for all (PyTorch's _format_param). */
export function perGroup(v: unknown, name: string, n: number, check: (x: unknown, name: string) => number): number[] {
  if (!Array.isArray(v)) return new Array<number>(n).fill(check(v, name));
  if (v.length !== n) throw new RangeError(`${name}: expected ${n} values (one per parameter group), got ${v.length}`);
  return v.map((x, i) => check(x, `${name}[${i}]`));
}

export function orderWarning(optimizer: SchedulableOptimizer): void {
  if (optimizer.stepCount === 0)
    process.emitWarning(
      'lrScheduler.step() was called before optimizer.step(); call them in the opposite order (optimizer.step() first), or the first value of the learning-rate schedule is skipped',
      'UserWarning',
    );
}

export abstract class LRScheduler {
  readonly optimizer: SchedulableOptimizer;
  baseLrs: number[];
  lastEpoch = -1;
  #stepCount = 0;
  #lastLr: number[] = [];

  constructor(optimizer: SchedulableOptimizer, who: string) {
    this.optimizer = checkOptimizer(optimizer, who);
    this.baseLrs = this.groups.map((g) => g.lr);
  }

  protected get groups(): SchedulableGroup[] {
    return groupsOf(this.optimizer);
  }

  /** Takes step 0; subclasses call it at the end of their constructor, as _LRScheduler.__init__ does. */
  protected initialStep(): void {
    this.#stepCount = 0;
    this.step();
  }

  /** Group i's lr for lastEpoch, from its current `lr` and its `base` (PyTorch's chainable get_lr). */
  protected abstract getLr(lr: number, base: number, i: number): number;

  protected get stepCountInternal(): number {
    return this.#stepCount;
  }

  /** Advances one epoch (or batch) and sets the optimizer's lr. */
  step(): void {
    if (this.#stepCount === 1) orderWarning(this.optimizer);
    this.#stepCount++;
    this.lastEpoch++;
    const groups = this.groups;
    const values = groups.map((g, i) => this.getLr(g.lr, this.baseLrs[i], i));
    groups.forEach((g, i) => (g.lr = values[i]));
    this.#lastLr = groups.map((g) => g.lr);
  }

  /** The last lr this scheduler set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  /** PyTorch's keys (plain data only: LambdaLR's functions are not saved, as in PyTorch). */
  stateDict(): LRSchedulerStateDict {
    return { ...this.extraState(), base_lrs: [...this.baseLrs], last_epoch: this.lastEpoch, verbose: false, _step_count: this.#stepCount, _last_lr: [...this.#lastLr] };
  }

  /** Loads ours or PyTorch's (torch.load of scheduler.state_dict()); the optimizer's lr is not changed, as in PyTorch. */
  loadStateDict(sd: LRSchedulerStateDict): void {
    const who = `${this.constructor.name}.loadStateDict`;
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) throw new TypeError(`${who}: expected a state_dict object, got ${describe(sd)}`);
    const n = this.groups.length;
    const lrs = (v: unknown, name: string): number[] => {
      if (!Array.isArray(v) || v.length !== n) throw new TypeError(`${who}: ${name} must be an array of ${n} number(s) (one per parameter group), got ${describe(v)}`);
      return v.map((x, i) => checkNumber(x, `${who}: ${name}[${i}]`, { finite: true }));
    };
    const base = lrs(sd.base_lrs, 'base_lrs');
    const last = sd._last_lr === undefined ? this.groups.map((g) => g.lr) : lrs(sd._last_lr, '_last_lr');
    const epoch = checkInt(sd.last_epoch, `${who}: last_epoch`, -1);
    const count = checkInt(sd._step_count ?? epoch + 1, `${who}: _step_count`, 0);
    this.loadExtraState(sd, who);
    this.baseLrs = base;
    this.#lastLr = last;
    this.lastEpoch = epoch;
    this.#stepCount = count;
  }

  /** The subclass's own keys, in PyTorch's names. */
  protected abstract extraState(): Record<string, unknown>;
  /** Checks and adopts the subclass's own keys (called before the base's are adopted). */
  protected abstract loadExtraState(sd: Record<string, unknown>, who: string): void;
}
