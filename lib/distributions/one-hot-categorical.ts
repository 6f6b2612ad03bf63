// torch.distributions.OneHotCategorical.
import { oneHotCategorical } from '../gumbel';
import { noGrad } from '../runtime';
import { scope } from '../scope';
import { checkTensor, type Tensor } from '../tensor';
import { CategoricalFamily, isBinary } from './distribution';
import { type ProbsOrLogits } from './params';

export class OneHotCategorical extends CategoricalFamily {
  constructor(params: ProbsOrLogits) {
    super(params, 'OneHotCategorical');
  }

  /**
   * One-hot draws. With an empty sampleShape, the same draws as PyTorch's sample() for the same seed;
   * with a sampleShape, exact draws that PyTorch orders differently.
   */
  sample(sampleShape: number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => oneHotCategorical(this.logits.detach().expand(...shape), { method: 'multinomial' }));
  }
  /** log p(value) for one-hot values (the category of each value's 1). */
  logProb(value: Tensor): Tensor {
    const v = checkTensor(value, 'value');
    const c = this.logits.shape[this.logits.ndim - 1];
    if (v.ndim < 1 || v.shape[v.ndim - 1] !== c) throw new RangeError(`value must be one-hot over ${c} categories (last dimension ${c}), got shape [${v.shape}]`);
    // PyTorch's one_hot constraint: every entry 0 or 1, exactly one 1 per value.
    const oneHot = scope(() => isBinary(v) && v.double().sum(-1).eq(1).all().item() === true);
    if (!oneHot) throw new RangeError('value must be one-hot (entries 0 or 1, one 1 along the last dimension), the support of OneHotCategorical');
    const idx = (v.dtype === 'bool' ? v.to({ dtype: 'uint8' }) : v).argmax(-1, true);
    const shape = v.shape.slice(0, -1).concat(this.logits.shape.slice(-1));
    return this.logits.expand(...shape).gather(-1, idx).squeeze(-1);
  }
  override entropy(): Tensor {
    const min = this.logits.dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38;
    return this.logits.clamp(min).mul(this.probs).sum(-1).neg();
  }
  override get mean(): Tensor {
    return this.probs.add(0);
  }
  get variance(): Tensor {
    return this.probs.mul(this.probs.rsub(1));
  }
}
