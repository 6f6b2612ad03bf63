// nn.Sequential: submodules run in order, each output feeding the next. Children are named '0', '1',
// ... (or by the keys of an object, as PyTorch's OrderedDict form), so the state dict's keys are
// PyTorch's ('0.weight', 'conv.bias', ...).
import { checkInt, describe } from '../check';
import type { Tensor } from '../tensor';
import { isLayer, type Layer } from './layer';
import { Module } from './module';
import { checkModuleName } from './module-name';

export class Sequential<M extends Layer = Layer> extends Module implements Iterable<M> {
  readonly #items: [string, M][] = [];

  /** new Sequential(a, b, c), or new Sequential({ conv: a, relu: b }) to name the children. */
  constructor(...modules: M[] | [Record<string, M>]) {
    super();
    const first: unknown = modules[0];
    if (modules.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module)) {
      for (const [k, m] of Object.entries(first as Record<string, M>)) this.#add(k, m);
    } else for (const m of modules as M[]) this.append(m);
  }
  #add(name: string, m: M): void {
    if (!isLayer(m)) throw new TypeError(`Sequential: module '${name}' must be a Module with a forward(x) method, got ${describe(m)}`);
    checkModuleName(name, 'Sequential');
    if (this.#items.some(([k]) => k === name)) throw new TypeError(`Sequential: the name '${name}' is taken`);
    this.registerModule(name, m);
    this.#items.push([name, m]);
  }
  /** Adds a module at the end, named by its position (as PyTorch's append). */
  append(m: M): this {
    this.#add(String(this.#items.length), m);
    return this;
  }
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  get length(): number {
    return this.#items.length;
  }
  /** The i-th module; negative i counts from the end. An index out of range is a RangeError, as PyTorch's IndexError. */
  at(i: number): M {
    const n = this.#items.length;
    checkInt(i, 'index');
    if (i < -n || i >= n) throw new RangeError(`Sequential: index ${i} is out of range for ${n} modules`);
    return this.#items[i < 0 ? i + n : i][1];
  }
  /** seq[start:end] as a new Sequential of the same modules under the same names (as PyTorch's slicing). */
  slice(start?: number, end?: number): Sequential<M> {
    const s = new Sequential<M>();
    for (const [k, m] of this.#items.slice(start, end)) s.#add(k, m);
    return s;
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const [, m] of this.#items) y = m.forward(y);
    return y;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.#items.map(([, m]) => m)[Symbol.iterator]();
  }
}
