// REINFORCE with the leave-one-out baseline (Kool, van Hoof, Welling 2019): unbiased.
import { oneHotCategorical } from '../gumbel';
import { checkTensor, op, type Tensor } from '../tensor';
import { checkKeys, checkLogits, checkSamples, sameShape } from './args';
import { callLossFn, checkLossFn, type LossFn } from './loss-fn';

export interface RlooOptions {
  /** S, the samples per batch element, >= 2 (default 4). */
  samples?: number;
  /** One-hot samples [S, ...logits.shape] to use instead of drawing them. */
  sample?: Tensor;
}

/**
 * E_z[f(z)] for z ~ Cat(softmax(logits)) (logits [B, ...latents, C]) as a surrogate: the value is the
 * mean of f over S samples, the gradient for the logits sum_s (f_s - mean f) / (S - 1) grad log p(z_s)
 * (unbiased), and f's own parameters get the gradient of the mean. Returns [B]; backward it like a loss.
 */
export function rloo(logits: Tensor, f: LossFn, opts: RlooOptions = {}): Tensor {
  const l = checkLogits(logits);
  if (l.ndim < 2) throw new RangeError(`rloo: logits must be [batch, ..., categories], got shape [${l.shape}]`);
  const fn = checkLossFn(f, 'rloo');
  const o = checkKeys(opts, ['samples', 'sample'], 'rloo');
  let s = checkSamples(o.samples ?? 4, 2, 'rloo');
  let z: Tensor;
  if (o.sample !== undefined) {
    z = checkTensor(o.sample, 'sample');
    if (o.samples === undefined) s = z.shape[0];
    sameShape(z, [s, ...l.shape], 'sample', '[S, ...logits.shape]');
    if (s < 2) throw new RangeError(`rloo: the leave-one-out baseline needs S >= 2 samples, got ${s}`);
  } else {
    // The same draws as OneHotCategorical(logits).sample((S,)) for the same seed.
    z = oneHotCategorical(l.detach().unsqueeze(0).expand(s, ...l.shape), { method: 'multinomial' });
  }
  const values = callLossFn(fn, z, s, l.shape[0], 'rloo');
  return op('estimatorRloo', l, z, values);
}
