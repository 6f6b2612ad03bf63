// optim.SGD: PyTorch's SGD step (torch/optim/sgd.py _single_tensor_sgd, as LibTorch's sgd.cpp) as
// in-place ATen ops in PyTorch's order, so every parameter rounds exactly as PyTorch's does.
import { checkBool, checkNumber, checkOptions } from '../check';
import { noGrad } from '../runtime';
import { keep, scope } from '../scope';
import { Tensor } from '../tensor';
import { parseSgdState } from './sgd-state';

export interface SGDOptions {
  /** Required, as in torch 1.13's SGD. */
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** A parameter group as PyTorch's SGD.state_dict() writes it; params are indices into the parameters. */
export interface SGDParamGroup {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
  params: number[];
}
/** PyTorch's layout: a parameter's entry appears at its first step; momentum_buffer is null without momentum. */
export interface SGDStateDict {
  state: Record<number, { momentum_buffer: Tensor | null }> | Map<number, { momentum_buffer: Tensor | null }>;
  param_groups: SGDParamGroup[];
}

export type SGDHyper = { momentum: number; dampening: number; weight_decay: number; nesterov: boolean; maximize: boolean };

const nonNegative = (v: unknown, name: string): number => {
  const x = checkNumber(v, name, { finite: true });
  if (x < 0) throw new RangeError(`SGD: ${name} must be >= 0, got ${x}`);
  return x;
};

export class SGD {
  readonly params: Tensor[];
  #lr: number;
  #momentum: number;
  readonly #hyper: Omit<SGDHyper, 'momentum'>;
  /** Per parameter: undefined before its first step, null when stepped without momentum. */
  #buffers: (Tensor | null | undefined)[];
  #stepCount = 0;

  constructor(params: Tensor[], opts: SGDOptions) {
    if (!Array.isArray(params) || params.length === 0 || !params.every((p) => p instanceof Tensor && !p.isDisposed))
      throw new TypeError('SGD: params must be a non-empty array of live tensors');
    if (new Set(params).size !== params.length) throw new RangeError('SGD: params holds the same tensor twice');
    if (opts === undefined || opts === null || typeof opts !== 'object') throw new TypeError('SGD: options with lr are required (torch 1.13 has no default lr)');
    checkOptions(opts, 'SGD options', ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize']);
    if (opts.lr === undefined) throw new TypeError('SGD: lr is required (torch 1.13 has no default lr)');
    this.params = params;
    this.#lr = nonNegative(opts.lr, 'lr');
    this.#momentum = nonNegative(opts.momentum ?? 0, 'momentum');
    this.#hyper = {
      dampening: checkNumber(opts.dampening ?? 0, 'dampening', { finite: true }),
      weight_decay: nonNegative(opts.weightDecay ?? 0, 'weightDecay'),
      nesterov: checkBool(opts.nesterov ?? false, 'nesterov'),
      maximize: checkBool(opts.maximize ?? false, 'maximize'),
    };
    if (this.#hyper.nesterov && (this.#momentum <= 0 || this.#hyper.dampening !== 0)) throw new RangeError('SGD: nesterov momentum requires a momentum > 0 and zero dampening');
    this.#buffers = new Array(params.length).fill(undefined);
  }

  get lr(): number {
    return this.#lr;
  }
  set lr(v: number) {
    this.#lr = nonNegative(v, 'lr');
  }
  /** Settable, as PyTorch's param_groups[0]['momentum'] (OneCycleLR cycles it). */
  get momentum(): number {
    return this.#momentum;
  }
  set momentum(v: number) {
    const m = nonNegative(v, 'momentum');
    if (this.#hyper.nesterov && m <= 0) throw new RangeError('SGD: nesterov momentum requires a momentum > 0');
    this.#momentum = m;
  }
  /** How many times step() has run (learning-rate schedulers check it is called before theirs). */
  get stepCount(): number {
    return this.#stepCount;
  }

  step(): void {
    const { dampening, weight_decay: wd, nesterov, maximize } = this.#hyper;
    const [lr, momentum] = [this.#lr, this.#momentum];
    for (const p of this.params) if (p.isDisposed) throw new Error('SGD.step: a parameter has been disposed');
    noGrad(() =>
      this.params.forEach((p, i) =>
        scope(() => {
          const g = p.grad;
          if (g === undefined) return; // as PyTorch: parameters without gradients are skipped
          let d: Tensor = maximize ? g.neg() : g;
          if (wd !== 0) d = d.add(p, wd);
          if (momentum !== 0) {
            let buf = this.#buffers[i];
            if (!buf) {
              buf = keep(d.clone().detach());
              this.#buffers[i] = buf;
            } else buf.mul_(momentum).add_(d, 1 - dampening);
            d = nesterov ? d.add(buf, momentum) : buf;
          } else if (this.#buffers[i] === undefined) this.#buffers[i] = null;
          p.add_(d, -lr);
        }),
      ),
    );
    this.#stepCount++;
  }

  /** Clears every parameter's gradient (set to none, as PyTorch 2's zero_grad). */
  zeroGrad(): void {
    for (const p of this.params) if (!p.isDisposed) p.grad = undefined;
  }

  /** Copies of the state in PyTorch's layout. */
  stateDict(): SGDStateDict {
    const state: Record<number, { momentum_buffer: Tensor | null }> = {};
    this.#buffers.forEach((b, i) => {
      if (b !== undefined) state[i] = { momentum_buffer: b === null ? null : b.clone() };
    });
    const group: SGDParamGroup = { lr: this.#lr, momentum: this.#momentum, ...this.#hyper, foreach: null, differentiable: false, params: this.params.map((_, i) => i) };
    return { state, param_groups: [group] };
  }

  /**
   * Loads this layout, ours or PyTorch's (torch.load of optimizer.state_dict()). Everything is checked
   * before anything changes; lr and momentum are adopted, as in PyTorch, the other options must match.
   */
  loadStateDict(sd: SGDStateDict): void {
    const { lr, momentum, buffers } = parseSgdState(sd, this.params, { momentum: this.#momentum, ...this.#hyper });
    const next = buffers.map((b, i) => (b === undefined || b === null ? b : keep(scope(() => b.to({ device: this.params[i].device, dtype: this.params[i].dtype }).clone()))));
    for (const b of this.#buffers) b?.dispose();
    this.#buffers = next;
    this.#lr = lr;
    this.#momentum = momentum;
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const b of this.#buffers) b?.dispose();
    this.#buffers.fill(undefined);
  }
}
