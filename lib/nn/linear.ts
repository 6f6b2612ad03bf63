// nn.Linear with PyTorch's default initialisation, drawn from the generator in PyTorch's order.
import { checkBool, checkInt, checkOptions } from '../check';
import { empty } from '../creation';
import { linear } from '../functional';
import { type Tensor, type TensorOptions } from '../tensor';
import { resetLinearLike } from './default-init';
import { Module } from './module';

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly hasBias: boolean;

  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean } & Pick<TensorOptions, 'dtype' | 'device'> = {}) {
    super();
    checkOptions(opts, 'Linear options', ['bias', 'dtype', 'device']);
    this.inFeatures = checkInt(inFeatures, 'inFeatures', 1);
    this.outFeatures = checkInt(outFeatures, 'outFeatures', 1);
    const o = { dtype: opts.dtype, device: opts.device };
    this.registerParameter('weight', empty([outFeatures, inFeatures], o));
    this.hasBias = checkBool(opts.bias ?? true, 'bias');
    if (this.hasBias) this.registerParameter('bias', empty([outFeatures], o));
    this.resetParameters();
  }

  /** PyTorch's default: kaiming_uniform_(weight, a=sqrt(5)), then the bias. */
  resetParameters(): void {
    resetLinearLike(this.weight, this.bias, this.inFeatures);
  }

  get weight(): Tensor {
    return this.param('weight');
  }
  get bias(): Tensor | undefined {
    return this.hasBias ? this.param('bias') : undefined;
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
