// The shared body of optimizers that are LibTorch's own (AdamW, RMSprop, Adagrad): lr, step, zeroGrad,
// and state_dicts in PyTorch's layout both ways, checked before anything changes.
import { checkNumber, describe } from '../check';
import { full } from '../creation';
import { native, type NativeOptimizer } from '../native';
import { scope } from '../scope';
import { Tensor } from '../tensor';

/** A hyperparameter as PyTorch's param_groups hold it. */
export type Hyper = number | boolean | [number, number];
/** One parameter's state: step (a float32 scalar tensor where PyTorch keeps one) and named tensors. */
export type LibtorchParamState = { step: number | Tensor } & { [name: string]: Tensor | number };
export interface LibtorchStateDict {
  state: Record<number, LibtorchParamState> | Map<number, LibtorchParamState>;
  param_groups: ({ lr: number; params: number[] } & Record<string, unknown>)[];
}

export interface Spec {
  name: string;
  kind: 'adamw' | 'rmsprop' | 'adagrad';
  /** PyTorch's param_group keys other than lr and params, with this optimizer's values. */
  hyper: Record<string, Hyper>;
  /** Numbers for the native constructor, after lr, in its order. */
  native: number[];
  /** Keys PyTorch writes that this library does not use, with their fixed values. */
  fixed: Record<string, unknown>;
  /** Whether PyTorch keeps step as a float32 scalar tensor (else a number). */
  stepTensor: boolean;
  /** The state tensors each parameter must have. */
  stateNames: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b);

export function checkLr(v: unknown, who: string): number {
  const lr = checkNumber(v, 'lr', { finite: true });
  if (lr < 0) throw new RangeError(`${who}: lr must be >= 0, got ${lr}`);
  return lr;
}

export abstract class LibtorchOptimizer {
  readonly params: Tensor[];
  #lr: number;
  #stepCount = 0;
  readonly #native: NativeOptimizer;
  readonly #spec: Spec;

  protected constructor(params: Tensor[], lr: number, spec: Spec) {
    this.params = params;
    this.#lr = lr;
    this.#spec = spec;
    this.#native = new native.NativeOptimizer(spec.kind, params.map((p) => p.handle), [lr, ...spec.native]);
  }

  protected static checkParams(params: unknown, who: string): void {
    if (!Array.isArray(params) || params.length === 0 || !params.every((p) => p instanceof Tensor && !p.isDisposed))
      throw new TypeError(`${who}: params must be a non-empty array of live tensors`);
    if (new Set(params).size !== params.length) throw new RangeError(`${who}: params holds the same tensor twice`);
  }

  get lr(): number {
    return this.#lr;
  }
  set lr(v: number) {
    const lr = checkLr(v, this.#spec.name);
    this.#native.setLr(lr);
    this.#lr = lr;
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
      for (const [k, h] of Object.entries(s.tensors)) e[k] = Tensor.fromHandle(h);
      state[i] = e;
    });
    const hyper = Object.fromEntries(Object.entries(this.#spec.hyper).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
    return { state, param_groups: [{ lr: this.#lr, ...hyper, ...this.#spec.fixed, params: this.params.map((_, i) => i) }] };
  }

  /**
   * Loads this layout, ours or PyTorch's (torch.load of optimizer.state_dict()). Everything is checked
   * before anything changes; the saved lr is adopted, as in PyTorch, other options must match.
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
    const groups = (sd as unknown as Record<string, unknown>).param_groups;
    if (!Array.isArray(groups) || groups.length !== 1 || !isObject(groups[0])) typeFail(`param_groups must be an array of one group (this ${this.#spec.name} has one)`);
    const g = (groups as Record<string, unknown>[])[0];
    const missing = ['lr', ...Object.keys(this.#spec.hyper)].filter((k) => !(k in g));
    if (missing.length) typeFail(`param_groups[0] has no ${missing.join(', ')}: not a ${this.#spec.name} state_dict (keys: ${Object.keys(g).join(', ')})`);
    const lr = checkLr(g.lr, who);
    const diff = Object.entries(this.#spec.hyper)
      .filter(([k, v]) => !same(g[k], v))
      .map(([k, v]) => `${k} ${String(g[k])} vs ${String(v)}`);
    if (g.maximize === true) diff.push('maximize true vs false');
    if (diff.length) fail(`param_groups[0] differs from this optimizer in ${diff.join(', ')} (saved vs this); create the ${this.#spec.name} with the saved settings`);
    const ids = g.params;
    if (!Array.isArray(ids) || ids.length !== this.params.length) fail(`param_groups[0].params must list ${this.params.length} parameters, got ${describe(ids)}`);
    const position = new Map<string, number>();
    for (const id of ids as unknown[]) {
      if (typeof id !== 'number' && typeof id !== 'string') typeFail(`param_groups[0].params holds ${describe(id)}`);
      if (position.has(String(id))) fail(`parameter id ${String(id)} appears twice`);
      position.set(String(id), position.size);
    }
    const raw = (sd as unknown as Record<string, unknown>).state;
    const state = raw instanceof Map ? Object.fromEntries(raw) : raw;
    if (!isObject(state)) typeFail(`state must be an object keyed by parameter id, got ${describe(raw)}`);
    const entries: { i: number; step: number; tensors: Record<string, Tensor> }[] = [];
    for (const [id, s] of Object.entries(state as Record<string, unknown>)) {
      const i = position.get(id);
      if (i === undefined) fail(`state for parameter id ${id}, which param_groups[0] does not list`);
      if (!isObject(s)) typeFail(`state[${id}] must be an object`);
      const o = s as Record<string, unknown>;
      let step: unknown = o.step;
      if (step instanceof Tensor) step = step.numel() === 1 ? step.item() : fail(`state[${id}].step must hold one value`);
      if (!Number.isSafeInteger(step) || (step as number) < 0) fail(`state[${id}].step must be an integer >= 0, got ${describe(o.step)}`);
      const p = this.params[i as number];
      const extra = Object.keys(o).filter((k) => k !== 'step' && !this.#spec.stateNames.includes(k));
      if (extra.length) typeFail(`state[${id}] has ${extra.join(', ')}, which ${this.#spec.name} with these options does not keep`);
      const tensors: Record<string, Tensor> = {};
      for (const k of this.#spec.stateNames) {
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
    for (const s of stepped) if (s) for (const t of Object.values(s.tensors)) t.dispose();
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
    this.lr = lr;
  }
}
