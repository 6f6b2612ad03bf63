// The differentiable k-NN on MNIST: the tutorial's second part (subsets).
export { KNN_TRAIN_SIZE, KNN_VALID_SIZE, disposeKnnData, loadKnnData } from './data';
export type { KnnData, KnnDataOptions, KnnSplit } from './data';
export { dknnLoss, knnScores } from './loss';
export type { DknnLossOptions } from './loss';
export { EMBEDDING_SIZE, KnnConvNet } from './model';
export { knnPredict, nearestNeighbors } from './predict';
export type { KnnPredictOptions } from './predict';
export { neighborGrid } from './picture';
export { KnnSession } from './session';
export { knnStep } from './step';
export type { KnnBatch } from './step';
export type { KnnSettings } from './session';
export { KNN_OPTIONS, checkKnnLimit, knnSettings, knnTask } from './task';
export type { KnnTask } from './task';
export { train } from './train';
export type { KnnEpochMetrics, KnnTrainOptions, KnnTrainResult } from './train';
