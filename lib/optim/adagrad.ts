// optim.Adagrad: LibTorch's Adagrad (PyTorch's arithmetic op for op; state exists from construction),
// with parameter groups.
import { checkNumber } from '../check';
import type { Tensor } from '../tensor';
import { checkLr, type GroupSpec, LibtorchOptimizer, type ParamGroupOptions } from './libtorch-optimizer';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

function parse(o: AdagradOptions): GroupSpec {
  const lr = checkLr(o.lr ?? 1e-2, 'Adagrad');
  const n = (v: number, name: string): number => {
    if (checkNumber(v, name, { finite: true }) < 0) throw new RangeError(`Adagrad: ${name} must be >= 0, got ${v}`);
    return v;
  };
  const [lrDecay, wd, init, eps] = [n(o.lrDecay ?? 0, 'lrDecay'), n(o.weightDecay ?? 0, 'weightDecay'), n(o.initialAccumulatorValue ?? 0, 'initialAccumulatorValue'), n(o.eps ?? 1e-10, 'eps')];
  return {
    lr,
    hyper: { lr_decay: lrDecay, eps, weight_decay: wd, initial_accumulator_value: init },
    native: [lrDecay, wd, init, eps],
    stateNames: ['sum'],
  };
}

export class Adagrad extends LibtorchOptimizer {
  /** `params`: tensors, or parameter groups whose own options override `opts`, as torch.optim.Adagrad. */
  constructor(params: Tensor[] | ParamGroupOptions<AdagradOptions>[], opts: AdagradOptions = {}) {
    super(params, opts, {
      name: 'Adagrad',
      kind: 'adagrad',
      keys: ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
      parse,
      fixed: { foreach: null, maximize: false },
      stepTensor: true,
    });
  }
}
