// The public surface of gumbel-torch.
export { Tensor } from './tensor';
export type { DType, Device, Shape, NestedArray, Scalar, TensorLike, TensorOptions, Reduction, DataArray } from './tensor';
export * from './creation';
export * from './functional';
export { scope, keep } from './scope';
export { manualSeed, setNumThreads, getNumThreads, noGrad, enableGrad, isGradEnabled, cuda, memory, diagnostics } from './runtime';
export type { MemoryInfo, CudaMemory, Diagnostics } from './runtime';
