// optim.Adagrad: LibTorch's Adagrad (PyTorch's arithmetic op for op; state exists from construction).
import { checkNumber, checkOptions } from '../check';
import type { Tensor } from '../tensor';
import { checkLr, LibtorchOptimizer } from './libtorch-optimizer';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

export class Adagrad extends LibtorchOptimizer {
  constructor(params: Tensor[], opts: AdagradOptions = {}) {
    LibtorchOptimizer.checkParams(params, 'Adagrad');
    const o = checkOptions(opts, 'Adagrad options', ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
    const lr = checkLr(o.lr ?? 1e-2, 'Adagrad');
    const n = (v: number, name: string): number => {
      if (checkNumber(v, name, { finite: true }) < 0) throw new RangeError(`Adagrad: ${name} must be >= 0, got ${v}`);
      return v;
    };
    const [lrDecay, wd, init, eps] = [n(o.lrDecay ?? 0, 'lrDecay'), n(o.weightDecay ?? 0, 'weightDecay'), n(o.initialAccumulatorValue ?? 0, 'initialAccumulatorValue'), n(o.eps ?? 1e-10, 'eps')];
    super(params, lr, {
      name: 'Adagrad',
      kind: 'adagrad',
      hyper: { lr_decay: lrDecay, eps, weight_decay: wd, initial_accumulator_value: init },
      native: [lrDecay, wd, init, eps],
      fixed: { foreach: null, maximize: false },
      stepTensor: true,
      stateNames: ['sum'],
    });
  }
}
