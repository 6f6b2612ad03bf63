// The base of PyTorch's epoch-driven learning-rate schedulers (torch.optim.lr_scheduler._LRScheduler,
// torch 1.13): construction takes step 0, each step() computes the next lr in PyTorch's chainable form.
import { checkInt, checkNumber, describe } from '../../check';

/** Any optimizer whose learning rate can be set (optim.SGD, optim.Adam, or one of your own). */
export interface SchedulableOptimizer {
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
  const groups = (o as { paramGroups?: unknown[] }).paramGroups;
  if (Array.isArray(groups) && groups.length > 1) throw new TypeError(`${who}: the optimizer has ${groups.length} parameter groups; schedulers drive optimizers with one group for now`);
  return o as SchedulableOptimizer;
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
    this.baseLrs = [this.initialLr()];
  }

  /** The lr step 0 starts from (OneCycleLR's is derived from maxLr). */
  protected initialLr(): number {
    return this.optimizer.lr;
  }

  /** Takes step 0; subclasses call it at the end of their constructor, as _LRScheduler.__init__ does. */
  protected initialStep(): void {
    this.#stepCount = 0;
    this.step();
  }

  /** The lr for lastEpoch, from the optimizer's current one (PyTorch's chainable get_lr). */
  protected abstract getLr(): number;

  protected get stepCountInternal(): number {
    return this.#stepCount;
  }

  /** Advances one epoch (or batch) and sets the optimizer's lr. */
  step(): void {
    if (this.#stepCount === 1) orderWarning(this.optimizer);
    this.#stepCount++;
    this.lastEpoch++;
    this.optimizer.lr = this.getLr();
    this.#lastLr = [this.optimizer.lr];
  }

  /** The last lr this scheduler set, one per parameter group (this library's optimizers have one). */
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
    const lrs = (v: unknown, name: string): number[] => {
      if (!Array.isArray(v) || v.length !== 1) throw new TypeError(`${who}: ${name} must be an array of one number (one parameter group), got ${describe(v)}`);
      return [checkNumber(v[0], `${who}: ${name}[0]`, { finite: true })];
    };
    const base = lrs(sd.base_lrs, 'base_lrs');
    const last = sd._last_lr === undefined ? [this.optimizer.lr] : lrs(sd._last_lr, '_last_lr');
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
