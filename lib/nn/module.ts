// nn.Module: parameters and submodules (registered, or found in fields as PyTorch's __setattr__ does),
// train/eval, device moves that keep parameter identity, and state dicts.
import { checkBool, checkOptions, describe } from '../check';
import { keep } from '../scope';
import { checkDevice } from '../tensor';
import { type Device, Tensor } from '../tensor';
import { noGrad } from '../runtime';
import { opRaw } from '../tensor';
import { isParameter, markParameter } from './parameter';

export type StateDict = Record<string, Tensor>;

export abstract class Module {
  #params = new Map<string, Tensor>();
  #children = new Map<string, Module>();
  #buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  #training = true;

  /** Registers a parameter (a leaf that requires grad); it lives outside any scope. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.#params.set(name, markParameter(t));
    return t;
  }
  /** A registered parameter by name. */
  protected param(name: string): Tensor {
    const p = this.#params.get(name);
    if (!p) throw new Error(`no parameter '${name}'`);
    return p;
  }
  /**
   * Registers a buffer: state that is not a parameter (running statistics, counters). It outlives every
   * scope, moves with to(), and is in the state dict unless persistent is false, as PyTorch's.
   */
  protected registerBuffer(name: string, t: Tensor, opts: { persistent?: boolean } = {}): Tensor {
    if (this.#params.has(name) || this.#children.has(name)) throw new TypeError(`registerBuffer('${name}'): the name is taken`);
    this.#buffers.set(name, { tensor: keep(t), persistent: opts.persistent ?? true });
    return t;
  }
  /** A registered buffer by name. */
  protected buffer(name: string): Tensor {
    const b = this.#buffers.get(name);
    if (!b) throw new Error(`no buffer '${name}'`);
    return b.tensor;
  }
  /** A registered submodule by name. */
  protected child(name: string): Module {
    const m = this.#children.get(name);
    if (!m) throw new Error(`no submodule '${name}'`);
    return m;
  }
  protected registerModule<M extends Module>(name: string, m: M): M {
    if (!(m instanceof Module)) throw new TypeError(`registerModule('${name}'): expected a Module`);
    this.#children.set(name, m);
    return m;
  }
  /** Removes a registered submodule (ModuleDict's delete); false when there was none. */
  protected unregisterModule(name: string): boolean {
    return this.#children.delete(name);
  }

  /**
   * This module's own parameters: registered ones, then fields holding an nn.Parameter, in the order
   * they were assigned (PyTorch's __setattr__ registers them the same way).
   */
  *#ownParameters(): Generator<[string, Tensor]> {
    yield* this.#params;
    for (const [k, v] of Object.entries(this)) if (v instanceof Tensor && isParameter(v) && !this.#params.has(k)) yield [k, v];
  }
  /**
   * Direct submodules: registered ones, then fields holding a Module, or an array of Modules (named
   * 'field.0', 'field.1', ... as PyTorch's ModuleList), in assignment order.
   */
  *namedChildren(): Generator<[string, Module]> {
    yield* this.#children;
    for (const [k, v] of Object.entries(this)) {
      if (this.#children.has(k)) continue;
      if (v instanceof Module) yield [k, v];
      else if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module)) {
        for (let i = 0; i < v.length; i++) yield [`${k}.${i}`, v[i] as Module];
      }
    }
  }
  children(): Module[] {
    return [...this.namedChildren()].map(([, m]) => m);
  }
  /** This module and every submodule below it, each once (shared ones too), as named_modules. */
  *namedModules(prefix = '', seen = new Set<Module>()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [k, c] of this.namedChildren()) yield* c.namedModules(prefix ? `${prefix}.${k}` : k, seen);
  }

  /** This module and every submodule below it, each once, as PyTorch's modules(). */
  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  get training(): boolean {
    return this.#training;
  }
  train(mode = true): this {
    checkBool(mode, 'mode');
    for (const [, m] of this.namedModules()) m.#training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Parameters with PyTorch's dotted names; a parameter shared by two modules is listed once. */
  *namedParameters(prefix = ''): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules()) {
      for (const [k, p] of m.#ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [prefix + (path ? `${path}.${k}` : k), p];
      }
    }
  }
  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }
  /** Buffers with PyTorch's dotted names ('bn.running_mean', ...), each once. */
  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules()) {
      for (const [k, b] of m.#buffers) {
        if (seen.has(b.tensor)) continue;
        seen.add(b.tensor);
        yield [prefix + (path ? `${path}.${k}` : k), b.tensor];
      }
    }
  }
  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }
  /** What the state dict holds, in PyTorch's order: per module (pre-order) its parameters, then its persistent buffers. */
  *#stateEntries(): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules()) {
      const own: [string, Tensor][] = [...m.#ownParameters()];
      for (const [k, b] of m.#buffers) if (b.persistent) own.push([k, b.tensor]);
      for (const [k, t] of own) {
        if (seen.has(t)) continue;
        seen.add(t);
        yield [path ? `${path}.${k}` : k, t];
      }
    }
  }
  /**
   * Clears every parameter's gradient. setToNone (default true, PyTorch 2's default; PyTorch 1.13's was
   * false): the gradient is removed (p.grad is undefined until the next backward); false: zeroed in place,
   * detached first if it was made with createGraph, as PyTorch's zero_grad(set_to_none=False).
   */
  zeroGrad(opts?: { setToNone?: boolean }): void {
    const setToNone = checkBool(checkOptions(opts, 'zeroGrad options', ['setToNone']).setToNone ?? true, 'setToNone');
    opRaw('zeroGrads', this.parameters(), setToNone);
  }
  /** Sets requiresGrad on every parameter (false freezes the module), as PyTorch's requires_grad_. */
  requiresGrad_(requiresGrad = true): this {
    checkBool(requiresGrad, 'requiresGrad');
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }
  /** Calls fn on every submodule, depth first (children before their parent), then on this module, as PyTorch's apply. */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new TypeError(`apply: fn must be a function, got ${describe(fn)}`);
    for (const c of new Set(this.children())) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves parameters to a device, or casts them to a floating dtype, in place as PyTorch's module.to:
   * each parameter stays the same Tensor object (its data is swapped, as param.data = ...), so an
   * optimizer made before still updates the model.
   */
  to(target: Device | 'float32' | 'float64'): this {
    const isDtype = target === 'float32' || target === 'float64';
    if (!isDtype) checkDevice(target);
    // Buffers move too; a dtype cast applies to floating buffers only (a counter stays int64), as PyTorch's.
    const buffers = this.buffers().filter((b) => !isDtype || b.isFloatingPoint);
    for (const p of [...this.parameters(), ...buffers]) {
      if (isDtype ? p.dtype === target : p.device === target) continue;
      for (const t of [p, p.grad]) {
        if (t === undefined) continue;
        const moved = noGrad(() => t.to(isDtype ? { dtype: target } : { device: target }));
        opRaw('setData', t, moved);
        moved.dispose();
        if (t !== p) t.dispose(); // the handle grad returned; the gradient itself lives on
      }
    }
    return this;
  }

  /** Parameter and buffer copies keyed as PyTorch names them ('fc1.weight', 'bn.running_mean', ...). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [k, p] of this.#stateEntries()) out[k] = p.detach();
    return out;
  }
  /**
   * Copies values into the parameters and buffers. strict (the default): every key must match in name;
   * otherwise missing and unexpected keys are skipped and returned, as PyTorch's load_state_dict. Shapes
   * must always match, and every entry is checked before anything is copied.
   */
  loadStateDict(sd: StateDict, opts?: { strict?: boolean }): { missingKeys: string[]; unexpectedKeys: string[] } {
    const who = `${this.constructor.name}.loadStateDict`;
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd) || sd instanceof Tensor) throw new TypeError(`${who}: expected an object of tensors`);
    const strict = checkBool(checkOptions(opts, 'loadStateDict options', ['strict']).strict ?? true, 'strict');
    const mine = new Map(this.#stateEntries());
    const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(sd, k);
    const missing = [...mine.keys()].filter((k) => !has(k));
    const extra = Object.keys(sd).filter((k) => !mine.has(k));
    if (strict && (missing.length || extra.length)) throw new RangeError(`${who}: missing keys [${missing.join(', ')}], unexpected keys [${extra.join(', ')}]`);
    const pairs = [...mine].filter(([k]) => has(k));
    // Errors name the submodule that owns the key, as PyTorch's 'size mismatch for conv.weight'.
    const modules = new Map([...this.namedModules()].map(([k, m]) => [k, m.constructor.name]));
    const owner = (k: string): string => modules.get(k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') ?? this.constructor.name;
    for (const [k, p] of pairs) {
      const src = sd[k];
      if (!(src instanceof Tensor)) throw new TypeError(`${who}: '${k}' (${owner(k)}) is not a tensor`);
      if (src.isDisposed) throw new TypeError(`${who}: '${k}' (${owner(k)}) is a disposed tensor`);
      const [a, b] = [p.shape, src.shape];
      if (a.length !== b.length || a.some((s, i) => s !== b[i])) throw new RangeError(`${who}: '${k}' (${owner(k)}) has shape [${b}], the module expects [${a}]`);
      if (p.isFloatingPoint !== src.isFloatingPoint && src.dtype !== 'bool') throw new TypeError(`${who}: '${k}' (${owner(k)}) is ${src.dtype}, the module holds ${p.dtype}`);
    }
    for (const [k, p] of pairs) noGrad(() => p.copy_(sd[k]));
    return { missingKeys: missing, unexpectedKeys: extra };
  }
  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const p of [...this.parameters(), ...this.buffers()]) p.dispose();
  }
}
