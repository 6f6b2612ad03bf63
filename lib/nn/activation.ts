// Activations that are not single LibTorch methods yet, as modules and functions.
import { checkNumber, checkOptions } from '../check';
import { scope } from '../scope';
import { checkTensor, type Tensor } from '../tensor';
import { Module } from './module';

/** F.elu: x for x > 0, alpha (exp(x) - 1) otherwise (gradient 1 and alpha exp(x)). */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor(x, 'input');
  checkNumber(alpha, 'alpha', { finite: true });
  return scope(() => x.relu().add(x.clamp(null, 0).exp().sub(1).mul(alpha)));
}

export class ELU extends Module {
  readonly alpha: number;
  constructor(opts?: { alpha?: number }) {
    super();
    this.alpha = checkNumber(checkOptions(opts, 'ELU options', ['alpha']).alpha ?? 1, 'alpha', { finite: true });
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
}
