// optim.RMSprop: LibTorch's RMSprop (PyTorch's arithmetic op for op).
import { checkBool, checkNumber, checkOptions } from '../check';
import type { Tensor } from '../tensor';
import { checkLr, LibtorchOptimizer } from './libtorch-optimizer';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

export class RMSprop extends LibtorchOptimizer {
  constructor(params: Tensor[], opts: RMSpropOptions = {}) {
    LibtorchOptimizer.checkParams(params, 'RMSprop');
    const o = checkOptions(opts, 'RMSprop options', ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered']);
    const lr = checkLr(o.lr ?? 1e-2, 'RMSprop');
    const n = (v: number, name: string): number => {
      if (checkNumber(v, name, { finite: true }) < 0) throw new RangeError(`RMSprop: ${name} must be >= 0, got ${v}`);
      return v;
    };
    const [alpha, eps, wd, momentum] = [n(o.alpha ?? 0.99, 'alpha'), n(o.eps ?? 1e-8, 'eps'), n(o.weightDecay ?? 0, 'weightDecay'), n(o.momentum ?? 0, 'momentum')];
    const centered = checkBool(o.centered ?? false, 'centered');
    super(params, lr, {
      name: 'RMSprop',
      kind: 'rmsprop',
      hyper: { alpha, eps, weight_decay: wd, momentum, centered },
      native: [alpha, eps, wd, momentum, centered ? 1 : 0],
      fixed: { foreach: null, maximize: false, differentiable: false },
      stepTensor: false,
      stateNames: ['square_avg', ...(momentum > 0 ? ['momentum_buffer'] : []), ...(centered ? ['grad_avg'] : [])],
    });
  }
}
