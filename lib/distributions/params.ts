// Parameters given as exactly one of probs or logits, turned into both as torch.distributions does.
import { checkOptions, describe } from '../check';
import { scope } from '../scope';
import { checkTensor, type Tensor } from '../tensor';

export interface ProbsOrLogits {
  probs?: Tensor;
  logits?: Tensor;
}

function epsOf(t: Tensor): number {
  return t.dtype === 'float64' ? Number.EPSILON : 2 ** -23;
}
/** torch.distributions.utils.clamp_probs: [eps, 1 - eps] of the dtype. */
export function clampProbs(p: Tensor): Tensor {
  const eps = epsOf(p);
  return p.clamp(eps, 1 - eps);
}

function exactlyOne(params: unknown, who: string): { probs?: Tensor; logits?: Tensor } {
  if (typeof params !== 'object' || params === null) throw new TypeError(`${who}: expected { probs } or { logits }, got ${describe(params)}`);
  const o = params as Record<string, unknown>;
  checkOptions(o, who, ['probs', 'logits']);
  if ((o.probs === undefined) === (o.logits === undefined)) throw new TypeError(`${who}: pass exactly one of probs and logits`);
  const t = checkTensor(o.probs ?? o.logits, o.probs !== undefined ? 'probs' : 'logits');
  if (!t.isFloatingPoint) throw new TypeError(`${who}: ${o.probs !== undefined ? 'probs' : 'logits'} must be floating point, got ${t.dtype}`);
  return o.probs !== undefined ? { probs: t } : { logits: t };
}

/** Categorical: logits normalised to log-probabilities; probs normalised to sum 1. */
export function categoricalParams(params: ProbsOrLogits, who: string): { logits: Tensor; probs: Tensor } {
  const p = exactlyOne(params, who);
  return scope(() => categoricalFrom(p, who));
}
function categoricalFrom(p: ProbsOrLogits, who: string): { logits: Tensor; probs: Tensor } {
  if (p.logits) {
    if (p.logits.ndim < 1) throw new RangeError(`${who}: logits must have at least one dimension`);
    const logits = p.logits.sub(p.logits.logsumexp(-1, true));
    return { logits, probs: logits.softmax(-1) };
  }
  const pr = p.probs!;
  if (pr.ndim < 1) throw new RangeError(`${who}: probs must have at least one dimension`);
  // As torch.distributions' argument validation: a silently wrong distribution is worse than an error.
  if (pr.ge(0).mul(pr.isfinite()).all().item() !== true) throw new RangeError(`${who}: probs must be finite and >= 0`);
  if (pr.sum(-1).gt(0).all().item() !== true) throw new RangeError(`${who}: probs must not sum to 0 along the last dimension`);
  const probs = pr.div(pr.sum(-1, true));
  return { logits: clampProbs(probs).log(), probs };
}

/** Bernoulli: logits = log p - log(1 - p) (p clamped), probs = sigmoid(logits). */
export function binaryParams(params: ProbsOrLogits, who: string): { logits: Tensor; probs: Tensor } {
  const p = exactlyOne(params, who);
  return scope(() => {
    if (p.logits) return { logits: p.logits.add(0), probs: p.logits.sigmoid() };
    if (p.probs!.ge(0).mul(p.probs!.le(1)).all().item() !== true) throw new RangeError(`${who}: probs must lie in [0, 1]`);
    const c = clampProbs(p.probs!);
    return { logits: c.log().sub(c.neg().log1p()), probs: p.probs!.add(0) };
  });
}

/** log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)). */
export function softplus(x: Tensor): Tensor {
  return x.relu().add(x.abs().neg().exp().log1p());
}
