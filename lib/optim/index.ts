export { Adam } from './adam';
export type { AdamOptions, AdamStateDict, AdamParamState, AdamParamGroup } from './adam';
