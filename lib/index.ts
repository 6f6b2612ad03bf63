// The public surface of gumbel-torch.
export { Tensor } from './tensor';
export type { DType, Device, Shape, NestedArray, Scalar, TensorLike, TensorOptions, Reduction, DataArray } from './tensor';
export * from './creation';
export * from './functional';
export { scope, keep } from './scope';
export { manualSeed, getRngState, setRngState, setNumThreads, getNumThreads, noGrad, enableGrad, isGradEnabled, cuda, memory, diagnostics } from './runtime';
export type { MemoryInfo, CudaMemory, Diagnostics } from './runtime';
export { fastLinear, fastLinearAvailable, setFastLinear } from './fast-linear';
export * as gumbel from './gumbel';
export { gumbelSoftmax, gumbelSoftmaxSample, sampleGumbel, gumbelFromUniform, oneHotCategorical, relaxedBernoulli, sampleLogistic, logisticFromUniform, logProb, TemperatureSchedule, setFusedKernels, fusedKernels } from './gumbel';
export type { GumbelSoftmaxOptions, OneHotCategoricalOptions, RelaxedBernoulliOptions, TemperatureScheduleOptions } from './gumbel';
export * as nn from './nn';
export * as optim from './optim';
export * as data from './data';
export * as models from './models';
export { CategoricalVAE } from './models';
export { save, load, serialize, deserialize, saveSafetensors, loadSafetensors, readSafetensors, serializeSafetensors, deserializeSafetensors } from './serialize';
export type { Saveable, Loaded, SafetensorsFile, LoadOptions, SafetensorsLoadOptions } from './serialize';
