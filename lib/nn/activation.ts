// Activation modules over the op table's functions (nn.functional.elu, ...).
import { checkNumber, checkOptions } from '../check';
import { elu } from '../functions';
import type { Tensor } from '../tensor';
import { Module } from './module';

export { elu };

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
