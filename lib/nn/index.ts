export { Module } from './module';
export type { StateDict } from './module';
export { Parameter } from './parameter';
export { ModuleList } from './module-list';
export { Linear, ReLU, Sigmoid } from './linear';
export * as functional from '../functional';
