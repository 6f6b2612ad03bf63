// nn.Module: registered parameters and submodules, train/eval, device moves and state dicts.
import { checkDevice } from '../tensor';
import { Device, Tensor } from '../tensor';
import { keep } from '../scope';
import { noGrad } from '../runtime';

export type StateDict = Record<string, Tensor>;

export abstract class Module {
  #params = new Map<string, Tensor>();
  #children = new Map<string, Module>();
  #training = true;

  /** Registers a parameter (a leaf that requires grad); it lives outside any scope. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    keep(t);
    if (!t.requiresGrad) t.requiresGrad = true;
    this.#params.set(name, t);
    return t;
  }
  /** A registered parameter by name (current even after to(device) replaced it). */
  protected param(name: string): Tensor {
    const p = this.#params.get(name);
    if (!p) throw new Error(`no parameter '${name}'`);
    return p;
  }
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.#children.set(name, m);
    return m;
  }

  get training(): boolean {
    return this.#training;
  }
  train(mode = true): this {
    this.#training = mode;
    for (const c of this.#children.values()) c.train(mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  *namedParameters(prefix = ''): Generator<[string, Tensor]> {
    for (const [k, p] of this.#params) yield [prefix + k, p];
    for (const [k, c] of this.#children) yield* c.namedParameters(`${prefix}${k}.`);
  }
  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }
  /** Clears every parameter's gradient (set to none, as PyTorch 2's zero_grad). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = undefined;
  }

  /** Moves parameters to a device, or casts them to a floating dtype (in place, as PyTorch's module.to). */
  to(target: Device | 'float32' | 'float64'): this {
    if (target === 'float32' || target === 'float64') this.replaceParameters((p) => p.to(target));
    else this.replaceParameters((p) => p.to(checkDevice(target)));
    return this;
  }
  private replaceParameters(f: (p: Tensor) => Tensor): void {
    for (const [k, p] of this.#params) {
      const q = noGrad(() => f(p).detach());
      keep(q).requiresGrad = true;
      p.dispose();
      this.#params.set(k, q);
    }
    for (const c of this.#children.values()) c.replaceParameters(f);
  }

  /** Parameter copies keyed as PyTorch names them ('fc1.weight', ...). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [k, p] of this.namedParameters()) out[k] = p.detach();
    return out;
  }
  /** Copies values into the parameters; every key must match in name and shape. */
  loadStateDict(sd: StateDict): void {
    const mine = new Map(this.namedParameters());
    const missing = [...mine.keys()].filter((k) => !(k in sd));
    const extra = Object.keys(sd).filter((k) => !mine.has(k));
    if (missing.length || extra.length) throw new Error(`loadStateDict: missing keys [${missing.join(', ')}], unexpected keys [${extra.join(', ')}]`);
    for (const [k, p] of mine) {
      const src = sd[k];
      if (!(src instanceof Tensor)) throw new TypeError(`loadStateDict: '${k}' is not a tensor`);
      const [a, b] = [p.shape, src.shape];
      if (a.length !== b.length || a.some((s, i) => s !== b[i])) throw new RangeError(`loadStateDict: '${k}' has shape [${b}], the module expects [${a}]`);
      noGrad(() => p.copy_(src));
    }
  }
  /** Frees every parameter. */
  dispose(): void {
    for (const p of this.#params.values()) p.dispose();
    for (const c of this.#children.values()) c.dispose();
  }
}
