// Training the Categorical VAE: on this thread (Trainer) or on a worker thread (trainInWorker).
export { Trainer, resolveDevice, CHECKPOINT } from './trainer';
export type { StepProgress, TrainHooks, TrainResult, EpochContext } from './trainer';
export { SEED_DEFAULTS as TRAIN_DEFAULTS } from './config';
export type { TrainConfig, EpochMetrics } from './config';
export { trainInWorker, TrainJob } from './worker';
export type { TrainEvent, TrainEvents, TrainStartInfo, WorkerTrainResult } from './worker';
