// Estimators by name, behind one call: expectation(logits, f, spec) is a surrogate of E_z[f(z)] whose
// gradient is the named estimator's. The CLI, the model and the analyzer go through this.
import { describe } from '../check';
import { gumbelSoftmax } from '../gumbel';
import { type Tensor } from '../tensor';
import { checkKeys, checkLogits, checkSamples, checkTau } from './args';
import { exact, MAX_CONFIGURATIONS } from './exact';
import { callLossFn, checkLossFn, type LossFn } from './loss-fn';
import { rloo } from './rloo';
import { gst, gumbelRao, reinmax, st } from './straight-through';

export const ESTIMATORS = ['gumbel-softmax', 'st-gumbel', 'st', 'reinmax', 'gumbel-rao', 'gst', 'gst-adaptive', 'rloo', 'exact'] as const;
export type EstimatorName = (typeof ESTIMATORS)[number];

export interface EstimatorSpec {
  name: EstimatorName;
  /** Temperature (default 1; not used by rloo and exact). */
  tau?: number;
  /** K for gumbel-rao (default 10), S for rloo (default 4). */
  samples?: number;
  /** gst's gap (default 1; 'gst-adaptive' is gst with gap 'adaptive'). */
  gap?: number;
  /** exact's bound on the number of configurations (default 65536). */
  maxConfigurations?: number;
}

/** Whether an estimator yields a sample z that f can be applied to once (all but rloo and exact). */
export function isPathwise(name: EstimatorName): boolean {
  return name !== 'rloo' && name !== 'exact';
}

/** The default S or K of an estimator, undefined where it draws one sample. */
export function defaultSamples(name: EstimatorName): number | undefined {
  return name === 'gumbel-rao' ? 10 : name === 'rloo' ? 4 : undefined;
}

/** Validates a spec: a known name (TypeError listing them), known keys, and ranges. */
export function checkEstimator(spec: unknown): EstimatorSpec {
  const s = typeof spec === 'string' ? { name: spec } : spec;
  const o = checkKeys(s, ['name', 'tau', 'samples', 'gap', 'maxConfigurations'], 'estimator');
  if (!ESTIMATORS.includes(o.name as EstimatorName)) throw new TypeError(`estimator must be one of ${ESTIMATORS.join(', ')}; got ${describe(o.name)}`);
  const name = o.name as EstimatorName;
  const out: EstimatorSpec = { name };
  if (o.tau !== undefined) out.tau = checkTau(o.tau);
  if (o.samples !== undefined) {
    if (defaultSamples(name) === undefined) throw new TypeError(`estimator '${name}' draws one sample; samples applies to gumbel-rao (K) and rloo (S)`);
    out.samples = checkSamples(o.samples, name === 'rloo' ? 2 : 1, name);
  }
  if (o.gap !== undefined) {
    if (name !== 'gst') throw new TypeError(`gap applies to gst only, not '${name}'`);
    if (typeof o.gap !== 'number' || !(o.gap > 0) || !Number.isFinite(o.gap)) throw new RangeError(`gst: gap must be a finite number > 0, got ${describe(o.gap)}`);
    out.gap = o.gap;
  }
  if (o.maxConfigurations !== undefined) out.maxConfigurations = o.maxConfigurations as number;
  return out;
}

/** The sample z (relaxed for gumbel-softmax, one-hot otherwise) with the estimator's gradient. */
export function sampleWith(logits: Tensor, spec: EstimatorSpec | EstimatorName): Tensor {
  const s = checkEstimator(spec);
  const tau = s.tau ?? 1;
  switch (s.name) {
    case 'gumbel-softmax':
      return gumbelSoftmax(logits, { tau });
    case 'st-gumbel':
      return gumbelSoftmax(logits, { tau, hard: true });
    case 'st':
      return st(logits, { tau });
    case 'reinmax':
      return reinmax(logits, { tau });
    case 'gumbel-rao':
      return gumbelRao(logits, { tau, samples: s.samples ?? 10 });
    case 'gst':
      return gst(logits, { tau, gap: s.gap ?? 1 });
    case 'gst-adaptive':
      return gst(logits, { tau, gap: 'adaptive' });
    default:
      throw new TypeError(`estimator '${s.name}' needs the loss f: use expectation(logits, f, spec)`);
  }
}

/**
 * A surrogate of E_z[f(z)], z ~ Cat(softmax(logits)) per latent, logits [B, ...latents, C]: [B] values
 * whose gradient (logits and f's parameters) is the named estimator's. See LossFn for f's contract.
 */
export function expectation(logits: Tensor, f: LossFn, spec: EstimatorSpec | EstimatorName): Tensor {
  const s = checkEstimator(spec);
  const l = checkLogits(logits);
  const fn = checkLossFn(f, s.name);
  if (s.name === 'rloo') return rloo(l, fn, { samples: s.samples ?? 4 });
  if (s.name === 'exact') return exact(l, fn, { maxConfigurations: s.maxConfigurations ?? MAX_CONFIGURATIONS });
  const z = sampleWith(l, s).unsqueeze(0);
  return callLossFn(fn, z, 1, l.shape[0], s.name).squeeze(0);
}
