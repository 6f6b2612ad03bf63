// optim.Adam: LibTorch's own Adam (the arithmetic of PyTorch's), over a module's parameters.
import { checkBool, checkNumber, checkOptions } from '../check';
import { native, NativeAdam } from '../native';
import { Tensor } from '../tensor';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  /**
   * PyTorch 2's fused multi-tensor Adam (one kernel per step, as Adam(fused=True)); 'auto' (default)
   * uses it when every parameter is on CUDA and LibTorch has it, else LibTorch's Adam (the
   * arithmetic of PyTorch's default Adam, bit for bit on CPU).
   */
  fused?: boolean | 'auto';
}

export interface AdamParamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq?: Tensor;
}
export interface AdamStateDict {
  state: (AdamParamState | null)[];
  lr: number;
}

export class Adam {
  #native: NativeAdam;
  #lr: number;
  readonly params: Tensor[];
  /** Whether the fused multi-tensor kernel is in use. */
  readonly fused: boolean;

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
    this.#native = new native.NativeAdam(params.map((p) => p.handle), lr, b1, b2,
      checkNumber(opts.eps ?? 1e-8, 'eps', { finite: true }), checkNumber(opts.weightDecay ?? 0, 'weightDecay', { finite: true }),
      checkBool(opts.amsgrad ?? false, 'amsgrad'), this.fused);
  }

  get lr(): number {
    return this.#lr;
  }
  set lr(v: number) {
    this.#native.setLr(checkNumber(v, 'lr', { finite: true }));
    this.#lr = v;
  }
  step(): void {
    this.#native.step();
  }
  zeroGrad(): void {
    this.#native.zeroGrad();
  }
  /** Copies of the optimizer state, in parameter order (null before a parameter's first step). */
  stateDict(): AdamStateDict {
    const state = this.#native.getState().map((s) =>
      s === null ? null : {
        step: s.step,
        expAvg: Tensor.fromHandle(s.expAvg),
        expAvgSq: Tensor.fromHandle(s.expAvgSq),
        ...(s.maxExpAvgSq ? { maxExpAvgSq: Tensor.fromHandle(s.maxExpAvgSq) } : {}),
      },
    );
    return { state, lr: this.#lr };
  }
  loadStateDict(sd: AdamStateDict): void {
    if (!sd || !Array.isArray(sd.state) || sd.state.length !== this.params.length)
      throw new RangeError(`Adam.loadStateDict: expected state for ${this.params.length} parameters`);
    sd.state.forEach((s, i) => {
      if (s) this.#native.setState(i, s.step, s.expAvg.to(this.params[i].device).handle, s.expAvgSq.to(this.params[i].device).handle, s.maxExpAvgSq?.to(this.params[i].device).handle);
    });
    this.lr = sd.lr;
  }
}
