// torch.distributions.Bernoulli and RelaxedBernoulli (binary Concrete).
import { logProb, relaxedBernoulli } from '../gumbel';
import { noGrad } from '../runtime';
import { scope } from '../scope';
import { checkTensor, op, type Tensor } from '../tensor';
import { checkTau } from '../estimators/args';
import { isBinary, ParameterisedDistribution } from './distribution';
import { binaryParams, type ProbsOrLogits, softplus } from './params';

abstract class BinaryBase extends ParameterisedDistribution {
  constructor(params: ProbsOrLogits, who: string) {
    super(binaryParams(params, who));
  }
  get eventShape(): number[] {
    return [];
  }
  get batchShape(): number[] {
    return this.logits.shape;
  }
}

export class Bernoulli extends BinaryBase {
  constructor(params: ProbsOrLogits) {
    super(params, 'Bernoulli');
  }
  /** 0/1 draws with torch.bernoulli: the same draws as PyTorch's sample() for the same seed. */
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() => op('bernoulli', this.probs.expand(...this.extendedShape(sampleShape))));
  }
  /** value * logits - softplus(logits), i.e. -BCEWithLogits(logits, value). */
  logProb(value: Tensor): Tensor {
    const v = checkTensor(value, 'value');
    if (!scope(() => isBinary(v))) throw new RangeError('value must be 0 or 1 (no NaN), the support of Bernoulli');
    return v.mul(this.logits).sub(softplus(this.logits));
  }
  override entropy(): Tensor {
    return softplus(this.logits).sub(this.probs.mul(this.logits));
  }
  override get mean(): Tensor {
    return this.probs.add(0);
  }
  get variance(): Tensor {
    return this.probs.mul(this.probs.rsub(1));
  }
}

export interface RelaxedBernoulliSampleOptions {
  /** Logistic noise of the sample's shape to use instead of drawing it. */
  noise?: Tensor;
}

export class RelaxedBernoulli extends BinaryBase {
  readonly temperature: number;
  constructor(temperature: number, params: ProbsOrLogits) {
    super(params, 'RelaxedBernoulli');
    this.temperature = checkTau(temperature, this.logits.dtype, 'temperature');
  }
  override rsample(sampleShape: number[] = [], opts: RelaxedBernoulliSampleOptions = {}): Tensor {
    return relaxedBernoulli(this.logits.expand(...this.extendedShape(sampleShape)), { tau: this.temperature, noise: opts.noise });
  }
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }
  logProb(value: Tensor): Tensor {
    return logProb.relaxedBernoulli(this.logits, this.temperature, checkTensor(value, 'value'));
  }
}
