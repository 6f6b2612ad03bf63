// The training loss under the configured gradient estimator. The seed's estimators (relaxed and
// straight-through Gumbel-Softmax) keep the seed's exact forward/loss path, so their numbers stay
// PyTorch's; every other estimator goes through CategoricalVAE.estimatorLoss.
import { checkEstimator, type EstimatorSpec } from '../estimators';
import { type CategoricalVAE } from '../models/categorical-vae';
import { type Tensor } from '../tensor';
import { type TrainConfig } from './config';

/** The validated estimator of a config (throws TypeError/RangeError before any training). */
export function trainingEstimator(c: Pick<TrainConfig, 'estimator' | 'samples' | 'hard'>): EstimatorSpec {
  const spec = checkEstimator({ name: c.estimator ?? 'gumbel-softmax', ...(c.samples === undefined ? {} : { samples: c.samples }) });
  if (c.hard && spec.name === 'gumbel-softmax') return { name: 'st-gumbel' };
  if (c.hard && spec.name !== 'st-gumbel') throw new TypeError(`hard applies to the Gumbel-Softmax estimator only; estimator '${spec.name}' already has its own forward sample`);
  return spec;
}

export function estimatorStepLoss(model: CategoricalVAE, x: Tensor, tau: number, spec: EstimatorSpec): Tensor {
  if (spec.name === 'gumbel-softmax' || spec.name === 'st-gumbel') {
    const { recon, qy } = model.forward(x, tau, { hard: spec.name === 'st-gumbel' });
    return model.loss(recon, x, qy);
  }
  return model.estimatorLoss(x, tau, spec);
}
