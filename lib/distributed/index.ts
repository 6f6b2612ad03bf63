// torch.distributed: process groups on LibTorch's c10d, DistributedDataParallel, DistributedSampler.
export {
  initProcessGroup,
  destroyProcessGroup,
  isAvailable,
  isInitialized,
  availableBackends,
  getRank,
  getWorldSize,
  getLocalRank,
  getBackend,
  allReduce,
  broadcast,
  barrier,
  ReduceOp,
} from './process-group';
export type { Backend, ReduceOpName, InitProcessGroupOptions } from './process-group';
export { DistributedDataParallel } from './ddp';
export type { DistributedDataParallelOptions } from './ddp';
export { DistributedSampler } from './sampler';
export type { DistributedSamplerOptions, Sampler } from './sampler';
