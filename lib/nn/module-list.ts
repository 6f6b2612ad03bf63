// nn.ModuleList: an indexable list of submodules, registered as '0', '1', ... as in PyTorch.
import { Module } from './module';

export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  readonly #items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  append(m: M): this {
    this.registerModule(String(this.#items.length), m);
    this.#items.push(m);
    return this;
  }
  get length(): number {
    return this.#items.length;
  }
  /** The i-th module; negative i counts from the end. */
  at(i: number): M | undefined {
    return this.#items.at(i);
  }
  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }
}
