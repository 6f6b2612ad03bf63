// optim.Adam: LibTorch's own Adam (the arithmetic of PyTorch's), over a module's parameters.
import { checkBool, checkNumber, checkOptions } from '../check';
import { callNative, native, type NativeAdam } from '../native';
import { full } from '../creation';
import { scope } from '../scope';
import { fromHandle, Tensor } from '../tensor';
import { parseAdamState } from './adam-state';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  /**
   * PyTorch 2's fused multi-tensor Adam (one kernel per step, as Adam(fused=True)); 'auto' (default)
   * uses it when every parameter is on CUDA and LibTorch has it, else LibTorch's Adam (the
   * arithmetic of PyTorch's default Adam, bit for bit on CPU). On the CPU, 'auto' runs LibTorch's
   * Adam as one pass over each float32 parameter instead of eight elementwise ops, where a probe at
   * construction shows it rounds exactly as LibTorch's does on this CPU (`singlePass` says whether);
   * `false` keeps LibTorch's own step.
   */
  fused?: boolean | 'auto';
}

/** One parameter's state, as PyTorch's Adam keeps it (step is a float32 scalar tensor there). */
export interface AdamParamState {
  step: number | Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
  max_exp_avg_sq?: Tensor;
}
/** A parameter group as PyTorch's Adam.state_dict() writes it; params are indices into the parameters. */
export interface AdamParamGroup {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
  params: number[];
}
/**
 * PyTorch's optimizer state_dict layout: `state` keyed by parameter index (saved as int keys, so
 * Python's optimizer.load_state_dict accepts it), `param_groups` with the hyperparameters.
 */
export interface AdamStateDict {
  state: Record<number, AdamParamState> | Map<number, AdamParamState>;
  param_groups: AdamParamGroup[];
}

export class Adam {
  #native: NativeAdam;
  #lr: number;
  readonly #hyper: { betas: [number, number]; eps: number; weight_decay: number; amsgrad: boolean };
  readonly params: Tensor[];
  /** Whether the fused multi-tensor kernel is in use. */
  readonly fused: boolean;
  /** Whether float32 CPU parameters are updated in one pass, bit for bit as LibTorch's Adam. */
  readonly singlePass: boolean;
  #stepCount = 0;

  constructor(params: Tensor[], opts: AdamOptions = {}) {
    if (!Array.isArray(params) || params.length === 0 || !params.every((p) => p instanceof Tensor && !p.isDisposed))
      throw new TypeError('Adam: params must be a non-empty array of live tensors');
    checkOptions(opts, 'Adam options', ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'fused']);
    const lr = checkNumber(opts.lr ?? 1e-3, 'lr', { finite: true });
    if (lr < 0) throw new RangeError(`lr must be >= 0, got ${lr}`);
    const [b1, b2] = opts.betas ?? [0.9, 0.999];
    for (const [b, n] of [[b1, 'betas[0]'], [b2, 'betas[1]']] as const) {
      checkNumber(b, n, { finite: true });
      if (b < 0 || b >= 1) throw new RangeError(`${n} must be in [0, 1), got ${b}`);
    }
    this.params = params;
    this.#lr = lr;
    const f = opts.fused ?? 'auto';
    if (f !== 'auto' && typeof f !== 'boolean') throw new TypeError("fused must be true, false or 'auto'");
    if (f === true && !native.fusedAdamAvailable) throw new Error('fused Adam needs LibTorch 2 or later');
    this.fused = f === 'auto' ? native.fusedAdamAvailable && params.every((p) => p.device.startsWith('cuda')) : f;
    this.#hyper = {
      betas: [b1, b2],
      eps: checkNumber(opts.eps ?? 1e-8, 'eps', { finite: true }),
      weight_decay: checkNumber(opts.weightDecay ?? 0, 'weightDecay', { finite: true }),
      amsgrad: checkBool(opts.amsgrad ?? false, 'amsgrad'),
    };
    const h = this.#hyper;
    this.#native = new native.NativeAdam(params.map((p) => p.handle), lr, b1, b2, h.eps, h.weight_decay, h.amsgrad, this.fused, f === 'auto');
    this.singlePass = this.#native.singlePass();
  }

  get lr(): number {
    return this.#lr;
  }
  set lr(v: number) {
    if (checkNumber(v, 'lr', { finite: true }) < 0) throw new RangeError(`lr must be >= 0, got ${v}`);
    this.#native.setLr(v);
    this.#lr = v;
  }
  /** How many times step() has run (learning-rate schedulers check it is called before theirs). */
  get stepCount(): number {
    return this.#stepCount;
  }
  step(): void {
    // The native optimizer holds its own references: a disposed parameter would be updated where
    // nobody can see it, so say so instead.
    const gone = this.params.findIndex((p) => p.isDisposed);
    if (gone >= 0) throw new TypeError(`Adam.step(): params[${gone}] has been disposed; make a new optimizer over live parameters`);
    this.#native.step();
    this.#stepCount++;
  }
  zeroGrad(): void {
    this.#native.zeroGrad();
  }
  /** Copies of the state in PyTorch's layout (a parameter has no entry before its first step). */
  stateDict(): AdamStateDict {
    const state: Record<number, AdamParamState> = {};
    this.#native.getState().forEach((s, i) => {
      if (s === null) return;
      state[i] = {
        step: full([], s.step, { dtype: 'float32' }),
        exp_avg: fromHandle(s.expAvg),
        exp_avg_sq: fromHandle(s.expAvgSq),
        ...(s.maxExpAvgSq ? { max_exp_avg_sq: fromHandle(s.maxExpAvgSq) } : {}),
      };
    });
    const group: AdamParamGroup = {
      lr: this.#lr,
      ...this.#hyper,
      betas: [...this.#hyper.betas],
      maximize: false,
      foreach: null,
      capturable: false,
      differentiable: false,
      fused: null,
      params: this.params.map((_, i) => i),
    };
    return { state, param_groups: [group] };
  }

  /**
   * Loads a state_dict of this layout, ours or PyTorch's (torch.load of optimizer.state_dict()).
   * Everything is checked before anything changes; the saved lr is adopted, as in PyTorch, while
   * other hyperparameters must equal this optimizer's.
   */
  loadStateDict(sd: AdamStateDict): void {
    const { lr, entries } = parseAdamState(sd, this.params, this.#hyper);
    const current = this.#native.getState();
    for (const s of current) if (s) for (const t of [s.expAvg, s.expAvgSq, s.maxExpAvgSq]) if (t) callNative('releaseTensor', [t]);
    const lost = current.findIndex((s, i) => s !== null && !entries[i]);
    if (lost >= 0) throw new Error(`Adam.loadStateDict: the state_dict has no state for parameter ${lost}, which this optimizer has already stepped`);
    entries.forEach((e, i) => {
      if (!e) return;
      const dev = this.params[i].device;
      const dt = this.params[i].dtype;
      scope(() => this.#native.setState(i, e.step, e.expAvg.to({ device: dev, dtype: dt }).handle, e.expAvgSq.to({ device: dev, dtype: dt }).handle, e.maxExpAvgSq?.to({ device: dev, dtype: dt }).handle));
    });
    this.lr = lr;
  }
}
