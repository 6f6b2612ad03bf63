// optim.AdamW: LibTorch's AdamW (decoupled weight decay; PyTorch's arithmetic op for op).
import { checkBool, checkNumber, checkOptions } from '../check';
import type { Tensor } from '../tensor';
import { checkLr, LibtorchOptimizer } from './libtorch-optimizer';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

export class AdamW extends LibtorchOptimizer {
  constructor(params: Tensor[], opts: AdamWOptions = {}) {
    LibtorchOptimizer.checkParams(params, 'AdamW');
    const o = checkOptions(opts, 'AdamW options', ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad']);
    const lr = checkLr(o.lr ?? 1e-3, 'AdamW');
    const betas = o.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError('AdamW: betas must be a pair of numbers');
    betas.forEach((b, i) => {
      if (checkNumber(b, `betas[${i}]`, { finite: true }) < 0 || b >= 1) throw new RangeError(`AdamW: betas[${i}] must be in [0, 1), got ${b}`);
    });
    const eps = checkNumber(o.eps ?? 1e-8, 'eps', { finite: true });
    const wd = checkNumber(o.weightDecay ?? 1e-2, 'weightDecay', { finite: true });
    if (eps < 0 || wd < 0) throw new RangeError(`AdamW: eps and weightDecay must be >= 0, got ${eps}, ${wd}`);
    const amsgrad = checkBool(o.amsgrad ?? false, 'amsgrad');
    super(params, lr, {
      name: 'AdamW',
      kind: 'adamw',
      hyper: { betas: [betas[0], betas[1]], eps, weight_decay: wd, amsgrad },
      native: [betas[0], betas[1], eps, wd, amsgrad ? 1 : 0],
      fixed: { foreach: null, maximize: false, capturable: false },
      stepTensor: true,
      stateNames: amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'],
    });
  }
}
