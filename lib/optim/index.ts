export { Adam } from './adam';
export type { AdamOptions, AdamStateDict, AdamParamState, AdamParamGroup } from './adam';
export { SGD } from './sgd';
export type { SGDOptions, SGDStateDict, SGDParamGroup } from './sgd';
export * as lrScheduler from './lr-scheduler';
