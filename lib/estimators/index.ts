// Gradient estimators for categorical latent variables (native autograd functions).
export { st, reinmax, gst, gumbelRao, conditionalGumbel } from './straight-through';
export type { StraightThroughOptions, GstOptions, GumbelRaoOptions } from './straight-through';
export { rloo } from './rloo';
export type { RlooOptions } from './rloo';
export { exact, enumerateConfigurations, countConfigurations, MAX_CONFIGURATIONS } from './exact';
export type { ExactOptions } from './exact';
export type { LossFn } from './loss-fn';
export { ESTIMATORS, checkEstimator, expectation, sampleWith, isPathwise, defaultSamples } from './registry';
export type { EstimatorName, EstimatorSpec } from './registry';
