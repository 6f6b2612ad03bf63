// optim.RMSprop: LibTorch's RMSprop (PyTorch's arithmetic op for op), with parameter groups.
import { checkBool, checkNumber } from '../check';
import type { Tensor } from '../tensor';
import { checkLr, type GroupSpec, LibtorchOptimizer, type ParamGroupOptions } from './libtorch-optimizer';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

function parse(o: RMSpropOptions): GroupSpec {
  const lr = checkLr(o.lr ?? 1e-2, 'RMSprop');
  const n = (v: number, name: string): number => {
    if (checkNumber(v, name, { finite: true }) < 0) throw new RangeError(`RMSprop: ${name} must be >= 0, got ${v}`);
    return v;
  };
  const [alpha, eps, wd, momentum] = [n(o.alpha ?? 0.99, 'alpha'), n(o.eps ?? 1e-8, 'eps'), n(o.weightDecay ?? 0, 'weightDecay'), n(o.momentum ?? 0, 'momentum')];
  const centered = checkBool(o.centered ?? false, 'centered');
  return {
    lr,
    hyper: { alpha, eps, weight_decay: wd, momentum, centered },
    native: [alpha, eps, wd, momentum, centered ? 1 : 0],
    stateNames: ['square_avg', ...(momentum > 0 ? ['momentum_buffer'] : []), ...(centered ? ['grad_avg'] : [])],
  };
}

export class RMSprop extends LibtorchOptimizer {
  /** `params`: tensors, or parameter groups whose own options override `opts`, as torch.optim.RMSprop. */
  constructor(params: Tensor[] | ParamGroupOptions<RMSpropOptions>[], opts: RMSpropOptions = {}) {
    super(params, opts, {
      name: 'RMSprop',
      kind: 'rmsprop',
      keys: ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
      parse,
      fixed: { foreach: null, maximize: false, differentiable: false },
      stepTensor: false,
    });
  }
}
