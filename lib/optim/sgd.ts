// optim.SGD: PyTorch's SGD step (torch/optim/sgd.py _single_tensor_sgd, as LibTorch's sgd.cpp) as
// in-place ATen ops in PyTorch's order, so every parameter rounds exactly as PyTorch's does.
import { checkBool, checkNumber, checkOptions, describe } from '../check';
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

/** A parameter group given to the constructor: its parameters and any options that differ from the defaults. */
export interface SGDParamGroupOptions extends Partial<SGDOptions> {
  params: Tensor[];
}

interface Group {
  params: Tensor[];
  /** Position of the group's first parameter in `params`. */
  first: number;
  lr: number;
  momentum: number;
  hyper: Omit<SGDHyper, 'momentum'>;
}

/** A parameter group's lr and momentum, settable (as PyTorch's optimizer.param_groups[i]['lr']). */
export interface SGDGroupHandle {
  lr: number;
  momentum: number;
  readonly params: readonly Tensor[];
}

const OPTION_KEYS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'] as const;

function makeGroup(ps: unknown, o: Partial<SGDOptions>, d: Partial<SGDOptions>, at: string, first: number): Group {
  if (!Array.isArray(ps) || ps.length === 0 || !ps.every((p) => p instanceof Tensor && !p.isDisposed)) throw new TypeError(`SGD: ${at} must be a non-empty array of live tensors`);
  const lr = o.lr ?? d.lr;
  if (lr === undefined) throw new TypeError(`SGD: lr is required (torch 1.13 has no default lr)${at === 'params' ? '' : `; ${at.replace('.params', '')} has none and the defaults neither`}`);
  const g: Group = {
    params: ps as Tensor[],
    first,
    lr: nonNegative(lr, 'lr'),
    momentum: nonNegative(o.momentum ?? d.momentum ?? 0, 'momentum'),
    hyper: {
      dampening: checkNumber(o.dampening ?? d.dampening ?? 0, 'dampening', { finite: true }),
      weight_decay: nonNegative(o.weightDecay ?? d.weightDecay ?? 0, 'weightDecay'),
      nesterov: checkBool(o.nesterov ?? d.nesterov ?? false, 'nesterov'),
      maximize: checkBool(o.maximize ?? d.maximize ?? false, 'maximize'),
    },
  };
  if (g.hyper.nesterov && (g.momentum <= 0 || g.hyper.dampening !== 0)) throw new RangeError('SGD: nesterov momentum requires a momentum > 0 and zero dampening');
  return g;
}

export class SGD {
  /** Every parameter, group after group (state_dict ids are positions here). */
  readonly params: Tensor[];
  readonly #groups: Group[];
  /** Per parameter: undefined before its first step, null when stepped without momentum. */
  #buffers: (Tensor | null | undefined)[];
  #stepCount = 0;

  /**
   * `params`: tensors, or parameter groups (`{ params, lr?, momentum?, ... }`) whose own options
   * override `opts`, as torch.optim.SGD([{ 'params': ..., 'lr': ... }, ...], **defaults).
   */
  constructor(params: Tensor[] | SGDParamGroupOptions[], opts?: Partial<SGDOptions>) {
    if (!Array.isArray(params) || params.length === 0) throw new TypeError('SGD: params must be a non-empty array of live tensors or of parameter groups');
    if (opts !== undefined && (opts === null || typeof opts !== 'object' || Array.isArray(opts))) throw new TypeError(`SGD options must be an options object, got ${describe(opts)}`);
    const d = checkOptions(opts ?? {}, 'SGD options', [...OPTION_KEYS]);
    const grouped = params.every((g) => typeof g === 'object' && g !== null && !(g instanceof Tensor) && !Array.isArray(g));
    this.#groups = [];
    let first = 0;
    if (grouped) {
      (params as SGDParamGroupOptions[]).forEach((g, i) => {
        const o = checkOptions(g, `SGD param_groups[${i}]`, ['params', ...OPTION_KEYS]);
        this.#groups.push(makeGroup(o.params, o, d, `param_groups[${i}].params`, first));
        first += this.#groups[i].params.length;
      });
    } else this.#groups.push(makeGroup(params, {}, d, 'params', 0));
    this.params = this.#groups.flatMap((g) => g.params);
    if (new Set(this.params).size !== this.params.length) throw new RangeError('SGD: params holds the same tensor twice');
    this.#buffers = new Array(this.params.length).fill(undefined);
  }

  /** The groups' settable lr and momentum, in order. */
  get paramGroups(): SGDGroupHandle[] {
    return this.#groups.map((g) => ({
      get lr(): number {
        return g.lr;
      },
      set lr(v: number) {
        g.lr = nonNegative(v, 'lr');
      },
      get momentum(): number {
        return g.momentum;
      },
      set momentum(v: number) {
        const m = nonNegative(v, 'momentum');
        if (g.hyper.nesterov && m <= 0) throw new RangeError('SGD: nesterov momentum requires a momentum > 0');
        g.momentum = m;
      },
      params: g.params,
    }));
  }

  /** The first group's lr; setting it sets every group's (schedulers drive optimizers with one group). */
  get lr(): number {
    return this.#groups[0].lr;
  }
  set lr(v: number) {
    const lr = nonNegative(v, 'lr');
    for (const g of this.#groups) g.lr = lr;
  }
  /** The first group's momentum; setting it sets every group's (OneCycleLR cycles it). */
  get momentum(): number {
    return this.#groups[0].momentum;
  }
  set momentum(v: number) {
    const m = nonNegative(v, 'momentum');
    if (m <= 0 && this.#groups.some((g) => g.hyper.nesterov)) throw new RangeError('SGD: nesterov momentum requires a momentum > 0');
    for (const g of this.#groups) g.momentum = m;
  }
  /** How many times step() has run (learning-rate schedulers check it is called before theirs). */
  get stepCount(): number {
    return this.#stepCount;
  }

  step(): void {
    for (const p of this.params) if (p.isDisposed) throw new Error('SGD.step: a parameter has been disposed');
    noGrad(() => {
      for (const grp of this.#groups) {
        const { dampening, weight_decay: wd, nesterov, maximize } = grp.hyper;
        const [lr, momentum] = [grp.lr, grp.momentum];
        grp.params.forEach((p, k) =>
          scope(() => {
            const i = grp.first + k;
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
        );
      }
    });
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
    const groups: SGDParamGroup[] = this.#groups.map((g) => ({ lr: g.lr, momentum: g.momentum, ...g.hyper, foreach: null, differentiable: false, params: g.params.map((_, k) => g.first + k) }));
    return { state, param_groups: groups };
  }

  /**
   * Loads this layout, ours or PyTorch's (torch.load of optimizer.state_dict()). Everything is checked
   * before anything changes; each group's lr and momentum are adopted, as in PyTorch, the other
   * options must match.
   */
  loadStateDict(sd: SGDStateDict): void {
    const { lrs, momentums, buffers } = parseSgdState(
      sd,
      this.params,
      this.#groups.map((g) => ({ momentum: g.momentum, ...g.hyper })),
      this.#groups.map((g) => g.params.length),
    );
    const next = buffers.map((b, i) => (b === undefined || b === null ? b : keep(scope(() => b.to({ device: this.params[i].device, dtype: this.params[i].dtype }).clone()))));
    for (const b of this.#buffers) b?.dispose();
    this.#buffers = next;
    this.#groups.forEach((g, i) => {
      g.lr = lrs[i];
      g.momentum = momentums[i];
    });
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const b of this.#buffers) b?.dispose();
    this.#buffers.fill(undefined);
  }
}
