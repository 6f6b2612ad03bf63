// The shared body of the optimizers on native/optim/optimizers.cc (LibTorch's AdamW, RMSprop, Adagrad, our
// RAdam): parameter groups with per-group options, lr, step, zeroGrad, and state_dicts in PyTorch's
// layout both ways, checked before anything changes.
import { checkNumber, checkOptions, describe } from '../check';
import { full } from '../creation';
import { callNative, native, type NativeOptimizer } from '../native';
import { scope } from '../scope';
import { fromHandle, Tensor } from '../tensor';

/** A hyperparameter as PyTorch's param_groups hold it. */
export type Hyper = number | boolean | [number, number];
/** One parameter's state: step (a float32 scalar tensor where PyTorch keeps one) and named tensors. */
export type LibtorchParamState = { step: number | Tensor } & { [name: string]: Tensor | number };
export interface LibtorchStateDict {
  state: Record<number, LibtorchParamState> | Map<number, LibtorchParamState>;
  param_groups: ({ lr: number; params: number[] } & Record<string, unknown>)[];
}

/** One parameter group's settings, as an optimizer's option parser makes them. */
export interface GroupSpec {
  lr: number;
  /** PyTorch's param_group keys other than lr and params, with this group's values. */
  hyper: Record<string, Hyper>;
  /** Numbers for the native constructor, after lr, in its order. */
  native: number[];
  /** The state tensors each parameter of the group must have. */
  stateNames: string[];
}

export interface Spec {
  name: string;
  kind: 'adamw' | 'rmsprop' | 'adagrad' | 'radam';
  /** Keys PyTorch writes that this library does not use, with their fixed values. */
  fixed: Record<string, unknown>;
  /** Whether PyTorch keeps step as a float32 scalar tensor (else a number). */
  stepTensor: boolean;
  /** The option names (camelCase) a group may set. */
  keys: readonly string[];
  /** One group's settings from its options (the group's own over the defaults). */
  parse: (o: Record<string, unknown>) => GroupSpec;
  /** Keys only other optimizers' param_groups have: a state_dict with one is refused. */
  foreignKeys?: readonly string[];
}

/** A parameter group given to the constructor: its parameters and any options that differ from the defaults. */
export type ParamGroupOptions<O> = O & { params: Tensor[] };

/** A parameter group's settable lr (as PyTorch's optimizer.param_groups[i]['lr']). */
export interface LibtorchGroupHandle {
  lr: number;
  readonly params: readonly Tensor[];
}

interface Group extends GroupSpec {
  params: Tensor[];
  /** Position of the group's first parameter in `params`. */
  first: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b);

export function checkLr(v: unknown, who: string): number {
  const lr = checkNumber(v, 'lr', { finite: true });
  if (lr < 0) throw new RangeError(`${who}: lr must be >= 0, got ${lr}`);
  return lr;
}

/** Tensors, or parameter groups whose own options override the defaults, as torch.optim's constructors take. */
function parseGroups(params: unknown, opts: unknown, spec: Spec): { groups: Group[]; defaults: GroupSpec } {
  const who = spec.name;
  if (!Array.isArray(params) || params.length === 0) throw new TypeError(`${who}: params must be a non-empty array of live tensors or of parameter groups`);
  if (opts !== undefined && !isObject(opts)) throw new TypeError(`${who} options must be an options object, got ${describe(opts)}`);
  const d = checkOptions((opts ?? {}) as Record<string, unknown>, `${who} options`, [...spec.keys]);
  // The defaults alone are checked too, as PyTorch's constructors check their arguments.
  const defaults = spec.parse(d);
  const grouped = params.every((g) => isObject(g) && !(g instanceof Tensor));
  const raw: [unknown, Record<string, unknown>, string][] = grouped
    ? params.map((g, i) => {
        const o = checkOptions(g as Record<string, unknown>, `${who} param_groups[${i}]`, ['params', ...spec.keys]);
        const own = Object.fromEntries(Object.entries(o).filter(([k, v]) => k !== 'params' && v !== undefined));
        return [o.params, { ...d, ...own }, `param_groups[${i}].params`];
      })
    : [[params, d, 'params']];
  let first = 0;
  const groups = raw.map(([ps, o, at]) => {
    if (!Array.isArray(ps) || ps.length === 0 || !ps.every((p) => p instanceof Tensor && !p.isDisposed)) throw new TypeError(`${who}: ${at} must be a non-empty array of live tensors`);
    const g: Group = { ...spec.parse(o), params: ps as Tensor[], first };
    first += ps.length;
    return g;
  });
  const all = groups.flatMap((g) => g.params);
  if (new Set(all).size !== all.length) throw new RangeError(`${who}: params holds the same tensor twice`);
  return { groups, defaults };
}

