export { Adam } from './adam';
export type { AdamOptions, AdamStateDict, AdamParamState } from './adam';
