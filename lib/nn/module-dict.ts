// nn.ModuleDict: submodules by name, registered in insertion order (a replaced key keeps its place, as
// in a Python dict), so the state dict's keys are PyTorch's ('encoder.weight', ...). Iterating yields
// the keys, as PyTorch's.
import { describe } from '../check';
import { Module } from './module';
import { checkModuleName } from './module-name';

export class ModuleDict<M extends Module = Module> extends Module implements Iterable<string> {
  readonly #items = new Map<string, M>();

  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    this.update(modules);
  }
  /** The module under key; a missing key is a RangeError naming it (PyTorch's KeyError). */
  get(key: string): M {
    const m = this.#items.get(key);
    if (m === undefined) throw new RangeError(`ModuleDict: no module '${String(key)}' (keys: ${[...this.#items.keys()].join(', ') || 'none'})`);
    return m;
  }
  set(key: string, m: M): this {
    checkModuleName(key, 'ModuleDict');
    if (!(m instanceof Module)) throw new TypeError(`ModuleDict: '${key}' must be a Module, got ${describe(m)}`);
    this.registerModule(key, m);
    this.#items.set(key, m);
    return this;
  }
  has(key: string): boolean {
    return this.#items.has(key);
  }
  /** Removes key and returns its module (PyTorch's pop). */
  pop(key: string): M {
    const m = this.get(key);
    this.delete(key);
    return m;
  }
  delete(key: string): boolean {
    this.unregisterModule(key);
    return this.#items.delete(key);
  }
  clear(): void {
    for (const k of [...this.#items.keys()]) this.delete(k);
  }
  /** Adds or replaces entries from an object or [key, module] pairs. */
  update(modules: Record<string, M> | Iterable<[string, M]>): this {
    if (modules === null || typeof modules !== 'object') throw new TypeError(`ModuleDict: expected an object of modules or [key, module] pairs, got ${describe(modules)}`);
    const pairs = Symbol.iterator in modules ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules);
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`ModuleDict: expected [key, module] pairs, got ${describe(p)}`);
      this.set(p[0], p[1]);
    }
    return this;
  }
  get size(): number {
    return this.#items.size;
  }
  get length(): number {
    return this.#items.size;
  }
  keys(): string[] {
    return [...this.#items.keys()];
  }
  values(): M[] {
    return [...this.#items.values()];
  }
  items(): [string, M][] {
    return [...this.#items.entries()];
  }
  [Symbol.iterator](): Iterator<string> {
    return this.#items.keys();
  }
}
