// The exact gradient by enumerating every latent configuration (small latent spaces only).
import { checkInt } from '../check';
import { checkDevice, type Device, op, type Tensor } from '../tensor';
import { checkKeys, checkLogits } from './args';
import { callLossFn, checkLossFn, type LossFn } from './loss-fn';

/** Default bound on C^L: 4 latents x 8 categories is 4096; 8 x 4 is 65536. */
export const MAX_CONFIGURATIONS = 65536;

export interface ExactOptions {
  /** Refuse latent spaces with more configurations than this (default 65536). */
  maxConfigurations?: number;
}

/** C^L, or a RangeError naming the size when it exceeds the bound. */
export function countConfigurations(latents: number, categories: number, max = MAX_CONFIGURATIONS): number {
  checkInt(latents, 'latents', 1);
  checkInt(categories, 'categories', 1);
  const n = categories ** latents;
  if (!(n <= max)) {
    throw new RangeError(`exact: ${latents} latents x ${categories} categories = ${categories}^${latents} = ${n.toPrecision(3)} configurations, more than maxConfigurations (${max}); use a smaller latent space or another estimator`);
  }
  return n;
}

/** Every configuration as one-hot codes [C^L, L, C], in itertools.product order. */
export function enumerateConfigurations(latents: number, categories: number, opts: { maxConfigurations?: number; dtype?: 'float32' | 'float64'; device?: Device } = {}): Tensor {
  const max = checkInt(opts.maxConfigurations ?? MAX_CONFIGURATIONS, 'maxConfigurations', 1);
  countConfigurations(latents, categories, max);
  return op('enumerateConfigurations', latents, categories, max, opts.dtype ?? 'float32', opts.device === undefined ? undefined : checkDevice(opts.device));
}

/**
 * E_z[f(z)] = sum over all C^L configurations of p(z | logits) f(z), logits [B, L, C]: its value and
 * gradient are exact. f receives every configuration once, as [N, 1, L, C], and returns [N, B].
 */
export function exact(logits: Tensor, f: LossFn, opts: ExactOptions = {}): Tensor {
  const l = checkLogits(logits);
  if (l.ndim !== 3) throw new RangeError(`exact: logits must be [batch, latents, categories], got shape [${l.shape}]`);
  const fn = checkLossFn(f, 'exact');
  const o = checkKeys(opts, ['maxConfigurations'], 'exact');
  const [b, lat, cat] = l.shape;
  const n = countConfigurations(lat, cat, checkInt(o.maxConfigurations ?? MAX_CONFIGURATIONS, 'maxConfigurations', 1));
  const configs = op('enumerateConfigurations', lat, cat, n, l.dtype, l.device);
  const values = callLossFn(fn, configs.unsqueeze(1), n, b, 'exact');
  return op('estimatorExact', l, configs, values);
}
