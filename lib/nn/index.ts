export { Module } from './module';
export type { StateDict } from './module';
export { Linear, ReLU, Sigmoid } from './linear';
export * as functional from '../functional';
