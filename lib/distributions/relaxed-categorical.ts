// torch.distributions.ExpRelaxedCategorical and RelaxedOneHotCategorical (Concrete / Gumbel-Softmax).
import { gumbelSoftmax, logProb, sampleGumbel } from '../gumbel';
import { noGrad } from '../runtime';
import { checkTensor, type Device, type Tensor } from '../tensor';
import { checkTau } from '../estimators/args';
import { CategoricalFamily } from './distribution';
import { type ProbsOrLogits } from './params';

export interface RelaxedSampleOptions {
  /** Gumbel noise of the sample's shape to use instead of drawing it. */
  noise?: Tensor;
}

abstract class RelaxedCategoricalBase extends CategoricalFamily {
  readonly temperature: number;
  constructor(temperature: number, params: ProbsOrLogits, who: string) {
    super(params, who);
    this.temperature = checkTau(temperature, this.logits.dtype, 'temperature');
  }
  protected expandedLogits(sampleShape: number[] | undefined): Tensor {
    return this.logits.expand(...this.extendedShape(sampleShape));
  }
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }
}

/** Log-space relaxed one-hot samples: log softmax((logits + g) / tau). */
export class ExpRelaxedCategorical extends RelaxedCategoricalBase {
  constructor(temperature: number, params: ProbsOrLogits) {
    super(temperature, params, 'ExpRelaxedCategorical');
  }
  override rsample(sampleShape: number[] = [], opts: RelaxedSampleOptions = {}): Tensor {
    const l = this.expandedLogits(sampleShape);
    const g = opts.noise === undefined ? sampleGumbel(l.shape, { dtype: l.dtype, device: l.device as Device }) : checkTensor(opts.noise, 'noise');
    return l.add(g).div(this.temperature).logSoftmax(-1);
  }
  logProb(value: Tensor): Tensor {
    return logProb.expRelaxedCategorical(this.logits, this.temperature, checkTensor(value, 'value'));
  }
}

/** Relaxed one-hot samples on the simplex: softmax((logits + g) / tau), the Gumbel-Softmax sample. */
export class RelaxedOneHotCategorical extends RelaxedCategoricalBase {
  constructor(temperature: number, params: ProbsOrLogits) {
    super(temperature, params, 'RelaxedOneHotCategorical');
  }
  override rsample(sampleShape: number[] = [], opts: RelaxedSampleOptions = {}): Tensor {
    return gumbelSoftmax(this.expandedLogits(sampleShape), { tau: this.temperature, noise: opts.noise });
  }
  logProb(value: Tensor): Tensor {
    return logProb.relaxedOneHotCategorical(this.logits, this.temperature, checkTensor(value, 'value'));
  }
}