export abstract class LibtorchOptimizer {
  /** Every parameter, group after group (state_dict ids are positions here). */
  readonly params: Tensor[];
  readonly #groups: Group[];
  #stepCount = 0;
  readonly #native: NativeOptimizer;
  readonly #spec: Spec;

  protected constructor(params: unknown, opts: unknown, spec: Spec) {
    this.#spec = spec;
    const { groups, defaults } = parseGroups(params, opts, spec);
    this.#groups = groups;
    this.params = groups.flatMap((g) => g.params);
    this.#native = new native.NativeOptimizer(
      spec.kind,
      this.params.map((p) => p.handle),
      groups.map((g) => [g.lr, ...g.native]),
      groups.map((g) => g.params.length),
      // The constructor's own options: LibTorch's Adagrad, as torch 1.13's, fills every group's sum with
      // the default initial_accumulator_value.
      [defaults.lr, ...defaults.native],
    );
  }

  /** The groups' settable lr, in order. */
  get paramGroups(): LibtorchGroupHandle[] {
    return this.#groups.map((g, i) => {
      const setLr = (v: number): void => this.#setGroupLr(i, v);
      return {
        get lr(): number {
          return g.lr;
        },
        set lr(v: number) {
          setLr(v);
        },
        params: g.params,
      };
    });
  }
  #setGroupLr(i: number, v: unknown): void {
    const lr = checkLr(v, this.#spec.name);
    this.#native.setLr(i, lr);
    this.#groups[i].lr = lr;
  }

  /** The first group's lr; setting it sets every group's (as a scheduler does with one group). */
  get lr(): number {
    return this.#groups[0].lr;
  }
  set lr(v: number) {
    const lr = checkLr(v, this.#spec.name);
    this.#groups.forEach((_, i) => this.#setGroupLr(i, lr));
  }
  /** How many times step() has run (learning-rate schedulers check it is called before theirs). */
  get stepCount(): number {
    return this.#stepCount;
  }
  step(): void {
    for (const p of this.params) if (p.isDisposed) throw new Error(`${this.#spec.name}.step: a parameter has been disposed`);
    this.#native.step();
    this.#stepCount++;
  }
  /** Clears every parameter's gradient (set to none, as PyTorch 2's zero_grad). */
  zeroGrad(): void {
    for (const p of this.params) if (!p.isDisposed) p.grad = undefined;
  }

  /** Copies of the state in PyTorch's layout. */
  stateDict(): LibtorchStateDict {
    const state: Record<number, LibtorchParamState> = {};
    this.#native.getState().forEach((s, i) => {
      if (s === null) return;
      const e: LibtorchParamState = { step: this.#spec.stepTensor ? full([], s.step, { dtype: 'float32' }) : s.step };
      for (const [k, h] of Object.entries(s.tensors)) e[k] = fromHandle(h);
      state[i] = e;
    });
    const groups = this.#groups.map((g) => {
      const hyper = Object.fromEntries(Object.entries(g.hyper).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
      return { lr: g.lr, ...hyper, ...this.#spec.fixed, params: g.params.map((_, k) => g.first + k) };
    });
    return { state, param_groups: groups };
  }

  /**
   * Loads this layout, ours or PyTorch's (torch.load of optimizer.state_dict()). Everything is checked
   * before anything changes; each group's saved lr is adopted, as in PyTorch, other options must match.
   */
  loadStateDict(sd: LibtorchStateDict): void {
    const who = `${this.#spec.name}.loadStateDict`;
    const fail = (m: string): never => {
      throw new RangeError(`${who}: ${m}`);
    };
    const typeFail = (m: string): never => {
      throw new TypeError(`${who}: ${m}`);
    };
    if (!isObject(sd)) typeFail(`expected a state_dict object, got ${describe(sd)}`);
    const n = this.#groups.length;
    const groups = (sd as unknown as Record<string, unknown>).param_groups;
    if (!Array.isArray(groups) || groups.length !== n || !groups.every(isObject))
      typeFail(`param_groups must be an array of ${n === 1 ? 'one group' : `${n} groups`} (this ${this.#spec.name} has ${n}), got ${describe(groups)}`);
    // Parameter ids in group order map to our parameters in order, as PyTorch pairs them.
    const position = new Map<string, number>();
    const lrs = (groups as Record<string, unknown>[]).map((g, gi) => {
      const at = `param_groups[${gi}]`;
      const mine = this.#groups[gi];
      const missing = ['lr', ...Object.keys(mine.hyper)].filter((k) => !(k in g));
      if (missing.length) typeFail(`${at} has no ${missing.join(', ')}: not a ${this.#spec.name} state_dict (keys: ${Object.keys(g).join(', ')})`);
      const foreign = (this.#spec.foreignKeys ?? []).filter((k) => k in g);
      if (foreign.length) typeFail(`${at} has ${foreign.join(', ')}: not a ${this.#spec.name} state_dict (keys: ${Object.keys(g).join(', ')})`);
      const lr = checkLr(g.lr, who);
      const diff = Object.entries(mine.hyper)
        .filter(([k, v]) => !same(g[k], v))
        .map(([k, v]) => `${k} ${String(g[k])} vs ${String(v)}`);
      // Options of newer PyTorch that change the step and that this library does not have.
      for (const k of ['maximize', 'decoupled_weight_decay']) if (g[k] === true) diff.push(`${k} true vs false`);
      if (diff.length) fail(`${at} differs from this optimizer in ${diff.join(', ')} (saved vs this); create the ${this.#spec.name} with the saved settings`);
      const ids = g.params;
      if (!Array.isArray(ids) || ids.length !== mine.params.length) fail(`${at}.params must list ${mine.params.length} parameters, got ${describe(ids)}`);
      for (const id of ids as unknown[]) {
        if (typeof id !== 'number' && typeof id !== 'string') typeFail(`${at}.params holds ${describe(id)}`);
        if (position.has(String(id))) fail(`parameter id ${String(id)} appears twice`);
        position.set(String(id), position.size);
      }
      return lr;
    });
    const groupOf = (i: number): Group => this.#groups.find((g) => i >= g.first && i < g.first + g.params.length) as Group;
    const raw = (sd as unknown as Record<string, unknown>).state;
    const state = raw instanceof Map ? Object.fromEntries(raw) : raw;
    if (!isObject(state)) typeFail(`state must be an object keyed by parameter id, got ${describe(raw)}`);
    const entries: { i: number; step: number; tensors: Record<string, Tensor> }[] = [];
    for (const [id, s] of Object.entries(state as Record<string, unknown>)) {
      const i = position.get(id);
      if (i === undefined) fail(`state for parameter id ${id}, which no param group lists`);
      if (!isObject(s)) typeFail(`state[${id}] must be an object`);
      const o = s as Record<string, unknown>;
      let step: unknown = o.step;
      if (step instanceof Tensor) step = step.numel() === 1 ? step.item() : fail(`state[${id}].step must hold one value`);
      if (!Number.isSafeInteger(step) || (step as number) < 0) fail(`state[${id}].step must be an integer >= 0, got ${describe(o.step)}`);
      const p = this.params[i as number];
      const names = groupOf(i as number).stateNames;
      const extra = Object.keys(o).filter((k) => k !== 'step' && !names.includes(k));
      if (extra.length) typeFail(`state[${id}] has ${extra.join(', ')}, which ${this.#spec.name} with these options does not keep`);
      const tensors: Record<string, Tensor> = {};
      for (const k of names) {
        const t = o[k];
        if (!(t instanceof Tensor) || t.isDisposed) typeFail(`state[${id}].${k} must be a tensor, got ${describe(t)}`);
        const tt = t as Tensor;
        if (tt.shape.length !== p.shape.length || tt.shape.some((x, j) => x !== p.shape[j])) fail(`state[${id}].${k} has shape [${tt.shape}], its parameter [${p.shape}]`);
        if (!/^(float|bfloat)/.test(tt.dtype)) typeFail(`state[${id}].${k} must be floating point, got ${tt.dtype}`);
        tensors[k] = tt;
      }
      entries.push({ i: i as number, step: step as number, tensors });
    }
    const stepped = this.#native.getState();
    for (const s of stepped) if (s) for (const t of Object.values(s.tensors)) callNative('releaseTensor', [t]);
    if (this.#spec.kind !== 'adagrad') {
      const lost = stepped.findIndex((s, i) => s !== null && !entries.some((e) => e.i === i));
      if (lost >= 0) fail(`the state_dict has no state for parameter ${lost}, which this optimizer has already stepped`);
    }
    for (const e of entries) {
      const p = this.params[e.i];
      scope(() => {
        const moved = Object.fromEntries(Object.entries(e.tensors).map(([k, t]) => [k, t.to({ device: p.device, dtype: p.dtype }).handle]));
        this.#native.setState(e.i, e.step, moved);
      });
    }
    lrs.forEach((lr, i) => this.#setGroupLr(i, lr));
  }
}
