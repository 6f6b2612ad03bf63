// The tutorial's experiments as libraries: data, model and training loop of each task.
export * as nri from './nri';
export * as jigsaw from './jigsaw';
export * as knn from './knn';
