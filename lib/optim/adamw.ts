// optim.AdamW: LibTorch's AdamW (decoupled weight decay; PyTorch's arithmetic op for op), with
// parameter groups.
import { checkBool, checkNumber } from '../check';
import type { Tensor } from '../tensor';
import { checkLr, type GroupSpec, LibtorchOptimizer, type ParamGroupOptions } from './libtorch-optimizer';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

/** betas as PyTorch checks them: two numbers in [0, 1). */
export function checkBetas(v: unknown, who: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${who}: betas must be a pair of numbers`);
  v.forEach((b, i) => {
    if (checkNumber(b, `betas[${i}]`, { finite: true }) < 0 || b >= 1) throw new RangeError(`${who}: betas[${i}] must be in [0, 1), got ${b}`);
  });
  return [v[0] as number, v[1] as number];
}

function parse(o: AdamWOptions): GroupSpec {
  const lr = checkLr(o.lr ?? 1e-3, 'AdamW');
  const betas = checkBetas(o.betas ?? [0.9, 0.999], 'AdamW');
  const eps = checkNumber(o.eps ?? 1e-8, 'eps', { finite: true });
  const wd = checkNumber(o.weightDecay ?? 1e-2, 'weightDecay', { finite: true });
  if (eps < 0 || wd < 0) throw new RangeError(`AdamW: eps and weightDecay must be >= 0, got ${eps}, ${wd}`);
  const amsgrad = checkBool(o.amsgrad ?? false, 'amsgrad');
  return {
    lr,
    hyper: { betas, eps, weight_decay: wd, amsgrad },
    native: [betas[0], betas[1], eps, wd, amsgrad ? 1 : 0],
    stateNames: amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'],
  };
}

export class AdamW extends LibtorchOptimizer {
  /** `params`: tensors, or parameter groups whose own options override `opts`, as torch.optim.AdamW. */
  constructor(params: Tensor[] | ParamGroupOptions<AdamWOptions>[], opts: AdamWOptions = {}) {
    super(params, opts, {
      name: 'AdamW',
      kind: 'adamw',
      keys: ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'],
      parse,
      fixed: { foreach: null, maximize: false, capturable: false },
      stepTensor: true,
    });
  }
}
