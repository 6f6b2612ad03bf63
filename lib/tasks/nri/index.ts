// Neural Relational Inference on springs: the tutorial's fourth part.
export { drawSpringSystems, framesOf, integrateSprings, springsEnergy, springsSettings, SPRINGS_DEFAULTS } from './springs';
export type { IntegrateOptions, SpringsSettings, SpringSystems, SpringTrajectories } from './springs';
export { defaultCacheDir, loadSpringsData } from './data';
export type { SpringsData, SpringsDataOptions, SpringsSplit, SpringsSplitName } from './data';
export { edgeAccuracy, klCategoricalUniform, nllGaussian, Nri, NriDecoder, NriEncoder, NriMlp, NRI_DEFAULTS, relationMatrices } from './model';
export type { NriForwardOptions, NriOutput, NriShape } from './model';
export { evaluateNri, trainNri } from './train';
export type { NriEpochMetrics, NriEvalMetrics, NriStepMetrics, NriTrainOptions } from './train';
export { nriTask } from './task';
