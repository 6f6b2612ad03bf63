// klDivergence(p, q) for the pairs torch.distributions has closed forms for.
import { where } from '../functional';
import { Bernoulli } from './bernoulli';
import { type Distribution } from './distribution';
import { OneHotCategorical } from './one-hot-categorical';
import { softplus } from './params';
import { type Tensor } from '../tensor';

function categorical(p: OneHotCategorical, q: OneHotCategorical): Tensor {
  // sum p (log p - log q); +inf where q = 0 < p, 0 where p = 0 (as _kl_categorical_categorical).
  let t = p.probs.mul(p.logits.sub(q.logits));
  t = where(q.probs.eq(0), Infinity, t);
  t = where(p.probs.eq(0), 0, t);
  return t.sum(-1);
}

function bernoulli(p: Bernoulli, q: Bernoulli): Tensor {
  let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
  t1 = where(p.probs.eq(0), 0, where(q.probs.eq(0), Infinity, t1));
  let t2 = p.probs.rsub(1).mul(softplus(q.logits).sub(softplus(p.logits)));
  t2 = where(p.probs.eq(1), 0, where(q.probs.eq(1), Infinity, t2));
  return t1.add(t2);
}

/** KL(p || q), per batch element, as torch.distributions.kl_divergence. */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  if (p instanceof OneHotCategorical && q instanceof OneHotCategorical) return categorical(p, q);
  if (p instanceof Bernoulli && q instanceof Bernoulli) return bernoulli(p, q);
  const name = (d: unknown): string => (d as object)?.constructor?.name ?? String(d);
  throw new TypeError(`klDivergence: no closed form for (${name(p)}, ${name(q)}); defined for (OneHotCategorical, OneHotCategorical) and (Bernoulli, Bernoulli), as in torch.distributions`);
}
