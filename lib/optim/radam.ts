// optim.RAdam (torch 1.13's: lr, betas, eps, weightDecay; rectified once the approximated SMA length
// passes 5), its step in native/optim/radam.cc, with parameter groups and PyTorch's state_dict layout.
import { checkNumber } from '../check';
import type { Tensor } from '../tensor';
import { checkBetas } from './adamw';
import { checkLr, type GroupSpec, LibtorchOptimizer, type ParamGroupOptions } from './libtorch-optimizer';

/** torch 1.13's RAdam options (decoupled_weight_decay came in torch 2.0). */
export interface RAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

function parse(o: RAdamOptions): GroupSpec {
  const lr = checkLr(o.lr ?? 1e-3, 'RAdam');
  const betas = checkBetas(o.betas ?? [0.9, 0.999], 'RAdam');
  const eps = checkNumber(o.eps ?? 1e-8, 'eps', { finite: true });
  const wd = checkNumber(o.weightDecay ?? 0, 'weightDecay', { finite: true });
  if (eps < 0 || wd < 0) throw new RangeError(`RAdam: eps and weightDecay must be >= 0, got ${eps}, ${wd}`);
  return { lr, hyper: { betas, eps, weight_decay: wd }, native: [betas[0], betas[1], eps, wd], stateNames: ['exp_avg', 'exp_avg_sq'] };
}

export class RAdam extends LibtorchOptimizer {
  /** `params`: tensors, or parameter groups whose own options override `opts`, as torch.optim.RAdam. */
  constructor(params: Tensor[] | ParamGroupOptions<RAdamOptions>[], opts: RAdamOptions = {}) {
    super(params, opts, {
      name: 'RAdam',
      kind: 'radam',
      keys: ['lr', 'betas', 'eps', 'weightDecay'],
      parse,
      fixed: { foreach: null },
      stepTensor: true,
      // Adam's and AdamW's param_groups have the same keys plus these.
      foreignKeys: ['amsgrad'],
    });
  }
}
